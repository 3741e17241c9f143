"""The 2D solver on macrospin files (physical units): the axial reduction, and the LLG ensemble."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from spintorque.constants import k_B
from spintorque.dynamics.stochastic import run_stochastic
from spintorque.magnet import MacrospinModel
from spintorque.magnet.energy import Demag, Energy
from spintorque.magnet.io import load_macrospin
from spintorque.magnet.model import Conditions
from spintorque.magnet.torque import Slonczewski, Torques
from spintorque.thermal import smallest_eigenvalue as lambda1_1d
from spintorque.thermal.axial.physical import axial_reduction
from spintorque.thermal.sphere import solvers as sphere
from spintorque.thermal.sphere.grid import SphereGrid
from spintorque.thermal.sphere.model import sphere_reduction

THERMAL = Path(__file__).parents[2] / "examples" / "macrospin" / "thermal.toml"


def _first_passage_to_equator(model: MacrospinModel, conditions: Conditions) -> float:
    """MFPT [s] from m = +z to m_z = 0, extrapolated from three grids (error ~1e-5)."""
    reduction = sphere_reduction(model, conditions)
    sizes = (24, 32, 40)
    values = [sphere.mean_first_passage_time(
        reduction.model, SphereGrid.with_ring_at(math.pi / 2, n, n, 2 * n),
        absorbing=lambda m: m[..., 2] <= 1e-12, start=(0, 0, 1)) for n in sizes]
    return sphere.extrapolate(sizes, values, powers=(2, 3))[0] * reduction.tau_N


def test_an_axial_macrospin_gives_the_escape_rate_of_the_axial_reduction():
    run = load_macrospin(THERMAL)
    torque = Slonczewski(0.6, polarizer=(0.0, 0.0, -1.0))
    model = MacrospinModel(run.model.magnet, run.model.energy, Torques((torque,)))
    conditions = Conditions(current_density=2e11, temperature=300.0)
    axial = axial_reduction(model, conditions)
    assert axial.model.i > 0.05
    reduction = sphere_reduction(model, conditions)
    assert reduction.tau_N == pytest.approx(axial.tau_N, rel=1e-14)
    sizes = (64, 128, 256)
    lam = [sphere.smallest_eigenvalue(reduction.model, SphereGrid.uniform(n, 8)) for n in sizes]
    assert sphere.extrapolate(sizes, lam)[0] == pytest.approx(lambda1_1d(axial.model), rel=1e-6)


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_escape_with_a_hard_axis_and_tilted_polariser_matches_the_llg_ensemble():
    # sigma = 3 perpendicular magnet with a hard in-plane axis (N_x = 0.3) and a polariser tilted
    # out of the x-z plane: no symmetry left. Mean first passage from +z to the equator of 4000
    # stochastic LLG trajectories (dt = 0.05 ps) against the 2D solver, within 4 standard errors.
    run = load_macrospin(THERMAL)
    energy = Energy((*run.model.energy, Demag((0.3, 0.0, 0.0))))
    conditions = Conditions(current_density=5e11, temperature=300.0)

    def model(polarizer: tuple[float, float, float]) -> MacrospinModel:
        return MacrospinModel(run.model.magnet, energy, Torques((Slonczewski(0.6, polarizer=polarizer),)))

    expected = _first_passage_to_equator(model((1.0, 1.0, -1.0)), conditions)
    ds = run_stochastic(model((1.0, 1.0, -1.0)), conditions, duration=7e-9, dt=5e-14,
                        trajectories=4000, seed=21, save_every=140000)
    times = ds.switching_time.values
    switched = times[np.isfinite(times)]
    assert switched.size >= 3990
    error = switched.std(ddof=1) / np.sqrt(switched.size)
    assert abs(switched.mean() - expected) < 4 * error
    # the test is sharp: the mirror-image polariser (which reverses the sense of precession
    # relative to the torque) and zero current give times many standard errors away
    mirror = _first_passage_to_equator(model((1.0, -1.0, -1.0)), conditions)
    still = _first_passage_to_equator(model((1.0, 1.0, -1.0)), Conditions(temperature=300.0))
    assert abs(mirror - expected) > 5 * error
    assert abs(still - expected) > 20 * error


def test_transport_torque_in_2d_matches_the_1d_solver_with_the_same_angular_dependence():
    # perpendicular Py free layer of the asymmetric (wavy) Co/Cu/Py valve, fixed layer along +z:
    # the exact diffusive torque, solved at every face of the 2D grid, against the 1D solver fed
    # with the meridional drift of the same torque, U_stt'(z) = 2 (w·e_θ)/sin θ (time unit tau_N)
    from spintorque.magnet import Macrospin
    from spintorque.magnet.energy import Uniaxial
    from spintorque.magnet.torque import DiffusiveTorque
    from spintorque.thermal import AxialModel

    stack = Path(__file__).parents[2] / "examples" / "macrospin" / "wavy_stack.toml"
    magnet = Macrospin(8e5, 3e-9, 2e-16, 0.2, initial=(0.0, 0.0, 1.0))
    model = MacrospinModel(magnet, Energy((Uniaxial(2e5, (0.0, 0.0, 1.0)),)),
                           Torques((DiffusiveTorque(stack, "F2"),)))
    conditions = Conditions(current_density=1.2e11, temperature=300.0)
    reduction = sphere_reduction(model, conditions)
    sigma = 2e5 * magnet.volume / (k_B * 300.0)

    def slope(z: np.ndarray) -> np.ndarray:
        theta = np.arccos(np.clip(z, -1.0, 1.0))
        theta = np.clip(theta, 1e-7, np.pi - 1e-7)
        m = np.stack([np.sin(theta), np.zeros_like(theta), np.cos(theta)], axis=-1)
        e_theta = np.stack([np.cos(theta), np.zeros_like(theta), -np.sin(theta)], axis=-1)
        assert reduction.model.drift is not None
        w = reduction.model.drift(m)
        return np.asarray(2.0 * np.einsum("...i,...i->...", w, e_theta) / np.sin(theta))

    i = float(slope(np.array([1.0]))[0]) / (2.0 * sigma)
    assert 0.1 < i < 0.9  # destabilising the starting well, below the critical current
    axial = AxialModel(sigma, 0.0, i, efficiency=slope)
    sizes = (128, 256, 512)
    lam = [sphere.smallest_eigenvalue(reduction.model, SphereGrid.uniform(n, 4)) for n in sizes]
    value = sphere.extrapolate(sizes, lam)[0]
    assert value == pytest.approx(lambda1_1d(axial), rel=1e-6)
    assert value != pytest.approx(lambda1_1d(AxialModel(sigma, 0.0, i)), rel=1e-2)  # the shape matters
