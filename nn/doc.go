// Package nn is Convscope's convolutional-network engine: Keras-style layers
// (Conv2D, MaxPooling2D, Dense, …), a Sequential model that keeps every
// layer's activations, training with Keras' losses and optimizers, and
// weights on disk as safetensors. It depends only on gonum and the standard
// library and never draws.
//
// Tensors are float32, batch first, channels last (NHWC), as Keras' default.
// Matrix products go through gonum's blas32. At initialisation the package
// installs its own subpackage nn/sgemm (a packed, register-blocked Sgemm in
// Go and generated amd64 assembly, itself depending only on gonum and the
// standard library) with blas32.Use; CONVSCOPE_GEMM=gonum keeps gonum's
// Sgemm, and any other float32 BLAS can be installed with blas32.Use.
package nn
