// Package nn is Convscope's convolutional-network engine: Keras-style layers
// (Conv2D, MaxPooling2D, Dense, …), a Sequential model that keeps every
// layer's activations, training with Keras' losses and optimizers, and
// weights on disk as safetensors. It depends only on gonum and the standard
// library and never draws.
//
// Models that are not a plain stack (ResNet's residual connections,
// SqueezeNet's concatenations, anything read from ONNX) are a Graph: Keras'
// functional API, named nodes each applying one layer to earlier nodes'
// outputs, run in topological order with every output kept. Graphs add the
// layers such models need: grouped, depthwise, dilated and explicitly padded
// Conv2D, BatchNormalization, Add, Concatenate, Multiply (with the
// squeeze-and-excitation broadcast), ZeroPadding2D, ReLU (ReLU6),
// LeakyReLU, Clip, HardSigmoid, HardSwish, SiLU, Softmax, Reshape,
// Rescaling, Identity, and pooling with explicit padding and ceil mode.
// Graph.BackwardWith computes the gradients explanations need (at any node,
// without weight gradients). A Sequential model runs as a chain on the same
// executor (Sequential.Graph is that chain, sharing the model's layers;
// either runs a Conv2D and the 2×2 MaxPooling2D after it as one fused
// pass, and, at inference, a Conv2D and the element-wise activation node
// that alone reads it, both outputs kept); Sequential.ToGraph copies a model into an independent Graph, and
// LoadGraphFile reads Sequential files too.
//
// Tensors are float32, batch first, channels last (NHWC), as Keras' default.
// How a model computes is a value it carries, an Engine (Sequential.SetEngine):
// the float32 BLAS its matrix products call (by default nn/sgemm, a packed,
// register-blocked Sgemm in Go and generated amd64 assembly, itself
// depending only on gonum and the standard library; gonum's own
// Implementation, or any blas.Float32, for comparisons) and the number of
// goroutines its parallel loops use (by default GOMAXPROCS). The package has
// no init function and no package state a user can change: importing it
// leaves gonum's blas32 and everything else as they were, and two models in
// one program may compute differently.
package nn
