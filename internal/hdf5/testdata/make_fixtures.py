#!/usr/bin/python3
"""Writes the HDF5 files internal/hdf5's tests read, with Debian's python3-h5py.

Run from this directory:  /usr/bin/python3 make_fixtures.py

Every numeric dataset holds value(i) = (i % 97) * 0.25 - 3 at flat index i
(exact in float32, float64 and, rounded, as integers), so the Go tests can
check them without a second copy of the data.

  earliest.h5  h5py's default libver: superblock 0, version 1 object headers,
               symbol-table groups (one with 40 members: several B-tree leaves),
               contiguous, compact and chunked datasets (deflate+shuffle,
               fletcher32, partial edge chunks, a two-level chunk B-tree),
               big-endian floats and integers, float16, string and number
               attributes.
  latest.h5    libver="latest": superblock 3, version 2 object headers,
               compact link-message groups, contiguous and compact datasets.
  v108.h5      libver="v108" (HDF5 1.8 format): superblock 2.
  userblock.h5 a 512-byte user block before the superblock.
  dense_links.h5 libver="latest" with 9 links in a group: dense link storage,
               which the reader refuses with a clear error.
  small_chunked.h5  two small chunked datasets (gzip+shuffle, fletcher32):
               the fuzz target's seed for the chunk code.
  bad_cycle.h5 a group holding a hard link to its own parent.
  bad_huge.h5  a 1 KB-ish file whose dataset declares 2 GiB (patched bytes).
"""
import struct

import h5py
import numpy as np


def values(shape, dtype):
    n = int(np.prod(shape)) if shape else 1
    v = (np.arange(n) % 97) * 0.25 - 3
    return v.reshape(shape).astype(dtype)


def compact(parent, name, data):
    """A compact-layout dataset (data inside the object header), via the low-level API."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    space = h5py.h5s.create_simple(data.shape)
    tid = h5py.h5t.py_create(data.dtype)
    ds = h5py.h5d.create(parent.id, name.encode(), tid, space, dcpl=dcpl)
    ds.write(h5py.h5s.ALL, h5py.h5s.ALL, data)


def common(f, chunked=True):
    f.attrs["vlen"] = "a variable-length string"
    f.attrs.create("fixed", np.array([b"conv2d_1", b"dense"], dtype="S8"))
    f.attrs["number"] = np.float64(2.5)
    f.attrs["empty"] = np.array([])
    g = f.create_group("g")
    g.create_dataset("f32", data=values((3, 4), "<f4"))
    g.create_dataset("f32be", data=values((3, 4), ">f4"))
    g.create_dataset("f64", data=values((2, 3, 5), "<f8"))
    g.create_dataset("f64be", data=values((7,), ">f8"))
    g.create_dataset("i16be", data=values((6,), ">i2"))
    g.create_dataset("scalar", data=values((), "<f4"))
    compact(g, "compact", values((5,), "<f4"))
    g["deep/er/leaf"] = values((2,), "<f4")
    if chunked:
        g.create_dataset("f16", data=values((5, 2), "<f2"))
        c = f.create_group("chunked")
        c.create_dataset("gzip_shuffle", data=values((10, 7), "<f4"), chunks=(4, 3),
                         compression="gzip", shuffle=True)
        c.create_dataset("plain", data=values((5, 5, 3), "<f4"), chunks=(2, 2, 2))
        c.create_dataset("fletcher", data=values((9,), ">f8"), chunks=(4,), fletcher32=True)
        c.create_dataset("many", data=values((300,), "<f4"), chunks=(2,), compression="gzip")
        m = f.create_group("many")
        for i in range(40):
            m.create_dataset("d%02d" % i, data=values((1,), "<f4") + i)


with h5py.File("earliest.h5", "w") as f:
    common(f)

with h5py.File("latest.h5", "w", libver="latest") as f:
    common(f, chunked=False)

with h5py.File("v108.h5", "w", libver=("v108", "v108")) as f:
    f.create_dataset("x", data=values((4,), "<f4"))
    f.attrs["vlen"] = "a variable-length string"

# libver="latest" keeps at most 8 links in the header (compact storage);
# a ninth moves the group to dense storage (a fractal heap), not supported.
with h5py.File("dense_links.h5", "w", libver="latest") as f:
    for i in range(9):
        f.create_dataset("d%d" % i, data=values((1,), "<f4"))

with h5py.File("userblock.h5", "w", userblock_size=512) as f:
    f.create_dataset("x", data=values((4,), "<f4"))

# A small file of chunked data, the fuzz target's seed for the chunk paths.
with h5py.File("small_chunked.h5", "w") as f:
    f.create_dataset("z", data=values((6, 5), "<f4"), chunks=(4, 2), compression="gzip", shuffle=True)
    f.create_dataset("c", data=values((7,), ">f8"), chunks=(3,), fletcher32=True)

with h5py.File("bad_cycle.h5", "w") as f:
    f.create_group("a/b")
    f["a/b/loop"] = f["a"]

# A dataset of 13 floats whose dataspace and layout are then patched to
# declare 2**29 floats (2 GiB) stored contiguously in a file of about 1.4 KB.
with h5py.File("bad_huge.h5", "w") as f:
    ds = f.create_dataset("huge", data=values((13,), "<f4"))
    offset = ds.id.get_offset()
raw = bytearray(open("bad_huge.h5", "rb").read())
layout = b"\x03\x01" + struct.pack("<QQ", offset, 13 * 4)
i = raw.find(layout)
assert i >= 0 and raw.find(layout, i + 1) < 0
raw[i:i + len(layout)] = b"\x03\x01" + struct.pack("<QQ", offset, 4 << 29)
dims = struct.pack("<Q", 13)
n = raw.count(dims)
assert n == 2, n  # dims and maxdims
raw = raw.replace(dims, struct.pack("<Q", 1 << 29))
open("bad_huge.h5", "wb").write(bytes(raw))
