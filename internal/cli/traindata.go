package cli

import "github.com/convscope/convscope/internal/workbench"

// dataSpec says where --train, --val and --validation-split take the data
// from; workbench.OpenData opens it exactly as the app does (Keras'
// flow_from_directory rules, or the built-in generated dataset).
func (f *trainFlags) dataSpec() workbench.DataSpec {
	if f.train == builtinData {
		return workbench.DataSpec{Generated: true, Seed: f.seed}
	}
	return workbench.DataSpec{TrainDir: f.train, ValDir: f.val, ValSplit: f.valSplit, Seed: f.seed}
}
