"""The 2D write-error rate (Fokker–Planck on the sphere) against the 1D path, an LLG ensemble and
its invariants (THERMAL.md §6)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from spintorque.errors import InputError
from spintorque.thermal import AxialModel
from spintorque.thermal.sphere.model import uniaxial_model
from spintorque.thermal.wer import SphereWERProblem, problem_from_file, read_disturb, write_error_rate
from spintorque.thermal.wer.sphere import sphere_row

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
"""An in-plane cell: sigma ≈ 8.7, easy plane ≈ 2× the barrier, tau_N = 0.77 ns, alpha 0.5."""


@pytest.mark.parametrize(("sigma", "h", "i"), [(10.0, 0.0, 2.0), (15.0, 0.0, 1.5), (10.0, 0.1, 1.2)])
def test_sphere_path_matches_the_axial_path(sigma, h, i):
    times = np.array([0.05, 0.2, 0.5, 1.0, 2.0, 4.0])
    one = write_error_rate(AxialModel(sigma, h), [i], times)
    two = write_error_rate(AxialModel(sigma, h), [i], times, method="sphere")
    assert two.solver == "2d" and two.methods[0].startswith("sphere[axisymmetric")
    a, b = one.write_error_rate[0], two.write_error_rate[0]
    gap = np.abs(b / a - 1)
    big = a >= 1e-10
    assert np.all(gap[big] <= 1e-4), gap
    # down to 1e-26 the gap stays within the two error estimates (or below 1e-8, under both
    # solvers' rtol, where the estimates themselves are rounding-level numbers)
    bound = np.maximum(two.write_error_rate_error[0] + one.write_error_rate_error[0], 1e-8)
    assert np.all(gap <= bound), gap
    assert a.min() < 1e-12


def test_full_2d_grid_matches_the_axial_path():
    """Azimuthal cells kept (the in-plane machinery) on a symmetric problem: agreement 2e-5."""
    times = np.array([0.05, 0.2, 0.5, 1.0, 2.0])
    one = write_error_rate(AxialModel(10.0), [2.0], times).write_error_rate[0]
    row = sphere_row(
        uniaxial_model(10.0, current_ratio=2.0),
        uniaxial_model(10.0),
        np.array([0.0, 0.0, 1.0]),
        times,
        family="axial-like",
    )
    assert row.family == "axial-like" and row.asymptotic
    gap = np.abs(row.wer / one - 1)
    assert np.all(gap <= 1e-4) and np.all(gap <= row.error + 1e-6), (gap, row.error)


def in_plane(sigma: float = 8.0, i: float = 0.0):
    return uniaxial_model(
        sigma,
        alpha=0.5,
        easy_axis=(1, 0, 0),
        hard_axis=(0, 0, 1),
        hard_ratio=2.0,
        current_ratio=i,
        polarizer=(1, 0, 0),
    )


def test_invariants_bounded_and_monotone_in_pulse_and_current():
    times = np.linspace(0.0, 3.0, 13)
    u = np.array([1.0, 0.0, 0.0])
    rows = [sphere_row(in_plane(i=i), in_plane(), u, times, sizes=(17, 21, 25)) for i in (1.5, 2.5, 4.0)]
    assert all(r.family == "planar" for r in rows)
    wer = np.array([r.wer for r in rows])
    error = np.array([r.error for r in rows])
    assert np.all((wer >= 0) & (wer <= 1))
    # each curve decays onto its stationary floor M_∞ (the default grids: 4.7e-13 at i = 2.5,
    # 1.8e-22 at i = 4; these coarse ones 3.8e-12, 4.5e-20) and never below it, down to the floor
    floors = np.array([r.floor for r in rows], dtype=float)
    assert np.all(floors > 0) and np.all(np.diff(floors) < 0)
    assert np.all(wer >= floors[:, None])
    assert np.all(wer[1:, -1] < 2 * floors[1:])  # i = 2.5, 4: the transient is under the floor by 3 tau_N
    assert np.all(np.diff(wer, axis=1) <= 1e-12 * wer[:, :-1])  # longer pulse, fewer errors
    assert np.all(np.diff(wer, axis=0) <= 1e-12 * wer[:-1])  # more current
    assert np.all(error >= 0)
    assert wer[0, 0] > 0.99 and wer[-1, -1] < 1e-3


def test_stationary_floor_is_the_generators_null_vector():
    """M_∞ of the evolution (resolvent steps in positive arithmetic) against a direct sparse solve
    of Q p = 0 on the same planar grid (i = 2.5: 8.2e-13), and the long-pulse mass reaches it."""
    from scipy.sparse.linalg import spsolve

    from spintorque.thermal.sphere.chain import build_chain
    from spintorque.thermal.sphere.evolution import region_masses
    from spintorque.thermal.sphere.solvers import generator_matrix
    from spintorque.thermal.wer.sphere import wer_grid_family

    u = np.array([1.0, 0.0, 0.0])
    family, make = wer_grid_family(in_plane(i=2.5), in_plane(), u)
    grid = make(25)
    chain = build_chain(in_plane(i=2.5), grid)
    side = grid.centres @ u > 0
    found = region_masses(
        chain,
        np.where(side, build_chain(in_plane(), grid).equilibrium(), 0.0),
        side,
        np.array([0.5, 3.0, 6.0]),
    )
    Q = generator_matrix(chain).tolil()
    k = int(np.argmin(grid.centres @ u))  # the cell at −u, where the current drives m
    Q[k, :] = 1.0  # the normalisation replaces its balance equation
    p = spsolve(Q.tocsc(), np.eye(Q.shape[0])[k])
    direct = float(p[side.ravel()].sum())
    assert family == "planar" and 1e-13 < direct < 1e-11
    assert abs(found.stationary / direct - 1) < 1e-8 and found.stationary_error <= 1e-10
    assert abs(found.mass[-1] / found.stationary - 1) < 1e-8 and found.mass[0] > 1e3 * direct


def test_non_axial_file_is_solved_in_2d_and_refuses_what_it_cannot(tmp_path):
    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE)
    problem = problem_from_file(path, [-1e12])
    assert isinstance(problem, SphereWERProblem)
    assert np.allclose(problem.axis, [1, 0, 0]) and np.isnan(problem.current_ratio).all()
    # read disturb is computed in 2D now, but not above the critical current (~1.2e12 A/m^2)
    with pytest.raises(InputError, match="no stable start state"):
        read_disturb(problem_from_file(path, [-1.5e12]), None, [1.0])
    with pytest.raises(InputError, match="2D"):
        write_error_rate(problem, None, [1.0], method="chain")
    with pytest.raises(InputError, match="nu"):
        problem_from_file(path, [-1e12], nu=0.5)


def boltzmann_start(model, u: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n directions from exp(−E V/k_BT) restricted to m·u > 0 (rejection, exact)."""
    from spintorque.constants import k_B

    scale = model.magnet.volume / (k_B * 300.0)
    floor = float(model.energy.energy_density(u[None, :], model.magnet)[0]) * scale
    out: list[np.ndarray] = []
    while sum(len(o) for o in out) < n:
        m = rng.normal(size=(100_000, 3))
        m /= np.linalg.norm(m, axis=1)[:, None]
        m = m[m @ u > 0]
        U = model.energy.energy_density(m, model.magnet) * scale - floor
        assert U.min() >= -1e-9
        out.append(m[rng.random(len(m)) < np.exp(-U)])
    return np.concatenate(out)[:n]


@pytest.mark.slow
def test_in_plane_wer_matches_a_stochastic_llg_ensemble(tmp_path):
    """N = 600 trajectories (Heun, dt = 1 ps) from the restricted Boltzmann state, the fraction
    with m·u > 0 at each pulse end, within 3 binomial standard errors of the 2D WER."""
    from spintorque.dynamics import run_stochastic
    from spintorque.dynamics.switching import switching_axis
    from spintorque.magnet.io import load_macrospin

    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE)
    J, n = -1e12, 600
    pulses = np.array([0.25e-9, 0.5e-9, 0.75e-9, 1.0e-9])
    problem = problem_from_file(path, [J])
    assert problem.tau_N is not None
    result = write_error_rate(problem, None, pulses / problem.tau_N)
    wer = result.write_error_rate[0]
    assert np.all(result.write_error_rate_error[0] < 0.1) and wer.min() >= 1e-3

    run = load_macrospin(path)
    u, _ = switching_axis(run.model)
    start = boltzmann_start(run.model, u, n, np.random.default_rng(11))
    seen: dict[float, float] = {}

    def record(t: float, m: np.ndarray) -> bool:
        seen[round(t * 1e12)] = float(np.mean(m @ u > 0))
        return False

    run_stochastic(
        run.model,
        replace(run.conditions, current_density=J),
        duration=1e-9,
        dt=1e-12,
        trajectories=n,
        seed=2026,
        save_every=250,
        initial=start,
        callback=record,
        keep=False,
    )
    fractions = np.array([seen[round(t * 1e12)] for t in pulses])
    sigma = np.sqrt(wer * (1 - wer) / n)
    assert np.all(np.abs(fractions - wer) <= 3 * sigma + wer * result.write_error_rate_error[0]), (
        fractions,
        wer,
        sigma,
    )


def test_example_in_plane_file_reports_2d_and_not_converged():
    """The shipped in-plane file (alpha = 0.1): grids disagree, and the result says so."""
    path = Path(__file__).parents[2] / "examples" / "macrospin" / "in_plane.toml"
    problem = problem_from_file(path, [-1e12])
    assert isinstance(problem, SphereWERProblem)
    row = sphere_row(
        problem.models[0],
        problem.start_model,
        problem.axis,
        np.array([1e-9, 5e-9]) / problem.tau_N,
        sizes=(17, 21, 25),
    )
    assert row.family == "planar"
    assert np.all(np.isfinite(row.wer)) and np.all((row.wer >= 0) & (row.wer <= 1))


@pytest.mark.slow  # the default four grids, twice: ~6 s
def test_parallel_currents_of_the_2d_grids_are_bit_identical_to_serial(tmp_path):
    """method="sphere" with workers = 2 over 2 currents: the serial table bit for bit."""
    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE)
    problem = problem_from_file(path, [-0.6e12, -1e12])
    times = np.array([0.25e-9, 1e-9]) / problem.tau_N
    serial = write_error_rate(problem, None, times, method="sphere", workers=1)
    parallel = write_error_rate(problem, None, times, method="sphere", workers=2)
    assert serial.methods == parallel.methods
    for name in ("write_error_rate", "write_error_rate_error", "lambda1"):
        assert getattr(serial, name).tobytes() == getattr(parallel, name).tobytes(), name
    assert 0 < serial.write_error_rate[1, -1] < serial.write_error_rate[0, -1] < 1
