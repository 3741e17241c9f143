"""Validation of the low-damping (energy-diffusion) solver against the stochastic LLG ensemble.

Run: python benchmarks/low_damping.py [--trajectories N]

A sigma = 2 magnet (easy axis z, K = 1e5 J/m³, Ms = 1e6 A/m) with an easy-plane demag term
(N_x = 0.04, hard ratio kappa ≈ 0.25) and a Slonczewski torque from a polariser along −z at half
the well's critical current (J = 1.14e9 A/m² × α/1e-3, since I_c ∝ α): a genuinely 2D problem
with a non-conservative torque. The ensemble's mean first
passage from +z to m_z = 0 is measured at damping α = 4e-3, 1e-3 and 2.5e-4 (dt = 0.5 ps,
ω dt ≈ 0.02) and compared with the α → 0 limit from ``spintorque.thermal.energy.diffusion``
(times in tau_N, which absorbs 1/α). The energy lost per orbit at the separatrix,
δ = α ∮|∇U| dl ≈ 8 sigma √kappa α, sets how close the ensemble should be: the deviation should
shrink as α → 0 (Kramers' turnover: by about √δ).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from spintorque.constants import k_B
from spintorque.dynamics.stochastic import run_stochastic
from spintorque.magnet import Macrospin, MacrospinModel
from spintorque.magnet.energy import Demag, Energy, Uniaxial
from spintorque.magnet.model import Conditions
from spintorque.magnet.torque import Slonczewski, Torques
from spintorque.thermal.energy import diffusion as ed
from spintorque.thermal.sphere.model import sphere_reduction

SIGMA, K, MS, T, NX, J1 = 2.0, 1e5, 1e6, 300.0, 0.04, 1.14e9


def model(alpha: float) -> MacrospinModel:
    volume = SIGMA * k_B * T / K
    magnet = Macrospin(MS, 2e-9, volume / 2e-9, alpha, (0.0, 0.0, 1.0))
    energy = Energy((Uniaxial(K, (0.0, 0.0, 1.0)), Demag((NX, 0.0, 0.0))))
    return MacrospinModel(magnet, energy, Torques((Slonczewski(0.6, polarizer=(0.0, 0.0, -1.0)),)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trajectories", type=int, default=2000)
    args = parser.parse_args()
    start = time.perf_counter()
    reduction = sphere_reduction(model(1e-3), Conditions(current_density=J1, temperature=T))
    limit = ed.energy_diffusion(reduction.model, (0.0, 0.0, 1.0))
    mfpt_tau = ed.mean_first_passage_time(limit)
    print(f"energy diffusion (α → 0): MFPT = {mfpt_tau:.6f} tau_N, barrier {limit.barrier:.4f} kT, "
          f"effective barrier {ed.effective_barrier(limit):.4f} kT, "
          f"W/DM at the well {limit.well.work_ratio_at_extremum():.4f} "
          f"({time.perf_counter() - start:.2f} s)")
    dt = 5e-13
    for alpha in (4e-3, 1e-3, 2.5e-4):
        m = model(alpha)
        conditions = Conditions(current_density=J1 * alpha / 1e-3, temperature=T)
        tau = sphere_reduction(m, conditions).tau_N
        steps = math.ceil(12 * mfpt_tau * tau / dt)
        start = time.perf_counter()
        ds = run_stochastic(m, conditions, duration=steps * dt, dt=dt, trajectories=args.trajectories,
                            seed=7, save_every=steps)
        times = ds.switching_time.values
        switched = times[np.isfinite(times)] / tau
        mean, error = switched.mean(), switched.std(ddof=1) / math.sqrt(switched.size)
        delta = alpha * 8 * SIGMA * math.sqrt(MS**2 * 4e-7 * math.pi * NX / (2 * K))
        print(f"α = {alpha:.1e} (δ = {delta:.4f}): ensemble {mean:.4f} ± {error:.4f} tau_N "
              f"({switched.size}/{times.size} switched, {steps} steps, "
              f"{time.perf_counter() - start:.1f} s); ensemble/limit − 1 = {mean / mfpt_tau - 1:+.4f} "
              f"± {error / mfpt_tau:.4f}")


if __name__ == "__main__":
    main()
