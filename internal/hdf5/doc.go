// Package hdf5 reads the subset of HDF5 that h5py and Keras write, in pure
// Go: enough to open Keras' legacy .h5 model files and the model.weights.h5
// inside a Keras 3 .keras archive.
//
// What it reads (names and layouts from the HDF5 File Format Specification,
// version 3.0, https://docs.hdfgroup.org/hdf5/develop/_f_m_t3.html):
//
//   - superblock versions 0, 1, 2 and 3 (signature at 0 or after a user block
//     of 512, 1024, 2048, … bytes);
//   - object headers version 1 and 2, with continuation blocks;
//   - old-style groups (symbol table message, version 1 B-tree of type 0,
//     symbol table nodes, local heap) and new-style compact groups (link
//     messages); dense link storage in a fractal heap is refused — h5py only
//     uses it for groups of more than 8 links under libver="latest";
//   - datasets with compact, contiguous and chunked layouts (data layout
//     message version 3 and 4; chunks indexed by a version 1 B-tree of type 1),
//     with the deflate, shuffle and fletcher32 filters;
//   - IEEE float32/float64 and integer data, little- or big-endian, read as
//     float32;
//   - attributes holding fixed-length strings, variable-length strings (global
//     heap), numbers, scalar or one-dimensional.
//
// A file is untrusted input: every offset and length is checked against the
// file's size before anything is read or allocated, B-trees and continuation
// chains are walked with a visited set and a depth limit, group walks detect
// cycles, and every problem is returned as one-line error starting "hdf5: ".
// Nothing here panics on a malformed file (see FuzzOpen).
//
// Why not a dependency: github.com/scigolib/hdf5 v0.14.0 (pure Go) reads the
// Keras fixtures, but with a few bytes of the LeNet file mutated it asks for
// a 160 TB allocation in its local-heap reader and the process dies with an
// unrecoverable "fatal error: out of memory" — a dropped file must never do
// that to the app. It is also 32,000 lines, most of them for writing.
package hdf5
