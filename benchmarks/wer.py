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
``--quick`` runs smaller versions (used to check the script still runs).
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cells", type=int, default=1024, help="finest chain for the cross-check")
    args = parser.parse_args()
    wer_table(args.quick, 256 if args.quick else args.cells)
    read_table(args.quick)
    free_diffusion()
    target(args.quick)
    ensemble(args.quick)


if __name__ == "__main__":
    main()
