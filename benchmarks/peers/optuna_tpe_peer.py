#!/usr/bin/python3
"""Per-trial overhead of Optuna's TPE sampler (the sampler's own work, not the objective's).

A study with d float parameters in [0, 1] is pre-filled with n completed trials of the same
smooth objective as BoIterationBenchmark; then the time of one ask + tell (TPE fits its Parzen
estimators on the history and picks among 24 candidates) is measured, median over --reps trials.
Compare with the Java 'incremental' and 'refit' iterations at the same n and d. Run with Debian's
interpreter (Optuna 3.1):

  /usr/bin/python3 benchmarks/peers/optuna_tpe_peer.py --n 50 100 200 400 --d 4 16 32
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import create_trial


def objective_value(x):
    d = len(x)
    j = np.arange(d)
    return float(np.sum(np.sin(3 * x + j) * (1 + 0.1 * j) + 0.5 * x * np.roll(x, -1)))


def overhead(n, d, reps):
    rng = np.random.default_rng(42)
    dists = {f"x{j}": FloatDistribution(0.0, 1.0) for j in range(d)}
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=7))
    for _ in range(n):
        x = rng.random(d)
        study.add_trial(create_trial(params={f"x{j}": float(x[j]) for j in range(d)}, distributions=dists,
                                     value=objective_value(x)))
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        trial = study.ask(dists)
        x = np.array([trial.params[f"x{j}"] for j in range(d)])
        study.tell(trial, objective_value(x))
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, nargs="+", default=[200])
    p.add_argument("--d", type=int, nargs="+", default=[16])
    p.add_argument("--reps", type=int, default=7)
    a = p.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    print(f"# python {sys.version.split()[0]}, optuna {optuna.__version__}, cpus {os.cpu_count()}")
    for n in a.n:
        for d in a.d:
            print(json.dumps({"n": n, "d": d, "tpe_ms_per_trial": overhead(n, d, a.reps)}))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
