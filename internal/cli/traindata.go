package cli

import "github.com/convscope/convscope/internal/model"

// dataSpec says where --train, --val and --validation-split take the data
// from; model.OpenData opens it exactly as the app does (Keras'
// flow_from_directory rules, or the built-in generated dataset).
func (f *trainFlags) dataSpec() model.DataSpec {
	if f.train == builtinData {
		return model.DataSpec{Generated: true, Seed: f.seed}
	}
	return model.DataSpec{TrainDir: f.train, ValDir: f.val, ValSplit: f.valSplit, Seed: f.seed}
}
