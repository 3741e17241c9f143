"""Overhead of ``spintorque sweep`` per point against direct API calls, and its 1 → 2 worker speed-up.

Run:  .venv/bin/python benchmarks/sweep.py [--quick]

1. ``solve`` over a thickness × angle grid of the Co/Cu/Py example: the sweep on one local worker
   process (started and warmed up beforehand, as a long sweep amortises that) against two
   loops in this process over the same points: the stack built with ``Stack.with_*`` and solved
   (what a user would write), and the stack built from the point's file data with
   ``stack_from_dict`` (what the sweep does at each point, so the rest is the sweep machinery:
   tasks, transfers, Zarr writes). Overhead = sweep time per point / direct time per point − 1,
   at chunk = 100 and 400 points per task (target: ≤ 20 % at chunk ≥ 100).
2. The same sweep on two worker processes: speed-up over one (at most the usable cores).

Times are the best of a few repeats (``time.perf_counter``).
"""

from __future__ import annotations

import argparse
import copy
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SWEEP = """base = "co_cu_py.toml"
command = "solve"
[axes]
"layers.F2.thickness" = {{ start = "1 nm", stop = "10 nm", num = {n_d} }}
"layers.F2.magnetization.theta" = {{ start = "1 deg", stop = "179 deg", num = {n_t} }}
[run]
chunk = {chunk}
"""


def best(func: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def direct_loops(sweep: object) -> tuple[Callable[[], None], Callable[[], None]]:
    import numpy as np

    from spintorque.stack import load_stack, spherical, stack_from_dict
    from spintorque.transport import solve

    base = load_stack(sweep.base_path)
    d_values, t_values = (axis.values for axis in sweep.axes)

    def read(result: object) -> tuple[object, ...]:
        return (
            float(result.resistance_area),
            float(result.spin_resistance_area),
            result.torques,
            result.efficiency,
        )

    def with_methods() -> None:
        for d in d_values:
            for theta in t_values:
                read(solve(base.with_thickness("F2", d).with_magnetization("F2", spherical(theta, 0.0))))

    def from_file_data() -> None:
        data = copy.deepcopy(sweep.base_data)
        for index in np.ndindex(*sweep.shape):
            read(solve(stack_from_dict(sweep.point_data(index, data))))

    return with_methods, from_file_data


def timed_sweep(folder: Path, text: str, address: str, repeats: int) -> float:
    from spintorque.sweep import load_sweep, run

    path = folder / "sweep.toml"
    path.write_text(text)
    sweep = load_sweep(path)

    def once() -> None:
        store = folder / "out.zarr"
        shutil.rmtree(store, ignore_errors=True)
        run(sweep, store, scheduler=address)

    return best(once, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid, one repeat")
    args = parser.parse_args()
    from distributed import LocalCluster

    from spintorque.sweep import load_sweep
    from spintorque.sweep.runner import SINGLE_THREAD

    n_d, n_t, repeats = (4, 50, 1) if args.quick else (20, 100, 5)
    folder = Path(tempfile.mkdtemp())
    shutil.copy(ROOT / "examples" / "co_cu_py.toml", folder)
    points = n_d * n_t
    (folder / "grid.toml").write_text(SWEEP.format(n_d=n_d, n_t=n_t, chunk=100))
    with_methods, from_file_data = direct_loops(load_sweep(folder / "grid.toml"))
    with_methods()  # warm-up: numba kernels (compiled after ~256 interpreted solves)
    t_with = best(with_methods, repeats) / points
    t_file = best(from_file_data, repeats) / points
    print(f"solve, {points} points of the Co/Cu/Py valve (thickness x angle of F2)")
    print(f"  direct, Stack.with_* + solve:          {t_with * 1e6:8.1f} us/point")
    print(f"  direct, stack_from_dict + solve:       {t_file * 1e6:8.1f} us/point")
    results: dict[int, float] = {}
    for workers in (1, 2):
        with LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
            env=SINGLE_THREAD,
        ) as cluster:
            # imports and numba on each worker: the transport kernels run in Python for their
            # first ~256 single solves in a process, then compiled (spintorque._jit)
            warm = SWEEP.format(n_d=4, n_t=workers * 100, chunk=20)
            timed_sweep(folder, warm, cluster.scheduler_address, 1)
            for chunk in (100, 400) if workers == 1 else (100,):
                text = SWEEP.format(n_d=n_d, n_t=n_t, chunk=chunk)
                per_point = timed_sweep(folder, text, cluster.scheduler_address, repeats) / points
                results.setdefault(workers, per_point)
                print(
                    f"  sweep, {workers} worker(s), chunk = {chunk:4d}:     {per_point * 1e6:8.1f} "
                    f"us/point   overhead vs with_*: {per_point / t_with - 1:+6.0%}   "
                    f"vs stack_from_dict: {per_point / t_file - 1:+6.0%}"
                )
    print(
        f"  speed-up 1 -> 2 workers (chunk 100): {results[1] / results[2]:.2f}x "
        f"({len(__import__('os').sched_getaffinity(0))} usable cores)"
    )
    shutil.rmtree(folder, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
