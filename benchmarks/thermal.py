"""Benchmarks of the Fokker–Planck escape solver (issue 5). Run: python benchmarks/thermal.py

Prints times and the accuracy reached, each against a reference computed in the same process:
  1. λ1 at sigma = 60 (target: 1e-8 relative in < 1 s), checked against a 4× finer chain and
     against the exact high-barrier identity λ1·MFPT(+1 → 0) = 1 + O(e^{-sigma});
  2. a 20 × 20 table of MFPT over (sigma, i) (target < 10 s), spot-checked against nested
     adaptive quadrature (scipy.integrate.quad), with the speed ratio.
  3. the 2D (θ, φ) solver's λ1 for an in-plane free layer at sigma = 40 (target: 1e-6 in < 30 s):
     (a) with an easy plane (hard ratio 5, alpha = 1), against a finer extrapolation and Brown's
         (Langer's) intermediate-to-high-damping formula; (b) without the easy plane, where the
         1D solver applies, against it (the 2D grid's axis is the film normal, so the problem is
         genuinely two-dimensional on it).
  4. the low-damping limit (energy diffusion) of the same layer under current: times, and the
     accuracy against a degree-128 build and (on the axis) the 1D solver.
  5. the write-error rate of the shipped in-plane example (alpha = 0.1): 5 currents × 50 pulses
     with the default method (``auto``, default workers), wall time and fraction converged
     (target < 60 s; skipped by ``--quick``;
     benchmarks/wer_harmonics.py has the per-current breakdown).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy.integrate import quad

from spintorque.thermal import AxialModel, mean_first_passage_time, smallest_eigenvalue
from spintorque.thermal.energy import diffusion as ed
from spintorque.thermal.sphere import solvers as sphere
from spintorque.thermal.sphere.escape2d import escape_2d
from spintorque.thermal.sphere.grid import SphereGrid
from spintorque.thermal.sphere.model import uniaxial_model


def best_of(function, repeat: int = 3) -> tuple[float, object]:
    best, value = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - start)
    return best, value


def quad_mfpt(model: AxialModel) -> float:
    U = model.potential

    def tail(z: float) -> float:
        return quad(lambda s: math.exp(-U(s)), z, 1, epsabs=0, epsrel=1e-12, limit=200)[0]

    return 2 * quad(lambda z: math.exp(U(z)) / (1 - z * z) * tail(z), 0, 1, epsabs=0,
                    epsrel=1e-11, limit=200)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller table")
    args = parser.parse_args()
    n = 6 if args.quick else 20

    print("1. λ1 at sigma = 60 (target: 1e-8 relative in < 1 s)")
    model = AxialModel(60.0)
    cold = time.perf_counter()
    value = smallest_eigenvalue(model)
    cold = time.perf_counter() - cold
    warm, _ = best_of(lambda: smallest_eigenvalue(model))
    fine = smallest_eigenvalue(model, cells=16384)
    identity = value * mean_first_passage_time(model)
    print(f"   λ1·tau_N = {value:.12e}   time {cold:.3f} s (first call), {warm:.3f} s (warm)")
    print(f"   vs 4x finer chain: {abs(value / fine - 1):.1e}; λ1·MFPT - 1 = {identity - 1:.1e}")

    print(f"2. {n} x {n} table of MFPT(+1 -> 0) over sigma in [5, 60], i in [0, 0.8] (target < 10 s)")
    sigmas, currents = np.linspace(5, 60, n), np.linspace(0, 0.8, n)
    start = time.perf_counter()
    table = np.array([[mean_first_passage_time(AxialModel(s, 0.0, i)) for i in currents]
                      for s in sigmas])
    elapsed = time.perf_counter() - start
    print(f"   table: {elapsed:.3f} s ({elapsed / table.size * 1e3:.2f} ms per entry); "
          f"range {table.min():.3g} .. {table.max():.3g} tau_N")
    picks = [(5.0, 0.0), (20.0, 0.3), (40.0, 0.6)]
    worst, quad_time = 0.0, 0.0
    for s, i in picks:
        m = AxialModel(s, 0.0, i)
        t0 = time.perf_counter()
        reference = quad_mfpt(m)
        quad_time += time.perf_counter() - t0
        worst = max(worst, abs(mean_first_passage_time(m) / reference - 1))
    ours, _ = best_of(lambda: [mean_first_passage_time(AxialModel(s, 0.0, i)) for s, i in picks])
    print(f"   spot check vs nested adaptive quadrature: worst relative difference {worst:.1e}; "
          f"spectral solver {quad_time / ours:.0f}x faster")
    print("3. 2D solver, in-plane free layer at sigma = 40 (target: λ1 to 1e-6 in < 30 s)")
    kappa, sigma = 5.0, 40.0
    model = uniaxial_model(sigma, alpha=1.0, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1),
                           hard_ratio=kappa)
    start = time.perf_counter()
    result = escape_2d(model, (1, 0, 0))
    elapsed = time.perf_counter() - start
    lam = result.lambda1
    print(f"   (a) easy plane: λ1·tau_N = {lam.value:.10e} in {elapsed:.2f} s for λ1, tau_int and "
          f"MFPT ({result.family} grids {result.sizes}); error estimate {lam.relative_error:.1e}")
    if not args.quick:
        finer = (49, 57, 65, 73, 81, 97)
        ref = sphere.extrapolate(finer, [sphere.smallest_eigenvalue(model, SphereGrid.equator_refined(
            n, 4 * n, 4.0, axis=(0, 0, 1), reference=(1, 0, 0))) for n in finer])[0]
        growth = 0.5 * sigma * ((1 - kappa) + math.sqrt((1 - kappa) ** 2 + 8 * kappa))
        brown = 2 / math.pi * growth * math.sqrt((1 + kappa) / kappa) * math.exp(-sigma)
        print(f"       vs finer grids (up to 97 x 388): {abs(lam.value / ref - 1):.1e}; "
              f"vs Brown's IHD formula: {lam.value / brown - 1:+.4f} (O(1/sigma))")
    plain = uniaxial_model(sigma, alpha=1.0, easy_axis=(1, 0, 0))
    sizes = (32, 40, 48, 56, 64)
    start = time.perf_counter()
    values = [sphere.smallest_eigenvalue(plain, SphereGrid.uniform(n, 2 * n)) for n in sizes]
    value, error = sphere.extrapolate(sizes, values)
    elapsed = time.perf_counter() - start
    exact = smallest_eigenvalue(AxialModel(sigma))
    print(f"   (b) no easy plane, grid axis along the film normal: {elapsed:.2f} s, "
          f"vs the 1D solver {abs(value / exact - 1):.1e} (estimate {error / value:.1e})")
    print("4. low-damping limit (energy diffusion), the same layer with a current i = 1.5 "
          "(I_c = 3.5)")
    driven = uniaxial_model(sigma, alpha=1e-12, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1),
                            hard_ratio=kappa, current_ratio=1.5)
    start = time.perf_counter()
    problem = ed.energy_diffusion(driven, (1, 0, 0))
    built = time.perf_counter() - start
    first = ed.mean_first_passage_time(problem)
    first_time = time.perf_counter() - start - built
    lam_ed = ed.smallest_eigenvalue(problem)
    total = time.perf_counter() - start
    fine = ed.energy_diffusion(driven, (1, 0, 0), degree=128)
    print(f"   well branch {built:.2f} s, MFPT {first_time:.3f} s, λ1 (builds the other 3 "
          f"branches) — total {total:.2f} s; effective barrier "
          f"{ed.effective_barrier(problem):.6f} k_BT of {problem.barrier:g}")
    print(f"   degree 64 vs 128: MFPT {abs(first / ed.mean_first_passage_time(fine) - 1):.1e}, "
          f"λ1 {abs(lam_ed / ed.smallest_eigenvalue(fine) - 1):.1e}; "
          f"λ1·MFPT − 1 = {lam_ed * first - 1:+.2e}")
    axial_first = ed.mean_first_passage_time(ed.energy_diffusion(
        uniaxial_model(60.0, alpha=0.1, current_ratio=0.3), (0, 0, 1)))
    exact_first = mean_first_passage_time(AxialModel(60.0, 0.0, 0.3))
    print(f"   on the axis (sigma = 60, i = 0.3) vs the 1D solver: MFPT "
          f"{abs(axial_first / exact_first - 1):.1e}")
    if not args.quick:
        from pathlib import Path

        from spintorque.thermal.wer import problem_from_file, write_error_rate

        path = Path(__file__).resolve().parents[1] / "examples" / "macrospin" / "in_plane.toml"
        currents = [-2e11, -2.5e11, -3e11, -3.5e11, -4e11]
        wer_problem = problem_from_file(path, currents)
        assert wer_problem.tau_N is not None
        pulses = np.linspace(0.1e-9, 3e-9, 50)
        from spintorque._parallel import resolve_workers

        start = time.perf_counter()
        r = write_error_rate(wer_problem, None, pulses / wer_problem.tau_N)
        elapsed = time.perf_counter() - start
        print(f"5. in-plane example WER, 5 currents x 50 pulses, default method: {elapsed:.1f} s "
              f"wall on {resolve_workers(None, 2 * len(currents))} worker(s) (solver {r.solver}), "
              f"{r.converged.mean():.0%} converged (1e-6)")


if __name__ == "__main__":
    main()
