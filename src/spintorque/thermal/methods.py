"""The three escape methods behind :func:`spintorque.thermal.escape`, and the closed forms.

Each runner calls one solver family's public functions and returns a :class:`Solution` in tau_N
units: the three quantities (None where a value fails its checks, with the reason), their error
estimates, whether the method converged, and the verdict on the landscape. The façade
(:mod:`spintorque.thermal.escape`) labels it as an :class:`~spintorque.thermal.EscapeResult`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from spintorque.analytic.thermal import brown_high_barrier_rate, effective_barrier
from spintorque.errors import InputError
from spintorque.thermal.axial import fokker_planck as axial
from spintorque.thermal.axial.physical import AxialReduction, NotAxialError
from spintorque.thermal.escape_result import ClosedForm
from spintorque.thermal.regime import (
    ACTIVATED_BARRIER_KT,
    Landscape,
    energy_landscape,
    sphere_landscape,
)
from spintorque.thermal.sphere.model import SphereModel

LOW_DAMPING_LOSS_KT = 0.1
"""Largest energy [k_BT] the damping may remove per turn on the separatrix for the low-damping
(energy-diffusion) limit to be used; its corrections are of relative order √δ."""
LOW_DAMPING_ALPHA = 0.05
"""Largest damping at which ``method="auto"`` falls back on the low-damping limit: the orbit
average needs the precession (rate ~ sigma/α) much faster than the energy drift (~ sigma); on a
flat separatrix (axial magnets) the loss per turn vanishes whatever α, so it cannot decide alone."""


@dataclass
class Solution:
    """What one method returns, in tau_N units, before the façade labels it: the three
    quantities (None where a value failed its checks), their relative error estimates, whether
    the method converged, the verdict on the landscape, extra JSON-ready details, the reasons for
    the Nones and the warnings."""

    method: str
    values: dict[str, float | None]
    errors: dict[str, float | None]
    converged: bool
    landscape: Landscape
    details: dict[str, Any] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def checked(values: dict[str, float | None], reasons: dict[str, str], messages: list[str],
             method: str) -> bool:
    """Replace values that are not finite and positive by None; True if all passed."""
    ok = True
    for key, value in values.items():
        if value is not None and not (math.isfinite(value) and value > 0):
            reasons[key] = (f"the {method} solver returned {value!r}, not a finite positive "
                            "number: not reported")
            messages.append(f"{key}: {reasons[key]}")
            values[key] = None
            ok = False
    return ok


def _reported_as(key: str) -> str:
    """Where an escape user finds a logarithm: the JSON key (CLI) and the details entry (API)."""
    return f"reported as {key} (the key of escape --json; EscapeResult.details[{key!r}])"


def _tau_within_inverse_lambda1(values: dict[str, Any], reasons: dict[str, str],
                                messages: list[str], source: str,
                                errors: dict[str, Any] | None = None) -> bool:
    """τ_int <= 1/λ1 (to 1e-6), which holds for a reversible problem: C(t) = Σ c_k e^{−λ_k t}
    with c_k >= 0. A τ_int above it is not reported (null with the reason; False)."""
    tau, lam1 = values["integral_relaxation_time"], values["lambda1"]
    if tau is None or lam1 is None or tau * lam1 <= 1.0 + 1e-6:
        return True
    reasons["integral_relaxation_time"] = (
        f"{source} gave {tau:.6g} tau_N, more than 1/λ1 = {1 / lam1:.6g} tau_N, "
        "impossible for this reversible problem: not reported")
    messages.append(f"integral_relaxation_time: {reasons['integral_relaxation_time']}")
    values["integral_relaxation_time"] = None
    if errors is not None:
        errors["integral_relaxation_time"] = None
    return False


def run_axial(model: axial.AxialModel, landscape: Landscape) -> Solution:
    """λ1, τ_int, MFPT(1 → min(0, z*)) to the later of the separatrix and the transition
    surface (:func:`mfpt_target`) and the forward rate λ1·P_eq(z < z*) of the exact 1D solver,
    with its per-run error estimates.

    The solver works with logarithms, so a value beyond the floating-point range is reported
    as null with its decimal exponent rather than as an overflow.
    """
    target = mfpt_target(landscape)
    results = {"lambda1": axial.log_smallest_eigenvalue(model),
               "integral_relaxation_time": axial.log_integral_relaxation_time(model),
               "mfpt": axial.log_mean_first_passage_time(model, 1.0, target)}
    values: dict[str, float | None] = {}
    errors: dict[str, float | None] = {}
    reasons: dict[str, str] = {}
    messages: list[str] = []
    ok = True
    names = {"lambda1": "ln_lambda1_tau_N",
             "integral_relaxation_time": "ln_integral_relaxation_time_over_tau_N",
             "mfpt": "ln_mfpt_over_tau_N"}
    # the natural logarithms always exist, also where the value itself is beyond double range
    details: dict[str, Any] = {names[key]: result.log for key, result in results.items()}
    for key, result in results.items():
        try:
            values[key] = result.value(key, _reported_as(names[key]))
        except InputError as error:
            values[key] = None
            reasons[key] = error.message
            messages.append(str(error))
        errors[key] = result.error
        if not result.converged:
            ok = False
            messages.append(f"{key}: the 1D solver's error estimate {result.error:.2g} exceeds "
                            f"its accuracy target {axial.ACCURACY:g}")
    if forward_rate_applies(landscape, reasons):
        # k_fwd = λ1 P_eq(beyond the transition surface), in log space (λ1 may underflow)
        top = landscape.transition if landscape.transition is not None else target
        split = 0.0 if abs(float(top)) < 1e-12 else float(top)
        log_k = results["lambda1"].log + axial.log_probability_below(model, split)
        details["ln_switching_rate_tau_N"] = log_k
        rate_error = results["lambda1"].error
        try:
            values["switching_rate"] = axial.LogResult(log_k, rate_error).value(
                "switching_rate", _reported_as("ln_switching_rate_tau_N"))
        except InputError as exc:
            values["switching_rate"] = None
            reasons["switching_rate"] = exc.message
        errors["switching_rate"] = rate_error
    else:
        values["switching_rate"] = errors["switching_rate"] = None
    ok = checked(values, reasons, messages, "axial") and ok
    ok = _tau_within_inverse_lambda1(values, reasons, messages, "the 1D quadrature") and ok
    return Solution("axial", values, errors, ok, landscape, details, reasons, messages)


def mfpt_target(landscape: Landscape) -> float:
    """m·u of the surface the reported MFPT goes to: whichever of the separatrix m·u = 0 (the
    surface an LLG ensemble's "switched" refers to, THERMAL.md §6) and the transition surface
    z* (the top of the effective potential) lies farther from the start pole, min(0, z*), where
    the start well has a barrier (thermally activated, critical); there the state has both
    passed the barrier top and crossed the separatrix. Else the equator m·u = 0 (no barrier:
    the transit from the unstable start direction; single well: an excursion).

    With z* >= 0 (no field, or a current destabilising the start: the device case) the MFPT is
    the mean switching time, ≈ 1/k_fwd when activated; with z* < 0 (a field or current
    stabilising the start) it is the MFPT to the top, ≈ 1/(2 k_fwd). The target is continuous
    in the current across i = 1, where z* runs to the start pole."""
    if landscape.regime in ("thermally activated", "critical") and landscape.transition is not None:
        z = float(landscape.transition)
        return 0.0 if z > -1e-12 else z  # the equator up to rounding (symmetric wells)
    return 0.0


def forward_rate_applies(landscape: Landscape, reasons: dict[str, str]) -> bool:
    """Whether the forward switching rate k_fwd = λ1 P_eq(other side) is reported (a rare
    event: thermally activated); else record why not."""
    back = landscape.reversed_barrier_kT
    if landscape.regime == "thermally activated":
        if back is None or back >= ACTIVATED_BARRIER_KT:
            return True
        reasons["switching_rate"] = (
            f"the reversed state is not metastable (its barrier {back:.4g} k_BT < "
            f"{ACTIVATED_BARRIER_KT:g} k_BT): no two-state switching rate (see mfpt)")
        return False
    reasons["switching_rate"] = {
        "critical": "the barrier is below 5 k_BT: escape and relaxation inside the well are not "
                    "separated, so the switching is no Poisson process with a rate (see mfpt)",
        "no barrier": "the start state is unstable: switching is a transit, not a rate process "
                      "(see mfpt)",
        "single well": "there is no reversed state to switch to",
    }.get(landscape.regime, "no transition surface was located")
    return False


def start_direction(model: SphereModel, near: Any, landscape: Landscape | None
                    ) -> tuple[Any, Landscape | None, float]:
    """The axis u of the 2D solver, the landscape where it is known beforehand, and the m·u of
    the MFPT's target surface.

    On the axis u is the start pole the axial landscape describes; otherwise the energy minimum
    of the start well, or, where the start state is unstable or no minimum lies within 60° of
    it, the start direction itself, so that every method reports the transit from the start
    direction (not an escape from the other well, which the energy minimum near an unstable
    start direction would be)."""
    from spintorque.thermal.regime import fixed_point
    from spintorque.thermal.sphere.escape2d import well_direction
    from spintorque.thermal.sphere.grid import unit_vector

    start = unit_vector(near, "initial")
    if landscape is not None:
        # an axial problem: the start state is the pole m_z = ±1 the landscape describes, also
        # where the energy has no minimum there (h < −1 held by a current i > 1)
        return np.array([0.0, 0.0, 1.0 if start[2] >= 0 else -1.0]), landscape, \
            mfpt_target(landscape)
    well = well_direction(model, start)
    found = fixed_point(model, well)
    if found is None or float(np.max(found[1].real)) >= 0.0 or float(well @ start) < 0.5:
        return start, None, 0.0
    return well, None, 0.0


def run_sphere(model: SphereModel, near: Any, landscape: Landscape | None,
                options: dict[str, Any]) -> Solution:
    from spintorque.thermal.sphere.escape2d import CONVERGED, axially_symmetric, escape_2d

    well, landscape, target = start_direction(model, near, landscape)
    needs_mfpt = False
    if landscape is None:
        # the regime first (on axially symmetric problems it needs no MFPT); the MFPT's target
        # is its transition surface
        landscape = sphere_landscape(model, well, None)
        target = mfpt_target(landscape)
        needs_mfpt = model.drift is not None and not axially_symmetric(model, well) \
            and landscape.regime != "no barrier"
    # the MFPT to m·u = min(0, z*) (:func:`mfpt_target`), the two-state split at z* itself
    top = landscape.transition if landscape.regime in ("thermally activated", "critical") \
        else None
    split = target if top is None or abs(float(top)) < 1e-12 else float(top)
    result = solver_call("sphere", lambda: escape_2d(model, well, options.get("sizes"),
                                                     transition=target, split=split))
    quantities = {"lambda1": result.lambda1,
                  "integral_relaxation_time": result.integral_relaxation_time,
                  "mfpt": result.mfpt}
    reasons: dict[str, str] = {}
    messages: list[str] = []
    # the 2D solver returns logarithms (no barrier limit on the axisymmetric family): a value
    # beyond the double range is null with the reason naming its logarithm, as for the axial
    values: dict[str, float | None] = {}
    logs = {k: q.log for k, q in quantities.items()}
    log_details = _log_values({k: v if math.isfinite(v) else None for k, v in logs.items()},
                              values, reasons, messages)
    for k, v in logs.items():
        if not math.isfinite(v):
            reasons[k] = "the extrapolation over the 2D grids gave no positive value: not reported"
            messages.append(f"{k}: {reasons[k]}")
    errors: dict[str, float | None] = {k: q.relative_error for k, q in quantities.items()}
    errors = {k: (v if v is not None and math.isfinite(v) else None) for k, v in errors.items()}
    ok = checked(values, reasons, messages, "2D") and result.converged
    if not result.converged:
        messages.append(f"the 2D grids are not converged (relative error estimate > {CONVERGED:g} "
                        "or not in the asymptotic regime); see docs/thermal.md, 'Limits of the 2D "
                        "solver' (at low damping: method 'energy')")
    if needs_mfpt:  # the activation exponent ln(MFPT·|Re μ|) decides the regime
        lam = values["lambda1"]  # without an MFPT: ln(|Re μ|/λ1), a lower bound (λ1 >= k_fwd)
        landscape = sphere_landscape(model, well, values["mfpt"],
                                     None if lam is None else (lam, "λ1 >= k_fwd"))
    estimated_surface = needs_mfpt and target < 0.0
    if forward_rate_applies(landscape, reasons) and result.switching_rate is not None:
        rate = result.switching_rate
        log_details.update(_log_values({"switching_rate": rate.log if math.isfinite(rate.log)
                                        else None}, values, reasons, messages))
        errors["switching_rate"] = rate.relative_error if math.isfinite(rate.relative_error) \
            else None
        ok = checked(values, reasons, messages, "2D") and ok
        if not rate.relative_error < CONVERGED:
            messages.append(f"switching_rate: relative error estimate {rate.relative_error:.2g} "
                            f"> {CONVERGED:g}")
            ok = False
    else:
        values["switching_rate"] = errors["switching_rate"] = None
    if estimated_surface:
        messages.append(estimated_surface_note(target, values["mfpt"], values["switching_rate"]))
    details = {"well": [float(c) for c in well], "grid_family": result.family,
               "grid_sizes": list(result.sizes), "mfpt_target_m_dot_u": target, **log_details}
    return Solution("sphere", values, errors, ok, landscape, details, reasons, messages)


AXIAL_HALF_TIME_BAND = (0.76, 1.001)
"""Bounds of 2·k_fwd·MFPT where the MFPT goes to the exact top z* <= 0 of an axial barrier
(the exact 1D solver; sigma 10, 20, 60, 200, h −0.8 … 0.9, i −2 … 0.9, every point with a
forward rate, i.e. both barriers >= 5 k_BT: measured 0.766 … 1.0004). It is 1 for symmetric
wells and falls as the reversed well gets shallow (0.77 at a reversed barrier of 5 k_BT): even
with the top known exactly the MFPT to it is half the mean switching time 1/k_fwd only within
these factors."""


def estimated_surface_note(target: float, mfpt: float | None, rate: float | None) -> str:
    """The warning for an MFPT taken to the estimated transition surface m·u = ``target`` (a
    spin torque off the symmetry axis), with the size of what that estimate changes.

    Off the axis there is no potential, and the exact transition state (the isocommittor-1/2
    surface) is in general no plane m·u = const, so no z* is exact; what the estimate changes is the
    MFPT's meaning, "half the mean switching time". The MFPT and the forward rate k_fwd of the
    same solve measure that: the MFPT is 2·k_fwd·MFPT times 1/(2 k_fwd) (k_fwd itself barely
    depends on where the surface lies between the wells). :data:`AXIAL_HALF_TIME_BAND` is the
    same factor with the exact top of an axial barrier.
    """
    head = (f"mfpt: under a spin torque off the symmetry axis the transition surface m·u = "
            f"{target:.4g} is an estimate (the azimuthally averaged effective potential of m·u), "
            "not the exact transition state (off the axis that is in general no surface m·u = const)")
    band = f"{AXIAL_HALF_TIME_BAND[0]:.2f} to {AXIAL_HALF_TIME_BAND[1]:.2f}"
    where = "docs/thermal.md, 'Meaning of the reported rates and times'"
    if mfpt is not None and rate is not None and math.isfinite(mfpt * rate) and mfpt * rate > 0:
        factor = 2.0 * rate * mfpt
        return (f"{head}; here the MFPT is {factor:.3g} times half the mean switching time "
                f"1/(2 k_fwd), {abs(factor - 1.0):.0%} {'more' if factor > 1 else 'less'} "
                f"(with the exact top of an axial barrier this factor is {band}); the forward "
                f"switching rate hardly depends on where the surface lies between the wells "
                f"({where})")
    return (f"{head}; with no forward switching rate here to compare it with, how far the MFPT "
            "is from half the mean switching time is not measured (with the exact top of an "
            f"axial barrier the MFPT is {band} times 1/(2 k_fwd)) ({where})")


def run_energy(model: SphereModel, near: Any, alpha: float | None, landscape: Landscape | None,
               options: dict[str, Any], built: Any = None) -> Solution:
    from spintorque.thermal.energy import diffusion as ed
    from spintorque.thermal.energy.orbit_error import (
        interpolant_error,
        log_smallest_eigenvalue_with_error,
    )
    from spintorque.thermal.sphere.escape2d import well_direction

    well = well_direction(model, near)
    degree = options.get("degree", ed.DEGREE)
    problem = built if built is not None else solver_call(
        "energy", lambda: ed.energy_diffusion(model, well, degree))
    reasons: dict[str, str] = {}
    values: dict[str, float | None] = {}
    errors: dict[str, float | None] = {}
    logs: dict[str, float | None] = {}
    messages: list[str] = []
    failed = False
    try:  # in log arithmetic: any barrier, any ratio of the wells' weights (issue 14)
        # the cell-halving change plus the orbit integrals' rounding near the separatrix
        logs["lambda1"], errors["lambda1"] = log_smallest_eigenvalue_with_error(problem)
        tau_fine = ed.log_integral_relaxation_time(problem)
        tau_coarse = ed.log_integral_relaxation_time(problem, cells=ed.EIGEN_CELLS // 2)
        logs["integral_relaxation_time"] = tau_fine
        # as λ1's: the change when the chain is halved (after Richardson) plus the orbit
        # interpolants' rounding and truncation (on the halved chain, whose error cancels)
        errors["integral_relaxation_time"] = abs(math.expm1(tau_coarse - tau_fine)) \
            + interpolant_error(problem, lambda e: ed.log_integral_relaxation_time(
                e, cells=ed.EIGEN_CELLS // 2))
    except InputError as exc:
        failed = True
        logs["lambda1"] = logs["integral_relaxation_time"] = None
        errors["lambda1"] = errors["integral_relaxation_time"] = None
        # λ1 and τ_int involve every branch of the sphere (also wells deeper than the start
        # well), so they can fail where the start well's MFPT does not
        reasons["lambda1"] = reasons["integral_relaxation_time"] = (
            f"the energy-diffusion λ1 and τ_int involve every well on the sphere: {exc.message}")
        reasons["integral_relaxation_time_relative_error"] = reasons["lambda1"]
    # the MFPT to the later of the separatrix and the top of Ψ between the wells, as for the
    # other methods (:func:`mfpt_target`); λ1 P_stat(beyond the top) is the forward rate
    logs["mfpt"], errors["mfpt"] = solver_call(
        "energy", lambda: ed.log_mean_first_passage_time_to_target(problem))
    # plus the orbit interpolants' rounding and truncation, which the node doubling misses
    mfpt_error = errors["mfpt"]
    if mfpt_error is not None:
        errors["mfpt"] = mfpt_error + interpolant_error(
            problem, lambda e: ed.log_mean_first_passage_time_to_target(e)[0])
    landscape = landscape or energy_landscape(problem)
    values["switching_rate"] = errors["switching_rate"] = None
    if logs["lambda1"] is not None and forward_rate_applies(landscape, reasons):
        try:
            logs["switching_rate"] = logs["lambda1"] + ed.log_probability_beyond_transition(problem)
            errors["switching_rate"] = errors["lambda1"]
        except InputError as exc:
            reasons["switching_rate"] = f"needs every well of the sphere: {exc.message}"
    elif logs["lambda1"] is None and "lambda1" in reasons:
        reasons["switching_rate"] = reasons["lambda1"]
    log_details = _log_values(logs, values, reasons, messages)
    ok = checked(values, reasons, messages, "energy") and not failed
    if failed:
        messages.append(f"lambda1, integral_relaxation_time: {reasons['lambda1']}")
    ok = _tau_within_inverse_lambda1(values, reasons, messages,
                                     "the energy-diffusion chain") and ok
    loss = None if alpha is None else problem.energy_loss_per_orbit(alpha)
    # converged covers the model too: the averaged equation is the α → 0 limit (issue 14)
    assessed = problem.model_error(alpha)
    if assessed.exceeds_tolerance:
        ok = False
        messages.append(ed.model_warning(assessed))
    elif loss is not None and loss > LOW_DAMPING_LOSS_KT:
        messages.append(f"the damping removes {loss:.3g} k_BT per turn on the separatrix; the "
                        "low-damping limit needs this << 1 (docs/thermal.md, 'Low damping')")
    where = ed.mfpt_point(problem) if values["mfpt"] is not None else None
    details = {"limit": "alpha -> 0 (energy diffusion)", "barrier_kT": problem.barrier,
               "mfpt_target_energy_kT": None if where is None else float(
                   (problem.branches[where[0]] if where[0] else problem.well).energy(where[1])),
               "well_instability_ratio": problem.well.work_ratio_at_extremum(),
               "well": [float(c) for c in problem.well.branch.extremum],
               "separatrix_energy_loss_per_orbit_kT": loss,
               "model_error": assessed.relative, "model_error_factor": assessed.factor,
               "model_tolerance": ed.MODEL_TOLERANCE, **log_details}
    if assessed.reason is not None:
        details["model_error_note"] = assessed.reason
    if assessed.zero_current_factor is not None:
        details["model_error_zero_current_factor"] = assessed.zero_current_factor
    if assessed.factor is None:
        reasons["model_error"] = reasons["model_error_factor"] = str(assessed.reason)
    if "lambda1" in reasons:
        details["note"] = reasons["lambda1"]
    if loss is None:
        reasons["separatrix_energy_loss_per_orbit_kT"] = "needs alpha (the limit itself is α → 0)"
    return Solution("energy", values, errors, ok, landscape, details, reasons, messages)


LOG_KEYS = {"lambda1": "ln_lambda1_tau_N",
            "integral_relaxation_time": "ln_integral_relaxation_time_over_tau_N",
            "mfpt": "ln_mfpt_over_tau_N", "switching_rate": "ln_switching_rate_tau_N"}
"""The details keys of the natural logarithms (the same for every method)."""


def _log_values(logs: dict[str, float | None], values: dict[str, float | None],
                reasons: dict[str, str], messages: list[str]) -> dict[str, float]:
    """Fill ``values`` from the logarithms (None with the reason where a double cannot hold
    the value: the logarithm is still reported) and return the logarithms' details entries."""
    from spintorque.thermal.axial.fokker_planck import LogResult

    details: dict[str, float] = {}
    for key, log in logs.items():
        if log is None:
            values[key] = None
            continue
        details[LOG_KEYS[key]] = log
        try:
            values[key] = LogResult(log, 0.0).value(key, _reported_as(LOG_KEYS[key]))
        except InputError as error:
            values[key] = None
            reasons[key] = error.message
            messages.append(str(error))
    return details


def maybe_energy(solution: Solution, limit: SphereModel, near: Any, alpha: float | None,
                  landscape: Landscape | None, options: dict[str, Any]) -> Solution:
    """The ``auto`` fallback: energy diffusion where the 2D grids fail at low damping."""
    if solution.converged or alpha is None or alpha > LOW_DAMPING_ALPHA:
        return solution
    from spintorque.thermal.energy import diffusion as ed
    from spintorque.thermal.sphere.escape2d import well_direction

    try:
        built = ed.energy_diffusion(limit, well_direction(limit, near),
                                    options.get("degree", ed.DEGREE))
    except InputError:
        return solution
    loss = built.energy_loss_per_orbit(alpha)
    if loss > LOW_DAMPING_LOSS_KT:
        return solution
    try:
        energy = run_energy(limit, near, alpha, landscape, options, built)
    except InputError:
        return solution
    energy.messages.insert(0, f"auto: the 2D grids did not converge at alpha = {alpha:g}; the "
                           f"low-damping limit applies ({loss:.3g} k_BT lost per turn on the "
                           "separatrix): method 'energy' reported")
    return energy


class SolverRefusalError(InputError):
    """A method that cannot solve the problem (field ``method``). ``cause`` is the field the
    method's own refusal named, a parameter of its internal model (e.g. ``"sigma"``,
    ``"current_ratio"``), and ``reason`` that refusal's words: the callers restate it in the
    terms of the problem the user gave (:mod:`spintorque.thermal.refusals`)."""

    def __init__(self, method: str, cause: str, reason: str) -> None:
        self.method, self.cause, self.reason = method, cause, reason
        super().__init__("method", f"method {method!r} cannot solve this problem: {reason}")


def solver_call(method: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except NotAxialError:
        raise
    except InputError as exc:
        raise SolverRefusalError(method, exc.field, exc.message) from None


# --- closed forms ---------------------------------------------------------------------------
def brown_forward_rate(model: axial.AxialModel) -> float:
    """Brown's high-barrier escape rate out of the start well m_z = +1 alone [1/tau_N]: the
    (1 + h_eff) term of :func:`spintorque.analytic.thermal.brown_high_barrier_rate` (whose
    other term is the backward rate out of the reversed well), constant efficiency."""
    D = model.diffusion
    s = model.sigma / D
    hf = model.h - model.i * (1.0 + model.h)
    return float(D * s**1.5 / math.sqrt(math.pi) * (1 - hf * hf) * (1 + hf)
                 * math.exp(-s * (1 + hf) ** 2))


BROWN = ("Brown 1963 high-barrier asymptotic relaxation rate λ1 = k_fwd + k_back (the sum of "
         "the escape rates out of both wells) at h_eff = h − i(1 + h): axial landscape, "
         "constant efficiency, effective barrier >= 5 k_BT; relative error O(1/barrier)")
BROWN_FORWARD = ("Brown 1963 high-barrier forward switching rate out of the start well, "
                 "k_fwd tau_N = D s^1.5/√π (1 − h_eff²)(1 + h_eff) e^{−s(1 + h_eff)²}, s = sigma/D, "
                 "D = 1 + nu i: axial landscape, constant efficiency, effective barrier >= 5 k_BT; "
                 "relative error O(1/barrier)")
BARRIER = ("sigma (1 + h)² (1 − i)² / (1 + nu i): axial landscape, collinear polariser, constant "
           "efficiency, stable start well with a barrier (Taniguchi–Imamura; Butler et al.)")
SUN = ("Sun 2000, J_c0 = (2e/ħ)(α/η) mu0 Ms d (H_K,eff + H): zero temperature, collinear "
       "polariser, Slonczewski efficiency at the start well")


def closed_forms(model: axial.AxialModel | None, landscape: Landscape,
                  reduction: AxialReduction | None) -> dict[str, ClosedForm]:
    """Brown's rate, the collinear barrier (and Sun's J_c0 for files), each only in its domain."""
    forms: dict[str, ClosedForm] = {}
    if model is None or model.efficiency is not None:
        why = ("needs an axially symmetric magnet" if model is None
               else "needs a constant torque efficiency (this one depends on the angle)")
        forms["brown_lambda1_tau_N"] = ClosedForm(None, "1/tau_N", BROWN, why)
        forms["brown_switching_rate_tau_N"] = ClosedForm(None, "1/tau_N", BROWN_FORWARD, why)
        forms["effective_barrier_kT"] = ClosedForm(None, "k_B T", BARRIER, why)
    else:
        barrier = landscape.effective_barrier_kT is not None
        forms["effective_barrier_kT"] = (
            ClosedForm(float(effective_barrier(model.sigma, model.i, model.h, model.nu)), "k_B T",
                       BARRIER) if barrier else
            ClosedForm(None, "k_B T", BARRIER, f"outside its domain: {landscape.reason}"))
        if landscape.regime != "thermally activated":
            forms["brown_lambda1_tau_N"] = ClosedForm(None, "1/tau_N", BROWN,
                                                      f"outside its domain: {landscape.reason}")
            forms["brown_switching_rate_tau_N"] = ClosedForm(
                None, "1/tau_N", BROWN_FORWARD, f"outside its domain: {landscape.reason}")
        else:
            forward = brown_forward_rate(model)
            forms["brown_switching_rate_tau_N"] = (
                ClosedForm(forward, "1/tau_N", BROWN_FORWARD) if forward > 0.0
                and math.isfinite(forward) else
                ClosedForm(None, "1/tau_N", BROWN_FORWARD, f"the rate underflows double "
                           f"precision (barrier {landscape.effective_barrier_kT:.6g} k_BT); see "
                           "ln_switching_rate_tau_N"))
            rate = float(brown_high_barrier_rate(model.sigma, model.h, model.i, model.nu))
            forms["brown_lambda1_tau_N"] = (
                ClosedForm(rate, "1/tau_N", BROWN) if rate > 0.0 and math.isfinite(rate) else
                ClosedForm(None, "1/tau_N", BROWN, f"the rate underflows double precision "
                           f"(barrier {landscape.effective_barrier_kT:.6g} k_BT); see ln_lambda1_tau_N"))
    if reduction is not None or model is None:
        jc = reduction.critical_current_density if reduction is not None else None
        if reduction is None:
            forms["critical_current_density"] = ClosedForm(None, "A/m^2", SUN,
                                                           "needs an axially symmetric magnet")
        elif jc is None:
            forms["critical_current_density"] = ClosedForm(None, "A/m^2", SUN, "no spin torque")
        elif not (jc > 0 and np.isfinite(jc)):
            forms["critical_current_density"] = ClosedForm(
                None, "A/m^2", SUN, "the field reverses the start well (H_K,eff + H <= 0)")
        else:
            forms["critical_current_density"] = ClosedForm(jc, "A/m^2", SUN)
    return forms


# --- the spherical-harmonic Galerkin operator (issue 14) --------------------------------------
HARMONICS_MFPT = ("an absorbing surface is no condition on the global harmonic basis: method "
                  "'harmonics' gives λ1 and τ_int only; the MFPT comes from method 'sphere' "
                  "(any geometry; it converges at moderate to high damping), 'axial' (axially "
                  "symmetric magnets) or 'energy' (low damping)")


def run_harmonics(model: SphereModel, near: Any, landscape: Landscape | None,
                  options: dict[str, Any]) -> Solution:
    """λ1 and τ_int from the spherical-harmonic Galerkin operator about the start direction
    (:mod:`spintorque.thermal.sphere.escape_harmonics`), the MFPT None with the methods that
    give it. λ1's error estimate: the relative spread over the degrees 1.25L, 1.5L; τ_int's:
    the same spread of τ_int. τ_int <= 1/λ1 is checked where the problem is
    reversible (axially symmetric about the well)."""
    from spintorque.thermal.sphere import escape_harmonics as eh

    well, landscape, _ = start_direction(model, near, landscape)
    found = solver_call("harmonics", lambda: eh.harmonic_escape(model, well, options.get("degrees")))
    if landscape is None:  # from the drift's fixed points and the harmonic rates (no MFPT)
        landscape = sphere_landscape(model, well, None, eh.forward_rate_bound(found))
    values: dict[str, float | None] = {"lambda1": None, "integral_relaxation_time": None,
                                       "mfpt": None, "switching_rate": None}
    errors: dict[str, float | None] = dict.fromkeys(values)
    reasons: dict[str, str] = {"mfpt": HARMONICS_MFPT, "mfpt_relative_error": HARMONICS_MFPT}
    messages: list[str] = []
    ok = found.converged
    if found.resolved:
        values["lambda1"], errors["lambda1"] = found.lambda1[-1], found.fine_spread
    else:
        reasons["lambda1"] = str(found.reason)
    if found.tau_reason is None:
        values["integral_relaxation_time"] = found.integral_relaxation_time
        tau_err = found.tau_int_spread
        errors["integral_relaxation_time"] = tau_err
        if not tau_err < eh.CONVERGED:
            ok = False
            messages.append(f"integral_relaxation_time: relative spread over the degrees "
                            f"{tau_err:.2g} > {eh.CONVERGED:g}")
    else:
        reasons["integral_relaxation_time"] = found.tau_reason
        reasons["integral_relaxation_time_relative_error"] = found.tau_reason
        messages.append(f"integral_relaxation_time: {found.tau_reason}")
    if found.reason is not None:
        messages.append(f"lambda1: {found.reason}")
    ok = checked(values, reasons, messages, "harmonic") and ok
    # m·u's correlation is that of a reversible 1D chain only about a symmetry axis; off it the
    # precession breaks detailed balance (complex λ_k) and τ_int > 1/λ1 is possible (2.437 vs
    # 2.409 tau_N at sigma 2, hard ratio 1, alpha 0.5, where the grids agree to 8e-12)
    from spintorque.thermal.sphere.escape2d import axially_symmetric

    if axially_symmetric(model, well):
        ok = _tau_within_inverse_lambda1(values, reasons, messages, "the harmonic solve",
                                         errors) and ok
    forward_rate_applies(landscape, reasons)
    reasons.setdefault("switching_rate", "not computed by method 'harmonics' (the two-state split "
                       "needs the transition surface; methods 'sphere', 'axial')")
    if landscape.activation_exponent is not None:  # ln(|Re μ|/k_fwd), a lower bound
        details_exponent = {"activation_exponent": landscape.activation_exponent}
    else:
        details_exponent = {}
    by_degree = [v if math.isfinite(v) else None for v in found.lambda1]
    details: dict[str, Any] = {
               "well": [float(c) for c in well], "harmonic_degrees": list(found.degrees),
               "lambda1_by_degree_tau_N": by_degree, **details_exponent,
               "lambda1_spread_coarse": found.coarse_spread if math.isfinite(found.coarse_spread)
               else None}
    if details["lambda1_spread_coarse"] is None:
        reasons["lambda1_spread_coarse"] = str(found.reason)
    if None in by_degree:
        reasons["lambda1_by_degree_tau_N"] = "null where the eigensolver did not resolve λ1"
    return Solution("harmonics", values, errors, ok, landscape, details, reasons, messages)


def maybe_harmonics(solution: Solution, model: SphereModel, near: Any, alpha: float | None,
                    landscape: Landscape | None, options: dict[str, Any]) -> Solution:
    """The ``auto`` fallback at moderate damping (α > :data:`LOW_DAMPING_ALPHA`): where the 2D
    grids did not converge, method ``"harmonics"`` if its λ1 converges. Measured better on the
    in-plane example at α = 0.1, −2e11, −3e11 and −1e12 A/m² (the grids: λ1 not reported or
    estimated 11 %–102 % off; harmonics: spreads <= 5e-12 and the bordered cross-check), and
    agreeing with the grids where they converge (α = 1, 1500 K: 1.1e-6 against their estimate
    1.3e-6). The grids' MFPT (harmonics gives none) is kept in the details with its estimate."""
    if solution.converged or solution.method != "sphere" or alpha is None \
            or alpha <= LOW_DAMPING_ALPHA:
        return solution
    try:
        harmonic = run_harmonics(model, near, landscape, options)
    except InputError:
        return solution
    if not harmonic.converged or harmonic.values["lambda1"] is None:
        return solution
    harmonic.details["sphere_mfpt_estimate_tau_N"] = solution.values.get("mfpt")
    harmonic.details["sphere_mfpt_relative_error"] = solution.errors.get("mfpt")
    if solution.values.get("mfpt") is None:
        harmonic.reasons["sphere_mfpt_estimate_tau_N"] = solution.reasons.get(
            "mfpt", "the 2D grids gave no MFPT")
    if solution.errors.get("mfpt") is None:
        harmonic.reasons["sphere_mfpt_relative_error"] = "the 2D grids gave no estimate"
    harmonic.messages.insert(0, f"auto: the 2D grids did not converge at alpha = {alpha:g}; "
                             "method 'harmonics' reported (λ1, τ_int); the grids' unconverged "
                             "MFPT is in details 'sphere_mfpt_estimate_tau_N'")
    return harmonic
