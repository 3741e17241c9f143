"""Response of the explorer page to a slider move, for the default five-layer Cu/Co/Cu/Py/Cu valve.

Run:  .venv/bin/python benchmarks/explore.py [--quick]

Moves the spacer-thickness slider and F2's angle slider of an :class:`Explorer` (no server: the
callback the server runs on a move) and prints the median and worst time of an update (solve,
hodograph, ring forces, g1/g2 and RA at 91 angles, explain, TOML) against the 200 ms budget of
issue 12, and against one bare ``solve`` of the same stack in the same process.
"""

from __future__ import annotations

import argparse
import statistics
import time

from spintorque.explorer import default_stack
from spintorque.explorer.app import Explorer
from spintorque.transport import solve

BUDGET_S = 0.2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="5 moves instead of 40")
    moves = 5 if parser.parse_args().quick else 40
    start = time.perf_counter()
    page = Explorer(default_stack())  # the first update compiles (or loads) the kernels
    first = time.perf_counter() - start
    times = []
    for k in range(moves):
        slider = page.thickness["N"] if k % 2 == 0 else page.angle["F2"]
        before = page.last_update_s
        slider.value = (10.5 + 0.5 * k) if k % 2 == 0 else (5.0 + 4.0 * k) % 180.0
        assert page.last_update_s != before, "the move did not update the page"
        times.append(page.last_update_s)
    stack = page.stack()
    start = time.perf_counter()
    for _ in range(20):
        solve(stack)
    one_solve = (time.perf_counter() - start) / 20
    median, worst = statistics.median(times), max(times)
    print(
        f"five-layer valve, {moves} slider moves: update median {1e3 * median:.1f} ms, "
        f"worst {1e3 * worst:.1f} ms; budget 200 ms: median/budget = {median / BUDGET_S:.2f}"
    )
    print(f"page construction with the first update (kernels compiled or loaded): {first:.2f} s")
    print(f"one bare solve {1e3 * one_solve:.3f} ms; update/solve = {median / one_solve:.0f}")


if __name__ == "__main__":
    main()
