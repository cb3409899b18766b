#!/usr/bin/python3
"""Peer of DecompositionBench: the same decompositions with numpy/scipy (and scikit-learn's
randomized SVD) on the same tensors, then the Java/numpy time ratios.

Inputs are the .npy files written by io.bocomp.bench.DecompositionInputs; the Java times are read
from the JMH JSON result file. Both sides use the same thread count when OPENBLAS_NUM_THREADS is
set in the environment (it is read by both OpenBLAS builds at load time).

    /usr/bin/python3 benchmarks/peers/decomp_scipy_peer.py --inputs DIR --jmh decomp-jmh.json

Prints a markdown table: case, Java median ms, numpy median ms, ratio (Java / numpy; < 1 means Java
is faster). Run the whole comparison with benchmarks/peers/run_decomp.sh.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import scipy
import scipy.linalg as sl
import sklearn
from sklearn.utils.extmath import randomized_svd

CASES = {
    # name: (kind, description)
    "FC_4096X4096": ("svd", "VGG-16 fc7 4096x4096, full thin SVD (gesdd)"),
    "FC_1000X4096": ("svd", "VGG-16 fc8 1000x4096, full thin SVD (gesdd)"),
    "FC_4096X25088_R512": ("rsvd", "VGG-16 fc6 4096x25088, randomized SVD r=512 p=10 q=2"),
    "CONV_512X512X3X3": ("tucker2", "VGG-16 conv5 512x512x3x3, Tucker-2 HOSVD"),
    "CONV_256X256X3X3": ("tucker2", "VGG-16 conv3 256x256x3x3, Tucker-2 HOSVD"),
}
RSVD_RANK, RSVD_OVERSAMPLE, RSVD_POWER = 512, 10, 2


def svd(a):
    return sl.svd(a, full_matrices=False, lapack_driver="gesdd", check_finite=False)


def rsvd(a):
    return randomized_svd(a, n_components=RSVD_RANK, n_oversamples=RSVD_OVERSAMPLE,
                          n_iter=RSVD_POWER, power_iteration_normalizer="QR",
                          transpose=False, random_state=42)


def tucker2(w):
    """Same algorithm as CpuDecompositions.tucker2: Gram of both unfoldings (syrk via a @ a.T),
    eigh (syevd), eigenvalues reversed to descending, core by two mode products (gemm)."""
    cout, cin, kh, kw = w.shape
    k2 = kh * kw
    w0 = w.reshape(cout, cin * k2)
    w1 = np.ascontiguousarray(w.reshape(cout, cin, k2).transpose(1, 0, 2)).reshape(cin, cout * k2)
    e_out, u_out = sl.eigh(w0 @ w0.T, driver="evd", check_finite=False)
    e_in, u_in = sl.eigh(w1 @ w1.T, driver="evd", check_finite=False)
    u_out, u_in = np.ascontiguousarray(u_out[:, ::-1]), np.ascontiguousarray(u_in[:, ::-1])
    a = u_in.T @ w1                                              # [cin(q), cout * k2]
    ap = np.ascontiguousarray(a.reshape(cin, cout, k2).transpose(1, 0, 2)).reshape(cout, cin * k2)
    core = (u_out.T @ ap).reshape(cout, cin, kh, kw)
    return u_out, u_in, core, e_out[::-1], e_in[::-1]


def time_ms(fn, x, repeats, warmup=1):
    for _ in range(warmup):
        fn(x)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(x)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def jmh_medians(path):
    out = {}
    with open(path) as f:
        for r in json.load(f):
            layer = r["params"]["layer"]
            raw = [v for fork in r["primaryMetric"]["rawData"] for v in fork]
            out[layer] = statistics.median(raw)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--jmh", required=True)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    java = jmh_medians(args.jmh)
    fns = {"svd": svd, "rsvd": rsvd, "tucker2": tucker2}
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
          f"OPENBLAS_NUM_THREADS={threads}")
    print()
    print("| case | Java ms (median) | numpy/scipy ms (median) | ratio Java/numpy |")
    print("|---|---:|---:|---:|")
    for name, (kind, desc) in CASES.items():
        if name not in java:
            continue
        x = np.load(os.path.join(args.inputs, name.lower() + ".npy"))
        peer = time_ms(fns[kind], x, args.repeats)
        print(f"| {desc} | {java[name]:.0f} | {peer:.0f} | {java[name] / peer:.2f} |")


if __name__ == "__main__":
    main()
