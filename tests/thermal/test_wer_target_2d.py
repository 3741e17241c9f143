"""The current for a target WER and read disturb on the 2D path (non-axial files; issue 14).

Checked against the 1D solvers on an axial problem run through the 2D route
(:func:`~spintorque.thermal.wer.sphere.axial_on_sphere`), against an analytic table (the search
logic alone), and the read current's start well against the in-plane closed-form J_c0.
"""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from spintorque.constants import e, hbar, mu0
from spintorque.errors import InputError
from spintorque.thermal import AxialModel
from spintorque.thermal.wer import WERProblem, current_for_target, problem_from_file, read_disturb
from spintorque.thermal.wer import sphere_target as st
from spintorque.thermal.wer.sphere import axial_on_sphere

IN_PLANE = Path(__file__).parents[2] / "examples" / "macrospin" / "in_plane.toml"


def _analytic(monkeypatch, log_wer, rel_error=1e-9):
    """Replace the 2D evaluation by ln WER(x, t) = log_wer(x, t), x = |J|; counts the currents."""
    calls: list[int] = []

    def fake(make, currents, times, rtol, method, workers):
        x = np.abs(np.asarray(currents, dtype=float))
        calls.append(x.size)
        w = np.exp(np.array([[log_wer(xi, t) for t in times] for xi in x]))
        return SimpleNamespace(write_error_rate=w, write_error_rate_error=np.full(w.shape, rel_error),
                               methods=tuple("analytic" for _ in x))

    monkeypatch.setattr(st, "_evaluate", fake)
    return calls


def test_the_search_finds_an_analytic_root_within_its_error(monkeypatch):
    # ln WER = −t (e^x − 1), decreasing in x and no polynomial (a cubic would be interpolated
    # exactly and hide the interpolation error): x* = ln(1 − ln target / t)
    calls = _analytic(monkeypatch, lambda x, t: -t * math.expm1(x))
    target, pulses = 1e-6, np.array([2.0, 3.0, 5.0, 8.0])
    found = st.sphere_current_for_target(None, target, pulses, (-0.9, -2.5))
    exact = -np.log1p(-math.log(target) / pulses)
    assert sum(calls) <= 5 + 3  # the ladder and one refinement round
    assert found.converged.all() and found.monotone.all() and not found.outside.any()
    gap = np.abs(found.current_density - exact)
    assert np.all(gap <= found.error), (gap, found.error)
    # conservative (the quadratic's error): measured 2e-4 … 1.1e-3 of |x*| for gaps 1e-5 … 1e-4
    assert np.all(found.error < 2e-3 * np.abs(exact))
    # the interpolation part is what bounds the gap (the WER error, 1e-9, moves it by ~1e-10)
    assert np.all(gap <= found.interpolation_error + 1e-9)
    # J* < 0 as the bracket; |J*| decreases with the pulse
    assert np.all(np.diff(np.abs(found.current_density)) < 0)


def test_a_table_given_is_reused_once_per_current(monkeypatch):
    calls = _analytic(monkeypatch, lambda x, t: -t * math.expm1(x))
    pulses = np.array([2.0, 5.0])
    w = np.exp(-np.outer(np.expm1([0.9, 0.9, 2.5]), pulses))
    table = SimpleNamespace(problem=SimpleNamespace(current_density=np.array([-0.9, -0.9, -2.5])),
                            current_ratio=np.full(3, math.nan), pulse=pulses, write_error_rate=w,
                            write_error_rate_error=np.full(w.shape, 1e-9), methods=("t",) * 3)
    found = st.sphere_current_for_target(None, 1e-6, pulses, (-0.9, -2.5), table=table)
    assert calls[0] == 3 and found.nodes.size == 2 + 3 + calls[1]  # the ends come from the table
    assert np.all(np.diff(np.abs(found.nodes)) > 0) and found.converged.all()


def test_a_wer_that_rises_with_the_current_is_flagged(monkeypatch):
    # a bump in ln WER about x = 1.6 that rises by ~3 between nodes, far beyond the WER errors
    _analytic(monkeypatch, lambda x, t: -t * x**3 + 10.0 * math.exp(-(((x - 1.6) / 0.2) ** 2)))
    found = st.sphere_current_for_target(None, 1e-6, [4.0], (1.0, 2.5), nodes=9)
    assert not found.monotone[0] and not found.converged[0]


def test_outside_the_bracket_a_reason_and_no_current(monkeypatch):
    _analytic(monkeypatch, lambda x, t: -t * x**3)
    found = st.sphere_current_for_target(None, 1e-6, [0.1, 100.0], (1.0, 2.0))
    assert found.outside.tolist() == [True, True]
    assert np.isnan(found.current_density).all() and np.isnan(found.error).all()
    assert "not reached" in found.reason[0] and "already" in found.reason[1]


@pytest.mark.parametrize("bracket", [(1.0, -2.0), (1.0, 1.0), (0.0, math.inf)])
def test_a_bracket_that_is_not_two_currents_of_one_sign_is_refused(bracket):
    with pytest.raises(InputError, match="bracket"):
        st.sphere_current_for_target(None, 1e-6, [1.0], bracket)


@pytest.mark.slow  # 8 axisymmetric 2D runs, ~3 s CPU
def test_target_current_on_the_2d_route_agrees_with_the_1d_one_within_the_estimates():
    model = AxialModel(10.0)
    pulses = [0.5, 1.0, 2.0]

    def make(i):
        return axial_on_sphere(WERProblem(model, np.asarray(i, dtype=float)))

    axial = current_for_target(model, 1e-6, pulses, bracket=(0.5, 3.0), max_cells=256)
    two_d = st.sphere_current_for_target(make, 1e-6, pulses, (1.0, 3.0), workers=1)
    assert axial.converged.all() and not two_d.outside.any()
    gap = np.abs(two_d.current_density - axial.current_ratio)
    assert np.all(gap <= two_d.error + axial.error), (gap, two_d.error)
    # the flag follows the WER error at J*: the 2D grids give ~1e-4 at the shortest pulse
    # (measured 1.2e-4), better than 1e-6 at the longest (3.7e-7)
    assert np.array_equal(two_d.converged, (two_d.wer_relative_error <= 1e-6) & two_d.monotone)
    assert not two_d.converged[0] and two_d.wer_relative_error[0] > 1e-5
    assert np.all(np.diff(two_d.current_density) < 0)


@pytest.mark.slow  # two axisymmetric 2D runs and the 1D chain, ~3 s CPU
def test_read_disturb_on_the_2d_route_agrees_with_the_1d_chain():
    model, currents = AxialModel(10.0), [0.3, 0.6]
    times = np.array([0.01, 0.1, 1.0, 10.0, 100.0])
    axial = read_disturb(model, currents, times, max_cells=1024)
    two_d = read_disturb(axial_on_sphere(WERProblem(model, np.array(currents))), None, times, workers=1)
    p = two_d.switching_probability
    assert two_d.quantity == "switching_probability" and two_d.converged.all()
    assert np.all((p >= 0) & (p <= 1)) and np.all(np.diff(p, axis=1) >= 0)
    # converged values agree within the accuracy both claim (rtol 1e-6); measured ≤ 1.01e-8
    # (at i = 0.3, t = 0.1 that gap is 1.14× the sum of the two estimates: docs/wer.md)
    np.testing.assert_allclose(p, axial.switching_probability, rtol=2e-6)


def _in_plane_jc0() -> float:
    """Macrospin J_c0 of the in-plane example, (2e α μ0 Ms d / ħ η)(H_K + Ms N_z / 2), η = P
    (Katine & Fullerton, JMMM 320, 1217 (2008), eq. 5; Λ = 1)."""
    Ms, d, alpha, eta, K, Nz = 1e6, 1.5e-9, 0.1, 0.6, 4e4, 0.25
    return 2 * e * alpha * mu0 * Ms * d / (hbar * eta) * (2 * K / (mu0 * Ms) + Ms * Nz / 2)


@pytest.mark.parametrize(("factor", "kept"), [(0.99, True), (1.01, False), (-3.0, True)])
def test_the_read_current_keeps_the_start_well_below_the_closed_form_critical_current(factor, kept):
    problem = problem_from_file(IN_PLANE, [-factor * _in_plane_jc0()])
    assert st.start_well_kept(problem.models[0], problem.axis) is kept


@pytest.mark.parametrize(("i", "kept"), [(0.95, True), (1.05, False)])
def test_the_start_well_of_an_axial_problem_on_the_sphere_ends_at_i_1(i, kept):
    problem = axial_on_sphere(WERProblem(AxialModel(20.0, 0.1), np.array([i])))
    assert st.start_well_kept(problem.models[0], problem.axis) is kept


def test_read_disturb_above_the_critical_current_is_refused():
    problem = problem_from_file(IN_PLANE, [-1.05 * _in_plane_jc0()])
    with pytest.raises(InputError, match=r"^read current: .*no stable start state"):
        read_disturb(problem, None, [1.0])


@pytest.mark.long  # one harmonic run, ~25 s CPU
def test_in_plane_read_disturb_is_a_probability_that_grows_with_the_read_time():
    # -1.5e11 A/m^2 = 0.83 J_c0: measured P = 1.2e-4, 0.076, 0.63, 0.99996 at 1 ns … 1 us, the
    # first with the relative error 4e-2 that the WER's 4.8e-6 gives it (not converged)
    problem = problem_from_file(IN_PLANE, [-1.5e11])
    assert problem.tau_N is not None
    times = np.geomspace(1e-9, 1e-6, 4) / problem.tau_N
    r = read_disturb(problem, None, times, workers=1)
    p, err = r.switching_probability[0], r.switching_probability_error[0]
    assert r.quantity == "switching_probability" and not np.isnan(err).any()
    assert np.all((p >= 0) & (p <= 1)) and np.all(np.diff(p) > 0)
    assert np.array_equal(r.converged[0], err <= 1e-6)
    assert not r.converged[0, 0] and err[0] > 1e-3  # P = 1e-4 from 1 − WER: its digits are lost


@pytest.mark.long  # 6 harmonic runs for the search and 2 for the check, ~4 min CPU
def test_in_plane_target_current_gives_the_target_wer_when_computed_there():
    from functools import partial

    make = partial(problem_from_file, IN_PLANE)
    tau = make([-3e11]).tau_N
    assert tau is not None
    pulses = np.array([2e-9, 3e-9]) / tau
    found = st.sphere_current_for_target(make, 1e-6, pulses, (-2.5e11, -4e11), workers=1)
    assert not found.outside.any() and found.converged.all() and found.monotone.all()
    assert np.all(np.diff(np.abs(found.current_density)) < 0)  # longer pulse, smaller |J*|
    # the WER computed afresh at each J* is the target within the errors the search claims
    check = st._evaluate(make, found.current_density, pulses, 1e-6, "auto", 1)
    for j in range(pulses.size):
        w, d = check.write_error_rate[j, j], check.write_error_rate_error[j, j]
        x, f = np.abs(found.nodes), np.log(np.maximum(found.node_write_error_rate[:, j], 1e-300))
        k = int(np.searchsorted(x, abs(found.current_density[j])))  # the bracketing pair's chord
        slope = abs((f[k] - f[k - 1]) / (x[k] - x[k - 1]))
        assert abs(math.log(w / 1e-6)) <= d + found.wer_relative_error[j] + slope * found.error[j]


def test_a_switched_probability_without_a_bound_is_inf_not_nan():
    # a WER of 0 with no error bound (inf) gave the switching probability's error inf·0 = NaN
    from spintorque.thermal.wer.sphere import two_d_result

    problem = axial_on_sphere(WERProblem(AxialModel(10.0), np.array([0.5])))
    r = two_d_result(problem, np.array([0.0, 1.0, 2.0]), np.array([[1.0, 0.3, 0.0]]),
                     np.array([[0.0, 1e-8, math.inf]]), (1,), 1e-6, np.ones(1), ("x",), "harmonics")
    sw = r.switching_probability_error[0]
    assert not np.isnan(sw).any() and sw[2] == math.inf and sw[0] == 0.0
    assert math.isclose(sw[1], 1e-8 * 0.3 / 0.7)
