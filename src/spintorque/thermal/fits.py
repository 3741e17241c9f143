r"""Fits of thermally activated switching data to Néel–Brown laws (THERMAL.md §5).

Experiments give mean dwell times (telegraph noise) or switching probabilities versus current I.
Each law writes the mean lifetime of a state as τ(I) = τ0 exp(E(I)), E in units of k_B T:

* ``linear`` (Li–Zhang):           E = Δ (1 − I/I_c)
* ``quadratic`` (Taniguchi/Butler): E = Δ (1 − I/I_c)²
* ``temperature`` (effective temperature, Apalkov–Visscher; the nu term of the mesoscopic model):
  E = Δ/(1 + I/I_c), the barrier unchanged but k_B T → k_B T (1 + I/I_c)

(the symbol I_c means the critical current in the first two laws and the current that doubles the
temperature in the third). In the linear law ln τ = (ln τ0 + Δ) − (Δ/I_c) I, so τ0 and Δ cannot
be told apart from data at one temperature: the attempt time τ0 is then held fixed (default 1 ns,
as is customary; the fit says so), and the information criteria count free parameters only.
Dwell times are fitted by weighted least squares on ln τ; switching probabilities after pulses of
length t_p by P = 1 − exp(−t_p/τ) with binomial errors. Each fit
reports τ0 [s], Δ [k_B T], I_c [A or A/m², as the data] with 1-σ uncertainties from the
covariance, and the Akaike and Bayesian information criteria; the law with the smallest AIC is
"supported" when its fit converged, no parameter is pinned at a bound, χ² is consistent with the
stated errors, and it beats the next by more than 2 (a single law fitted: None, as there is
nothing to beat; False if its fit is unsound).

The fit starts from the customary guess (1 ns, 40 k_BT, 2 max|I|) and from each law matched to a
weighted straight line through the linearised data, ln τ = ln t_p − ln(−ln(1 − P)) against I
(the Néel–Brown ln τ = ln τ0 + E(I)); the smallest χ² wins.

Honesty rules: fewer data points than free parameters are refused (:class:`InputError` naming
the file); a fit whose optimiser did not converge, or whose Fisher matrix is singular (a plateau
of the model: on such data the optimiser "succeeds" without moving from its start), has
``converged = False`` with the reason in ``message``; where the data state their errors, a χ²
p-value below :data:`MIN_P_VALUE` is a warning (the law, or this minimum, does not describe the
data); a parameter that ends
on one of the physical bounds below is listed in ``at_bound`` (the law then does not describe the
data inside its domain); an uncertainty that does not exist — a singular Fisher matrix (data that
do not constrain the parameters, e.g. probabilities all 0 or 1), no degree of freedom left to
estimate the scatter (as many points as parameters, no stated errors), or a parameter at a bound
or a χ² surface far from quadratic over the linearised 1-σ interval (:func:`_quadratic_check`;
τ0, Δ, I_c from one pulse length are nearly degenerate) — is None with its reason in
``error_reasons``, never NaN. Each of these adds a line to ``warnings``. A τ0 held fixed has
``tau0_error`` None, its reason "held fixed" (no warning: it is a choice).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import least_squares
from scipy.stats import chi2 as chi2_distribution

from spintorque.errors import InputError
from spintorque.provenance import read_input_text

FloatArray = NDArray[np.float64]


def _linear(i: FloatArray, delta: float, ic: float) -> FloatArray:
    return np.asarray(delta * (1.0 - i / ic))


def _quadratic(i: FloatArray, delta: float, ic: float) -> FloatArray:
    return np.asarray(delta * (1.0 - i / ic) ** 2)


def _temperature(i: FloatArray, delta: float, ic: float) -> FloatArray:
    return np.asarray(delta / (1.0 + i / ic))


LAWS: dict[str, Callable[[FloatArray, float, float], FloatArray]] = {
    "linear": _linear, "quadratic": _quadratic, "temperature": _temperature,
}
"""Exponent E(I) [k_B T] of each law, as a function of (I, Δ, I_c)."""

DEFAULT_TAU0 = 1e-9
"""Attempt time [s] held fixed where τ0 cannot be fitted (the linear law) and none is given."""

MIN_P_VALUE = 1e-6
"""A fit whose χ² p-value is below this does not describe the data within their stated errors
(a wrong law, or a local minimum of the fit): it is flagged and never "supported"."""

QUADRATIC_BAND = (0.25, 4.0)
"""Bounds on χ²'s rise at the ±1-σ ends of a parameter, in units of its quadratic value (1):
outside them the covariance error is not reported (:func:`_quadratic_check`)."""

_SINGULAR = "the data do not constrain this fit (singular Fisher matrix)"


@dataclass(frozen=True)
class ActivationData:
    """Measured lifetimes or switching probabilities versus current (SI)."""

    current: FloatArray
    dwell_time: FloatArray | None = None
    dwell_time_error: FloatArray | None = None
    probability: FloatArray | None = None
    pulse_duration: FloatArray | None = None
    trials: FloatArray | None = None
    source: str | None = None
    """The file the data came from (named in errors)."""

    @property
    def kind(self) -> str:
        return "dwell_time" if self.dwell_time is not None else "probability"


@dataclass(frozen=True)
class ActivationFit:
    """One law fitted to the data; values and 1-σ uncertainties (None where none exists)."""

    law: str
    tau0: float
    tau0_error: float | None
    delta: float
    delta_error: float | None
    critical_current: float
    critical_current_error: float | None
    chi2: float
    aic: float
    bic: float
    points: int
    tau0_fixed: bool = False
    converged: bool = True
    at_bound: tuple[str, ...] = ()
    error_reasons: dict[str, str] = field(default_factory=dict)
    message: str = ""
    chi2_p_value: float | None = None
    """P(χ² ≥ observed) for the degrees of freedom left, where the data state their errors
    (probabilities always do); None otherwise (reason in :attr:`null_reasons`)."""
    p_value_reason: str = ""

    @property
    def null_reasons(self) -> dict[str, str]:
        """Why each null of :meth:`to_json_dict` is null (uncertainties and the p-value)."""
        out = dict(self.error_reasons)
        if self.chi2_p_value is None:
            out["chi2_p_value"] = self.p_value_reason
        return out

    @property
    def describes_data(self) -> bool:
        """False where χ² is too large for the stated errors (p < :data:`MIN_P_VALUE`)."""
        return self.chi2_p_value is None or self.chi2_p_value >= MIN_P_VALUE

    def lifetime(self, current: FloatArray) -> FloatArray:
        """τ(I) of the fitted law [s]."""
        return np.asarray(self.tau0 * np.exp(LAWS[self.law](np.asarray(current, float),
                                                            self.delta, self.critical_current)))

    @property
    def warnings(self) -> list[str]:
        """One line per problem: not converged, parameters at a bound, missing uncertainties."""
        out = []
        if not self.converged:
            out.append(f"{self.law}: the fit did not converge ({self.message})")
        if self.at_bound:
            out.append(f"{self.law}: {', '.join(self.at_bound)} pinned at a bound of the fit: the "
                       "law does not describe these data inside its physical domain")
        if not self.describes_data:
            dof = self.points - self.free
            p_text = (f"p = {self.chi2_p_value:.2g}" if self.chi2_p_value
                      else "p below the smallest double")
            out.append(f"{self.law}: chi2 = {self.chi2:.4g} for {dof} degree"
                       f"{'s' if dof != 1 else ''} of freedom ({p_text}): the "
                       "law does not describe these data within their errors")
        for key, reason in self.error_reasons.items():
            if key.removesuffix("_error") in self.at_bound or (key == "tau0_error"
                                                               and self.tau0_fixed):
                continue  # said above, or a choice (τ0 held fixed) rather than a problem
            if not self.converged and reason == _SINGULAR:
                continue  # the non-convergence line gives this reason once
            out.append(f"{self.law}: no {key}: {reason}")
        return out

    @property
    def free(self) -> int:
        """Number of fitted parameters."""
        return 2 if self.tau0_fixed else 3

    def to_json_dict(self) -> dict[str, Any]:
        doc = {k: getattr(self, k) for k in ("law", "tau0", "tau0_error", "tau0_fixed", "delta",
                                             "delta_error", "critical_current",
                                             "critical_current_error", "chi2", "aic", "bic",
                                             "points", "converged", "chi2_p_value")}
        return {**doc, "at_bound": list(self.at_bound), "error_reasons": dict(self.error_reasons),
                "null_reasons": self.null_reasons, "warnings": self.warnings}


def read_activation_csv(path: str | Path) -> ActivationData:
    """Read a CSV with a ``current`` column and either ``dwell_time`` [s] (optional
    ``dwell_time_error``) or ``switching_probability`` with ``pulse_duration`` [s] (optional
    ``trials``). Lines starting with ``#`` are comments."""
    path = Path(path)
    text = read_input_text(path)
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if any("\0" in ln for ln in lines):
        raise InputError("file", "not a text (CSV) file: it contains NUL bytes", str(path))
    try:
        rows = list(csv.DictReader(lines))
    except csv.Error as exc:
        raise InputError("file", f"not a readable CSV file: {exc}", str(path)) from None
    if not rows:
        raise InputError("file", "no data rows", str(path))
    columns = set(rows[0])

    def column(name: str) -> FloatArray | None:
        if name not in columns:
            return None
        try:
            values = np.array([float(r[name]) for r in rows])
        except (TypeError, ValueError):
            raise InputError(name, "every value must be a number", str(path)) from None
        if not np.all(np.isfinite(values)):
            raise InputError(name, "every value must be finite", str(path))
        return values

    current = column("current")
    if current is None:
        raise InputError("current", "missing column (A, or A/m² for a current density)", str(path))
    dwell = column("dwell_time")
    probability = column("switching_probability")
    if (dwell is None) == (probability is None):
        raise InputError("columns", "give exactly one of dwell_time or switching_probability",
                         str(path))
    if dwell is not None and np.any(dwell <= 0):
        raise InputError("dwell_time", "must be > 0 s", str(path))
    pulse = column("pulse_duration")
    if probability is not None:
        if pulse is None or np.any(pulse <= 0):
            raise InputError("pulse_duration", "needed (> 0 s) with switching_probability",
                             str(path))
        if np.any((probability < 0) | (probability > 1)):
            raise InputError("switching_probability", "must lie in [0, 1]", str(path))
    return ActivationData(current, dwell, column("dwell_time_error"), probability, pulse,
                          column("trials"), str(path))


def _residuals(data: ActivationData, law: str) -> Callable[[FloatArray], FloatArray]:
    exponent = LAWS[law]
    current = data.current
    if data.dwell_time is not None:
        y = np.log(data.dwell_time)
        if data.dwell_time_error is not None:
            sigma = data.dwell_time_error / data.dwell_time
        else:
            sigma = np.ones_like(y)

        def dwell(p: FloatArray) -> FloatArray:
            return np.asarray((p[0] + exponent(current, p[1], p[2]) - y) / sigma)
        return dwell
    assert data.probability is not None and data.pulse_duration is not None
    P, tp = data.probability, data.pulse_duration
    trials = data.trials if data.trials is not None else np.full_like(P, 100.0)

    def probability(p: FloatArray) -> FloatArray:
        model = -np.expm1(-tp * np.exp(-(p[0] + exponent(current, p[1], p[2]))))
        sigma = np.sqrt(np.clip(model * (1 - model), 0.25 / trials, None) / trials)
        return np.asarray((model - P) / sigma)
    return probability


PARAMETERS = ("tau0", "delta", "critical_current")
"""Names of the fitted parameters (τ0 is fitted as ln τ0)."""


def free_parameters(law: str, tau0: float | None) -> tuple[str, ...]:
    """The parameters a fit of ``law`` adjusts: τ0 is held where given and in the linear law."""
    return PARAMETERS[1:] if tau0 is not None or law == "linear" else PARAMETERS


def check_enough_points(data: ActivationData, law: str, tau0: float | None) -> None:
    """Refuse (InputError naming the file) fewer data points than free parameters."""
    names = free_parameters(law, tau0)
    n = len(data.current)
    if n < len(names):
        hint = " (or fix the attempt time with --tau0 to fit 2)" if len(names) == 3 else ""
        raise InputError("data", f"{n} data point{'s' if n != 1 else ''}, but the {law} law fits "
                         f"{len(names)} parameters ({', '.join(names)}): give at least "
                         f"{len(names)}{hint}", data.source)


def fit_activation(data: ActivationData, law: str, tau0: float | None = None) -> ActivationFit:
    """Fit one law: (ln τ0, Δ, I_c), or (Δ, I_c) with τ0 fixed, by (weighted) least squares.

    ``tau0`` [s] fixes the attempt time; the linear law always needs it (default
    :data:`DEFAULT_TAU0`). Fewer points than free parameters raise :class:`InputError`.
    """
    if law not in LAWS:
        raise InputError("--law", f"must be one of {', '.join(LAWS)} or all, got {law!r}")
    if tau0 is not None and not (math.isfinite(tau0) and tau0 > 0):
        raise InputError("--tau0", f"must be > 0 s, got {tau0!r}")
    check_enough_points(data, law, tau0)
    if tau0 is None and law == "linear":
        tau0 = DEFAULT_TAU0
    fixed = tau0 is not None
    residual = _residuals(data, law)
    scale = float(np.max(np.abs(data.current))) or 1.0

    def full(p: FloatArray) -> FloatArray:
        return np.concatenate([[math.log(tau0)], p]) if tau0 is not None else p

    best, best_start = None, None
    # physical bounds: 1e-15 s <= τ0 <= 1e3 s, 0 <= Δ <= 1e4 k_BT, |I_c| >= 1e-3 max|I|; each
    # sign of I_c is tried (the sign convention of the data decides which state is destabilised)
    for sign in (1.0, -1.0):
        lo_ic, hi_ic = (1e-3 * scale, 1e6 * scale) if sign > 0 else (-1e6 * scale, -1e-3 * scale)
        lower = [0.0, lo_ic] if fixed else [math.log(1e-15), 0.0, lo_ic]
        upper = [1e4, hi_ic] if fixed else [math.log(1e3), 1e4, hi_ic]
        x_scale = [10.0, scale] if fixed else [1.0, 10.0, scale]
        for start in _starts(data, law, tau0, sign, scale):
            start = np.clip(start, lower, upper)
            try:
                sol = least_squares(lambda p: residual(full(p)), start, bounds=(lower, upper),
                                    x_scale=x_scale, method="trf", max_nfev=20000)
            except (ValueError, FloatingPointError):
                continue
            if np.all(np.isfinite(sol.fun)) and (best is None or sol.cost < best.cost):
                best, best_start = sol, start
    if best is None or best_start is None:
        raise InputError("data", f"the {law} law could not be fitted to these data", data.source)
    names = free_parameters(law, tau0)
    n, k = len(data.current), len(best.x)
    chi2 = float(2 * best.cost)
    # probabilities without a trials column are weighted as if N = 100: the relative weights are
    # right, the scale of chi2 is not known, so it is estimated from the scatter as for dwell times
    # without errors
    known_errors = data.dwell_time_error is not None or (
        data.probability is not None and data.trials is not None)
    errors, reasons = _uncertainties(best, names, n, chi2, known_errors,
                                     lambda p: residual(full(p)))
    # the optimiser's own verdict is not enough: on a plateau of the model (every probability
    # ~0 at the start, say) the gradient vanishes and it "succeeds" without a step
    # (a start that is already the optimum, e.g. the straight line for the linear law, does not
    # move either, but there the Fisher matrix is regular)
    converged, message = bool(best.success), str(best.message)
    if any(reason == _SINGULAR for reason in reasons.values()):
        converged = False
        message = ("no parameter moved from its starting value: the model is flat there "
                   "(singular Fisher matrix) and the data do not pull it anywhere"
                   if np.array_equal(best.x, best_start) else
                   "the data do not determine a unique optimum (singular Fisher matrix)")
    p_value, p_reason = None, ""
    if not known_errors and data.probability is not None:
        p_reason = ("the data give no trials column: the binomial errors' scale is unknown "
                    "(weights assume 100 trials per point), so the scatter is estimated from the fit")
    elif not known_errors:
        p_reason = "the data state no errors: the scatter is estimated from the fit itself"
    elif n <= k:
        p_reason = f"{n} points for {k} parameters: no degree of freedom left to test the fit"
    else:
        p_value = float(chi2_distribution.sf(chi2, n - k))
    # Gaussian log-likelihood at the optimum (variance profiled out when errors are unknown);
    # an exact fit (chi2 = 0) with unknown errors has no finite likelihood: the smallest variance
    # the arithmetic resolves stands in, so such a law ranks first, as it should
    spread = max(chi2 / n, 1e-300)
    log_like = -0.5 * chi2 if known_errors else -0.5 * n * (math.log(2 * math.pi * spread) + 1)
    p = full(best.x)
    value = tau0 if tau0 is not None else math.exp(p[0])
    at_bound = tuple(name for name, active in zip(names, best.active_mask, strict=True) if active)
    if fixed:
        tau0_error = None
        reasons = {"tau0_error": ("held fixed, not fitted (--tau0, or the linear law, where τ0 "
                                  "and Δ are not separately identifiable)"), **reasons}
    else:
        tau0_error = None if errors["tau0"] is None else value * errors["tau0"]
    return ActivationFit(law, value, tau0_error, float(p[1]), errors["delta"], float(p[2]),
                         errors["critical_current"], chi2, 2 * k - 2 * log_like,
                         k * math.log(n) - 2 * log_like, n, fixed, converged, at_bound,
                         reasons, message, p_value, p_reason)


def _log_lifetimes(data: ActivationData) -> tuple[FloatArray, FloatArray]:
    """ln τ [ln s] at each current and its weight, linearised from the data.

    Probabilities are inverted through P = 1 − exp(−t_p/τ): ln τ = ln t_p − ln(−ln(1 − P)),
    with P kept half a count from 0 and 1; the weight is the inverse binomial variance of
    ln(−ln(1 − P)), (1 − P) ln²(1 − P) n / P (delta method).
    """
    if data.dwell_time is not None:
        sigma = (data.dwell_time_error / data.dwell_time if data.dwell_time_error is not None
                 else np.ones_like(data.dwell_time))
        return np.log(data.dwell_time), 1.0 / np.maximum(sigma, 1e-300) ** 2
    assert data.probability is not None and data.pulse_duration is not None
    trials = data.trials if data.trials is not None else np.full_like(data.probability, 100.0)
    half = 0.5 / np.maximum(trials, 1.0)
    P = np.clip(data.probability, half, 1 - half)
    log_q = np.log1p(-P)
    return (np.log(data.pulse_duration) - np.log(-log_q),
            np.asarray((1 - P) * log_q**2 * trials / P))


def _starts(data: ActivationData, law: str, tau0: float | None, sign: float, scale: float
            ) -> list[FloatArray]:
    """Starting vectors for one sign of I_c: the customary (τ0 = 1 ns, Δ = 40, I_c = 2 max|I|),
    and the law matched to a weighted straight line through ln τ(I) at the mean current Ī.

    With E0 = ln τ(Ī) − ln τ0 and slope b = d ln τ/dI of the line (Néel–Brown,
    ln τ = ln τ0 + E(I)), E(Ī) = E0 and E'(Ī) = b give
    linear: Δ = E0 − bĪ, I_c = −Δ/b; quadratic: I_c = Ī − 2E0/b, Δ = E0/(1 − Ī/I_c)²;
    temperature: I_c = −E0/b − Ī, Δ = E0 (1 + Ī/I_c). Where τ0 is free, E0 = 2…80 k_BT are
    tried. Starts with the other sign of I_c, or outside the physical domain, are dropped.
    """
    default = np.array([40.0, 2 * sign * scale])
    starts = [default if tau0 is not None else np.concatenate([[math.log(1e-9)], default])]
    y, w = _log_lifetimes(data)
    current = data.current
    if len(current) < 2 or not np.all(np.isfinite(w)) or np.sum(w) <= 0:
        return starts
    mean = float(np.sum(w * current) / np.sum(w))
    spread = float(np.sum(w * (current - mean) ** 2))
    if not spread > 0:
        return starts
    slope = float(np.sum(w * (current - mean) * (y - np.sum(w * y) / np.sum(w)))) / spread
    y_mean = float(np.sum(w * y) / np.sum(w))
    if slope == 0 or not math.isfinite(slope):
        return starts
    barriers = [y_mean - math.log(tau0)] if tau0 is not None else [2.0, 5.0, 10.0, 20.0, 40.0, 80.0]
    for e0 in barriers:
        if not e0 > 0:
            continue
        with np.errstate(all="ignore"):
            if law == "linear":
                delta = e0 - slope * mean
                ic = -delta / slope
            elif law == "quadratic":
                ic = mean - 2 * e0 / slope
                delta = e0 / (1 - mean / ic) ** 2
            else:
                ic = -e0 / slope - mean
                delta = e0 * (1 + mean / ic)
        if not (math.isfinite(delta) and math.isfinite(ic) and delta > 0 and ic * sign > 0):
            continue
        vector = [delta, ic] if tau0 is not None else [y_mean - e0, delta, ic]
        starts.append(np.array(vector, dtype=float))
    return starts


def _uncertainties(sol: Any, names: tuple[str, ...], n: int, chi2: float, known_errors: bool,
                   residual: Callable[[FloatArray], FloatArray]
                   ) -> tuple[dict[str, float | None], dict[str, str]]:
    """1-σ errors of the fitted parameters (of ln τ0 for τ0) from (JᵀJ)⁻¹, or None + reason."""
    k = len(names)
    errors: dict[str, float | None] = dict.fromkeys(PARAMETERS)
    reasons: dict[str, str] = {}
    fisher = sol.jac.T @ sol.jac
    # conditioning judged with the parameters scaled to unit curvature (I_c ~ 1e11 beside Δ ~ 40)
    norm = np.sqrt(np.abs(np.diag(fisher)))
    if not np.all(np.isfinite(fisher)) or np.any(norm == 0) or \
            np.linalg.cond(fisher / np.outer(norm, norm)) > 1e12:
        for name in names:
            reasons[f"{name}_error"] = _SINGULAR
        return errors, reasons
    cov = np.linalg.inv(fisher)
    if not known_errors:
        if n == k:
            for name in names:
                reasons[f"{name}_error"] = (f"{n} points for {k} parameters and no stated errors: "
                                            "no degree of freedom left to estimate the scatter")
            return errors, reasons
        cov = cov * chi2 / (n - k)  # errors estimated from the scatter
    scatter = 1.0 if known_errors else chi2 / (n - k)
    for j, (name, active, variance) in enumerate(zip(names, sol.active_mask, np.diag(cov),
                                                     strict=True)):
        if active:
            reasons[f"{name}_error"] = "the parameter is pinned at a bound of the fit"
        elif not (math.isfinite(variance) and variance > 0):
            reasons[f"{name}_error"] = "the covariance is not positive definite"
        elif (rise := _quadratic_check(residual, sol.x, cov[:, j] / math.sqrt(variance), chi2,
                                       scatter)) is not None:
            if rise < 0:
                shape = ("chi2 falls below its fitted value at one end of the 1-σ interval (the "
                         "optimum leans on a bound of the fit)")
            elif math.isfinite(rise):
                shape = (f"chi2 is far from quadratic over the 1-σ interval (it rises by {rise:.3g}× "
                         "the quadratic value at one end)")
            else:
                shape = ("chi2 is far from quadratic over the 1-σ interval (the model cannot be "
                         "evaluated at one end: it leaves the fit's domain)")
            reasons[f"{name}_error"] = (
                shape + ": the linearised uncertainty would mislead"
                + ("; τ0, Δ and I_c are nearly degenerate in these data: fix the attempt time "
                   "(--tau0) or add data (more currents, several pulse lengths)"
                   if k == 3 and rise >= 0 else ""))
        else:
            errors[name] = math.sqrt(variance)
    return errors, reasons


def _quadratic_check(residual: Callable[[FloatArray], FloatArray], x: FloatArray,
                     step: FloatArray, chi2: float, scatter: float) -> float | None:
    """None if χ² rises by 1/4…4 × its quadratic value at x ± step, else the worst ratio.

    ``step`` = C e_j / √C_jj is the direction along which the quadratic model of χ² rises by
    ``scatter`` (the variance unit: 1 with stated errors) at the 1-σ end of parameter j, the
    other parameters re-optimised; the covariance error of j is trustworthy only where the true
    χ² does the same (a curved, banana-shaped valley of τ0, Δ, I_c fails this).
    """
    worst = None
    for end in (x + step, x - step):
        with np.errstate(all="ignore"):
            rise = (float(np.sum(residual(end) ** 2)) - chi2) / scatter
        if not (math.isfinite(rise) and QUADRATIC_BAND[0] <= rise <= QUADRATIC_BAND[1]):
            candidate = rise if math.isfinite(rise) else math.inf
            worst = candidate if worst is None or abs(math.log(max(candidate, 1e-300))) > \
                abs(math.log(max(worst, 1e-300))) else worst
    return worst


def compare_laws(data: ActivationData, laws: tuple[str, ...] = tuple(LAWS),
                 tau0: float | None = None) -> dict[str, Any]:
    """Fit each law; report the fits and which law the data support.

    ``supported`` is False when the law with the smallest AIC is unsound (not converged, a
    parameter at a bound, or χ² too large for the stated errors: it cannot be supported whatever
    the others do); otherwise True when it beats the next law by ΔAIC > 2, False when it does not,
    and None (strict JSON; reason in ``null_reasons``) when a single law was fitted, since there
    is nothing to compare it with. ``delta_aic_to_next`` is None for a single law."""
    for law in laws:
        if law not in LAWS:
            raise InputError("--law", f"must be one of {', '.join(LAWS)} or all, got {law!r}")
        check_enough_points(data, law, tau0)
    fits = [fit_activation(data, law, tau0) for law in laws]
    ranked = sorted(fits, key=lambda f: f.aic)
    margin = ranked[1].aic - ranked[0].aic if len(ranked) > 1 else None
    sound = ranked[0].converged and not ranked[0].at_bound and ranked[0].describes_data
    supported: bool | None = bool(margin is not None and margin > 2.0) if sound else False
    null_reasons: dict[str, str] = {}
    if margin is None:
        null_reasons["delta_aic_to_next"] = "a single law was fitted: there is no next law"
        if sound:
            supported = None
            null_reasons["supported"] = ("a single law was fitted and its fit is sound, but "
                                         "support means beating another law (use --law all)")
    warnings = [line for f in fits for line in f.warnings]
    return {"fits": {f.law: f.to_json_dict() for f in fits}, "best_law": ranked[0].law,
            "delta_aic_to_next": margin, "supported": supported, "null_reasons": null_reasons,
            "warnings": warnings}
