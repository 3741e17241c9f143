"""Overhead of ``spintorque sweep`` per point against direct API calls, and its 1 → 2 worker speed-up.

Run:  .venv/bin/python benchmarks/sweep.py [--quick] [--part overhead|scaling|all]

1. ``solve`` over a thickness × angle grid of the Co/Cu/Py example: the cost of one more point
   of the sweep (the time of a 3000-point sweep minus a 1000-point one, over 2000; the fixed cost
   of a run, store creation and connection, printed apart) on one local worker process (started
   and warmed up beforehand, as a long sweep amortises that) against two
   loops in this process over the same points: the stack built with ``Stack.with_*`` and solved
   (what a user would write), and the stack built from the point's file data with
   ``stack_from_dict`` (what the sweep does at each point, so the rest is the sweep machinery:
   tasks, transfers, Zarr writes). Overhead = sweep time per point / direct time per point − 1,
   at chunk = 100 and 400 points per task (target: ≤ 20 % at chunk ≥ 100).
2. Scaling from one worker process to two, on a CPU-bound command with enough work per point
   that the sweep machinery is negligible: ``escape`` (the thermal escape rate, ~30 ms of
   NumPy/SciPy CPU time per point, the same work at every point) over 128 temperatures of the
   MTJ example, 16 points per task (8 tasks of ~0.5 s: the client's cost per task, its Zarr
   writes and the scheduler, which share the cores with the workers, is a few per cent). Worker
   *processes* with one thread each and BLAS, numba and OpenMP on one thread (as the sweep's
   local cluster runs them); each worker is warmed up (imports and a first escape on every
   worker, then a small sweep) before anything is timed. The time per point is that of one more
   point (a 128-point sweep minus a 32-point one, as in part 1), without the fixed cost of a run
   (store creation, connection: ~0.5 s that more workers do not shorten); the whole run's
   speed-up is printed too. Printed: the wall time on 1 and 2 workers, the
   speed-up T1/T2 and the parallel efficiency speed-up/2, the CPU time per point (which stays
   the same where the two workers have a core each), the same points computed directly in this
   process for reference, and the CPU count and load average before and after: the speed-up can
   only reach 2 where two cores are idle, and a warning says when the load average shows they
   were not.

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
SCALING = """base = "mtj.toml"
command = "escape"
[axes]
"conditions.temperature" = {{ start = "280 K", stop = "360 K", num = {n} }}
[run]
chunk = {chunk}
"""
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


def _cluster(workers: int) -> object:
    from distributed import LocalCluster

    from spintorque.sweep.runner import SINGLE_THREAD

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
        env=SINGLE_THREAD,
    )


def overhead(folder: Path, quick: bool) -> None:
    """Part 1: the sweep's cost per point of a cheap command against direct API calls."""
    from distributed import Client

    from spintorque.sweep import load_sweep

    n_t, small, large, repeats = (20, 2, 6, 1) if quick else (100, 10, 30, 5)
    shutil.copy(ROOT / "examples" / "co_cu_py.toml", folder)
    points = small * n_t
    (folder / "grid.toml").write_text(SWEEP.format(n_d=small, n_t=n_t, chunk=100))
    with_methods, from_file_data = direct_loops(load_sweep(folder / "grid.toml"))
    for _ in range(300 // points + 1):
        with_methods()  # warm-up: numba kernels (compiled after ~256 interpreted solves)
    t_with, c_with = (t / points for t in best(with_methods, repeats))
    t_file, c_file = (t / points for t in best(from_file_data, repeats))
    print("1. overhead: solve over thickness x angle of F2 in the Co/Cu/Py valve; per point:")
    print(f"  direct, Stack.with_* + solve:      {t_with * 1e6:7.1f} us wall, {c_with * 1e6:7.1f} us CPU")
    print(f"  direct, stack_from_dict + solve:   {t_file * 1e6:7.1f} us wall, {c_file * 1e6:7.1f} us CPU")
    print(
        f"  sweep: the cost of one more point (from {small * n_t} and {large * n_t} points), "
        "and the fixed cost of a run (store, connection)"
    )
    with _cluster(1) as cluster, Client(cluster) as client:
        # imports and numba on the worker: the transport kernels run in Python for their
        # first ~256 single solves in a process, then compiled (spintorque._jit)
        timed_sweep(folder, SWEEP.format(n_d=4, n_t=100, chunk=20), client, 1)
        for chunk in (100, 400):
            few, many = (
                timed_sweep(folder, SWEEP.format(n_d=n, n_t=n_t, chunk=chunk), client, repeats)
                for n in (small, large)
            )
            wall, cpu = ((b - a) / ((large - small) * n_t) for a, b in zip(few, many, strict=True))
            fixed = few[0] - wall * small * n_t
            print(
                f"  sweep, 1 worker, chunk {chunk:3d}: {wall * 1e6:7.1f} us wall "
                f"({wall / t_with - 1:+4.0%} vs with_*, {wall / t_file - 1:+4.0%} vs stack_from_dict), "
                f"{cpu * 1e6:7.1f} us CPU ({cpu / c_with - 1:+4.0%}, {cpu / c_file - 1:+4.0%}); "
                f"fixed {fixed:.2f} s"
            )


def _warm(path: str) -> None:
    from spintorque.magnet.io import load_macrospin
    from spintorque.thermal import escape

    escape(load_macrospin(path))


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def scaling(folder: Path, quick: bool) -> None:
    """Part 2: wall time per point of a CPU-bound sweep on 1 and 2 warmed-up worker processes."""
    from distributed import Client

    from spintorque._blas import single_threaded_blas
    from spintorque.sweep import load_sweep
    from spintorque.thermal import escape

    small, n, chunk, repeats = (8, 16, 8, 1) if quick else (32, 128, 16, 3)
    shutil.copy(ROOT / "examples" / "macrospin" / "mtj.toml", folder)
    (folder / "scaling.toml").write_text(SCALING.format(n=n, chunk=chunk))
    sweep = load_sweep(folder / "scaling.toml")
    cores = len(os.sched_getaffinity(0))
    before = os.getloadavg()[0]  # before this part's own work (after part 1's, with --part all)
    print(
        f"2. scaling: escape over {n} temperatures of examples/macrospin/mtj.toml, {chunk} points per "
        "task, worker processes with one thread each, warmed up"
    )
    print(
        f"  machine: {cores} usable cores (os.cpu_count() = {os.cpu_count()}); "
        f"load average 1/5/15 min before: {_load()}"
    )

    def direct() -> None:
        with single_threaded_blas():
            for index in range(n):
                escape(sweep.description((index,)))

    direct()  # imports and first calls
    t_direct, c_direct = best(direct, repeats)
    print(
        f"  direct, in this process:  {t_direct / n * 1e3:7.1f} ms wall, "
        f"{c_direct / n * 1e3:7.1f} ms CPU per point"
    )
    walls: dict[int, float] = {}
    margins: dict[int, float] = {}
    for workers in (1, 2):
        with _cluster(workers) as cluster, Client(cluster) as client:
            client.run(_warm, str(folder / "mtj.toml"))  # on every worker: imports, first escape
            timed_sweep(folder, SCALING.format(n=2 * workers, chunk=1), client, 1)
            few, many = (
                timed_sweep(folder, SCALING.format(n=size, chunk=chunk), client, repeats)
                for size in (small, n)
            )
        walls[workers] = many[0]
        # one more point, without the fixed cost of a run (store creation, connection), which
        # does not shrink with more workers
        margins[workers] = (many[0] - few[0]) / (n - small)
        cpu = (many[1] - few[1]) / (n - small)
        print(
            f"  sweep, {workers} worker(s):      {margins[workers] * 1e3:7.1f} ms wall, "
            f"{cpu * 1e3:7.1f} ms CPU per point (one more point); {many[0]:.2f} s for the "
            f"{n} points, {many[1] / (many[0] * workers):.0%} of the workers' time on a CPU"
        )
    speedup = margins[1] / margins[2]
    whole = walls[1] / walls[2]
    print(
        f"  speed-up 1 -> 2 workers: {speedup:.2f}x per point, parallel efficiency {speedup / 2:.0%} "
        f"(ideal 2x); {whole:.2f}x for the whole {n}-point run ({whole / 2:.0%}, with its fixed cost); "
        f"load average after: {_load()}"
    )
    if cores < 2 or before > cores - 2 + 0.5:
        print(
            f"  warning: {cores} usable cores with a load average of {before:.2f} before the runs: "
            "fewer than two cores were idle, so this speed-up measures contention with other "
            "processes, not the sweep (run it alone on an idle machine: --part scaling)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grids, one repeat (checks that it runs)")
    parser.add_argument(
        "--part",
        choices=("overhead", "scaling", "all"),
        default="all",
        help="which measurement (default all)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    try:
        if args.part in ("overhead", "all"):
            overhead(folder, args.quick)
        if args.part in ("scaling", "all"):
            scaling(folder, args.quick)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
