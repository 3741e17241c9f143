"""Benchmarks of the write-error rate and read disturb (issue 14). Run: python benchmarks/wer.py

Prints times and the accuracy reached, each checked against an independent computation made in
the same process:
  1. the axial WER table, 10 currents × 100 pulse lengths at sigma = 60 down to 1e-12 and below
     (target < 2 s): the largest error estimate, and the agreement with the other discretisation
     (the finite-volume chain on up to ``--cells`` cells, Romberg) on a few currents;
  2. read disturb at sigma = 60 over 1e-3 … 1e20 tau_N, against the two-state law with the 1D
     solver's λ1 (:func:`spintorque.thermal.smallest_eigenvalue`);
  3. free diffusion (sigma = 0) against its Legendre series;
  4. the current needed for WER = 1e-9 versus pulse length;
  5. a perpendicular MTJ file (CoFeB-like, sigma ≈ 77) against the stochastic LLG ensemble
     (``spintorque.dynamics.run_stochastic``, Heun, dt = 1 ps): thermalised 5 ns at zero current,
     then the pulse; the fraction with m_z > 0 at the end of the pulse against the WER, within the
     binomial error.
  6. the 2D path (Fokker–Planck on the sphere, non-axial files): the in-plane example file,
     5 currents × 50 pulses (1–50 ns; target < 60 s), with its accuracy; an in-plane cell that the
     grids resolve (alpha = 0.5, sigma ≈ 8.7), 5 × 50, and against 2000 LLG trajectories started
     from the restricted Boltzmann state; an axial problem on the 2D path against the 1D path.
  7. the low-damping path (energy diffusion): the in-plane example (alpha = 0.1) 5 currents × 50
     pulses (0.2–10 ns; target < 60 s) with its accuracy, and against 2000 LLG trajectories.
  8. the thermal start of an ensemble (spintorque.dynamics.start, also used by 6 and 7): time
     and acceptance of the exact sampler from sigma = 1 to 300 and on the example files.
``--quick`` runs smaller versions (used to check the script still runs); ``--only-2d`` section 6,
``--only-energy`` section 7, ``--only-start`` section 8.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
from numpy.polynomial import legendre as leg

from spintorque.thermal import AxialModel, smallest_eigenvalue
from spintorque.thermal.wer import current_for_target, read_disturb, write_error_rate


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def cpu_timed(function):
    """Wall and CPU seconds (the CPU time is what the machine's load does not inflate)."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def wer_table(quick: bool, cells: int) -> None:
    sigma = 60.0
    currents = np.linspace(1.1, 2.0, 3 if quick else 10)
    pulses = np.linspace(0.0, 2.0, 20 if quick else 100)
    elapsed, cpu, r = cpu_timed(lambda: write_error_rate(AxialModel(sigma), currents, pulses))
    small = r.write_error_rate[r.write_error_rate > 0].min()
    print(f"1. WER table at sigma = {sigma:g}: {currents.size} currents × {pulses.size} pulses in "
          f"{elapsed:.2f} s wall, {cpu:.2f} s CPU (target < 2 s); "
          f"WER from 1 down to {small:.3g}; largest relative "
          f"error estimate {r.write_error_rate_error.max():.2e}; converged: {bool(r.converged.all())}")
    print(f"   methods: {', '.join(sorted(set(r.methods)))}")
    # independent discretisation: the finite-volume chain, on the values it resolves
    check = currents[[0, -1]] if not quick else currents[:1]
    picks = [int(np.argmin(np.abs(r.write_error_rate[list(currents).index(i)] - 1e-12))) for i in check]
    for i, j in zip(check, picks, strict=True):
        row = list(currents).index(i)
        t = pulses[[max(j // 2, 1), j]]
        el, c = timed(lambda i=i, t=t: write_error_rate(AxialModel(sigma), [i], t, method="chain",
                                                        max_cells=cells, rtol=1e-9))
        ref = r.write_error_rate[row, [max(j // 2, 1), j]]
        gap = np.abs(ref / c.write_error_rate[0] - 1)
        print(f"   chain ({c.cells[-1]} cells, {el:.1f} s) at i = {i:.3g}, WER {ref[0]:.3g} and "
              f"{ref[1]:.3g}: relative gap {gap[0]:.1e}, {gap[1]:.1e}; chain's own error estimate "
              f"{c.write_error_rate_error[0].max():.1e}")


def read_table(quick: bool) -> None:
    sigma = 60.0
    currents = np.array([0.2, 0.3]) if quick else np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    times = np.geomspace(1e-3, 1e20, 8 if quick else 47)
    elapsed, r = timed(lambda: read_disturb(AxialModel(sigma), currents, times,
                                            max_cells=256 if quick else 512))
    print(f"2. read disturb at sigma = {sigma:g}: {currents.size} currents × {times.size} times "
          f"(1e-3 … 1e20 tau_N) in {elapsed:.2f} s; smallest {r.switching_probability.min():.3g}; "
          f"largest error estimate beyond t = 1: "
          f"{r.switching_probability_error[:, times > 1].max():.1e}")
    for row, i in enumerate(currents):
        lam = smallest_eigenvalue(AxialModel(sigma, 0.0, float(i)))
        p = r.switching_probability[row]
        j = int(np.searchsorted(times, 10.0))
        k = int(np.searchsorted(times, 1e-3 / lam))
        if k <= j or k >= times.size:
            continue
        law = p[j] + (1 - p[j]) * -math.expm1(-lam * (times[k] - times[j]))
        print(f"   i = {i:g}: λ1 = {lam:.10g}/tau_N (1D solver) vs the chain's {r.lambda1[row]:.10g}; "
              f"P(t = {times[k]:.3g}) = {p[k]:.10g}, two-state law with the 1D λ1 from t = "
              f"{times[j]:.3g}: {law:.10g} (relative {abs(p[k] / law - 1):.1e})")


def free_diffusion() -> None:
    times = np.array([0.02, 0.1, 0.5, 2.0])
    total = np.zeros_like(times)
    for n in range(600):
        c = np.zeros(n + 1)
        c[n] = 1.0
        integral = float(leg.legval(1.0, leg.legint(c, lbnd=0.0)))
        total += (2 * n + 1) / 2 * integral**2 * np.exp(-n * (n + 1) * times / 2)
    elapsed, r = timed(lambda: write_error_rate(AxialModel(0.0), [0.0], times))
    gap = np.abs(r.write_error_rate[0] / total - 1)
    print(f"3. free diffusion (sigma = 0) against the Legendre series: largest relative gap "
          f"{gap.max():.1e} (error estimate {r.write_error_rate_error.max():.1e}), {elapsed:.2f} s")


def target(quick: bool) -> None:
    pulses = np.geomspace(0.05, 5.0, 4 if quick else 12)
    elapsed, found = timed(lambda: current_for_target(AxialModel(60.0), 1e-9, pulses,
                                                      bracket=(0.5, 4.0)))
    print(f"4. current for WER = 1e-9 at sigma = 60 over {pulses.size} pulses in {elapsed:.2f} s:")
    for t, i, e, out in zip(pulses, found.current_ratio, found.error, found.outside, strict=True):
        if out:
            print(f"   t = {t:.3g} tau_N: not reached below I/I_c0 = {found.bracket[1]:.4g}")
        else:
            print(f"   t = {t:.3g} tau_N: I/I_c0 = {i:.8f} (± {e:.1e})")


MTJ = Path(__file__).parents[1] / "examples" / "macrospin" / "mtj.toml"


def ensemble(quick: bool) -> None:
    import tempfile
    from dataclasses import replace

    from spintorque.dynamics import run_stochastic
    from spintorque.magnet.io import load_macrospin
    from spintorque.thermal.wer import problem_from_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mtj.toml"
        path.write_text(MTJ.read_text())
        run = load_macrospin(path)
        J, settle, dt = 3.5e10, 5e-9, 1e-12
        pulses = np.array([4e-9, 6e-9, 8e-9])
        problem = problem_from_file(path, [J])
    assert problem.tau_N is not None
    r = write_error_rate(problem, None, pulses / problem.tau_N)
    n = 200 if quick else 2000
    conditions = replace(run.conditions, current_density=lambda t: np.where(np.asarray(t) >= settle, J, 0.0))
    elapsed, ds = timed(lambda: run_stochastic(run.model, conditions, duration=settle + pulses[-1], dt=dt,
                                               trajectories=n, seed=2026, save_every=1000))
    mz = ds.m.values[:, :, 2]
    ratio = problem.current_ratio[0]
    print(f"5. MTJ file (sigma = {problem.model.sigma:.4g}, J = {J:.3g} A/m² = {ratio:.4f} "
          f"J_c0, tau_N = {problem.tau_N:.4g} s) against {n} LLG trajectories ({elapsed:.0f} s):")
    for tp, wer in zip(pulses, r.write_error_rate[0], strict=True):
        k = int(np.argmin(np.abs(ds.time.values - (settle + tp))))
        frac = float((mz[:, k] > 0).mean())
        err = math.sqrt(max(frac * (1 - frac), 1.0 / n) / n)
        print(f"   pulse {tp * 1e9:.0f} ns: WER {wer:.5f}, ensemble {frac:.4f} ± {err:.4f} "
              f"({abs(frac - wer) / err:.1f} standard errors)")


SMALL_IN_PLANE = """
[magnet]
saturation_magnetization = "1.0e6 A/m"
thickness = "1.5 nm"
area = "300 nm^2"
damping = 0.5
initial = [1, 0, 0]
[[energy]]
type = "uniaxial"
K = "8e4 J/m^3"
axis = [1, 0, 0]
[[energy]]
type = "demag"
factors = [0, 0, 0.25]
[[torque]]
type = "slonczewski"
polarization = 0.6
polarizer = [1, 0, 0]
[conditions]
temperature = "300 K"
current_density = "0 A/m^2"
"""


def _table_2d(path: Path, currents: list[float], pulses: np.ndarray, label: str,
              method: str = "auto"):
    from spintorque.thermal.wer import problem_from_file

    problem = problem_from_file(path, currents)
    assert problem.tau_N is not None
    elapsed, cpu, r = cpu_timed(
        lambda: write_error_rate(problem, None, pulses / problem.tau_N, method=method))
    err = r.write_error_rate_error
    finite = err[np.isfinite(err)]
    print(f"   {label}: {len(currents)} currents × {pulses.size} pulses in {elapsed:.1f} s wall, "
          f"{cpu:.1f} s CPU (target < 60 s); {r.methods[0]}; WER {r.write_error_rate.min():.3g} … "
          f"{r.write_error_rate.max():.3g}; relative error estimate median "
          f"{np.median(finite):.2g}, largest {finite.max():.2g}; converged: {bool(r.converged.all())}")
    return problem, r


def sphere_2d(quick: bool) -> None:
    import tempfile

    from spintorque.dynamics.switching import switching_axis
    from spintorque.magnet.io import load_macrospin

    print("6. the 2D path (Fokker–Planck on the sphere):")
    pulses = np.linspace(1e-9, 50e-9, 10 if quick else 50)
    js = [-0.8e12, -1e12, -1.2e12, -1.5e12, -2e12]
    _table_2d(MTJ.parent / "in_plane.toml", js[:2] if quick else js, pulses,
              "examples/macrospin/in_plane.toml (alpha = 0.1), --method sphere", "sphere")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cell.toml"
        path.write_text(SMALL_IN_PLANE)
        small = [-0.6e12, -0.8e12, -1e12, -1.2e12, -1.5e12]
        _table_2d(path, small[:2] if quick else small, np.linspace(0.1e-9, 5e-9, 10 if quick else 50),
                  "in-plane cell alpha = 0.5, sigma ≈ 8.7")
        J, n = -1e12, 200 if quick else 2000
        ens = np.array([0.25e-9, 0.5e-9, 0.75e-9, 1e-9, 1.25e-9, 1.5e-9])
        _, r = _table_2d(path, [J], ens, "same cell at the ensemble's pulses")
        run = load_macrospin(path)
    u, _ = switching_axis(run.model)
    seen, elapsed = _ensemble_fractions(run, u, J, ens, n)
    print(f"   against {n} LLG trajectories (Heun, dt = 1 ps, J = {J:.3g} A/m², {elapsed:.0f} s), "
          "fraction with m·u > 0 at the pulse end:")
    for tp, wer, e in zip(ens, r.write_error_rate[0], r.write_error_rate_error[0], strict=True):
        frac = seen[round(tp * 1e12)]
        se = math.sqrt(max(frac * (1 - frac), 1.0 / n) / n)
        print(f"   pulse {tp * 1e9:.2f} ns: WER {wer:.5f} (± {e:.1e} rel.), ensemble {frac:.4f} ± {se:.4f} "
              f"({abs(frac - wer) / se:.1f} standard errors)")
    times = np.array([0.05, 0.2, 0.5, 1.0, 2.0, 4.0])
    one = write_error_rate(AxialModel(15.0), [1.5], times)
    el, two = timed(lambda: write_error_rate(AxialModel(15.0), [1.5], times, method="sphere"))
    gap = np.abs(two.write_error_rate[0] / one.write_error_rate[0] - 1)
    print(f"   axial sigma = 15, i = 1.5 on the 2D path ({two.methods[0]}, {el:.1f} s): WER "
          f"{one.write_error_rate[0].max():.3g} … {one.write_error_rate[0].min():.3g}, largest gap to "
          f"the 1D path {gap.max():.1e} (2D estimate {two.write_error_rate_error.max():.1e})")


def _ensemble_fractions(
    run, u: np.ndarray, J: float, pulses: np.ndarray, n: int
) -> tuple[dict[int, float], float]:
    """Fraction of n LLG trajectories (Heun, dt = 1 ps) with m·u > 0 at each pulse end [keyed by
    ps], started from the zero-current Boltzmann state of the start well; and the wall time."""
    from dataclasses import replace

    from spintorque.dynamics import run_stochastic
    from spintorque.dynamics.start import thermal_start

    start = thermal_start(run.model, run.conditions.temperature, n, np.random.default_rng(11), axis=u).m
    seen: dict[int, float] = {}

    def record(t: float, m: np.ndarray) -> bool:
        seen[round(t * 1e12)] = float(np.mean(m @ u > 0))
        return False

    elapsed, _ = timed(lambda: run_stochastic(
        run.model, replace(run.conditions, current_density=J), duration=float(pulses[-1]), dt=1e-12,
        trajectories=n, seed=2026, save_every=250, initial=start, callback=record, keep=False))
    return seen, elapsed


def energy_diffusion(quick: bool) -> None:
    from spintorque.dynamics.switching import switching_axis
    from spintorque.magnet.io import load_macrospin
    from spintorque.thermal.energy.evolution import star_orbits

    path = MTJ.parent / "in_plane.toml"
    print("7. the in-plane example at alpha = 0.1 by the default method (auto: spherical harmonics "
          "for 0.05 <= alpha < 0.2, energy diffusion below):")
    js = [-1.5e11, -2e11, -2.5e11, -3e11, -4e11]
    pulses = np.linspace(0.2e-9, 10e-9, 10 if quick else 50)
    problem, r = _table_2d(path, js[:2] if quick else js, pulses,
                           "examples/macrospin/in_plane.toml (alpha = 0.1), auto")
    orbits = star_orbits(problem.start_model, problem.axis)
    alpha = problem.models[0].alpha
    print(f"   {r.methods[0]}; alpha·M'(E0) = {alpha * orbits.bottom_decrement():.3g} per turn, "
          f"alpha·M(E_s) = {alpha * orbits.separatrix_dissipation:.3g} k_BT per separatrix turn")
    J, n = -3e11, 200 if quick else 2000
    ens = np.array([0.25e-9, 0.5e-9, 0.75e-9, 1e-9, 1.25e-9, 1.5e-9])
    _, r = _table_2d(path, [J], ens, "same file at the ensemble's pulses")
    run = load_macrospin(path)
    u, _ = switching_axis(run.model)
    seen, elapsed = _ensemble_fractions(run, u, J, ens, n)
    print(f"   against {n} LLG trajectories (Heun, dt = 1 ps, J = {J:.3g} A/m², {elapsed:.0f} s), "
          "fraction with m·u > 0 at the pulse end (dt = 1 ps: the ensemble itself is biased by "
          "~1.5 standard errors at the longest pulses, measured against dt = 0.5 ps):")
    for tp, wer in zip(ens, r.write_error_rate[0], strict=True):
        frac = seen[round(tp * 1e12)]
        se = math.sqrt(max(frac * (1 - frac), 1.0 / n) / n)
        print(f"   pulse {tp * 1e9:.2f} ns: {r.solver} WER {wer:.5f}, ensemble {frac:.4f} ± {se:.4f} "
              f"({(frac - wer) / se:+.1f} standard errors)")


def start_sampler(quick: bool) -> None:
    """8. The thermal start of an ensemble (spintorque.dynamics.start): time and acceptance."""
    from spintorque.constants import k_B
    from spintorque.dynamics.start import thermal_start
    from spintorque.magnet import Macrospin, MacrospinModel, Uniaxial
    from spintorque.magnet.io import load_macrospin

    n = 100_000 if quick else 1_000_000
    print(f"8. thermal start (exact rejection sampling, {n} directions):")
    cases = [(f"axial sigma = {s:g}", MacrospinModel(
        Macrospin(1e6, 1e-9, 1e-16, 0.1, initial=(0, 0, 1)), Uniaxial(s * k_B * 300.0 / 1e-25)), 300.0)
        for s in (1.0, 19.2, 77.0, 300.0)]
    for name in ("mtj.toml", "in_plane.toml"):
        run = load_macrospin(MTJ.parent / name)
        cases.append((f"examples/macrospin/{name}", run.model, run.conditions.temperature))
    for label, model, T in cases:
        elapsed, start = timed(lambda model=model, T=T: thermal_start(model, T, n, np.random.default_rng(1)))
        print(f"   {label}: {elapsed:.2f} s ({n / elapsed:.3g} directions/s), {start.proposal} envelope, "
              f"acceptance {start.acceptance:.3f}, mean angle to u {math.degrees(start.mean_angle):.3g}°")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only-2d", action="store_true", help="only section 6 (the 2D path)")
    parser.add_argument("--only-energy", action="store_true", help="only section 7 (energy diffusion)")
    parser.add_argument("--only-start", action="store_true", help="only section 8 (thermal start)")
    parser.add_argument("--cells", type=int, default=1024, help="finest chain for the cross-check")
    args = parser.parse_args()
    if args.only_2d:
        sphere_2d(args.quick)
        return
    if args.only_energy:
        energy_diffusion(args.quick)
        return
    if args.only_start:
        start_sampler(args.quick)
        return
    wer_table(args.quick, 256 if args.quick else args.cells)
    read_table(args.quick)
    free_diffusion()
    target(args.quick)
    ensemble(args.quick)
    sphere_2d(args.quick)
    energy_diffusion(args.quick)
    start_sampler(args.quick)


if __name__ == "__main__":
    main()
