// Package nn is Convscope's convolutional-network engine: Keras-style layers
// (Conv2D, MaxPooling2D, Dense, …), a Sequential model that keeps every
// layer's activations, training with Keras' losses and optimizers, and
// weights on disk as safetensors. It depends only on gonum and the standard
// library and never draws.
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
