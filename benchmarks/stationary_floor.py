"""The stationary start-side mass M_∞ under a write current, three ways (issue 14).

Run: python benchmarks/stationary_floor.py [--fv 17,25,33,41] [--skip-harmonic]

1. Energy diffusion (``thermal/wer/stationary_mass.py``) against the harmonic null vector where
   the latter is resolved (its two finest default degrees agree to 1e-3 and M_∞ ≥ 1e-12), on
   the small in-plane cell of the tests (sigma ≈ 8.7 at 300 K, 13 at 200 K) at α = 0.05, 0.1,
   0.2: δ = ln M_ED / ln M_H − 1, the relative error of the exponent that
   :data:`~spintorque.thermal.wer.stationary_mass.EXPONENT_ERROR` bounds.
2. ``examples/macrospin/in_plane.toml`` at −3e11, −4e11 A/m²: the energy-diffusion band and the
   finite-volume planar grids (GTH stationary solve, positive arithmetic) over N rings, to show
   how (or whether) the grids converge at α = 0.1.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import scipy.sparse as sp

from spintorque.thermal.sphere import harmonics as sh
from spintorque.thermal.sphere.chain import build_chain
from spintorque.thermal.sphere.solvers import stationary_distribution
from spintorque.thermal.wer.harmonics import _factor, row_degrees
from spintorque.thermal.wer.slow_modes import SHIFT, stationary_mass
from spintorque.thermal.wer.sphere import wer_grid_family
from spintorque.thermal.wer.stationary_mass import energy_floor
from spintorque.thermal.wer.target import problem_from_file

ROOT = Path(__file__).resolve().parents[1]
SMALL = (ROOT / "tests" / "thermal" / "test_wer_sphere.py").read_text().split(
    'SMALL_IN_PLANE = """')[1].split('"""')[0]


def harmonic_floor(model, u, L):
    op = sh.build_operator(model, L, u, even=sh.is_even(model, u), real=True)
    A = sp.csc_matrix(op.matrix)
    return stationary_mass(op, _factor(A - SHIFT * sp.identity(A.shape[0], format="csc")))[0]


def validate(tmp: Path) -> float:
    worst = 0.0
    for alpha, temperature, currents in ((0.05, 300, (-1e11, -2e11)),
                                         (0.1, 300, (-0.5e11, -1e11, -2e11, -3e11, -4e11)),
                                         (0.1, 200, (-1e11, -2e11)),
                                         (0.2, 300, (-1e11, -2e11, -3e11, -4e11))):
        path = tmp / f"cell_{alpha}_{temperature}.toml"
        path.write_text(SMALL.replace("damping = 0.5", f"damping = {alpha}")
                        .replace('"300 K"', f'"{temperature} K"'))
        problem = problem_from_file(path, list(currents))
        for model, J in zip(problem.models, currents, strict=True):
            band = energy_floor(problem.start_model, model, problem.axis)
            degrees = row_degrees(model, problem.start_model, problem.axis)
            coarse, fine = (harmonic_floor(model, problem.axis, L) for L in degrees[1:])
            resolved = abs(fine - coarse) <= 1e-3 * abs(fine) and fine >= 1e-12
            delta = math.log(band.value) / math.log(fine) - 1 if band and resolved else math.nan
            if math.isfinite(delta):
                worst = max(worst, abs(delta))
            print(f"alpha {alpha:4} T {temperature} K J {J:8.1e}  M_ED {band.value if band else math.nan:.4e}"
                  f"  M_H {fine:.6e} (L {degrees[1]}: {coarse:.6e})  delta {delta:+.4f}"
                  f"  in band {band.contains(fine) if band else None}", flush=True)
    print(f"largest |delta| where resolved: {worst:.3f}")
    return worst


def in_plane(fv_sizes: list[int]) -> None:
    problem = problem_from_file(ROOT / "examples" / "macrospin" / "in_plane.toml", [-3e11, -4e11])
    u = problem.axis
    for model, J in zip(problem.models, problem.current_density, strict=True):
        band = energy_floor(problem.start_model, model, u)
        print(f"in_plane.toml J {J:.1e}: M_ED {band.value:.4e}, band [{band.low:.3e}, {band.high:.3e}]")
        _, make = wer_grid_family(model, problem.start_model, u)
        for n in fv_sizes:
            t0 = time.perf_counter()
            grid = make(n)
            p = stationary_distribution(build_chain(model, grid))
            mass = float(p[grid.centres @ u > 0].sum())
            print(f"   FV planar N = {n:3d} ({grid.shape[0]}x{grid.shape[1]} cells): M_inf = {mass:.4e}"
                  f"  (log10 {math.log10(mass) if mass > 0 else -math.inf:.1f}, "
                  f"{time.perf_counter() - t0:.1f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fv", default="17,25,33,41", help="FV ring counts (comma-separated)")
    parser.add_argument("--skip-harmonic", action="store_true")
    args = parser.parse_args()
    if not args.skip_harmonic:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            validate(Path(tmp))
    in_plane([int(n) for n in args.fv.split(",") if n])


if __name__ == "__main__":
    main()
