#!/usr/bin/python3
"""The Fashion-MNIST test images that the embedded 2,000-image sample does not contain.

    /usr/bin/python3 tools/make_heldout.py --out /tmp/heldout

writes fashion-heldout-images.idx.gz and fashion-heldout-labels.idx.gz: the 8,000 t10k images
(in t10k order) outside models/fashion-sample-*.idx.gz. The embedded sample is a class-stratified
subset of t10k (make_sample.py), and `bocomp tune` draws its inputs from it, so these 8,000 images
are held out from every tuning run on the default data: quality of record is scored on them.
The script first checks that make_sample.sample_indices() reproduces the committed sample exactly.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_sample  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--data-dir", default=make_sample.DEFAULT_DATA_DIR)
    ap.add_argument("--sample-dir", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "models"))
    args = ap.parse_args(argv)
    images, labels = make_sample.load_split(args.data_dir, "t10k")
    idx = make_sample.sample_indices(labels)
    si = make_sample.read_idx(os.path.join(args.sample_dir, make_sample.SAMPLE_IMAGES))
    sl = make_sample.read_idx(os.path.join(args.sample_dir, make_sample.SAMPLE_LABELS))
    if not (np.array_equal(si, images[idx]) and np.array_equal(sl, labels[idx])):
        sys.exit("make_heldout: the committed sample is not make_sample.sample_indices() of t10k")
    keep = np.setdiff1d(np.arange(len(labels)), idx)
    os.makedirs(args.out, exist_ok=True)
    make_sample.write_idx_gz(os.path.join(args.out, "fashion-heldout-images.idx.gz"), images[keep])
    make_sample.write_idx_gz(os.path.join(args.out, "fashion-heldout-labels.idx.gz"), labels[keep])
    print(f"held-out: {len(keep)} t10k images outside the {len(idx)}-image sample -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
