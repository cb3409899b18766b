#!/usr/bin/python3
"""One Bayesian-optimization iteration with scikit-learn + SciPy, the peer of BoIterationBenchmark.

Same work as the Java benchmark at n observations in d dimensions (the same smooth objective on
[0, 1]^d, standard error 0.01 per observation, fixed heteroscedastic noise):

  refit:     GaussianProcessRegressor (constant * Matern-5/2 ARD, normalize_y, alpha = noise
             variances) fitted by L-BFGS-B on the log marginal likelihood, warm-started from the
             kernel fitted at n - 1 (one start), then EI maximized: 512 scrambled Sobol raw samples
             scored in one batch, the best 8 polished by scipy L-BFGS-B (at most 60 iterations,
             finite-difference gradients: scikit-learn gives no predictive gradients).
  norefit:   the same with the kernel kept (optimizer=None): factorization + acquisition, the peer of
             the Java 'incremental' iteration.

Differences that favour the peer: scikit-learn maximizes the likelihood (no hyperparameter priors)
and EI is plug-in EI on the posterior-mean incumbent, not the corrected noisy EI.

With --java-jar it also runs the JMH benchmark for the same sizes in this process's run and prints
the ratios. Run with Debian's interpreter, which has numpy, scipy and scikit-learn:

  /usr/bin/python3 benchmarks/peers/bo_sklearn_peer.py --n 200 --d 16 \
      --java-jar benchmarks/target/benchmarks.jar
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from scipy.optimize import minimize
from scipy.stats import norm, qmc
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern

RAW_SAMPLES = 512
RESTARTS = 8
MAX_ITER = 60
STDERR = 0.01


def objective(x):
    d = x.shape[-1]
    j = np.arange(d)
    return np.sum(np.sin(3 * x + j) * (1 + 0.1 * j) + 0.5 * x * np.roll(x, -1, axis=-1), axis=-1)


def data(n, d):
    rng = np.random.default_rng(42)
    x = rng.random((n, d))
    y = objective(x) + STDERR * rng.standard_normal(n)
    return x, y


def regressor(kernel, y, optimize):
    alpha = (STDERR / np.std(y, ddof=1)) ** 2  # fixed noise in normalized units
    return GaussianProcessRegressor(kernel=kernel, alpha=np.full(len(y), alpha), normalize_y=True,
                                    optimizer="fmin_l_bfgs_b" if optimize else None,
                                    n_restarts_optimizer=0, random_state=0)


def neg_log_ei(u, gp, best):
    mu, sd = gp.predict(np.atleast_2d(u), return_std=True)
    sd = np.maximum(sd, 1e-12)
    z = (best - mu) / sd
    ei = sd * (norm.pdf(z) + z * norm.cdf(z))
    return -float(np.log(np.maximum(ei, 1e-300))[0])


def iteration(x, y, kernel, optimize, seed):
    t0 = time.perf_counter()
    gp = regressor(kernel, y, optimize).fit(x, y)
    t1 = time.perf_counter()
    d = x.shape[1]
    best = float(np.min(gp.predict(x)))
    raw = qmc.Sobol(d, scramble=True, seed=seed).random(RAW_SAMPLES)
    mu, sd = gp.predict(raw, return_std=True)
    sd = np.maximum(sd, 1e-12)
    z = (best - mu) / sd
    score = np.log(np.maximum(sd * (norm.pdf(z) + z * norm.cdf(z)), 1e-300))
    starts = raw[np.argsort(-score)[:RESTARTS]]
    best_val, best_x = math.inf, None
    for s in starts:
        r = minimize(neg_log_ei, s, args=(gp, best), method="L-BFGS-B", bounds=[(0, 1)] * d,
                     options={"maxiter": MAX_ITER})
        if r.fun < best_val:
            best_val, best_x = r.fun, r.x
    t2 = time.perf_counter()
    return gp, t1 - t0, t2 - t1


def peer(n, d, reps):
    x, y = data(n, d)
    kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(length_scale=np.full(d, 0.5),
                                                       length_scale_bounds=(1e-3, 30), nu=2.5)
    # the previous iteration's fit at n - 1 (three starts, untimed) gives the warm start
    warm = GaussianProcessRegressor(kernel=kernel, alpha=np.full(n - 1, (STDERR / np.std(y, ddof=1)) ** 2),
                                    normalize_y=True, n_restarts_optimizer=2, random_state=0)
    warm.fit(x[:-1], y[:-1])
    out = {}
    for mode, optimize in (("refit", True), ("norefit", False)):
        fits, acqs = [], []
        for r in range(reps):
            _, tf, ta = iteration(x, y, warm.kernel_, optimize, seed=r)
            fits.append(tf)
            acqs.append(ta)
        total = [a + b for a, b in zip(fits, acqs)]
        out[mode] = {"ms": 1e3 * float(np.median(total)), "fit_ms": 1e3 * float(np.median(fits)),
                     "acq_ms": 1e3 * float(np.median(acqs))}
    return out


def java(jar, n, d, warmup, iters):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        path = f.name
    cmd = ["java", "-jar", jar, "BoIterationBenchmark.(refit|incremental)", "-p", f"n={n}", "-p", f"d={d}",
           "-f", "1", "-wi", str(warmup), "-i", str(iters), "-w", "2s", "-r", "2s", "-rf", "json", "-rff", path]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(path) as f:
        res = json.load(f)
    os.unlink(path)
    return {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in res}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, nargs="+", default=[200])
    p.add_argument("--d", type=int, nargs="+", default=[16])
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--java-jar", help="benchmarks.jar: also run the JMH benchmark and print ratios")
    p.add_argument("--jmh-warmup", type=int, default=2)
    p.add_argument("--jmh-iterations", type=int, default=3)
    a = p.parse_args()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    print(f"# python {sys.version.split()[0]}, numpy {np.__version__}, scikit-learn "
          f"{__import__('sklearn').__version__}, cpus {os.cpu_count()}")
    for n in a.n:
        for d in a.d:
            res = peer(n, d, a.reps)
            line = {"n": n, "d": d, "sklearn": res}
            if a.java_jar:
                j = java(a.java_jar, n, d, a.jmh_warmup, a.jmh_iterations)
                line["java_ms"] = j
                line["speedup_refit"] = res["refit"]["ms"] / j["refit"]
                line["speedup_norefit_vs_incremental"] = res["norefit"]["ms"] / j["incremental"]
            print(json.dumps(line))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
