// Package render turns activations into pictures: per-channel statistics,
// the tutorial's display scaling, one composed image per layer (a "sheet" of
// channel tiles), colour bars, histograms, kernel pictures and PNG export.
//
// Activations are one sample of a layer's output in NHWC order: a slice of
// h·w·c float32 values where channel ch of pixel (y, x) is act[(y·w+x)·c+ch],
// as returned by nn.Tensor.Sample.
//
// All drawing writes into an *image.RGBA's Pix directly. Renderers that take
// a destination reuse it when its size matches, so rendering the same layer
// again does not allocate. Never render into an image a UI is displaying:
// render into a second buffer and swap.
//
// This package does not import Fyne.
package render
