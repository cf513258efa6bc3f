package hdf5

// Half exposes half for the external tests.
var Half = half
