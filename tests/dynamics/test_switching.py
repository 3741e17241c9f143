"""Switching judged by geometry: settled beyond the separatrix along the easy axis, not one sign
change; its statistics (binomial error, quantiles, P(t)), seeds, and the time-step check."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from spintorque.analytic import dynamics as an
from spintorque.constants import gamma0, k_B
from spintorque.dynamics import run_stochastic
from spintorque.dynamics.switching import (
    SwitchingCriterion,
    SwitchingResult,
    binomial_standard_error,
    classify,
    one_sided_bound,
    run_switching,
    switching_axis,
    wilson_interval,
)
from spintorque.dynamics.timestep import suggested_time_step, time_step_warning, turning_rate
from spintorque.errors import InputError
from spintorque.magnet import Conditions, Demag, Macrospin, MacrospinModel, Slonczewski, Uniaxial, Zeeman
from spintorque.magnet.io import load_macrospin

EXAMPLES = Path(__file__).parents[2] / "examples" / "macrospin"


def test_in_plane_cell_at_zero_current_and_sigma_above_40_does_not_switch_in_10_ns():
    run = load_macrospin(EXAMPLES / "in_plane.toml")
    magnet = run.model.magnet
    sigma = 4e4 * magnet.volume / (k_B * run.conditions.temperature)
    assert sigma >= 40
    axis, source = switching_axis(run.model)
    assert source == "easy axis" and axis == pytest.approx([1.0, 0.0, 0.0])  # not the normal z
    dt = suggested_time_step(run.model, run.conditions, 1e-8)
    result = run_switching(run.model, run.conditions, duration=1e-8, dt=dt, trajectories=64, seed=11)
    assert result.switched.sum() == 0 and result.unsettled.sum() == 0 and result.warnings == ()
    # the old criterion (any sign change of m_z) would have called every one of them switched
    crossings = run_stochastic(run.model, run.conditions, duration=2e-10, dt=dt, trajectories=64,
                               seed=11, save_every=400)
    assert np.all(np.isfinite(crossings.switching_time.values))


def test_a_transient_crossing_that_falls_back_is_not_a_switch():
    t = np.linspace(0.0, 10e-9, 1001)
    back = np.where((t > 2e-9) & (t < 3e-9), -0.9, 1.0)            # crosses to -0.9, returns
    stays = np.clip(1.0 - t / 2e-9, -1.0, 1.0)                       # reaches -0.5 at 3 ns, stays
    late = np.where(t > 9.5e-9, -1.0, 1.0)                           # beyond -c only in the last 0.5 ns
    orbit = np.cos(2 * np.pi * t / 0.4e-9)                           # an orbit dipping below -c
    shallow = np.where(t > 1e-9, -0.3, 1.0)                          # past the equator, not past -c
    p = np.stack([back, stays, late, orbit, shallow])
    m = np.stack([p, np.sqrt(1 - p**2), np.zeros_like(p)], axis=-1)
    criterion = SwitchingCriterion((1.0, 0.0, 0.0), threshold=0.5, settle=1e-9)
    switched, t_s, unsettled = classify(t, m, criterion)
    assert switched.tolist() == [False, True, False, False, False]
    assert unsettled.tolist() == [False, False, True, False, False]
    assert t_s[1] == pytest.approx(3e-9, rel=1e-9)                   # interpolated crossing of -c
    assert np.isnan(t_s[[0, 2, 3, 4]]).all()


def test_switching_axis_is_the_initial_direction_where_the_energy_has_no_easy_axis():
    magnet = Macrospin(1e6, 1e-9, 1e-16, 0.1, initial=(0.6, 0.0, 0.8))
    axis, source = switching_axis(MacrospinModel(magnet, Zeeman((0, 0, 1e4))))
    assert source == "initial direction" and axis == pytest.approx([0.6, 0.0, 0.8])
    flipped = Macrospin(1e6, 1e-9, 1e-16, 0.1, initial=(0.0, 0.0, -1.0))
    axis, _ = switching_axis(MacrospinModel(flipped, Uniaxial(1e5)))
    assert axis == pytest.approx([0.0, 0.0, -1.0])                   # points to the start side
    on_separatrix = Macrospin(1e6, 1e-9, 1e-16, 0.1, initial=(1.0, 0.0, 0.0))
    with pytest.raises(InputError, match="separatrix"):
        switching_axis(MacrospinModel(on_separatrix, Uniaxial(1e5)))


def _perpendicular(theta0: float) -> tuple[MacrospinModel, float, float]:
    Ms, d, alpha, K = 1e6, 2e-9, 0.05, 8e5
    magnet = Macrospin(Ms, d, 1e-16, alpha, initial=(math.sin(theta0), 0.0, math.cos(theta0)))
    model = MacrospinModel(magnet, Uniaxial(K) + Demag((0, 0, 1)),
                           Slonczewski(0.6, polarizer=(0.0, 0.0, -1.0)))
    H_K = an.anisotropy_field(K, Ms, (0, 0, 1))
    return model, an.critical_current(alpha, Ms, d, 0.3, 0.0, H_K), an.damping_time(alpha, H_K)


def test_perpendicular_cell_well_above_ic_switches_at_the_closed_form_time():
    # T = 0, i = 3: the time to reach m_z = -c from the closed form of dθ/dt = sinθ (i − cosθ)/τ_D
    theta0, i, c = 0.05, 3.0, 0.5
    model, J_c, tau_D = _perpendicular(theta0)
    expected = an.switching_time(theta0, math.acos(-c), i, tau_D)
    result = run_switching(model, Conditions(i * J_c), duration=round(3 * expected, 12), dt=1e-13,
                           trajectories=2, seed=1, sample_interval=1e-12, threshold=c)
    assert result.switched.all() and result.warnings == ()
    np.testing.assert_allclose(result.switching_time, expected, rtol=1e-4)  # Heun: 1.3e-5
    # below J_c it does not switch
    below = run_switching(model, Conditions(0.8 * J_c), duration=round(3 * expected, 12), dt=1e-13,
                          trajectories=2, seed=1)
    assert not below.switched.any()


def test_binomial_standard_error_is_sqrt_p_q_over_n_and_matches_the_spread_of_ensembles():
    assert binomial_standard_error(30, 100) == pytest.approx(math.sqrt(0.3 * 0.7 / 100), rel=1e-15)
    assert binomial_standard_error(0, 50) == 0.0
    rng = np.random.default_rng(3)
    fractions = rng.binomial(200, 0.3, size=20000) / 200
    assert np.std(fractions) == pytest.approx(binomial_standard_error(60, 200), rel=0.03)
    low, high = wilson_interval(0, 50)
    z2 = 1.959963984540054**2
    assert low == 0.0 and high == pytest.approx(z2 / (50 + z2), rel=1e-12)
    low, high = wilson_interval(30, 100)
    assert 0 <= low < 0.3 < high <= 1


def _result(times: list[float], trajectories: int, duration: float = 1e-8) -> SwitchingResult:
    t = np.full(trajectories, np.nan)
    t[: len(times)] = times
    switched = np.isfinite(t)
    return SwitchingResult(SwitchingCriterion((0, 0, 1), 0.5, 1e-9), switched, t,
                           np.zeros(trajectories, dtype=bool), np.zeros((trajectories, 3)), duration,
                           1e-12, 1e-11, 1, 1, 1.0)


def test_exact_one_sided_bound_makes_the_observed_extreme_a_5_percent_event():
    for n in (1, 7, 50, 4000):
        upper = one_sided_bound(0, n)
        assert upper is not None and (1 - upper) ** n == pytest.approx(0.05, rel=1e-12)
        lower = one_sided_bound(n, n)
        assert lower is not None and lower**n == pytest.approx(0.05, rel=1e-12)
        assert lower == pytest.approx(1 - upper, rel=1e-12)
    assert one_sided_bound(0, 4000) == pytest.approx(3 / 4000, rel=0.01)  # the rule of three
    assert one_sided_bound(3, 10) is None
    # coverage: when none of N switch, the true p lies below the bound in >= 95 % of such runs
    rng = np.random.default_rng(7)
    p_true = rng.uniform(0, 0.2, 200000)
    zero = rng.binomial(20, p_true) == 0
    assert np.mean(p_true[zero] <= one_sided_bound(0, 20)) > 0.95


def test_json_gives_no_zero_standard_error_when_none_or_all_switched():
    for switched, key in ((0, "switched_fraction_upper_bound_95"),
                          (20, "switched_fraction_lower_bound_95")):
        doc = _result([1e-10] * switched, 20).to_json_dict()
        assert doc["switched_fraction_standard_error"] is None
        assert "switched" in doc["null_reasons"]["switched_fraction_standard_error"]
        assert doc[key] == pytest.approx(one_sided_bound(switched, 20), rel=1e-15)
        low, high = doc["switched_fraction_interval_95"]
        assert low < high and (low == 0.0 or high == 1.0)
        assert all(v is not None or k in doc["null_reasons"] for k, v in doc.items()
                   if k.startswith("switched_fraction"))
    middle = _result([1e-10] * 6, 20).to_json_dict()
    assert middle["switched_fraction_standard_error"] == pytest.approx(math.sqrt(0.3 * 0.7 / 20))
    assert middle["switched_fraction_upper_bound_95"] is None
    assert "switched_fraction_standard_error" not in middle["null_reasons"]


def test_quantiles_are_order_statistics_of_the_ensemble_or_null_with_a_reason():
    full = _result([k * 1e-10 for k in range(1, 21)], 20)
    q = full.quantiles()
    assert q[0.05] == (pytest.approx(1e-10), None) and q[0.5] == (pytest.approx(1e-9), None)
    assert q[0.95] == (pytest.approx(1.9e-9), None)
    half = _result([k * 1e-10 for k in range(1, 11)], 20).quantiles()
    assert half[0.5][0] == pytest.approx(1e-9) and half[0.75][0] is None
    assert "only 10 of 20" in str(half[0.75][1])
    few = _result([1e-10, 2e-10, 3e-10, 4e-10], 4).quantiles()
    assert few[0.05][0] is None and "at least 20" in str(few[0.05][1])
    assert few[0.25][0] == pytest.approx(1e-10) and few[0.75][0] == pytest.approx(3e-10)


def test_probability_curve_rises_from_zero_to_the_switched_fraction_before_the_window():
    result = _result([1e-9, 2e-9, 5e-9], 6)
    times, curve = result.probability_curve(91)
    assert times[-1] == pytest.approx(9e-9) and curve[0] == 0.0
    assert np.all(np.diff(curve) >= 0) and curve[-1] == pytest.approx(0.5)
    assert curve[np.searchsorted(times, 1.5e-9)] == pytest.approx(1 / 6)


def test_same_seed_gives_the_same_numbers_and_a_drawn_seed_is_reported_and_replays():
    run = load_macrospin(EXAMPLES / "thermal.toml")  # sigma = 3: thermal flips within 2 ns
    args = {"duration": 2e-9, "dt": 1e-12, "trajectories": 40}
    first = run_switching(run.model, run.conditions, seed=5, **args)
    again = run_switching(run.model, run.conditions, seed=5, **args)
    other = run_switching(run.model, run.conditions, seed=6, **args)
    assert 0 < first.switched.sum() < 40
    np.testing.assert_array_equal(first.switching_time, again.switching_time)
    np.testing.assert_array_equal(first.final_m, again.final_m)
    assert not np.array_equal(first.final_m, other.final_m)
    drawn = run_switching(run.model, run.conditions, **args)
    assert drawn.seed is None and 0 <= drawn.seed_entropy < 2**52
    replay = run_switching(run.model, run.conditions, seed=drawn.seed_entropy, **args)
    np.testing.assert_array_equal(drawn.final_m, replay.final_m)
    assert first.to_json_dict()["seed"] == 5


def test_turning_rate_is_kittels_frequency_for_an_axial_magnet():
    Ms, K, H = 1e6, 8e5, 2e4
    model = MacrospinModel(Macrospin(Ms, 1e-9, 1e-16, 0.01), Uniaxial(K) + Demag((0, 0, 1))
                           + Zeeman((0, 0, H)))
    assert turning_rate(model) == pytest.approx(gamma0 * (an.anisotropy_field(K, Ms, (0, 0, 1)) + H),
                                                rel=1e-12)


def test_time_step_warning_fires_for_a_coarse_step_and_not_for_a_fine_one():
    run = load_macrospin(EXAMPLES / "in_plane.toml")
    omega = turning_rate(run.model)
    fine = suggested_time_step(run.model, run.conditions, 1e-8)
    assert 0.02 < omega * fine <= 0.05                            # the largest 1-2-5 step below 0.05
    assert time_step_warning(run.model, run.conditions, fine, 1e-8) is None
    warning = time_step_warning(run.model, run.conditions, 10e-12, 1e-8)
    assert warning is not None and "5e-13 s" in warning and "\n" not in warning
    # a current adds its torque to the rate: a step fine at J = 0 can be coarse at a large J
    model, J_c, _ = _perpendicular(0.05)
    step = suggested_time_step(model, Conditions(), 1e-9)
    assert time_step_warning(model, Conditions(), step, 1e-9) is None
    assert time_step_warning(model, Conditions(200 * J_c), step, 1e-9) is not None
    result = run_switching(run.model, run.conditions, duration=2e-10, dt=1e-11, trajectories=2, seed=1)
    assert result.warnings == (warning,)


def test_switching_figure_draws_p_of_t_with_its_error_band(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from spintorque.plotting import plot_switching

    result = _result([1e-9, 2e-9, 5e-9], 6)
    ax = plot_switching(result)
    x, y = ax.lines[0].get_data()
    assert x[-1] == pytest.approx(9.0) and y[-1] == pytest.approx(0.5)   # ns; P(T − settle)
    assert ax.get_xlabel() == "time [ns]" and len(ax.collections) == 1
    path = tmp_path / "p.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 0
