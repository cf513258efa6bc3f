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
