#!/usr/bin/env python3
"""PyTorch peers of io.bocomp.bench.gpu.GpuBenchmark, run on the same GPU host in the same session.

Same workloads, same timing rules: data already on the GPU, one warm-up, then median and minimum of
N wall-clock runs, each ending in torch.cuda.synchronize(); the distance reduction alone is also timed
with CUDA events around back-to-back repetitions.

  svd       torch.linalg.svd(full_matrices=False) of every VGG-16 layer matrix (13 conv unfoldings
            Cout x Cin*9, FC 25088x4096, 4096x4096, 4096x1000), float32, one call per matrix (torch
            has no batched SVD over different shapes); default driver (gesvdj, gesvd fallback), and
            the explicit gesvd and gesvda drivers (one run each) for reference; plus bocomp's Gram
            route written in PyTorch
  tucker    HOSVD of the 13 VGG-16 conv kernels in float32: Gram matrices of the mode-0/1 unfoldings,
            torch.linalg.eigh, eigenpairs flipped to descending, core by two tensordots
  distance  ((out - ref)**2).sum(1) -> mean and standard error, on 50x1000 logits and larger

Usage: python3 torch_gpu_peers.py [svd|tucker|distance|all] [runs]
"""
import statistics
import sys
import time

import torch

VGG16_CONV = [(64, 3), (64, 64), (128, 64), (128, 128), (256, 128), (256, 256), (256, 256),
              (512, 256), (512, 512), (512, 512), (512, 512), (512, 512), (512, 512)]
VGG16_FC = [(25088, 4096), (4096, 4096), (4096, 1000)]


def timed(runs, fn, warmup=True):
    if warmup:
        fn()
        torch.cuda.synchronize()
    ms = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        ms.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ms), min(ms), runs


def report(name, detail, t):
    print(f"{name} median_ms={t[0]:.3f} min_ms={t[1]:.3f} runs={t[2]} ({detail})", flush=True)


def uniform(shape, seed):
    g = torch.Generator(device="cuda").manual_seed(seed)
    return torch.rand(shape, generator=g, device="cuda", dtype=torch.float32) * 2 - 1


def svd(runs):
    shapes = [(co, ci * 9) for co, ci in VGG16_CONV] + VGG16_FC
    mats = [uniform(s, i + 1) for i, s in enumerate(shapes)]
    for driver in [None, "gesvd", "gesvda"]:
        def run():
            for a in mats:
                torch.linalg.svd(a, full_matrices=False, driver=driver)
        try:
            # the default driver (gesvdj with a gesvd fallback) gets the full protocol; the others
            # one run each after it (cuSOLVER already loaded), to bound the session's GPU time
            n = runs if driver is None else 1
            report("torch-svd-vgg16", f"all {len(mats)} matrices, driver={driver}",
                   timed(n, run, warmup=driver is None))
        except RuntimeError as e:  # a driver may refuse a shape
            print(f"torch-svd-vgg16 driver={driver} failed: {str(e).splitlines()[0]}", flush=True)
    for a in mats:
        report("torch-svd-vgg16-layer", f"{a.shape[0]}x{a.shape[1]} alone, default driver",
               timed(min(runs, 3), lambda: torch.linalg.svd(a, full_matrices=False)))
    conv = mats[:len(VGG16_CONV)]
    report("torch-svd-vgg16-conv", "13 conv unfoldings only, default driver",
           timed(runs, lambda: [torch.linalg.svd(a, full_matrices=False) for a in conv]))
    # The algorithm bocomp's Gram route uses, in PyTorch: A^T A or A A^T in float64, eigh, one GEMM.
    def gram_route():
        for a in mats:
            a64 = a.double()
            tall = a.shape[0] >= a.shape[1]
            g = a64.T @ a64 if tall else a64 @ a64.T
            w, q = torch.linalg.eigh(g)
            w, q = w.flip(0), q.flip(1)
            s = w.clamp_min(0).sqrt()
            inv = torch.where(s > 1e-6 * s[0], 1 / s, torch.zeros_like(s))
            if tall:
                u = (a64 @ q) * inv
                _ = (u.float(), s.float(), q.T.float())
            else:
                vt = (q.T @ a64) * inv[:, None]
                _ = (q.float(), s.float(), vt.float())
    report("torch-gram-route-vgg16", "same algorithm as bocomp's Gram route, float64", timed(runs, gram_route))


def tucker(runs):
    kernels = [uniform((co, ci, 3, 3), 100 + i) for i, (co, ci) in enumerate(VGG16_CONV)]

    def hosvd():
        for w in kernels:
            co, ci = w.shape[0], w.shape[1]
            w0 = w.reshape(co, -1)
            w1 = w.transpose(0, 1).reshape(ci, -1)
            e0, u0 = torch.linalg.eigh(w0 @ w0.T)
            e1, u1 = torch.linalg.eigh(w1 @ w1.T)
            u0, u1, e0, e1 = u0.flip(1), u1.flip(1), e0.flip(0), e1.flip(0)
            core = torch.tensordot(u0.T, w, dims=([1], [0]))            # (co, ci, 3, 3)
            core = torch.tensordot(u1.T, core, dims=([1], [1])).transpose(0, 1)
    report("torch-tucker2-vgg16", "13 conv kernels, float32 HOSVD", timed(runs, hosvd))


def distance():
    for n, d in [(50, 1000), (1000, 1000), (50, 100_000), (50, 1_000_000), (1000, 100_000)]:
        out, ref = uniform((n, d), 7), uniform((n, d), 8)
        nbytes = 2 * 4 * n * d

        def stats():
            per = ((out - ref) ** 2).sum(1, dtype=torch.float64)
            return per.mean(), per.std() / n ** 0.5

        reps = int(max(20, min(2000, 4e9 / nbytes)))
        stats()
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(reps):
            stats()
        stop.record()
        torch.cuda.synchronize()
        us = start.elapsed_time(stop) * 1e3 / reps
        call = timed(50, lambda: [x.item() for x in stats()])
        print(f"torch-distance {n}x{d} kernel_us={us:.2f} kernel_GBps={nbytes / us / 1e3:.1f} "
              f"call_median_us={call[0] * 1e3:.1f} call_GBps={nbytes / (call[0] * 1e6):.1f}", flush=True)


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(f"# torch {torch.__version__} cuda {torch.version.cuda} on {torch.cuda.get_device_name()}", flush=True)
    if what in ("all", "distance"):
        distance()
    if what in ("all", "tucker"):
        tucker(runs)
    if what in ("all", "svd"):
        svd(runs)


if __name__ == "__main__":
    main()
