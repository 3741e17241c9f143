"""Regime scan of the axial (1D) solver: accuracy against mpmath and invariants, with timings.

    python benchmarks/axial_scan.py             # table comparison + invariant scan (~5 min)
    python benchmarks/axial_scan.py --quick     # a few points of each
    python benchmarks/axial_scan.py --fresh 40  # also 40 random off-grid points vs fresh mpmath

Prints the largest relative errors of MFPT and λ1 against the mpmath references of
``tests/thermal/axial_reference.json`` (closed-form MFPT double integral, certified Legendre
determinant for λ1), the invariants on a denser grid (MFPT, λ1, τ_int finite and positive,
τ_int <= 1/λ1, MFPT monotone in i) and the solvers' runtimes.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from spintorque.thermal.axial.fokker_planck import (
    AxialModel,
    LogResult,
    log_integral_relaxation_time,
    log_mean_first_passage_time,
    log_smallest_eigenvalue,
)

ROOT = Path(__file__).resolve().parents[1]


def timed(function: Callable[[AxialModel], LogResult], model: AxialModel) -> tuple[LogResult, float]:
    start = time.perf_counter()
    value = function(model)
    return value, time.perf_counter() - start


def table_comparison(quick: bool) -> None:
    rows = json.loads((ROOT / "tests" / "thermal" / "axial_reference.json").read_text())
    if quick:
        rows = rows[::40]
    worst_T, worst_lam, times_T, times_lam, count = 0.0, 0.0, [], [], 0
    where_T = where_lam = None
    for row in rows:
        model = AxialModel(row["sigma"], row["h"], row["i"])
        T, dt = timed(log_mean_first_passage_time, model)
        times_T.append(dt)
        if abs(T.log - row["log_mfpt"]) > worst_T:
            worst_T, where_T = abs(T.log - row["log_mfpt"]), (row["sigma"], row["h"], row["i"])
        if row["log_lambda1"] is not None:
            lam, dt = timed(log_smallest_eigenvalue, model)
            times_lam.append(dt)
            count += 1
            if abs(lam.log - row["log_lambda1"]) > worst_lam:
                worst_lam = abs(lam.log - row["log_lambda1"])
                where_lam = (row["sigma"], row["h"], row["i"])
    print(f"MFPT vs mpmath double integral, {len(rows)} points: max relative error "
          f"{worst_T:.2e} at (sigma, h, i) = {where_T}")
    print(f"λ1 vs mpmath Legendre determinant, {count} points: max relative error "
          f"{worst_lam:.2e} at (sigma, h, i) = {where_lam}")
    print(f"runtime per point: MFPT median {1e3 * np.median(times_T):.1f} ms "
          f"(max {1e3 * max(times_T):.0f} ms), λ1 median {1e3 * np.median(times_lam):.0f} ms "
          f"(max {1e3 * max(times_lam):.0f} ms)")


def fresh_comparison(count: int) -> None:
    sys.path.insert(0, str(ROOT))  # the mpmath references live with the tests
    from tests.thermal import axial_reference as ref
    rng = np.random.default_rng(14)
    worst_T, worst_lam, checked = 0.0, 0.0, 0
    for _ in range(count):
        sigma = float(np.exp(rng.uniform(np.log(0.5), np.log(200.0))))
        h, i = float(rng.uniform(-1.5, 1.5)), float(rng.uniform(-2.0, 10.0))
        model = AxialModel(sigma, h, i)
        T = log_mean_first_passage_time(model)
        worst_T = max(worst_T, abs(T.log - float(ref.mp.log(ref.mfpt(sigma, h, i)))))
        b = abs(float(ref._b(sigma, h, i)))
        if 1.5 * (sigma + b) + 80 <= 1500:
            lam = log_smallest_eigenvalue(model)
            exact = ref.smallest_eigenvalue(sigma, h, i, math.exp(lam.log))
            if exact is None:
                print(f"  λ1 not certified at sigma={sigma:.4g}, h={h:.4g}, i={i:.4g}")
                worst_lam = math.inf
            else:
                worst_lam = max(worst_lam, abs(lam.log - float(ref.mp.log(exact))))
                checked += 1
    print(f"fresh random points: MFPT max relative error {worst_T:.2e} ({count} points), "
          f"λ1 {worst_lam:.2e} ({checked} points)")


def invariant_scan(quick: bool) -> None:
    sigmas = (0.01, 0.5, 5.0, 40.0, 200.0, 500.0) if not quick else (0.5, 40.0)
    fields = (-1.5, -1.0, -0.5, 0.0, 0.5, 0.99, 1.0, 1.5) if not quick else (0.0, 1.5)
    currents = np.unique(np.concatenate([np.linspace(-2.0, 10.0, 13 if not quick else 4),
                                         [1.0 - 1e-6, 1.0, 1.0 + 1e-6, 1e3]]))
    points, worst_ratio, failures = 0, -math.inf, []
    start = time.perf_counter()
    for sigma in sigmas:
        for h in fields:
            logs = []
            for i in currents:
                model = AxialModel(sigma, h, float(i))
                T, lam = log_mean_first_passage_time(model), log_smallest_eigenvalue(model)
                tau = log_integral_relaxation_time(model)
                points += 1
                ok = all(math.isfinite(r.log) and r.converged for r in (T, lam, tau))
                worst_ratio = max(worst_ratio, tau.log + lam.log)
                if not ok or tau.log + lam.log > 1e-10:
                    failures.append((sigma, h, float(i)))
                logs.append(T.log)
            steps = np.diff(logs) * (-1.0 if 1.0 + h > 0 else 1.0)
            if h != -1.0 and not np.all(steps > 0):
                failures.append((sigma, h, "MFPT not monotone in i"))
    elapsed = time.perf_counter() - start
    print(f"invariants on {points} points (sigma 0.01…500, h −1.5…1.5, i −2…1e3): "
          f"max ln(τ_int·λ1) = {worst_ratio:.3g} (<= 1e-10 required), "
          f"{len(failures)} failures {failures[:5]}; {elapsed:.1f} s "
          f"({1e3 * elapsed / points:.0f} ms per point for all three quantities)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--fresh", type=int, default=0)
    args = parser.parse_args()
    table_comparison(args.quick)
    invariant_scan(args.quick)
    if args.fresh:
        fresh_comparison(args.fresh)


if __name__ == "__main__":
    main()
