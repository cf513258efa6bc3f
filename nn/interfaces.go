package nn

// Compile-time checks that every layer, optimizer, loss and metric
// satisfies the interfaces the models and the Trainer rely on (a missing or
// mistyped method fails the build here, not at a type assertion at run
// time).
var (
	_ Layer = (*Conv2D)(nil)
	_ Layer = (*MaxPooling2D)(nil)
	_ Layer = (*AveragePooling2D)(nil)
	_ Layer = (*GlobalAveragePooling2D)(nil)
	_ Layer = (*Flatten)(nil)
	_ Layer = (*Dense)(nil)
	_ Layer = (*Dropout)(nil)
	_ Layer = (*Activation)(nil)

	_ Layer = (*BatchNormalization)(nil)
	_ Layer = (*ZeroPadding2D)(nil)
	_ Layer = (*ReLU)(nil)
	_ Layer = (*LeakyReLU)(nil)
	_ Layer = (*Clip)(nil)
	_ Layer = (*HardSigmoid)(nil)
	_ Layer = (*HardSwish)(nil)
	_ Layer = (*Rescaling)(nil)
	_ Layer = (*Identity)(nil)
	_ Layer = (*Softmax)(nil)
	_ Layer = (*Reshape)(nil)
	_ Layer = (*SiLU)(nil)

	// Graph's multi-input layers and non-trainable state.
	_ MergeLayer = (*Add)(nil)
	_ MergeLayer = (*Concatenate)(nil)
	_ MergeLayer = (*Multiply)(nil)
	_ engineUser = (*Multiply)(nil)
	_ engineUser = (*SiLU)(nil)
	_ Stateful   = (*BatchNormalization)(nil)

	_ Initializer = (*BatchNormalization)(nil)
	_ engineUser  = (*BatchNormalization)(nil)
	_ engineUser  = (*ReLU)(nil)
	_ engineUser  = (*Add)(nil)
	_ model       = (*Sequential)(nil)
	_ model       = (*Graph)(nil)

	_ weightSkipper = (*Conv2D)(nil)
	_ weightSkipper = (*Dense)(nil)

	_ Initializer = (*Conv2D)(nil)
	_ Initializer = (*Dense)(nil)
	_ Seeder      = (*Dropout)(nil)
	_ poolFuser   = (*Conv2D)(nil)

	// The layers and optimizers that compute with an Engine
	// (Sequential.SetEngine, Trainer).
	_ engineUser = (*Conv2D)(nil)
	_ engineUser = (*Dense)(nil)
	_ engineUser = (*MaxPooling2D)(nil)
	_ engineUser = (*AveragePooling2D)(nil)
	_ engineUser = (*SGD)(nil)
	_ engineUser = (*RMSprop)(nil)
	_ engineUser = (*Adam)(nil)

	_ Optimizer = (*SGD)(nil)
	_ Optimizer = (*RMSprop)(nil)
	_ Optimizer = (*Adam)(nil)

	_ Loss        = BinaryCrossentropy{}
	_ Loss        = CategoricalCrossentropy{}
	_ Loss        = SparseCategoricalCrossentropy{}
	_ TargetSizer = SparseCategoricalCrossentropy{}

	_ Metric      = BinaryAccuracy{}
	_ Metric      = CategoricalAccuracy{}
	_ Metric      = SparseCategoricalAccuracy{}
	_ TargetSizer = SparseCategoricalAccuracy{}
)
