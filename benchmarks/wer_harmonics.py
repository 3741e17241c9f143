"""Benchmark of the spherical-harmonic WER path (issue 14). Run: python benchmarks/wer_harmonics.py

The shipped in-plane example (examples/macrospin/in_plane.toml, alpha = 0.1, sigma ≈ 44), where
the 2D finite-volume grids do not converge: 5 currents (−2 … −4e11 A/m²) × 50 pulses
(0.1–3 ns; target < 60 s wall), ``method="harmonics"``. First serially (``workers=1``), one
current at a time: the wall and CPU time per current and in all (CPU time: the machine may be
shared), the degrees and the hand-over to the slowest-mode tail per current, λ1, the fraction
of values whose estimate is within 1e-6 (``converged``) per current and in all, and the
invariants (WER in [0, 1], monotone in pulse and current). Then the whole table in one call on
``--workers`` processes (default: the library's, the usable cores up to 8): its wall time,
with the load average, and whether it equals the serial table bit for bit.
``--quick``: 2 currents × 5 pulses.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from spintorque.thermal.wer import problem_from_file, write_error_rate

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=None, help="processes of the parallel run")
    args = parser.parse_args()
    currents = [-2e11, -3e11] if args.quick else [-2e11, -2.5e11, -3e11, -3.5e11, -4e11]
    pulses = np.linspace(0.1e-9, 3e-9, 5 if args.quick else 50)
    path = ROOT / "examples" / "macrospin" / "in_plane.toml"
    rows, walls, cpus = [], [], []
    for J in currents:  # one current at a time: the time per current
        problem = problem_from_file(path, [J])
        assert problem.tau_N is not None
        start, cpu = time.perf_counter(), time.process_time()
        rows.append(write_error_rate(problem, None, pulses / problem.tau_N, method="harmonics",
                                     workers=1))
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    w = np.array([r.write_error_rate[0] for r in rows])
    e = np.array([r.write_error_rate_error[0] for r in rows])
    converged = np.array([r.converged[0] for r in rows])
    print(f"harmonics, in-plane example, {len(currents)} currents x {pulses.size} pulses, serial: "
          f"{sum(walls):.1f} s wall, {sum(cpus):.1f} s CPU, "
          f"{converged.mean():.0%} converged (1e-6)")
    for J, r, wall, cpu, row, err, ok in zip(currents, rows, walls, cpus, w, e, converged,
                                             strict=True):
        print(f"  J = {J:.3g} A/m^2: {wall:.1f} s wall, {cpu:.1f} s CPU, {r.methods[0]}, "
              f"lambda1 tau_N = "
              f"{r.lambda1[0]:.6g}, WER {row.min():.3e} … {row.max():.3e}, converged "
              f"{ok.mean():.0%}, largest estimate {err.max():.2e}")
    print(f"  median estimate {np.median(e):.2e}; within 1e-6: {converged.mean():.0%}, "
          f"within 1e-3: {(e <= 1e-3).mean():.0%}")
    print(f"  in [0, 1]: {bool(np.all((w >= 0) & (w <= 1)))}; monotone in pulse: "
          f"{bool(np.all(np.diff(w, axis=1) <= 1e-12 * w[:, :-1]))}; in current: "
          f"{bool(np.all(np.diff(w, axis=0) <= 1e-12 * w[:-1]))}")

    from spintorque._parallel import resolve_workers

    problem = problem_from_file(path, currents)
    assert problem.tau_N is not None
    n = resolve_workers(args.workers, 2 * len(currents))
    load = os.getloadavg()[0]
    start = time.perf_counter()
    table = write_error_rate(problem, None, pulses / problem.tau_N, method="harmonics",
                             workers=args.workers)
    wall = time.perf_counter() - start
    same = bool(np.array_equal(table.write_error_rate, w) and np.array_equal(table.write_error_rate_error, e))
    print(f"parallel, {n} worker(s) of {os.cpu_count()} cores, load average {load:.1f} before: "
          f"{wall:.1f} s wall (target < 60 s); equals the serial table bit for bit: {same}")


if __name__ == "__main__":
    main()
