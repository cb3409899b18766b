#!/usr/bin/python3
"""Fashion-MNIST IDX helpers and the fixed 2,000-image evaluation sample.

Run with Debian's interpreter:

    /usr/bin/python3 tools/make_sample.py --out models/

writes models/fashion-sample-images.idx.gz and models/fashion-sample-labels.idx.gz.

Sample definition (deterministic, documented in tools/README.md):
  for each class c = 0..9 (in that order), take the t10k indices whose label is c
  (ascending), draw 200 of them without replacement with
  numpy.random.default_rng(SAMPLE_SEED + c).choice(...); the union of the ten draws
  is sorted ascending, so the sample keeps t10k order. SAMPLE_SEED = 20240601.
The files are standard IDX (big-endian header: images magic 0x00000803, dims
[2000, 28, 28], uint8; labels magic 0x00000801, dims [2000], uint8) gzipped with
mtime 0, no file name in the header and compresslevel 9, so reruns are byte-identical.
"""
import argparse
import gzip
import hashlib
import io
import os
import struct
import sys

import numpy as np

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
SAMPLE_SEED = 20240601
SAMPLE_PER_CLASS = 200
SAMPLE_IMAGES = "fashion-sample-images.idx.gz"
SAMPLE_LABELS = "fashion-sample-labels.idx.gz"

_DTYPES = {0x08: np.uint8}


def read_idx(path):
    """Reads a (optionally gzipped) IDX file into a numpy array (uint8 only)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code not in _DTYPES:
        raise ValueError(f"{path}: unsupported IDX header {data[:4].hex()}")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=_DTYPES[dtype_code], offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError(f"{path}: expected {dims} elements, found {arr.size}")
    return arr.reshape(dims).copy()


def idx_bytes(arr):
    """Serialises a uint8 array as IDX (magic 0x0000 08 <ndim>, big-endian dims)."""
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    header = struct.pack(">HBB", 0, 0x08, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    return header + arr.tobytes()


def write_idx_gz(path, arr):
    """Writes gzipped IDX with a fixed header (mtime 0, no name) so output is byte-identical."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(idx_bytes(arr))
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def load_split(data_dir, split):
    """split is 'train' or 't10k'; returns (images uint8 [N,28,28], labels uint8 [N])."""
    images = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"))
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (28, 28):
        raise ValueError(f"bad {split} shapes {images.shape} {labels.shape}")
    return images, labels


def sample_indices(labels, per_class=SAMPLE_PER_CLASS, seed=SAMPLE_SEED):
    """Seeded class-stratified sample of t10k indices, returned in ascending (t10k) order."""
    chosen = []
    for c in range(10):
        idx = np.flatnonzero(labels == c)
        rng = np.random.default_rng(seed + c)
        chosen.append(rng.choice(idx, size=per_class, replace=False))
    return np.sort(np.concatenate(chosen))


def make_sample(data_dir, out_dir):
    images, labels = load_split(data_dir, "t10k")
    idx = sample_indices(labels)
    os.makedirs(out_dir, exist_ok=True)
    img_path = os.path.join(out_dir, SAMPLE_IMAGES)
    lbl_path = os.path.join(out_dir, SAMPLE_LABELS)
    write_idx_gz(img_path, images[idx])
    write_idx_gz(lbl_path, labels[idx])
    # read back and check
    ri, rl = read_idx(img_path), read_idx(lbl_path)
    assert ri.shape == (10 * SAMPLE_PER_CLASS, 28, 28) and rl.shape == (10 * SAMPLE_PER_CLASS,)
    assert np.array_equal(ri, images[idx]) and np.array_equal(rl, labels[idx])
    assert np.all(np.bincount(rl, minlength=10) == SAMPLE_PER_CLASS)
    for p in (img_path, lbl_path):
        with open(p, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        print(f"wrote {p}  {os.path.getsize(p)} bytes  sha256 {digest}")
    print(f"sample: {len(idx)} t10k images, {SAMPLE_PER_CLASS}/class, seed {SAMPLE_SEED}; "
          f"first indices {idx[:8].tolist()}, last {idx[-3:].tolist()}")
    return idx


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="models/", help="output directory (default models/)")
    ap.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    args = ap.parse_args(argv)
    make_sample(args.data_dir, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
