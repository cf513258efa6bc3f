package session

// The engine of the model on screen. The app's most frequent operation is
// one image through the whole network (an image dropped, a live refresh,
// an explanation), so the worker turns on nn.Engine.PackWeights: the
// convolution kernels are packed once into the GEMM's panel layout instead
// of on every pass (BENCHMARKS.md: −7 to −16 % per image on the imported
// torchvision models). The packed copy is only valid while the weights do
// not change: nn drops it itself in Init, CopyWeightsFrom, loading, and
// every training pass; code that writes Param.Value directly calls the
// model's WeightsChanged (the explanations' sanity check when it puts the
// weights back, transfer's weight copies, the atlas' prefix network).

// useInferenceEngine turns PackWeights on for m's network, keeping the
// rest of its engine. Call it from the goroutine that owns the network.
func useInferenceEngine(m *Model) {
	if m == nil {
		return
	}
	if m.Net != nil && !m.Net.Engine().PackWeights {
		e := m.Net.Engine()
		e.PackWeights = true
		m.Net.SetEngine(e)
	}
	if m.Graph != nil && !m.Graph.Engine().PackWeights {
		e := m.Graph.Engine()
		e.PackWeights = true
		m.Graph.SetEngine(e)
	}
}
