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
covariance (NaN where the data do not constrain a parameter, e.g. switching probabilities that are
all 0 or 1), and the Akaike and Bayesian information criteria; the law with the smallest AIC is
"supported" when it beats the next by more than 2.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import least_squares

from spintorque.errors import InputError

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

    @property
    def kind(self) -> str:
        return "dwell_time" if self.dwell_time is not None else "probability"


@dataclass(frozen=True)
class ActivationFit:
    """One law fitted to the data; values and 1-σ uncertainties."""

    law: str
    tau0: float
    tau0_error: float
    delta: float
    delta_error: float
    critical_current: float
    critical_current_error: float
    chi2: float
    aic: float
    bic: float
    points: int
    tau0_fixed: bool = False

    def lifetime(self, current: FloatArray) -> FloatArray:
        """τ(I) of the fitted law [s]."""
        return np.asarray(self.tau0 * np.exp(LAWS[self.law](np.asarray(current, float),
                                                            self.delta, self.critical_current)))

    def to_json_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("law", "tau0", "tau0_error", "tau0_fixed", "delta",
                                              "delta_error", "critical_current",
                                              "critical_current_error", "chi2", "aic", "bic",
                                              "points")}


def read_activation_csv(path: str | Path) -> ActivationData:
    """Read a CSV with a ``current`` column and either ``dwell_time`` [s] (optional
    ``dwell_time_error``) or ``switching_probability`` with ``pulse_duration`` [s] (optional
    ``trials``). Lines starting with ``#`` are comments."""
    path = Path(path)
    try:
        lines = [ln for ln in path.read_text("utf-8").splitlines() if ln.strip()
                 and not ln.lstrip().startswith("#")]
    except OSError as exc:
        raise InputError("file", f"cannot read: {exc}", str(path)) from None
    rows = list(csv.DictReader(lines))
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
                          column("trials"))


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


def fit_activation(data: ActivationData, law: str, tau0: float | None = None) -> ActivationFit:
    """Fit one law: (ln τ0, Δ, I_c), or (Δ, I_c) with τ0 fixed, by (weighted) least squares.

    ``tau0`` [s] fixes the attempt time; the linear law always needs it (default
    :data:`DEFAULT_TAU0`).
    """
    if law not in LAWS:
        raise InputError("--law", f"must be one of {', '.join(LAWS)} or all, got {law!r}")
    if tau0 is not None and not (math.isfinite(tau0) and tau0 > 0):
        raise InputError("--tau0", f"must be > 0 s, got {tau0!r}")
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
        raise InputError("data", f"the {law} law could not be fitted to these data")
    n, k = len(data.current), len(best.x)
    chi2 = float(2 * best.cost)
    try:
        cov = np.linalg.inv(best.jac.T @ best.jac)
    except np.linalg.LinAlgError:
        cov = np.full((k, k), np.nan)
    known_errors = data.dwell_time_error is not None or data.probability is not None
    if not known_errors and n > k:
        cov *= chi2 / (n - k)  # errors estimated from the scatter
    err = np.sqrt(np.abs(np.diag(cov)))
    # Gaussian log-likelihood at the optimum (variance profiled out when errors are unknown)
    log_like = -0.5 * chi2 if known_errors else -0.5 * n * (math.log(2 * math.pi * chi2 / n) + 1)
    p = full(best.x)
    errors = np.concatenate([[0.0], err]) if fixed else err
    value = tau0 if tau0 is not None else math.exp(p[0])
    return ActivationFit(law, value, value * float(errors[0]), float(p[1]), float(errors[1]),
                         float(p[2]), float(errors[2]), chi2, 2 * k - 2 * log_like,
                         k * math.log(n) - 2 * log_like, n, fixed)


def compare_laws(data: ActivationData, laws: tuple[str, ...] = tuple(LAWS),
                 tau0: float | None = None) -> dict[str, Any]:
    """Fit each law; report the fits and which law the data support (smallest AIC, ΔAIC > 2)."""
    fits = [fit_activation(data, law, tau0) for law in laws]
    ranked = sorted(fits, key=lambda f: f.aic)
    margin = ranked[1].aic - ranked[0].aic if len(ranked) > 1 else math.inf
    return {"fits": {f.law: f.to_json_dict() for f in fits}, "best_law": ranked[0].law,
            "delta_aic_to_next": margin, "supported": bool(margin > 2.0)}
