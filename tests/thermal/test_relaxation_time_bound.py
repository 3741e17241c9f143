"""τ_int <= 1/λ1 for a reversible problem (C(t) = Σ c_k e^{−λ_k t}, c_k >= 0): a τ_int above it
is not reported, by every escape method where the problem is reversible (issue 14)."""

from __future__ import annotations

from spintorque.thermal.methods import _tau_within_inverse_lambda1


def test_a_relaxation_time_above_the_inverse_rate_is_refused_with_its_numbers():
    values = {"integral_relaxation_time": 2.0, "lambda1": 1.0}
    errors = {"integral_relaxation_time": 1e-9}
    reasons: dict[str, str] = {}
    messages: list[str] = []
    assert not _tau_within_inverse_lambda1(values, reasons, messages, "the solver", errors)
    assert values["integral_relaxation_time"] is None and errors["integral_relaxation_time"] is None
    assert reasons["integral_relaxation_time"].startswith("the solver gave 2 tau_N, more than 1/λ1 = 1")
    assert messages == [f"integral_relaxation_time: {reasons['integral_relaxation_time']}"]


def test_a_relaxation_time_within_the_bound_or_missing_is_kept():
    for tau, lam1 in ((0.5, 1.0), (1.0 + 1e-7, 1.0), (None, 1.0), (2.0, None)):
        values = {"integral_relaxation_time": tau, "lambda1": lam1}
        reasons: dict[str, str] = {}
        assert _tau_within_inverse_lambda1(values, reasons, [], "the solver")
        assert values["integral_relaxation_time"] == tau and not reasons


def test_off_the_axis_the_harmonic_relaxation_time_may_exceed_the_inverse_rate():
    """Precession about a non-symmetric landscape breaks detailed balance, so τ_int > 1/λ1 is
    physical there: the harmonic value is reported and agrees with the 2D grids (audit, session
    9: it was refused as 'impossible for this reversible problem')."""
    from spintorque.thermal import ReducedProblem, escape

    problem = ReducedProblem(sigma=2, h=0.0, i=0.0, alpha=0.5, hard_ratio=1.0)
    found = escape(problem, method="harmonics")
    grids = escape(problem, method="sphere")
    tau, tau_grids = (found.integral_relaxation_time_over_tau_N,
                      grids.integral_relaxation_time_over_tau_N)
    assert tau is not None and tau_grids is not None and found.lambda1_tau_N is not None
    assert tau * found.lambda1_tau_N > 1.005  # beyond the reversible bound, not by rounding
    assert abs(tau / tau_grids - 1) <= max(grids.error_estimate["integral_relaxation_time"]
                                           + found.error_estimate["integral_relaxation_time"], 1e-10)
