"""The escape façade: method dispatch, the regime of the start well, nulls with reasons, closed
forms only inside their domain, and the labelled result."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from spintorque.analytic import (
    brown_high_barrier_rate,
    effective_barrier,
    fmr_linewidth,
    low_barrier_rate,
    sun_critical_current,
    transverse_variance,
)
from spintorque.errors import InputError
from spintorque.thermal import (
    ACTIVATED_BARRIER_KT,
    REGIMES,
    AxialModel,
    PhysicalProblem,
    ReducedProblem,
    escape,
    mean_first_passage_time,
    smallest_eigenvalue,
)
from spintorque.thermal.axial import NotAxialError, axial_reduction
from spintorque.thermal.axial import fokker_planck as fp
from spintorque.thermal.regime import MEANINGS, axial_landscape, fixed_point, sphere_landscape

EXAMPLES = Path(__file__).parents[2] / "examples" / "macrospin"

MTJ = EXAMPLES / "mtj.toml"
"""The issue's perpendicular CoFeB free layer (sigma ≈ 77); J > 0 destabilises m_z = +1."""


def mtj(tmp_path: Path, J: float = 0.0) -> Path:
    path = tmp_path / f"mtj_{J:g}.toml"
    path.write_text(MTJ.read_text().replace('current_density = "0 A/m^2"',
                                            f'current_density = "{J:.17g} A/m^2"'))
    return path


def brute_force_landscape(sigma: float, h: float, i: float) -> tuple[str, float | None]:
    """Regime and barrier from U(z) = −sigma z² − 2 sigma h_eff z sampled on 200001 points,
    written independently of spintorque.thermal.regime."""
    z = np.linspace(1.0, -1.0, 200001)
    h_eff = h - i * (1 + h)
    U = -sigma * z * z - 2 * sigma * h_eff * z
    if not U[1] > U[0]:  # the pole is not a minimum
        return "no barrier", None
    rises = np.diff(U) > 0
    if rises.all():  # U rises all the way to m_z = −1: the stable start well is the only well
        return "single well", None
    barrier = float(U[: int(np.argmin(rises)) + 1].max() - U[0])
    return ("thermally activated" if barrier >= ACTIVATED_BARRIER_KT else "critical"), barrier


# --- dispatch --------------------------------------------------------------------------------
def test_auto_picks_the_axial_solver_on_the_axis_and_it_matches_the_library():
    result = escape(ReducedProblem(20.0, 0.1, 0.3))
    model = AxialModel(20.0, 0.1, 0.3)
    assert result.method == "axial" and result.converged
    assert result.lambda1_tau_N == pytest.approx(smallest_eigenvalue(model), rel=1e-14)
    top = -(0.1 - 0.3 * 1.1)  # the transition surface z* = −h_eff = 0.23 > 0
    target = min(0.0, top)  # the later of m·u = 0 and z*: the separatrix
    assert result.details["mfpt_target_m_dot_u"] == target == 0.0
    assert result.mfpt_over_tau_N == pytest.approx(mean_first_passage_time(model, 1.0, target),
                                                   rel=1e-14)
    assert result.error_estimate["lambda1"] < 1e-10
    assert result.tau_N is None and result.lambda1 is None  # reduced: no seconds


def test_auto_picks_the_sphere_off_the_axis_and_the_methods_agree_on_it():
    axial = escape(ReducedProblem(10.0, 0.0, 0.3))
    sphere = escape(ReducedProblem(10.0, 0.0, 0.3, alpha=0.5), "sphere")
    energy = escape(ReducedProblem(10.0, 0.0, 0.3), "energy")
    assert sphere.method == "sphere" and sphere.converged and energy.method == "energy"
    for name in ("lambda1_tau_N", "integral_relaxation_time_over_tau_N", "mfpt_over_tau_N"):
        assert getattr(sphere, name) == pytest.approx(getattr(axial, name), rel=1e-7)
        assert getattr(energy, name) == pytest.approx(getattr(axial, name), rel=1e-9)
    # the landscape, not the method, decides what is reported
    assert axial.regime == sphere.regime == energy.regime
    assert sphere.effective_barrier_kT == pytest.approx(10 * 0.7**2, rel=1e-12)


def test_a_tilted_polariser_goes_to_the_sphere_without_a_barrier_law():
    tilted = escape(ReducedProblem(10.0, 0.0, 0.3, polarizer_angle=math.radians(40)),
                    sizes=(33, 41, 49, 57))
    assert tilted.method == "sphere" and tilted.effective_barrier_kT is None
    assert "effective_barrier_kT" in tilted.null_reasons


def test_a_method_that_cannot_handle_the_problem_says_why():
    with pytest.raises(NotAxialError, match="hard_ratio"):
        escape(ReducedProblem(10.0, hard_ratio=2.0), "axial")
    with pytest.raises(NotAxialError, match=r"in_plane\.toml"):
        escape(PhysicalProblem.from_file(EXAMPLES / "in_plane.toml"), "axial")
    with pytest.raises(InputError, match="method"):
        escape(ReducedProblem(10.0), "1d")
    with pytest.raises(InputError, match="unknown option"):
        escape(ReducedProblem(10.0), tolerance=1e-3)


@pytest.mark.slow
def test_auto_reports_the_low_damping_limit_where_the_2d_grids_fail():
    tilted = dict(sigma=20.0, i=0.5, polarizer_angle=0.2)
    coarse = (9, 11, 13, 15)
    # at alpha = 1e-3 the precession is upwinded on every grid: not converged; the limit applies
    low = escape(ReducedProblem(**tilted, alpha=1e-3), sizes=coarse)
    assert low.method == "energy" and low.messages[0].startswith("auto:")
    assert low.details["separatrix_energy_loss_per_orbit_kT"] < 0.1
    limit = escape(ReducedProblem(**tilted), "energy")
    assert low.mfpt_over_tau_N == pytest.approx(limit.mfpt_over_tau_N, rel=1e-14)
    assert escape(ReducedProblem(**tilted, alpha=0.5), sizes=(33, 41, 49, 57)).method == "sphere"


# --- regimes and barriers ---------------------------------------------------------------------
def test_regime_and_barrier_follow_the_landscape_over_a_scan_of_current_and_field():
    for sigma, h, i in itertools.product((0.5, 8.0, 60.0), (-1.5, -1.2, -0.9, 0.0, 0.4, 0.99, 1.0, 1.5),
                                         np.linspace(-2.0, 10.0, 49)):
        verdict = axial_landscape(AxialModel(sigma, h, i)) if sigma * 2 * abs(h - i * (1 + h)) \
            + sigma < 325 else None
        if verdict is None:
            continue
        regime, barrier = brute_force_landscape(sigma, h, i)
        assert verdict.regime == regime, (sigma, h, i, verdict)
        if barrier is None:
            assert verdict.effective_barrier_kT is None and verdict.barrier_reason
        else:
            assert verdict.effective_barrier_kT == pytest.approx(barrier, rel=1e-8, abs=1e-12)
            assert verdict.effective_barrier_kT == pytest.approx(
                float(effective_barrier(sigma, i, h)), rel=1e-12)


def test_the_barrier_is_null_with_a_reason_exactly_where_the_start_well_is_gone():
    for i in (0.3, 0.9, 0.999, 1.0, 1.2):
        result = escape(ReducedProblem(40.0, 0.0, i))
        gone = i >= 1
        assert (result.effective_barrier_kT is None) == gone
        assert result.regime == ("no barrier" if gone else
                                 "critical" if 40 * (1 - i) ** 2 < ACTIVATED_BARRIER_KT else
                                 "thermally activated")
        if gone:
            assert "unstable" in result.null_reasons["effective_barrier_kT"]
            assert result.closed_forms["effective_barrier_kT"].value is None
        doc = json.loads(result.to_json())
        assert all(key in doc["null_reasons"] for key, value in doc.items()
                   if value is None and key != "alpha")
        assert result.converged
        assert result.lambda1_tau_N > 0 and result.mfpt_over_tau_N > 0
        assert result.integral_relaxation_time_over_tau_N * result.lambda1_tau_N <= 1 + 1e-8


def test_a_field_beyond_the_anisotropy_field_leaves_one_well_or_none():
    assert escape(ReducedProblem(3.0, 1.5)).regime == "single well"  # only the start well
    assert "only well" in escape(ReducedProblem(3.0, 1.5)).regime_reason
    assert "unstable" in escape(ReducedProblem(3.0, -1.5)).regime_reason  # start well reversed
    assert escape(ReducedProblem(0.0)).regime == "no barrier"  # free diffusion


def test_every_regime_reports_finite_numbers_that_mean_what_the_regime_says():
    # h −1.5…1.5, i −2…10 (THERMAL.md §6): a barrier while 0 < (1 + h)(1 − i) < 2, the start
    # state unstable below, the only well above (h_eff >= 1, a stabilising current or field)
    seen = set()
    for sigma, h, i in ((60.0, 0.0, 0.3), (60.0, 0.0, 0.8), (60.0, 0.0, 0.99), (60.0, 0.0, 1.5),
                        (60.0, 0.0, 10.0), (60.0, 1.5, 0.1), (60.0, 1.0, -1.0),
                        (60.0, 0.0, -2.0), (60.0, -1.5, 10.0), (60.0, -1.25, 5.0),
                        (60.0, -1.5, 0.0), (8.0, 0.5, -0.5), (0.5, 1.5, -2.0), (0.5, 0.0, 0.0)):
        result = escape(ReducedProblem(sigma, h, i))
        h_eff = h - i * (1 + h)
        expected = ("no barrier" if 1 + h_eff <= 0 else "single well" if h_eff >= 1 else
                    "thermally activated" if sigma * (1 + h_eff) ** 2 >= ACTIVATED_BARRIER_KT
                    else "critical")
        assert result.regime == expected, (sigma, h, i, result.regime_reason)
        seen.add(result.regime)
        assert result.converged, (sigma, h, i, result.messages)
        lam, tau = result.lambda1_tau_N, result.integral_relaxation_time_over_tau_N
        assert lam > 0 and tau > 0 and tau * lam <= 1 + 1e-8
        ln_mfpt = result.details["ln_mfpt_over_tau_N"]
        assert math.isfinite(ln_mfpt) and (result.mfpt_over_tau_N is None) == (ln_mfpt > 709.7)
        assert (result.effective_barrier_kT is None) == (expected in ("no barrier", "single well"))
        assert result.details["lambda1_meaning"] == MEANINGS[expected]["lambda1"]
        assert result.details["mfpt_meaning"] == MEANINGS[expected]["mfpt"]
        if expected != "thermally activated":
            assert result.closed_forms["brown_lambda1_tau_N"].value is None
        if expected == "single well":
            # switching impossible: the reason says so, and λ1 is the relaxation away from the
            # reversed pole (a maximum of U, curvature rate 2 sigma (h_eff − 1)), not an escape
            assert "impossible" in result.null_reasons["effective_barrier_kT"]
            if sigma * (h_eff - 1) > 50:
                assert lam == pytest.approx(2 * sigma * (h_eff - 1), rel=3 / (sigma * (h_eff - 1)))
            if sigma > 10:  # the MFPT is a rare excursion up the whole climb U(0) − U(1)
                assert 0.9 < ln_mfpt / (sigma * (1 + 2 * h_eff)) < 1.0
    assert seen == set(REGIMES)


def test_angle_dependent_efficiency_is_judged_from_the_sampled_landscape():
    for i in (-0.5, 0.3, 0.8, 1.0, 1.4):
        constant = AxialModel(20.0, 0.1, i, efficiency=lambda z: np.ones_like(z))
        closed = axial_landscape(AxialModel(20.0, 0.1, i))
        sampled = axial_landscape(constant)
        assert sampled.regime == closed.regime
        if closed.effective_barrier_kT is not None:
            assert sampled.effective_barrier_kT == pytest.approx(closed.effective_barrier_kT,
                                                                 rel=1e-10)
    # a Slonczewski efficiency with Lambda = 2 is stronger away from the pole: the barrier at
    # i = 0.5 is lower than the constant-efficiency value
    from spintorque.thermal import slonczewski_efficiency

    wavy = axial_landscape(AxialModel(20.0, 0.0, 0.5, efficiency=slonczewski_efficiency(2.0, -1.0)))
    assert wavy.effective_barrier_kT is not None
    assert wavy.effective_barrier_kT != pytest.approx(5.0, rel=1e-3)


def test_the_stability_of_the_drift_fixed_point_matches_the_axial_rule():
    # the sphere's verdict (fixed point of the full drift, precession included) on axial problems
    for i in (0.2, 0.9, 1.1, 2.0):
        model = ReducedProblem(10.0, 0.0, i, alpha=0.3).sphere_model()
        found = fixed_point(model, (0.0, 0.0, 1.0))
        assert found is not None
        point, eigenvalues = found
        assert point == pytest.approx([0.0, 0.0, 1.0], abs=1e-9)
        # linearised at the pole: rate sigma (1 − i) (1 + h)·... = 10 (1 − i)
        assert np.max(eigenvalues.real) == pytest.approx(-10.0 * (1 - i), rel=1e-6)
        verdict = sphere_landscape(model, (0.0, 0.0, 1.0), mfpt=1e3)
        assert (verdict.regime == "no barrier") == (i > 1)


# --- closed forms ------------------------------------------------------------------------------
def test_closed_forms_refuse_outside_their_domain():
    for call in (lambda: effective_barrier(10.0, 1.2), lambda: effective_barrier(10.0, 0.5, -1.2),
                 lambda: effective_barrier(10.0, -1.0, 0.5),  # h_eff = 1.5: one well
                 lambda: effective_barrier(10.0, np.array([0.2, 1.5])),
                 lambda: brown_high_barrier_rate(10.0, 1.0), lambda: brown_high_barrier_rate(10.0, 0.0, 1.5),
                 lambda: transverse_variance(10.0, 1.0), lambda: fmr_linewidth(0.01, 1e5, 0.0, 1.5),
                 lambda: sun_critical_current(0.01, 0.6, 1e6, 1e-24, 1e5, -2e5),
                 lambda: low_barrier_rate(5.0), lambda: effective_barrier(0.0, 0.0)):
        with pytest.raises(InputError):
            call()


def test_browns_rate_is_evaluated_at_the_effective_field_and_approaches_lambda1():
    h, i = 0.1, 0.3
    h_eff = h - i * (1 + h)
    assert float(brown_high_barrier_rate(50.0, h, i)) == float(brown_high_barrier_rate(50.0, h_eff))
    deviations = []
    for sigma in (40.0, 80.0, 160.0):
        exact = smallest_eigenvalue(AxialModel(sigma, h, i))
        deviations.append(abs(exact / float(brown_high_barrier_rate(sigma, h, i)) - 1))
    barrier = np.array([40.0, 80.0, 160.0]) * (1 + h_eff) ** 2
    assert np.all(np.diff(deviations) < 0) and np.all(np.array(deviations) * barrier < 3)
    assert deviations[-1] / deviations[-2] == pytest.approx(0.5, rel=0.1)  # O(1/sigma)


def test_closed_forms_are_reported_only_inside_their_domain_with_their_assumptions():
    inside = escape(ReducedProblem(40.0, 0.0, 0.3))
    brown = inside.closed_forms["brown_lambda1_tau_N"]
    assert brown.value == pytest.approx(float(brown_high_barrier_rate(40.0, 0.0, 0.3)), rel=1e-15)
    assert "h_eff" in brown.assumptions and inside.details["brown_lambda1_tau_N"] == brown.value
    for problem in (ReducedProblem(40.0, 0.0, 0.9), ReducedProblem(40.0, 0.0, 1.5)):
        result = escape(problem)  # critical, then no barrier: no high-barrier formula
        assert result.closed_forms["brown_lambda1_tau_N"].value is None
        assert "outside its domain" in result.closed_forms["brown_lambda1_tau_N"].reason
        assert "brown_lambda1_tau_N" in result.null_reasons


# --- physical problems --------------------------------------------------------------------------
def test_a_macrospin_file_gives_seconds_and_the_current_in_units_of_sun_s_critical_current(tmp_path):
    base = PhysicalProblem.from_file(mtj(tmp_path))
    reduction = axial_reduction(base.model, base.conditions)
    Jc = reduction.critical_current_density
    assert reduction.model.sigma == pytest.approx(77.0, rel=0.02)
    half = escape(PhysicalProblem.from_file(mtj(tmp_path), current_density=0.5 * Jc))
    model = AxialModel(reduction.model.sigma, 0.0, 0.5)
    assert half.regime == "thermally activated"
    # z* = −h_eff = 0.5 lies before the separatrix: the MFPT goes to m·u = min(0, z*) = 0
    assert half.details["mfpt_target_m_dot_u"] == 0.0
    assert half.mfpt == pytest.approx(mean_first_passage_time(model, 1.0, 0.0) * reduction.tau_N,
                                      rel=1e-12)
    assert half.lambda1 == pytest.approx(smallest_eigenvalue(model) / reduction.tau_N, rel=1e-12)
    assert half.effective_barrier_kT == pytest.approx(reduction.model.sigma / 4, rel=1e-12)
    assert half.closed_forms["critical_current_density"].value == pytest.approx(Jc, rel=1e-15)
    assert half.regime_reason.startswith("J = ") and "0.5 J_c0" in half.regime_reason
    for ratio, T in ((1.95, None), (1.3, 600.0)):  # the example; sigma halved at 600 K
        above = escape(PhysicalProblem.from_file(mtj(tmp_path), current_density=ratio * Jc,
                                                 temperature=T))
        assert above.regime == "no barrier" and above.effective_barrier_kT is None
        assert above.converged and above.mfpt > 0 and above.lambda1 > 0
        assert f"{ratio:g} J_c0 (J_c0 = {Jc:.3g} A/m²): the start state is unstable" in above.regime_reason
        sigma = reduction.model.sigma * (300.0 / T if T else 1.0)
        tau_N = reduction.tau_N * (300.0 / T if T else 1.0)  # tau_N ∝ 1/T
        exact = mean_first_passage_time(AxialModel(sigma, 0.0, ratio)) * tau_N
        assert above.mfpt == pytest.approx(exact, rel=1e-10)


def test_file_overrides_and_errors_name_the_file_and_field(tmp_path):
    path = mtj(tmp_path)
    warm = PhysicalProblem.from_file(path, temperature=350.0)
    assert warm.temperature == 350.0 and warm.current_density == 0.0
    with pytest.raises(InputError, match=r"conditions\.temperature") as info:
        PhysicalProblem.from_file(path, temperature=0.0)
    assert info.value.source == str(path)
    with pytest.raises(InputError, match="nu"):
        escape(PhysicalProblem.from_file(EXAMPLES / "in_plane.toml", nu=0.5))
    with pytest.raises(InputError, match="axial method only"):
        escape(PhysicalProblem.from_file(path, nu=0.5), "energy")
    run = escape(PhysicalProblem.from_file(EXAMPLES / "thermal.toml"))
    assert run.method == "axial" and run.regime == "critical"  # sigma = 3 < 5 k_BT
    assert run.closed_forms["critical_current_density"].reason == "no spin torque"


def test_a_time_beyond_the_floating_point_range_is_null_with_its_exponent():
    deep = escape(ReducedProblem(400.0, 0.0, 0.5))  # barrier 100 k_BT: representable
    # the MFPT to the separatrix (z* = 0.5 lies before it) ~ e^100/prefactor tau_N
    assert deep.converged and deep.mfpt_over_tau_N is not None and deep.mfpt_over_tau_N > 1e40
    result = escape(ReducedProblem(1500.0, 0.0, -1.0))  # MFPT ~ e^4484 tau_N
    assert result.mfpt_over_tau_N is None and result.converged  # known, in log space
    assert "beyond the floating-point range" in result.null_reasons["mfpt"]
    assert "10^1947" in result.null_reasons["mfpt"]
    assert result.lambda1_tau_N is not None and result.lambda1_tau_N > 0
    doc = json.loads(result.to_json())
    assert doc["mfpt_over_tau_N"] is None
    exact = fp.log_mean_first_passage_time(AxialModel(1500.0, 0.0, -1.0))
    assert doc["ln_mfpt_over_tau_N"] == pytest.approx(exact.log, rel=1e-14) and exact.log > 4483
    assert doc["ln_lambda1_tau_N"] == pytest.approx(math.log(result.lambda1_tau_N), rel=1e-12)
    underflow = escape(ReducedProblem(900.0))  # Brown's rate ~ e^-900: null, never 0.0
    assert underflow.closed_forms["brown_lambda1_tau_N"].value is None
    assert "underflows" in underflow.closed_forms["brown_lambda1_tau_N"].reason
    assert json.loads(underflow.to_json())["ln_lambda1_tau_N"] < -880


# --- the guard on every reported number ---------------------------------------------------------
def test_an_invalid_solver_value_becomes_null_with_a_reason(monkeypatch):
    monkeypatch.setattr(fp, "log_mean_first_passage_time",
                        lambda model, start, target: fp.LogResult(math.nan, 0.0))
    result = escape(ReducedProblem(10.0, 0.0, 0.3))
    assert result.mfpt_over_tau_N is None and not result.converged
    assert "not a finite positive number" in result.null_reasons["mfpt"]
    assert json.loads(result.to_json())["mfpt_over_tau_N"] is None
    assert any("mfpt" in message for message in result.messages)
    monkeypatch.setattr(fp, "log_integral_relaxation_time", lambda model: fp.LogResult(math.log(1e6), 0.0))
    result = escape(ReducedProblem(10.0, 0.0, 0.3))  # τ_int > 1/λ1: impossible when reversible
    assert result.integral_relaxation_time_over_tau_N is None
    assert "1/λ1" in result.null_reasons["integral_relaxation_time"]


def test_an_energy_lambda1_the_solver_cannot_give_is_null_and_not_converged(monkeypatch):
    from spintorque.thermal.energy import diffusion as ed

    def refuse(*args, **kwargs):
        raise InputError("lambda1", "the Green operator's iterate vanished")
    monkeypatch.setattr(ed, "log_smallest_eigenvalue", refuse)
    result = escape(ReducedProblem(10.0, 0.0, 0.3), "energy")
    assert result.lambda1_tau_N is None and result.integral_relaxation_time_over_tau_N is None
    assert not result.converged and result.mfpt_over_tau_N is not None
    assert "every well on the sphere" in result.null_reasons["lambda1"]
    assert any(message.startswith("lambda1") for message in result.messages)


# --- the result ---------------------------------------------------------------------------------
def test_the_result_converts_to_a_dataset_with_units_and_round_trips(tmp_path):
    import xarray as xr

    reduced = escape(ReducedProblem(20.0, 0.1, 0.3)).to_dataset()
    assert reduced.lambda1.attrs["units"] == "1/tau_N" and reduced.mfpt.attrs["units"] == "tau_N"
    assert reduced.attrs["method"] == "axial" and reduced.attrs["regime"] in REGIMES
    physical = escape(PhysicalProblem.from_file(EXAMPLES / "thermal.toml"))
    ds = physical.to_dataset()
    assert ds.lambda1.attrs["units"] == "1/s" and float(ds.mfpt) == pytest.approx(physical.mfpt)
    ds.to_netcdf(tmp_path / "escape.nc")
    back = xr.load_dataset(tmp_path / "escape.nc")
    assert float(back.lambda1) == physical.lambda1 and back.attrs["regime"] == physical.regime
    gone = escape(ReducedProblem(10.0, 0.0, 1.5)).to_dataset()
    assert "effective_barrier" not in gone and "effective_barrier_kT" in gone.attrs["null_reasons"]


def test_auto_takes_the_low_damping_limit_without_a_current_too():
    """At zero current and low damping the 2D grids cannot resolve the precession (the audit,
    session 9: auto kept their unconverged numbers, at α = 1e-300 λ1 = 2e287 /tau_N with regime
    'no barrier'); the energy-diffusion limit applies with or without a torque."""
    from spintorque.thermal import ReducedProblem, escape

    problem = ReducedProblem(sigma=20, h=0.0, i=0.0, alpha=1e-9, hard_ratio=1.0)
    found, energy = escape(problem), escape(problem, method="energy")
    assert found.method == "energy" and found.converged
    assert found.regime == "thermally activated"
    assert found.lambda1_tau_N == energy.lambda1_tau_N
    assert energy.lambda1_tau_N is not None and 0 < energy.lambda1_tau_N < 1e-4
