"""The axial reduction of a macrospin file, and escape times against the stochastic LLG ensemble."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spintorque.analytic import critical_current
from spintorque.constants import k_B, mu0
from spintorque.dynamics.stochastic import run_stochastic
from spintorque.errors import InputError
from spintorque.magnet import Macrospin, MacrospinModel
from spintorque.magnet.energy import Demag, Energy, Uniaxial, Zeeman
from spintorque.magnet.io import load_macrospin
from spintorque.magnet.model import Conditions
from spintorque.magnet.torque import Slonczewski, Torques
from spintorque.thermal import AxialModel, mean_first_passage_time
from spintorque.thermal.axial.physical import axial_reduction

THERMAL = Path(__file__).parents[2] / "examples" / "macrospin" / "thermal.toml"


def test_reduction_gives_sigma_field_and_current_ratio_in_closed_form():
    magnet = Macrospin(1.1e6, 1.5e-9, 1.2e-15, 0.02, initial=(0, 0, 1))
    energy = Energy((Uniaxial(1e6), Demag((0.1, 0.1, 0.8)), Zeeman((0.0, 0.0, 2e4))))
    torque = Torques((Slonczewski(0.6, polarizer=(0.0, 0.0, -1.0)),))
    model = MacrospinModel(magnet, energy, torque)
    reduction = axial_reduction(model, Conditions(current_density=3e10, temperature=300.0))
    H_K = 2e6 / (mu0 * 1.1e6) - 1.1e6 * 0.7
    sigma = mu0 * 1.1e6 * H_K * magnet.volume / (2 * k_B * 300.0)
    assert reduction.anisotropy_field == pytest.approx(H_K, rel=1e-14)
    assert reduction.model.sigma == pytest.approx(sigma, rel=1e-14)
    assert reduction.model.h == pytest.approx(2e4 / H_K, rel=1e-14)
    Jc = critical_current(0.02, 1.1e6, 1.5e-9, 0.3, 2e4, H_K)
    # polariser along -z pushes m away from +z for J > 0: the +z well is destabilised, i > 0
    assert reduction.model.i == pytest.approx(3e10 / Jc, rel=1e-14) and reduction.model.i > 0


def test_reduction_rejects_what_breaks_the_axial_symmetry():
    magnet = Macrospin(1e6, 2e-9, 1e-16, 0.1)
    tilted = MacrospinModel(magnet, Energy((Uniaxial(1e5, axis=(1.0, 0.0, 1.0)),)))
    with pytest.raises(InputError, match="axial symmetry"):
        axial_reduction(tilted, Conditions(temperature=300.0))
    plain = MacrospinModel(magnet, Energy((Uniaxial(1e5),)),
                           Torques((Slonczewski(0.5, epsilon_prime=0.1),)))
    with pytest.raises(InputError, match="epsilon' = 0"):
        axial_reduction(plain, Conditions(temperature=300.0))
    with pytest.raises(InputError, match="T > 0"):
        axial_reduction(MacrospinModel(magnet, Energy((Uniaxial(1e5),))), Conditions())


def test_mean_escape_time_of_the_llg_ensemble_matches_the_fokker_planck_solver():
    # sigma = 3: 2000 trajectories from m_z = +1; the first time m_z changes sign is the first
    # passage to the equator. dt = 0.1 ps makes the discrete-monitoring bias ~1 %; we require
    # agreement within 4 standard errors (~8 %). A wrong noise variance changes the MFPT by e^sigma.
    run = load_macrospin(THERMAL)
    reduction = axial_reduction(run.model, run.conditions)
    expected = mean_first_passage_time(reduction.model) * reduction.tau_N
    ds = run_stochastic(run.model, run.conditions, duration=6e-9, dt=1e-13, trajectories=2000,
                        seed=11, save_every=20000)
    times = ds.switching_time.values
    switched = times[np.isfinite(times)]
    assert switched.size >= 1990
    error = switched.std(ddof=1) / np.sqrt(switched.size)
    assert abs(switched.mean() - expected) < 4 * error


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_escape_under_a_shaped_slonczewski_torque_matches_the_llg_ensemble():
    # sigma = 3 magnet with a Slonczewski torque (P = 0.6, Λ = 2, polariser −z) at i = 0.3: the
    # angle-dependent efficiency enters the Fokker–Planck potential; the mean first passage to the
    # equator of 4000 stochastic LLG trajectories (dt = 0.05 ps: discrete-monitoring bias ~1 %)
    # must agree within 4 standard errors
    run = load_macrospin(THERMAL)
    torque = Slonczewski(0.6, Lambda=2.0, polarizer=(0.0, 0.0, -1.0))
    model = MacrospinModel(run.model.magnet, run.model.energy, Torques((torque,)))
    zero = axial_reduction(model, Conditions(current_density=0.0, temperature=300.0))
    assert zero.critical_current_density is not None
    conditions = Conditions(current_density=0.3 * zero.critical_current_density, temperature=300.0)
    reduction = axial_reduction(model, conditions)
    assert reduction.model.i == pytest.approx(0.3, rel=1e-12)
    assert reduction.model.efficiency is not None
    expected = mean_first_passage_time(reduction.model) * reduction.tau_N
    plain = mean_first_passage_time(AxialModel(reduction.model.sigma, 0.0, 0.3)) * reduction.tau_N
    assert abs(expected / plain - 1) > 0.05  # the shape matters here
    ds = run_stochastic(model, conditions, duration=4e-9, dt=5e-14, trajectories=4000, seed=13,
                        save_every=80000)
    times = ds.switching_time.values
    switched = times[np.isfinite(times)]
    assert switched.size >= 3990
    error = switched.std(ddof=1) / np.sqrt(switched.size)
    assert abs(switched.mean() - expected) < 4 * error
