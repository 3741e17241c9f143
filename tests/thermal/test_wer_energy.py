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
    # energy diffusion forced (auto takes the harmonic path at alpha = 0.1 since issue 14:
    # test_wer_harmonics.py::test_auto_picks_harmonics_between_the_energy_and_grid_regimes)
    r = write_error_rate(problem, None, times, method="energy")
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


@pytest.mark.slow
def test_in_plane_low_damping_wer_matches_the_llg_ensemble_within_the_model_note(tmp_path):
    """The in-plane example at alpha = 0.02 (the current scaled with alpha): 1000 stochastic LLG
    trajectories from the restricted Boltzmann state against the energy-diffusion WER, within 3
    binomial standard errors plus the model error its note states (half a precession period)."""
    from dataclasses import replace
    from pathlib import Path

    from spintorque.dynamics import run_stochastic
    from spintorque.dynamics.switching import switching_axis
    from spintorque.magnet.io import load_macrospin
    from tests.thermal.test_wer_sphere import boltzmann_start

    text = (Path(__file__).parents[2] / "examples" / "macrospin" / "in_plane.toml").read_text()
    path = tmp_path / "cell.toml"
    path.write_text(text.replace("damping = 0.1", "damping = 0.02"))
    J, n = -6e10, 1000
    pulses = np.array([2e-9, 3e-9, 4e-9, 5e-9, 6e-9])
    problem = problem_from_file(path, [J])
    r = write_error_rate(problem, None, pulses / problem.tau_N)
    assert r.solver == "energy" and len(r.notes) == 1
    factor = float(r.notes[0].split("factor of about ")[1].split(" ")[0])
    assert 1.05 < factor < 1.2
    wer = r.write_error_rate[0]
    assert wer.min() >= 1e-2 and np.all(r.write_error_rate_error[0] < 1e-2)
    run = load_macrospin(path)
    u, _ = switching_axis(run.model)
    start = boltzmann_start(run.model, u, n, np.random.default_rng(11))
    seen: dict[int, float] = {}

    def record(t: float, m: np.ndarray) -> bool:
        seen[round(t * 1e12)] = float(np.mean(m @ u > 0))
        return False

    run_stochastic(run.model, replace(run.conditions, current_density=J), duration=6e-9, dt=1e-12,
                   trajectories=n, seed=2026, save_every=1000, initial=start, callback=record, keep=False)
    fractions = np.array([seen[round(t * 1e12)] for t in pulses])
    sigma = np.sqrt(wer * (1 - wer) / n)
    assert np.all(np.abs(fractions - wer) <= 3 * sigma + (factor - 1) * wer), (fractions, wer, sigma)
    # the ensemble lies above the averaged model (it switches later), as the note says
    assert np.mean(fractions > wer) >= 0.8


@pytest.mark.slow
def test_cli_json_reports_the_energy_solver_and_its_notes():
    import json
    from pathlib import Path

    from tests.cli.test_wer_cli import invoke

    path = Path(__file__).parents[2] / "examples" / "macrospin" / "in_plane.toml"
    # --method energy: auto takes the harmonic path at alpha = 0.1 (issue 14)
    code, stdout, stderr = invoke("write-error-rate", str(path), "--current", "-1e11 A/m^2",
                                  "--pulse", "1ns:5ns:3", "--json", "--method", "energy")
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert doc["solver"] == "energy" and doc["method_per_current"][0].startswith("energy[")
    for key in ("current_density", "pulse_s", "write_error_rate", "write_error_rate_relative_error",
                "converged", "model_notes", "lambda1_tau_N", "write_error_rate_model_error"):
        assert key in doc
    assert "Kramers" in doc["model_notes"][0] and "warning" in stderr
    # the numerics converge (≤ 1e-6), the model does not: 1 − WER > rtol at 3 and 5 ns, and the
    # true WER lies between it and 1 (issue 14: converged was true here)
    assert max(doc["write_error_rate_relative_error"][0]) <= 1e-6 and doc["converged"] is False
    bound = np.array(doc["write_error_rate_model_error"][0])
    w = np.array(doc["write_error_rate"][0])
    assert np.allclose(bound, 1.0 / w - 1.0, rtol=1e-9) and bound.max() > 1e-6
    assert "--method harmonics or sphere" in stderr
    wer = np.array(doc["write_error_rate"][0])
    assert np.all((wer > 0.99) & (wer <= 1)) and np.all(np.diff(wer) <= 0)


def _small_in_plane(i, alpha=0.01, sigma=20.0):
    kw = dict(alpha=alpha, hard_ratio=2.0, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1))
    return uniaxial_model(sigma, current_ratio=i, **kw), uniaxial_model(sigma, **kw)


@pytest.mark.slow
def test_four_branch_star_against_another_grid_sequence_and_mass_conservation():
    # the non-axial star (two wells, two caps counted half on the start side) on another
    # sequence of grids (48 … 384 cells: different cell edges, so an independent discretisation
    # error), Romberg-extrapolated the same way: agreement within the estimates, down to 1e-12
    from spintorque.thermal.wer import energy as we

    X = np.array([1.0, 0.0, 0.0])
    times = np.array([0.02, 0.1, 0.3, 1.0, 2.0, 4.0])
    models = [_small_in_plane(i)[0] for i in (0.5, 2.0)]
    start = _small_in_plane(0.0)[1]
    problem = SphereWERProblem(tuple(models), start, X, np.array([0.5, 2.0]))
    ours = energy_write_error_rate(problem, times, 1e-6)
    orbits = ev.star_orbits(start, X)
    for row, model in enumerate(models):
        averaged = ev.averaged_branches(orbits, model)
        logs = []
        for n in (48, 96, 192, 384):
            found = ev.star_masses(ev.star_chain(orbits, model, n, averaged), times)
            total = found.start + found.switched
            assert np.all(np.abs(total - 1.0) <= 1e-9), total  # mass conservation
            assert np.all((found.start >= 0) & (found.start <= 1 + 1e-12))
            logs.append(np.log(found.start))
        other, change = we._romberg(logs)
        gap = np.abs(np.exp(other) / ours.write_error_rate[row] - 1.0)
        assert np.all(gap <= ours.write_error_rate_error[row] + np.expm1(change)), (row, gap)
    assert ours.write_error_rate.min() < 1e-12  # the scan reaches below 1e-12


@pytest.mark.slow
def test_energy_diffusion_is_the_low_damping_limit_of_the_2d_grids():
    # an in-plane cell the axial-like 2D grids resolve at alpha = 0.06 (estimate ~1 %): the gap
    # to the (alpha-independent) energy-diffusion WER is within the model error of the note,
    # and it shrinks with alpha (alpha = 0.03, grids at the edge of convergence)
    sigma, X = 6.0, np.array([1.0, 0, 0])
    times = np.array([0.1, 0.2, 0.4, 0.8])

    def problem(alpha, i):
        kw = dict(alpha=alpha, hard_ratio=1.0, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1))
        return SphereWERProblem((uniaxial_model(sigma, current_ratio=i, **kw),),
                                uniaxial_model(sigma, **kw), X, np.array([i]))

    for i in (1.5, 2.5):  # the critical current 1 + kappa/2, and above it
        energy = write_error_rate(problem(0.06, i), None, times, method="energy")
        factor = float(energy.notes[0].split("factor of about ")[1].split(" ")[0])
        gaps = []
        for alpha in (0.06, 0.03):
            two_d = write_error_rate(problem(alpha, i), None, times, method="sphere")
            gaps.append(np.abs(two_d.write_error_rate[0] / energy.write_error_rate[0] - 1.0))
            if alpha == 0.06:
                assert two_d.write_error_rate_error[0].max() < 0.02
                assert np.all(gaps[0] <= (factor - 1.0) + two_d.write_error_rate_error[0]), gaps
        assert np.all(gaps[1][2:] < 0.6 * gaps[0][2:]), gaps  # late pulses: the gap shrinks
