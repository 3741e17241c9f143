"""Timing of the batched RA(θ) sweep against a loop of single solves, in the same process.

Run:  .venv/bin/python benchmarks/magnetoresistance.py [--quick]

RA of the example Co/Cu/Py valve at N angles from batched solves
(``spintorque.transport.magnetoresistance.resistance_area_at``) against a Python loop of N single
solves; and the full ``magnetoresistance`` analysis (extrema, torque zeros) at 181 angles.
Times are the best of a few repeats after a warm-up call that compiles (or loads) the kernels.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import spintorque as st
from spintorque.transport import rotated_magnetizations
from spintorque.transport.magnetoresistance import magnetoresistance, resistance_area_at

REPO = Path(__file__).resolve().parents[1]


def best(func: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    n = 2_000 if args.quick else 100_000
    stack = st.load_stack(REPO / "examples" / "co_cu_py.toml").with_magnetization("F2", (0, 0, 1))
    theta = np.linspace(0.0, np.pi, n)
    resistance_area_at(stack, "F2", theta[:10])  # warm-up
    batched = best(lambda: resistance_area_at(stack, "F2", theta))
    mags = rotated_magnetizations(stack, "F2", theta[:200])
    looped = best(lambda: [st.solve(stack, m).spin_resistance_area for m in mags]) * n / 200
    print(
        f"RA at {n} angles: batched {batched * 1e3:.1f} ms, loop of single solves "
        f"{looped * 1e3:.1f} ms (extrapolated from 200): ratio {looped / batched:.0f}x"
    )
    full = best(lambda: magnetoresistance(stack, "F2", np.radians(np.linspace(0, 180, 181))))
    print(
        f"magnetoresistance analysis at 181 angles (RA, RA_P/AP, extrema, torque zeros): {full * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
