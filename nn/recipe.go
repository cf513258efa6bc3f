package nn

// Recipe is what a training run is given besides the model and the data:
// Keras' model.compile(optimizer=…) and model.fit(…) arguments.
type Recipe struct {
	// Optimizer is a Keras optimizer identifier (OptimizerByName) and
	// LearningRate its learning rate (0: the optimizer's Keras default).
	Optimizer    string
	LearningRate float64
	// Epochs, StepsPerEpoch, BatchSize and ValidationSteps are fit's
	// arguments (FitConfig).
	Epochs, StepsPerEpoch, BatchSize, ValidationSteps int
}

// TutorialRecipe returns the Keras tutorial's settings, the one place
// Convscope defines them: RMSprop with learning rate 1e-4, batches of 20
// images, 30 epochs of 100 steps, 50 validation steps
// (model.compile(optimizer=optimizers.RMSprop(lr=1e-4), …);
// model.fit_generator(train_generator, steps_per_epoch=100, epochs=30,
// validation_steps=50) with flow_from_directory(…, batch_size=20)).
func TutorialRecipe() Recipe {
	return Recipe{Optimizer: "rmsprop", LearningRate: 1e-4, Epochs: 30, StepsPerEpoch: 100, BatchSize: 20, ValidationSteps: 50}
}

// FitConfig returns r's fit arguments; callbacks, validation data and
// control are the caller's to set.
func (r Recipe) FitConfig() FitConfig {
	return FitConfig{Epochs: r.Epochs, StepsPerEpoch: r.StepsPerEpoch, BatchSize: r.BatchSize, ValidationSteps: r.ValidationSteps}
}
