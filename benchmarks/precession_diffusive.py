"""`precession` with the diffusive (Valet–Fert) torque: tabulated versus exact, in one process.

Run:  .venv/bin/python benchmarks/precession_diffusive.py [--quick] [--duration 100e-9]

The free layer of examples/macrospin/perpendicular_diffusive.toml, tilted 10° from +z so that
J = −1e11 A/m² drives it into precession (from exactly +z the torque vanishes and nothing
moves), integrated at T = 0 by :func:`spintorque.dynamics.analysis.precession_sweep` for the
given duration (default 100 ns, the run of issue 13; ``--quick``: 2 ns) with
``torque="exact"`` (the transport solved at every right-hand-side call) and
``torque="tabulated"`` (the default: Chebyshev table versus m·p, built inside the timed call).
Prints both wall times, their ratio, and the relative difference of frequency, amplitude and
m_z range (absolute where the exact value is 0: over 100 ns this magnet switches to −z and stops).
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import replace
from pathlib import Path

from spintorque.dynamics.analysis import precession_sweep
from spintorque.magnet.io import load_macrospin

EXAMPLE = Path(__file__).parents[1] / "examples" / "macrospin" / "perpendicular_diffusive.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 2 ns run")
    parser.add_argument("--duration", type=float, default=100e-9, help="run length [s]")
    args = parser.parse_args()
    duration = 2e-9 if args.quick else args.duration
    run = load_macrospin(EXAMPLE)
    tilt = math.radians(10.0)
    magnet = replace(run.model.magnet, initial=(math.sin(tilt), 0.0, math.cos(tilt)))
    model = replace(run.model, magnet=magnet)
    results, times = {}, {}
    for torque in ("tabulated", "exact"):
        start = time.perf_counter()
        results[torque] = precession_sweep(model, run.conditions, [-1e11], duration, torque=torque)
        times[torque] = time.perf_counter() - start
        print(
            f"{torque:9s}: {times[torque]:8.2f} s for {duration * 1e9:g} ns "
            f"(f = {float(results[torque].frequency[0]):.10g} Hz, "
            f"amplitude {float(results[torque].amplitude[0]):.10g})"
        )

    def differ(key: str) -> float:
        a, b = (float(results[t][key][0]) for t in ("tabulated", "exact"))
        return abs(a - b) / abs(b) if b != 0.0 else abs(a - b)  # absolute where exact is 0

    df, da, dz = differ("frequency"), differ("amplitude"), differ("mz_range")
    print(f"table: {results['tabulated'].attrs['torque_tables']}")
    print(
        f"speed-up exact/tabulated: {times['exact'] / times['tabulated']:.1f}x; relative "
        f"difference: frequency {df:.2g}, amplitude {da:.2g}, m_z range {dz:.2g}"
    )


if __name__ == "__main__":
    main()
