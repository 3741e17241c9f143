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
"supported" when its fit converged, no parameter is pinned at a bound, and it beats the next by
more than 2.

Honesty rules: fewer data points than free parameters are refused (:class:`InputError` naming
the file); a fit whose optimiser did not converge has ``converged = False``; a parameter that ends
on one of the physical bounds below is listed in ``at_bound`` (the law then does not describe the
data inside its domain); an uncertainty that does not exist — a singular Fisher matrix (data that
do not constrain the parameters, e.g. probabilities all 0 or 1), no degree of freedom left to
estimate the scatter (as many points as parameters, no stated errors), or a parameter at a bound
— is None with its reason in ``error_reasons``, never NaN. Each of these adds a line to
``warnings``.
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
        for key, reason in self.error_reasons.items():
            if key.removesuffix("_error") not in self.at_bound:
                out.append(f"{self.law}: no {key}: {reason}")
        return out

    def to_json_dict(self) -> dict[str, Any]:
        doc = {k: getattr(self, k) for k in ("law", "tau0", "tau0_error", "tau0_fixed", "delta",
                                             "delta_error", "critical_current",
                                             "critical_current_error", "chi2", "aic", "bic",
                                             "points", "converged")}
        return {**doc, "at_bound": list(self.at_bound), "error_reasons": dict(self.error_reasons),
                "warnings": self.warnings}


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

    best = None
    # physical bounds: 1e-15 s <= τ0 <= 1e3 s, 0 <= Δ <= 1e4 k_BT, |I_c| >= 1e-3 max|I|; each
    # sign of I_c is tried (the sign convention of the data decides which state is destabilised)
    for sign in (1.0, -1.0):
        lo_ic, hi_ic = (1e-3 * scale, 1e6 * scale) if sign > 0 else (-1e6 * scale, -1e-3 * scale)
        lower = [0.0, lo_ic] if fixed else [math.log(1e-15), 0.0, lo_ic]
        upper = [1e4, hi_ic] if fixed else [math.log(1e3), 1e4, hi_ic]
        start = np.array([40.0, 2 * sign * scale])
        if not fixed:
            start = np.concatenate([[math.log(1e-9)], start])
        x_scale = [10.0, scale] if fixed else [1.0, 10.0, scale]
        try:
            sol = least_squares(lambda p: residual(full(p)), start, bounds=(lower, upper),
                                x_scale=x_scale, method="trf", max_nfev=20000)
        except (ValueError, FloatingPointError):
            continue
        if np.all(np.isfinite(sol.fun)) and (best is None or sol.cost < best.cost):
            best = sol
    if best is None:
        raise InputError("data", f"the {law} law could not be fitted to these data", data.source)
    names = free_parameters(law, tau0)
    n, k = len(data.current), len(best.x)
    chi2 = float(2 * best.cost)
    known_errors = data.dwell_time_error is not None or data.probability is not None
    errors, reasons = _uncertainties(best, names, n, chi2, known_errors)
    # Gaussian log-likelihood at the optimum (variance profiled out when errors are unknown);
    # an exact fit (chi2 = 0) with unknown errors has no finite likelihood: the smallest variance
    # the arithmetic resolves stands in, so such a law ranks first, as it should
    spread = max(chi2 / n, 1e-300)
    log_like = -0.5 * chi2 if known_errors else -0.5 * n * (math.log(2 * math.pi * spread) + 1)
    p = full(best.x)
    value = tau0 if tau0 is not None else math.exp(p[0])
    at_bound = tuple(name for name, active in zip(names, best.active_mask, strict=True) if active)
    tau0_error = 0.0 if fixed else (None if errors["tau0"] is None else value * errors["tau0"])
    return ActivationFit(law, value, tau0_error, float(p[1]), errors["delta"], float(p[2]),
                         errors["critical_current"], chi2, 2 * k - 2 * log_like,
                         k * math.log(n) - 2 * log_like, n, fixed, bool(best.success), at_bound,
                         reasons, str(best.message))


def _uncertainties(sol: Any, names: tuple[str, ...], n: int, chi2: float, known_errors: bool
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
            reasons[f"{name}_error"] = "the data do not constrain this fit (singular Fisher matrix)"
        return errors, reasons
    cov = np.linalg.inv(fisher)
    if not known_errors:
        if n == k:
            for name in names:
                reasons[f"{name}_error"] = (f"{n} points for {k} parameters and no stated errors: "
                                            "no degree of freedom left to estimate the scatter")
            return errors, reasons
        cov = cov * chi2 / (n - k)  # errors estimated from the scatter
    for name, active, variance in zip(names, sol.active_mask, np.diag(cov), strict=True):
        if active:
            reasons[f"{name}_error"] = "the parameter is pinned at a bound of the fit"
        elif not (math.isfinite(variance) and variance >= 0):
            reasons[f"{name}_error"] = "the covariance is not positive definite"
        else:
            errors[name] = math.sqrt(variance)
    return errors, reasons


def compare_laws(data: ActivationData, laws: tuple[str, ...] = tuple(LAWS),
                 tau0: float | None = None) -> dict[str, Any]:
    """Fit each law; report the fits and which law the data support (smallest AIC, ΔAIC > 2,
    a converged fit with no parameter at a bound). Strict JSON: ``delta_aic_to_next`` is None for
    a single law."""
    for law in laws:
        if law not in LAWS:
            raise InputError("--law", f"must be one of {', '.join(LAWS)} or all, got {law!r}")
        check_enough_points(data, law, tau0)
    fits = [fit_activation(data, law, tau0) for law in laws]
    ranked = sorted(fits, key=lambda f: f.aic)
    margin = ranked[1].aic - ranked[0].aic if len(ranked) > 1 else None
    sound = ranked[0].converged and not ranked[0].at_bound
    warnings = [line for f in fits for line in f.warnings]
    return {"fits": {f.law: f.to_json_dict() for f in fits}, "best_law": ranked[0].law,
            "delta_aic_to_next": margin,
            "supported": bool(margin is not None and margin > 2.0 and sound) if len(laws) > 1
            else None, "warnings": warnings}
