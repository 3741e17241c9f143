"""Overhead of ``spintorque sweep`` per point against direct API calls, and its 1 → 2 worker speed-up.

Run:  .venv/bin/python benchmarks/sweep.py [--quick]

1. ``solve`` over a thickness × angle grid of the Co/Cu/Py example: the cost of one more point
   of the sweep (the time of a 3000-point sweep minus a 1000-point one, over 2000; the fixed cost
   of a run, store creation and connection, printed apart) on one local worker process (started
   and warmed up beforehand, as a long sweep amortises that) against two
   loops in this process over the same points: the stack built with ``Stack.with_*`` and solved
   (what a user would write), and the stack built from the point's file data with
   ``stack_from_dict`` (what the sweep does at each point, so the rest is the sweep machinery:
   tasks, transfers, Zarr writes). Overhead = sweep time per point / direct time per point − 1,
   at chunk = 100 and 400 points per task (target: ≤ 20 % at chunk ≥ 100).
2. The same sweep on two worker processes: speed-up over one (at most the usable cores).

Times are the best of a few repeats: wall time (``time.perf_counter``) and CPU time
(``time.process_time`` of this process, which runs the client, the scheduler and the Zarr
writes, plus that of every worker process). On a shared machine the CPU times are the steadier
measure of the overhead; the wall times also show what the writes cost while the workers wait.
"""

from __future__ import annotations

import argparse
import copy
import logging
import os
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


def best(func: Callable[[], object], repeats: int, client: object = None) -> tuple[float, float]:
    """Smallest wall time and smallest CPU time (this process + the workers' processes) [s]."""
    walls, cpus = [], []
    for _ in range(repeats):
        cpu0 = _cpu(client)
        start = time.perf_counter()
        func()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu(client) - cpu0)
    return min(walls), min(cpus)


def _cpu(client: object) -> float:
    """CPU time of this process (client, scheduler, Zarr writes) and of every worker process."""
    own = time.process_time()
    if client is None:
        return own
    return own + sum(client.run(time.process_time).values())


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


def timed_sweep(folder: Path, text: str, client: object, repeats: int) -> tuple[float, float]:
    from spintorque.sweep import load_sweep, run

    path = folder / "sweep.toml"
    path.write_text(text)
    sweep = load_sweep(path)

    def once() -> None:
        store = folder / "out.zarr"
        shutil.rmtree(store, ignore_errors=True)
        run(sweep, store, scheduler=client.scheduler.address)

    return best(once, repeats, client)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grid, one repeat")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    from spintorque.sweep import load_sweep
    from spintorque.sweep.runner import SINGLE_THREAD

    n_t, small, large, repeats = (20, 2, 6, 1) if args.quick else (100, 10, 30, 5)
    folder = Path(tempfile.mkdtemp())
    shutil.copy(ROOT / "examples" / "co_cu_py.toml", folder)
    points = small * n_t
    (folder / "grid.toml").write_text(SWEEP.format(n_d=small, n_t=n_t, chunk=100))
    with_methods, from_file_data = direct_loops(load_sweep(folder / "grid.toml"))
    for _ in range(300 // points + 1):
        with_methods()  # warm-up: numba kernels (compiled after ~256 interpreted solves)
    t_with, c_with = (t / points for t in best(with_methods, repeats))
    t_file, c_file = (t / points for t in best(from_file_data, repeats))
    print("solve over thickness x angle of F2 in the Co/Cu/Py valve; per point:")
    print(f"  direct, Stack.with_* + solve:      {t_with * 1e6:7.1f} us wall, {c_with * 1e6:7.1f} us CPU")
    print(f"  direct, stack_from_dict + solve:   {t_file * 1e6:7.1f} us wall, {c_file * 1e6:7.1f} us CPU")
    print(
        f"  sweep: the cost of one more point (from {small * n_t} and {large * n_t} points), "
        "and the fixed cost of a run (store, connection)"
    )
    marginal: dict[int, float] = {}
    for workers in (1, 2):
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
                env=SINGLE_THREAD,
            ) as cluster,
            Client(cluster) as client,
        ):
            # imports and numba on each worker: the transport kernels run in Python for their
            # first ~256 single solves in a process, then compiled (spintorque._jit)
            timed_sweep(folder, SWEEP.format(n_d=4, n_t=workers * 100, chunk=20), client, 1)
            for chunk in (100, 400) if workers == 1 else (100,):
                few, many = (
                    timed_sweep(folder, SWEEP.format(n_d=n, n_t=n_t, chunk=chunk), client, repeats)
                    for n in (small, large)
                )
                wall, cpu = ((b - a) / ((large - small) * n_t) for a, b in zip(few, many, strict=True))
                fixed = few[0] - wall * small * n_t
                marginal.setdefault(workers, wall)
                print(
                    f"  sweep, {workers} worker(s), chunk {chunk:3d}: {wall * 1e6:7.1f} us wall "
                    f"({wall / t_with - 1:+4.0%} vs with_*, {wall / t_file - 1:+4.0%} vs stack_from_dict), "
                    f"{cpu * 1e6:7.1f} us CPU ({cpu / c_with - 1:+4.0%}, {cpu / c_file - 1:+4.0%}); "
                    f"fixed {fixed:.2f} s"
                )
    print(
        f"  speed-up 1 -> 2 workers (chunk 100, per point): {marginal[1] / marginal[2]:.2f}x "
        f"({len(os.sched_getaffinity(0))} usable cores)"
    )
    shutil.rmtree(folder, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
