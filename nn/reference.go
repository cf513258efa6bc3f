package nn

import "fmt"

// ReferenceArch returns the architecture of the convnet of the Keras
// tutorial Convscope is modelled on (cats vs dogs, Chollet's "Deep Learning
// with Python" §5.2): 150×150×3 input, four 3×3 relu convolutions with 32,
// 64, 128 and 128 filters each followed by 2×2 max pooling, then Flatten,
// Dense 512 relu and Dense 1 sigmoid; 3,453,121 parameters. Layer names are
// Keras' automatic ones, so ReferenceArch equals ReferenceModel().Arch().
func ReferenceArch() Arch {
	a := Arch{InputShape: []int{150, 150, 3}}
	for i, filters := range []int{32, 64, 128, 128} {
		a.Layers = append(a.Layers,
			LayerConfig{ClassName: "Conv2D", Name: fmt.Sprintf("conv2d_%d", i+1), Filters: filters, KernelSize: [2]int{3, 3}, Activation: "relu"}.withDefaults(),
			LayerConfig{ClassName: "MaxPooling2D", Name: fmt.Sprintf("max_pooling2d_%d", i+1), PoolSize: [2]int{2, 2}}.withDefaults())
	}
	a.Layers = append(a.Layers,
		LayerConfig{ClassName: "Flatten", Name: "flatten_1"},
		LayerConfig{ClassName: "Dense", Name: "dense_1", Units: 512, Activation: "relu"},
		LayerConfig{ClassName: "Dense", Name: "dense_2", Units: 1, Activation: "sigmoid"})
	return a
}

// ReferenceModel builds ReferenceArch with Glorot-uniform weights (seed 0).
// In Keras:
//
//	model = models.Sequential()
//	model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(150, 150, 3)))
//	model.add(layers.MaxPooling2D((2, 2)))
//	model.add(layers.Conv2D(64, (3, 3), activation='relu'))
//	model.add(layers.MaxPooling2D((2, 2)))
//	model.add(layers.Conv2D(128, (3, 3), activation='relu'))
//	model.add(layers.MaxPooling2D((2, 2)))
//	model.add(layers.Conv2D(128, (3, 3), activation='relu'))
//	model.add(layers.MaxPooling2D((2, 2)))
//	model.add(layers.Flatten())
//	model.add(layers.Dense(512, activation='relu'))
//	model.add(layers.Dense(1, activation='sigmoid'))
func ReferenceModel() (*Sequential, error) { return ReferenceArch().Build() }
