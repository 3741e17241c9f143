"""Activation fits recover the parameters of synthetic data within their stated uncertainties."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spintorque.errors import InputError
from spintorque.thermal.fits import LAWS, ActivationData, compare_laws, fit_activation, read_activation_csv

CURRENT = np.linspace(0.0, 0.8e-3, 15)
TRUTH = {"quadratic": (1e-9, 40.0, 1e-3), "linear": (1e-9, 40.0, 1e-3),
         "temperature": (1e-9, 40.0, 2e-3)}


def synthetic(law: str, seed: int, noise: float = 0.1) -> ActivationData:
    tau0, delta, ic = TRUTH[law]
    rng = np.random.default_rng(seed)
    tau = tau0 * np.exp(LAWS[law](CURRENT, delta, ic)) * np.exp(rng.normal(0, noise, CURRENT.size))
    return ActivationData(CURRENT, tau, noise * tau)


@pytest.mark.parametrize("law", list(TRUTH))
@pytest.mark.parametrize("seed", [1, 2])
def test_fit_recovers_the_true_parameters_within_three_standard_errors(law, seed):
    fit = fit_activation(synthetic(law, seed), law)
    tau0, delta, ic = TRUTH[law]
    assert abs(fit.delta - delta) < 3 * fit.delta_error
    assert abs(fit.critical_current - ic) < 3 * fit.critical_current_error
    if not fit.tau0_fixed:
        assert abs(np.log(fit.tau0 / tau0)) < 3 * fit.tau0_error / fit.tau0
    assert fit.chi2 / (fit.points - 3) < 3


def test_uncertainties_are_calibrated_over_many_data_sets():
    # the spread of Δ over 40 independent data sets matches the stated uncertainty (within 30 %)
    deltas, errors = [], []
    for seed in range(40):
        fit = fit_activation(synthetic("quadratic", 100 + seed), "quadratic")
        deltas.append(fit.delta)
        errors.append(fit.delta_error)
    assert np.std(deltas, ddof=1) == pytest.approx(np.mean(errors), rel=0.3)


@pytest.mark.parametrize("law", ["quadratic", "linear"])
def test_information_criterion_picks_the_law_that_made_the_data(law):
    report = compare_laws(synthetic(law, 7))
    assert report["best_law"] == law and report["supported"]


def test_linear_law_holds_the_attempt_time_fixed_because_it_is_not_identifiable():
    fit = fit_activation(synthetic("linear", 3), "linear")
    assert fit.tau0_fixed and fit.tau0 == 1e-9 and fit.tau0_error is None
    assert "held fixed" in fit.null_reasons["tau0_error"] and fit.warnings == []
    other = fit_activation(synthetic("linear", 3), "linear", tau0=1e-8)
    # ln τ0 + Δ is what the data fix: Δ shifts by ln(10)
    assert other.delta == pytest.approx(fit.delta - np.log(10), abs=1e-6)


def test_switching_probabilities_are_fitted_with_binomial_errors():
    rng = np.random.default_rng(5)
    current = np.linspace(0.30e-3, 0.52e-3, 12)  # where τ(I) crosses the pulse length
    pulse = np.full(current.size, 1e-3)
    tau = 1e-9 * np.exp(LAWS["quadratic"](current, 40.0, 1e-3))
    trials = np.full(current.size, 2000.0)
    measured = rng.binomial(2000, -np.expm1(-pulse / tau)) / 2000
    data = ActivationData(current, probability=measured, pulse_duration=pulse, trials=trials)
    fit = fit_activation(data, "quadratic", tau0=1e-9)
    assert abs(fit.delta - 40.0) < 3 * fit.delta_error
    assert abs(fit.critical_current - 1e-3) < 3 * fit.critical_current_error


def test_without_a_trials_column_chi2_has_no_scale_and_no_p_value():
    # the weights assume 100 trials per point; with 2000 real ones chi2 would be 20× too small and
    # its p-value would pass any law: the scale is estimated from the scatter instead
    rng = np.random.default_rng(5)
    current = np.linspace(0.30e-3, 0.52e-3, 12)
    pulse = np.full(current.size, 1e-3)
    tau = 1e-9 * np.exp(LAWS["quadratic"](current, 40.0, 1e-3))
    measured = rng.binomial(2000, -np.expm1(-pulse / tau)) / 2000
    counted = fit_activation(ActivationData(current, probability=measured, pulse_duration=pulse,
                                            trials=np.full(current.size, 2000.0)), "quadratic", 1e-9)
    bare = fit_activation(ActivationData(current, probability=measured, pulse_duration=pulse),
                          "quadratic", tau0=1e-9)
    assert counted.chi2_p_value is not None and bare.chi2_p_value is None
    assert "no trials column" in bare.p_value_reason
    assert bare.delta_error is not None and abs(bare.delta - 40.0) < 4 * bare.delta_error


def test_csv_reading_and_its_errors(tmp_path):
    good = tmp_path / "d.csv"
    good.write_text("# synthetic\ncurrent,dwell_time\n1e-4,2e-3\n2e-4,1e-3\n")
    data = read_activation_csv(good)
    assert data.kind == "dwell_time" and data.current.tolist() == [1e-4, 2e-4]
    bad = tmp_path / "bad.csv"
    bad.write_text("current,dwell_time\n1e-4,-2\n")
    with pytest.raises(InputError, match="dwell_time"):
        read_activation_csv(bad)
    both = tmp_path / "both.csv"
    both.write_text("current,dwell_time,switching_probability\n1,1,0.5\n")
    with pytest.raises(InputError, match="exactly one"):
        read_activation_csv(both)


def test_fewer_points_than_free_parameters_are_refused_naming_the_file(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("current,dwell_time\n1e-4,2e-3\n")
    data = read_activation_csv(one)
    with pytest.raises(InputError, match="1 data point, but the linear law fits 2") as error:
        compare_laws(data)
    assert str(one) in str(error.value)
    two = ActivationData(np.array([1e-4, 2e-4]), np.array([2e-3, 1e-3]))
    with pytest.raises(InputError, match="quadratic law fits 3 parameters"):
        fit_activation(two, "quadratic")
    assert fit_activation(two, "quadratic", tau0=1e-9).points == 2  # τ0 fixed: 2 parameters


def test_an_exact_fit_without_stated_errors_has_null_errors_with_a_reason_not_nan():
    two = ActivationData(np.array([1e-4, 2e-4]), np.array([2e-3, 1e-3]))
    fit = fit_activation(two, "linear")
    assert fit.converged and fit.delta_error is None and fit.critical_current_error is None
    assert "degree of freedom" in fit.error_reasons["delta_error"]
    report = compare_laws(two, ("linear",))
    json.dumps(report, allow_nan=False)  # strict JSON: no NaN, no Infinity
    assert report["delta_aic_to_next"] is None and report["supported"] is None
    assert report["warnings"] == fit.warnings and len(fit.warnings) == 2


def test_a_law_pinned_at_a_bound_is_flagged_and_never_supported():
    # dwell times made by the quadratic law: the effective-temperature law needs τ0 below its
    # physical bound (1e-15 s) to follow them, so it ends there
    data = synthetic("quadratic", 4)
    fit = fit_activation(data, "temperature")
    assert fit.at_bound == ("tau0",) and fit.tau0 == pytest.approx(1e-15)
    assert fit.tau0_error is None and "bound" in fit.error_reasons["tau0_error"]
    assert any("pinned at a bound" in line for line in fit.warnings)
    good = fit_activation(data, "quadratic")
    assert good.at_bound == () and good.converged and good.warnings == []
    # beside the linear law it has the smaller AIC by far, but pinned it is not "supported"
    only = compare_laws(data, ("temperature", "linear"))
    assert only["best_law"] == "temperature" and only["delta_aic_to_next"] > 100
    assert only["fits"]["temperature"]["at_bound"] == ["tau0"] and only["supported"] is False
