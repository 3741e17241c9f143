"""WER by energy diffusion (thermal/wer/energy.py): against the exact 1D solver where orbit
averaging is exact (axial problems), the long-pulse decay against λ1 of the energy-diffusion
eigen-solver, invariants on the in-plane example, and the method dispatch."""

from __future__ import annotations

import numpy as np
import pytest

from spintorque.errors import InputError
from spintorque.thermal import AxialModel
from spintorque.thermal.energy import diffusion as ed
from spintorque.thermal.energy import evolution as ev
from spintorque.thermal.sphere.model import uniaxial_model
from spintorque.thermal.wer import SphereWERProblem, problem_from_file, write_error_rate
from spintorque.thermal.wer.energy import energy_write_error_rate

Z = np.array([0.0, 0.0, 1.0])


def _axial_problem(sigma, currents, alpha=0.01):
    models = tuple(uniaxial_model(sigma, alpha=alpha, current_ratio=i) for i in currents)
    return SphereWERProblem(models, uniaxial_model(sigma, alpha=alpha), Z, np.asarray(currents, float))


@pytest.mark.slow
@pytest.mark.parametrize("i", [0.5, 1.0, 1.3])
def test_axial_problems_agree_with_the_1d_solver(i):
    # polariser on the axis: the orbits are circles and the energy-diffusion equation is the
    # 1D equation in z, solved by an independent discretisation (1D chain / spectral, Romberg)
    sigma = 12.0
    times = np.array([0.05, 0.2, 0.5, 1.0, 2.0, 4.0])
    ours = energy_write_error_rate(_axial_problem(sigma, [i]), times, 1e-6)
    ref = write_error_rate(AxialModel(sigma), [i], times)
    gap = np.abs(ours.write_error_rate[0] / ref.write_error_rate[0] - 1.0)
    allowed = ours.write_error_rate_error[0] + ref.write_error_rate_error[0]
    assert np.all(gap <= allowed), (gap, allowed)
    assert ours.solver == "energy"


@pytest.mark.slow
@pytest.mark.parametrize("i", [0.0, 0.3, 0.6])
def test_long_pulses_decay_at_the_energy_diffusion_lambda1(i):
    # the chain's own λ1 (positive Green iteration) against smallest_eigenvalue of the averaged
    # problem (another chain on Chebyshev–Lobatto cells), and the WER's late decay rate
    sigma = 10.0
    model = uniaxial_model(sigma, alpha=0.01, hard_ratio=2.0, easy_axis=(1, 0, 0),
                           hard_axis=(0, 0, 1), current_ratio=i)
    start = uniaxial_model(sigma, alpha=0.01, hard_ratio=2.0, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1))
    reference = ed.smallest_eigenvalue(ed.energy_diffusion(model, (1, 0, 0)))
    orbits = ev.star_orbits(start, np.array([1.0, 0, 0]))
    rates = [ev.chain_rate(ev.star_chain(orbits, model, n)) for n in (64, 128, 256)]
    r1, r2 = (4 * rates[1] - rates[0]) / 3, (4 * rates[2] - rates[1]) / 3
    assert (16 * r2 - r1) / 15 == pytest.approx(reference, rel=1e-7)
    t = np.array([1.0, 2.0]) / reference
    found = ev.star_masses(ev.star_chain(orbits, model, 128), t)
    floor = ev.stationary_start_mass(ev.star_chain(orbits, model, 128))[0]
    decay = -np.log((found.start[1] - floor) / (found.start[0] - floor)) / (t[1] - t[0])
    assert decay == pytest.approx(rates[1], rel=1e-6)


@pytest.mark.slow
def test_in_plane_example_invariants_and_dispatch():
    problem = problem_from_file("examples/macrospin/in_plane.toml", [-1e11, -2e11, -3e11])
    times = np.linspace(0.0, 10e-9, 11) / problem.tau_N
    r = write_error_rate(problem, None, times)  # auto: alpha = 0.1 → energy diffusion
    assert r.solver == "energy"
    w = r.write_error_rate
    assert np.all((w >= 0) & (w <= 1)) and np.all(w[:, 0] == 1.0)
    assert np.all(np.diff(w, axis=1) <= 1e-12 * w[:, 1:])  # monotone in pulse length
    assert np.all(np.diff(w, axis=0) <= 1e-12 * w[1:])  # and in current
    assert np.all(np.isfinite(r.write_error_rate_error))
    assert r.write_error_rate_error[0].max() <= 1e-6  # below the critical current: converged


def test_method_energy_is_refused_for_an_axial_problem_and_large_damping():
    with pytest.raises(InputError, match="1D"):
        write_error_rate(AxialModel(10.0), [1.5], [0.5], method="energy")
    with pytest.raises(InputError, match="too large for orbit averaging"):
        energy_write_error_rate(_axial_problem(5.0, [0.5], alpha=0.5), np.array([0.1]), 1e-6)
