"""The result of :func:`spintorque.thermal.escape`: one labelled object for every method."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import xarray as xr

    from spintorque.thermal.problems import PhysicalProblem, ReducedProblem

REDUCED_UNITS = "times in tau_N = (1 + alpha^2) mu0 Ms V / (2 alpha gamma0 k_B T); rates in 1/tau_N"
PHYSICAL_UNITS = {"tau_N": "s", "lambda1": "1/s", "integral_relaxation_time": "s", "mfpt": "s",
                  "switching_rate": "1/s",
                  "current_density": "A/m^2", "temperature": "K", "effective_barrier_kT": "k_B T",
                  "barrier_kT": "k_B T", "anisotropy_field": "A/m",
                  "critical_current_density": "A/m^2"}
LEGACY_SOLVER = {"axial": "1d", "sphere": "2d", "energy": "energy", "harmonics": "harmonics"}
QUANTITIES = ("lambda1", "integral_relaxation_time", "mfpt", "switching_rate")
LONG_NAMES = {"lambda1": "relaxation rate λ1 (smallest non-zero eigenvalue; with two wells the "
                         "sum of the forward and backward switching rates)",
              "integral_relaxation_time": "integral relaxation time of m·u",
              "mfpt": "mean first-passage time from the start direction to the later of the "
                      "separatrix m·u = 0 and the transition surface m·u = z* (the top of the "
                      "effective potential between the wells), m·u = min(0, z*) (the equator "
                      "where there is no barrier)",
              "switching_rate": "forward switching rate k_fwd = λ1·P_stat(beyond the transition "
                                "surface) out of the start well (two-state split)"}
REDUCED_KEYS = {"lambda1": "lambda1_tau_N",
                "integral_relaxation_time": "integral_relaxation_time_over_tau_N",
                "mfpt": "mfpt_over_tau_N", "switching_rate": "switching_rate_tau_N"}


@dataclass(frozen=True)
class ClosedForm:
    """A closed-form estimate, reported only inside its domain.

    ``value`` is None outside it, and ``reason`` says why; ``assumptions`` label the formula.
    """

    value: float | None
    units: str
    assumptions: str
    reason: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        if self.value is None:
            return {"value": None, "units": self.units, "assumptions": self.assumptions,
                    "reason": self.reason}
        return {"value": self.value, "units": self.units, "assumptions": self.assumptions}


@dataclass(frozen=True)
class EscapeResult:
    """Escape rate, relaxation time and first passage of a macrospin, with their pedigree.

    Attributes
    ----------
    problem : ReducedProblem or PhysicalProblem
    method : str
        The method that ran: "axial", "sphere", "energy" or "harmonics".
    lambda1_tau_N, integral_relaxation_time_over_tau_N, mfpt_over_tau_N : float or None
        λ1 [1/tau_N] (the relaxation rate: with two wells λ1 = k_fwd + k_back, the sum of the
        forward and backward switching rates, dominated by the faster, which is the shallower
        well's), τ_int [tau_N] and the mean first-passage time [tau_N] from the start direction
        to the later of the separatrix m·u = 0 (what an LLG ensemble's "switched" refers to)
        and the transition surface m·u = z* (the top of the effective potential between the
        wells: z* = −h_eff on the axis), i.e. m·u = min(0, z*), the same surface for every
        method (the energy method: the separatrix orbit, or the top of Ψ where it lies beyond
        it); the equator m·u = 0 where there is no barrier or no second well
        (``details["mfpt_meaning"]``). None where the method has no valid number
        (``null_reasons`` says why).
    switching_rate_tau_N : float or None
        Forward switching rate k_fwd [1/tau_N] out of the start well (thermally activated
        regime only): the two-state split k_fwd = λ1·P_stat(beyond the transition surface),
        exact up to e^{−barrier} corrections; 1/k_fwd is the mean dwell time. With z* >= 0 (no
        field or a destabilising current) the MFPT is the mean switching time, k_fwd·MFPT ≈ 1
        once the effective potential falls by more than ~1 k_BT from the top to the separatrix
        (σ z*² on the axis; at z* = 0 it is 1/2); with z* < 0 (a field or current stabilising
        the start) it is the MFPT to the top, 2·k_fwd·MFPT = 1 + O(barrier^-1/2) (from the top
        the state falls back or goes on with equal odds).
    tau_N : float or None
        Free-diffusion time [s] of a physical problem (None for a reduced one).
    error_estimate : dict
        Relative error estimate of each quantity ("lambda1", "integral_relaxation_time", "mfpt"),
        None where the method gives none (reason in ``null_reasons``).
    converged : bool
        Every estimate is below the method's target accuracy and every value passed the checks
        (finite, positive, τ_int <= 1/λ1 for a reversible problem); for the energy method also
        the predicted error of its model, the α → 0 limit, is within its tolerance
        (:attr:`model_error`).
    regime, regime_reason : str
        "thermally activated", "critical", "no barrier" or "single well" (a stable start well
        with no other well: switching impossible) (:mod:`spintorque.thermal.regime`); what λ1
        and the MFPT then mean is in ``details["lambda1_meaning"]``, ``details["mfpt_meaning"]``.
    effective_barrier_kT : float or None
        ΔE_eff [k_BT], None where the start well is gone (reason in ``null_reasons``).
    closed_forms : dict of ClosedForm
    details : dict
        Method- and problem-specific JSON-ready values (grid family, well direction, ...).
    null_reasons : dict of str
        Why each None is None.
    messages : tuple of str
        Warnings (also printed by the command line).
    """

    problem: ReducedProblem | PhysicalProblem
    method: str
    lambda1_tau_N: float | None
    integral_relaxation_time_over_tau_N: float | None
    mfpt_over_tau_N: float | None
    tau_N: float | None
    error_estimate: dict[str, float | None]
    converged: bool
    regime: str
    regime_reason: str
    effective_barrier_kT: float | None
    closed_forms: dict[str, ClosedForm] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    null_reasons: dict[str, str] = field(default_factory=dict)
    messages: tuple[str, ...] = ()
    switching_rate_tau_N: float | None = None

    def _si(self, value: float | None, power: int) -> float | None:
        if value is None or self.tau_N is None:
            return None
        return value * self.tau_N**power

    @property
    def lambda1(self) -> float | None:
        """λ1 [1/s] (physical problems; None for reduced ones)."""
        return self._si(self.lambda1_tau_N, -1)

    @property
    def integral_relaxation_time(self) -> float | None:
        """τ_int [s] (physical problems)."""
        return self._si(self.integral_relaxation_time_over_tau_N, 1)

    @property
    def mfpt(self) -> float | None:
        """Mean first-passage time [s] (physical problems)."""
        return self._si(self.mfpt_over_tau_N, 1)

    @property
    def switching_rate(self) -> float | None:
        """Forward switching rate k_fwd [1/s] (physical problems)."""
        return self._si(self.switching_rate_tau_N, -1)

    @property
    def model_error(self) -> float | None:
        """Predicted relative error of the method's model, beyond the numerical estimates: 0 for
        the axial and sphere methods (they solve Brown's equation itself); for the energy method
        F − 1, F the predicted bound on its rates' excess over the true ones at the problem's
        damping (``details["model_error_factor"]``; 0 where averaging is exact, None with a
        reason in ``null_reasons`` where no damping is given)."""
        if self.method != "energy":
            return 0.0
        value = self.details.get("model_error")
        return None if value is None else float(value)

    @property
    def physical(self) -> bool:
        return self.tau_N is not None

    def _keys(self) -> dict[str, str]:
        """Quantity → JSON key: reduced keys carry their unit (``lambda1_tau_N``)."""
        if self.physical:
            return {q: q for q in QUANTITIES}
        return dict(REDUCED_KEYS)

    def values(self) -> dict[str, float | None]:
        """The four quantities under their JSON keys, in s and 1/s or in tau_N units."""
        if self.physical:
            return {"lambda1": self.lambda1, "integral_relaxation_time":
                    self.integral_relaxation_time, "mfpt": self.mfpt,
                    "switching_rate": self.switching_rate}
        return {"lambda1_tau_N": self.lambda1_tau_N, "integral_relaxation_time_over_tau_N":
                self.integral_relaxation_time_over_tau_N, "mfpt_over_tau_N": self.mfpt_over_tau_N,
                "switching_rate_tau_N": self.switching_rate_tau_N}

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the ``escape --json`` document): only finite numbers, None with a
        reason in ``null_reasons`` otherwise. Keys of earlier versions are kept."""
        keys = self._keys()
        doc: dict[str, Any] = {}
        if self.physical:
            doc.update(current_density=self.problem.describe()["current_density"],
                       temperature=self.problem.describe()["temperature"], tau_N=self.tau_N)
        else:
            doc.update(self.problem.describe())
        doc.update(self.values())
        for q in QUANTITIES:
            doc[keys[q] + "_relative_error"] = self.error_estimate.get(q)
        doc.update(self.details)
        doc["model_error"] = self.model_error
        doc.update(
            effective_barrier_kT=self.effective_barrier_kT, regime=self.regime,
            regime_reason=self.regime_reason, method=self.method,
            solver=LEGACY_SOLVER[self.method], converged=self.converged,
            error_estimate={keys[q]: self.error_estimate.get(q) for q in QUANTITIES},
            closed_forms={k: c.to_json_dict() for k, c in self.closed_forms.items()},
            warnings=list(self.messages),
            units=PHYSICAL_UNITS if self.physical else REDUCED_UNITS)
        reasons = dict(self.null_reasons)
        for q in QUANTITIES:
            for suffix in ("", "_relative_error"):
                if q + suffix in reasons:
                    reasons[keys[q] + suffix] = reasons.pop(q + suffix)
        doc["null_reasons"] = reasons
        return _strict(doc, reasons)

    def to_json(self) -> str:
        """Strict JSON (no NaN or Infinity)."""
        return json.dumps(self.to_json_dict(), allow_nan=False)

    def to_dataset(self) -> xr.Dataset:
        """The quantities as an :class:`xarray.Dataset` (``units`` and ``long_name`` attributes;
        missing values are absent, with their reasons in the attributes; the natural logarithms
        ``ln_*`` of the JSON, in tau_N units, are variables too, so that a value beyond the
        double range is still there)."""
        import xarray as xr

        from spintorque.provenance import dataset_attrs

        data: dict[str, Any] = {}
        unit = {"lambda1": "1/s", "integral_relaxation_time": "s", "mfpt": "s",
                "switching_rate": "1/s"} if self.physical \
            else {"lambda1": "1/tau_N", "integral_relaxation_time": "tau_N", "mfpt": "tau_N",
                  "switching_rate": "1/tau_N"}
        for key, value in zip(QUANTITIES, self.values().values(), strict=True):
            if value is not None:
                data[key] = ((), value, {"units": unit[key], "long_name": LONG_NAMES[key],
                                         "relative_error": _attr(self.error_estimate.get(key))})
        for key, value in self.details.items():  # the logarithms the null reasons point to
            if key.startswith("ln_") and isinstance(value, float) and math.isfinite(value):
                what = key[3:].replace("_over_tau_N", " / tau_N").replace("_tau_N", " · tau_N")
                data[key] = ((), value, {"units": "1", "long_name": f"natural logarithm of {what} "
                                         "(kept where the value itself leaves the double range)"})
        if self.effective_barrier_kT is not None:
            data["effective_barrier"] = ((), self.effective_barrier_kT,
                                         {"units": "k_B T", "long_name": "effective barrier"})
        attrs = {"method": self.method, "regime": self.regime, "regime_reason": self.regime_reason,
                 "converged": int(self.converged), "model_error": _attr(self.model_error),
                 **dataset_attrs(),
                 "problem": json.dumps(self.problem.describe(), allow_nan=False, default=str),
                 "null_reasons": json.dumps(self.null_reasons, allow_nan=False),
                 "warnings": json.dumps(self.messages, allow_nan=False)}
        if self.tau_N is not None:
            attrs["tau_N_s"] = self.tau_N
        return xr.Dataset(data, attrs=attrs)


def _attr(value: float | None) -> float | str:
    return "none" if value is None else value


def _strict(value: Any, reasons: dict[str, str], key: str = "") -> Any:
    """Replace every non-finite float by None (recording why) so that the JSON is strict."""
    if isinstance(value, float) and not math.isfinite(value):
        reasons.setdefault(key, f"not a finite number ({value!r})")
        return None
    if isinstance(value, dict):
        return {k: _strict(v, reasons, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v, reasons, key) for v in value]
    return value
