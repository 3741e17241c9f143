r"""One entry point for escape rates: :func:`escape`, in the manner of ``scipy.integrate.solve_ivp``.

``escape(problem, method="auto" | "axial" | "sphere" | "energy" | "harmonics", **options)
-> EscapeResult``

The problem is a :class:`~spintorque.thermal.problems.ReducedProblem` (sigma, h, i, ...; times in
tau_N) or a :class:`~spintorque.thermal.problems.PhysicalProblem` (a macrospin model and its
conditions, e.g. from a file; times in s). The methods live in their own subpackages:

* ``"axial"``: the exact 1D solver of the axially symmetric problem
  (:mod:`spintorque.thermal.axial`); refuses other landscapes with
  :class:`~spintorque.thermal.axial.NotAxialError`;
* ``"sphere"``: the 2D Fokker–Planck solver on the sphere, any geometry, extrapolated over five
  grids with error estimates (:mod:`spintorque.thermal.sphere`);
* ``"energy"``: the low-damping limit α → 0, Brown's equation averaged over precession orbits
  (:mod:`spintorque.thermal.energy`);
* ``"harmonics"``: λ1 and τ_int from the spherical-harmonic Galerkin operator of Brown's
  equation, any geometry and damping, with the spread over three degrees as error estimate
  (:mod:`spintorque.thermal.sphere.escape_harmonics`); no MFPT (null, with the methods that
  give it), and λ1 refused where it is below double precision's resolution of the operator
  (a deep well).

``method="auto"``: ``"axial"`` when the landscape is axially symmetric (easy axis, field and
polariser along one axis, N_x = N_y; a constant or angle-dependent damping-like efficiency), else
``"sphere"``; if the 2D grids do not converge and the low-damping limit applies (with or
without a torque: α <= :data:`~spintorque.thermal.methods.LOW_DAMPING_ALPHA` and the damping removing less
than :data:`~spintorque.thermal.methods.LOW_DAMPING_LOSS_KT` k_BT per turn on the separatrix), it
reports ``"energy"`` instead, with a warning. ``"energy"`` is otherwise used only when asked.
If the grids do not converge at α > LOW_DAMPING_ALPHA and the harmonic λ1 converges, it reports
``"harmonics"`` (no MFPT; the grids' unconverged MFPT kept in the details), with a warning
(measured better on the in-plane example at α = 0.1: :func:`~spintorque.thermal.methods.maybe_harmonics`).

What is reported follows the landscape (:mod:`spintorque.thermal.regime`): the regime, the
effective barrier (None where the start well is gone) and the closed forms only inside their
domain (Brown's high-barrier rate at h_eff, sigma (1 + h_eff)², Sun's J_c0), with their
assumptions. A value that fails a check (finite, positive; τ_int <= 1/λ1 for the reversible axial
problem) is replaced by None with the reason, and ``converged`` is False.

Examples
--------
>>> from spintorque.thermal import ReducedProblem, escape
>>> result = escape(ReducedProblem(sigma=20, h=0.1, i=0.3))
>>> result.method, result.regime
('axial', 'thermally activated')
"""

from __future__ import annotations

import math
from typing import Any

from spintorque.errors import InputError
from spintorque.magnet.io import MacrospinInput
from spintorque.thermal import methods
from spintorque.thermal.axial.physical import AxialReduction, NotAxialError, axial_reduction
from spintorque.thermal.escape_result import ClosedForm, EscapeResult
from spintorque.thermal.problems import PhysicalProblem, ReducedProblem
from spintorque.thermal.refusals import physical_refusal, reduced_refusal
from spintorque.thermal.regime import Landscape, axial_landscape

METHODS = ("auto", "axial", "sphere", "energy", "harmonics")
ALPHA_TO_ZERO = 1e-12
"""Damping of the reduced 2D model averaged by the energy solver (the α → 0 limit)."""

Problem = ReducedProblem | PhysicalProblem


def escape(problem: Problem | MacrospinInput, method: str = "auto", **options: Any) -> EscapeResult:
    """Relaxation rate λ1, forward switching rate, integral relaxation time and mean
    first-passage time (to the later of the separatrix m·u = 0 and the transition surface) of a
    macrospin; see docs/thermal.md,
    "Meaning of the reported rates and times".

    Parameters
    ----------
    problem : ReducedProblem, PhysicalProblem or MacrospinInput
        Reduced units (results in tau_N) or a macrospin model with its conditions (SI; results
        also in s and 1/s through :attr:`EscapeResult.tau_N`).
    method : {"auto", "axial", "sphere", "energy", "harmonics"}
        See the module docstring for the ``"auto"`` rule.
    **options
        ``sizes`` (tuple of odd grid sizes) for ``"sphere"``; ``degree`` (Chebyshev degree of
        the orbit interpolants) for ``"energy"``; ``degrees`` (three ascending harmonic
        degrees) for ``"harmonics"``.

    Returns
    -------
    EscapeResult

    Raises
    ------
    InputError
        Bad input, or a method that cannot handle the problem (NotAxialError for ``"axial"`` off
        the axis), with the reason in the problem's terms.
    """
    if isinstance(problem, MacrospinInput):
        problem = PhysicalProblem(problem.model, problem.conditions)
    if not isinstance(problem, ReducedProblem | PhysicalProblem):
        raise InputError("problem", f"expected a ReducedProblem or a PhysicalProblem, got "
                         f"{type(problem).__name__}")
    if method not in METHODS:
        raise InputError("method", f"must be one of {', '.join(METHODS)}, got {method!r}")
    unknown = sorted(set(options) - {"sizes", "degree", "degrees"})
    if unknown:
        raise InputError(unknown[0], "unknown option; allowed: sizes (sphere), degree (energy), "
                         "degrees (harmonics)")
    if isinstance(problem, ReducedProblem):
        return _reduced(problem, method, options)
    return _physical(problem, method, options)


# --- reduced problems -----------------------------------------------------------------------
def _dispatch(method: str, axial_ok: bool) -> str:
    return method if method != "auto" else ("axial" if axial_ok else "sphere")


def _reduced(problem: ReducedProblem, method: str, options: dict[str, Any]) -> EscapeResult:
    if method == "axial" and not problem.axial:
        raise NotAxialError("method", "axial needs hard_ratio = 0 and polarizer_angle = 0 (an "
                            f"axially symmetric magnet), got {problem.hard_ratio:g} and "
                            f"{math.degrees(problem.polarizer_angle):g}°")
    model = None
    if problem.axial:
        try:  # the landscape of an axial problem is known in closed form whatever the method
            model = problem.axial_model()
        except InputError:
            if method in ("auto", "axial"):
                raise
    landscape = axial_landscape(model) if model is not None else None
    chosen = _dispatch(method, model is not None)
    try:
        if chosen == "axial":
            assert model is not None and landscape is not None
            solution = methods.run_axial(model, landscape)
        elif chosen == "sphere":
            solution = methods.run_sphere(problem.sphere_model(), (0.0, 0.0, 1.0), landscape,
                                          options)
            if method == "auto":
                solution = methods.maybe_energy(solution, problem.sphere_model(ALPHA_TO_ZERO),
                                                (0.0, 0.0, 1.0), problem.alpha, landscape, options)
                solution = methods.maybe_harmonics(solution, problem.sphere_model(),
                                                   (0.0, 0.0, 1.0),
                                                   problem.alpha if problem.alpha is not None
                                                   else 1.0, landscape, options)
        elif chosen == "harmonics":
            solution = methods.run_harmonics(problem.sphere_model(), (0.0, 0.0, 1.0), landscape,
                                             options)
        else:
            solution = methods.run_energy(problem.sphere_model(ALPHA_TO_ZERO), (0.0, 0.0, 1.0),
                                          problem.alpha, landscape, options)
    except methods.SolverRefusalError as refusal:  # restated in sigma, h, i
        raise reduced_refusal(problem, refusal) from None
    closed = methods.closed_forms(model, solution.landscape, None)
    details = dict(solution.details)
    if solution.method == "axial":
        details["brown_lambda1_tau_N"] = closed["brown_lambda1_tau_N"].value
        details["brown_switching_rate_tau_N"] = closed["brown_switching_rate_tau_N"].value
    if solution.method == "harmonics":
        details["alpha"] = problem.alpha if problem.alpha is not None else 1.0
    if solution.method == "sphere":
        details["effective_barrier_kT_collinear_estimate"] = closed["effective_barrier_kT"].value
        details["alpha"] = problem.alpha if problem.alpha is not None else 1.0
    reasons = {"brown_lambda1_tau_N": closed["brown_lambda1_tau_N"].reason,
               "brown_switching_rate_tau_N": closed["brown_switching_rate_tau_N"].reason,
               "effective_barrier_kT_collinear_estimate": closed["effective_barrier_kT"].reason}
    notes = () if problem.h >= -1.0 else (
        f"h = {problem.h:g} < -1: the field alone reverses m_z = +1, so there is no start well at "
        "zero current; I_c0(h) ∝ 1 + h < 0 here, so i > 0 stabilises m_z = +1 and i < 0 "
        "destabilises it (the torque enters as i(1 + h))",)
    return _label(problem, solution, None, closed, details, reasons, notes=notes)


def _label(problem: Problem, solution: methods.Solution, tau: float | None,
           closed: dict[str, ClosedForm], details: dict[str, Any],
           closed_reasons: dict[str, str | None], prefix: str = "",
           notes: tuple[str, ...] = ()) -> EscapeResult:
    """The labelled result; every None among the reported values gets its reason; ``notes``
    (plain-words caveats of the problem itself) go before the solver's messages."""
    reasons = dict(solution.reasons)
    landscape = solution.landscape
    details = {**details, "lambda1_meaning": landscape.meaning["lambda1"],
               "mfpt_meaning": landscape.meaning["mfpt"],
               "switching_rate_meaning": landscape.meaning["switching_rate"]}
    if solution.method != "energy":  # the surface the solver used (the sphere records it)
        details.setdefault("mfpt_target_m_dot_u", methods.mfpt_target(landscape))
    details["reversed_barrier_kT"] = landscape.reversed_barrier_kT
    if landscape.reversed_barrier_kT is None:
        reasons.setdefault("reversed_barrier_kT", "no reversed state with a barrier was located "
                           "(no barrier, single well, or a non-axial spin torque)")
    if solution.values.get("switching_rate") is None:
        reasons.setdefault("switching_rate_relative_error", "no switching rate (see "
                           "null_reasons.switching_rate)")
    if landscape.effective_barrier_kT is None:
        reasons["effective_barrier_kT"] = landscape.barrier_reason or landscape.reason
    for key, why in closed_reasons.items():
        if key in details and details[key] is None and why:
            reasons[key] = why
    return EscapeResult(
        problem, solution.method, solution.values["lambda1"],
        solution.values["integral_relaxation_time"], solution.values["mfpt"], tau,
        solution.errors, solution.converged, landscape.regime, prefix + landscape.reason,
        landscape.effective_barrier_kT, closed, details, reasons, notes + tuple(solution.messages),
        solution.values.get("switching_rate"))


# --- physical problems ----------------------------------------------------------------------
def _physical(problem: PhysicalProblem, method: str, options: dict[str, Any]) -> EscapeResult:
    try:
        return _physical_unlabelled(problem, method, options)
    except InputError as exc:
        if exc.source or not problem.source:
            raise
        if isinstance(exc, NotAxialError):
            raise NotAxialError(exc.field, exc.message, problem.source) from None
        if exc.field != "method":
            raise exc.in_file(problem.source) from None
        message = (f"at J = {problem.current_density:.4g} A/m² and T = {problem.temperature:g} K, "
                   f"{exc.message}")
        if len(problem.model.torques) > 1:
            names = ", ".join(t.name for t in problem.model.torques)
            message += (f"; the file has {len(problem.model.torques)} spin-torque terms ({names}): "
                        "if two describe the same fixed layer its torque is counted twice")
        raise InputError("torque" if len(problem.model.torques) > 1 else "method", message,
                         problem.source) from None


def _reduce(problem: PhysicalProblem, method: str) -> AxialReduction | None:
    """The axial reduction, None off the axis (NotAxialError if ``method == "axial"``)."""
    try:
        return axial_reduction(problem.model, problem.conditions, problem.nu)
    except NotAxialError:
        if method == "axial":
            raise
        if problem.nu != 0.0:
            raise InputError("nu", "the spin-injection diffusion needs i = I/I_c0, defined for "
                             "axially symmetric magnets only (use reduced units)") from None
        return None
    except InputError as exc:
        J, T = problem.current_density, problem.temperature
        if exc.field == "i":  # the landscape's steepness: J is what the user set
            raise InputError("conditions.current_density", f"J = {J:.4g} A/m² at T = {T:g} K "
                             f"is too steep for the 1D solver ({exc.message})"
                             + _largest_current(problem)) from None
        if exc.field != "sigma":
            raise
        if method in ("auto", "axial") or problem.nu != 0.0:
            from spintorque.thermal.axial.model import SIGMA_MAX
            from spintorque.thermal.axial.physical import lowest_temperature

            lowest = lowest_temperature(problem.model)
            raise InputError("conditions.temperature", f"T = {T:g} K gives sigma = K_eff V/(k_B T) "
                             f"= {lowest * SIGMA_MAX / T:.4g}, beyond the 1D solver's sigma <= "
                             f"{SIGMA_MAX:g} (its exponentials would overflow): this magnet needs "
                             f"T >= {lowest:.4g} K") from None
        return None


def _largest_current(problem: PhysicalProblem) -> str:
    """'; ... |J| <= X A/m² here' from the steepness bound σ(1 + |h|)(1 + |i|) <= STEEPNESS_MAX
    (nu = 0; '' where nu enters it or the bound cannot be stated)."""
    from dataclasses import replace

    from spintorque.thermal.axial.model import STEEPNESS_MAX

    try:
        zero = axial_reduction(problem.model, replace(problem.conditions, current_density=0.0))
    except InputError:
        return ""
    jc, m = zero.critical_current_density, zero.model
    if problem.nu != 0.0 or jc is None or not math.isfinite(jc) or jc == 0.0:
        return ""
    largest = (STEEPNESS_MAX / (m.sigma * (1.0 + abs(m.h))) - 1.0) * abs(jc)
    return f"; at this T the 1D solver takes |J| <= {largest:.4g} A/m²"


def _current_phrase(reduction: AxialReduction, J: float) -> str:
    jc = reduction.critical_current_density
    if jc is None or not jc > 0:
        return ""
    i = reduction.model.i
    if J == 0.0 or i == 0.0:
        return f"J = 0 A/m², i = 0 (J_c0 = {jc:.3g} A/m²): "
    # i = −(m·p) J / J_c0 > 0 destabilises; J_c0 > 0 is a magnitude, so J's sign says nothing
    # alone: the sign that destabilises is sign(J)·sign(i)
    worse = "J < 0" if (J < 0) == (i > 0) else "J > 0"
    effect = "destabilises" if i > 0 else "stabilises"
    return (f"J = {J:.3g} A/m² {effect} the start state (here {worse} destabilises it; J_c0 is "
            f"a magnitude): i = {i:.3g}, |J| = {abs(i):.3g} J_c0 (J_c0 = {jc:.3g} A/m²): ")


def _physical_unlabelled(problem: PhysicalProblem, method: str,
                         options: dict[str, Any]) -> EscapeResult:
    from spintorque.thermal.sphere.model import sphere_reduction

    reduction = _reduce(problem, method)
    model = reduction.model if reduction is not None else None
    landscape: Landscape | None = axial_landscape(model) if model is not None else None
    chosen = _dispatch(method, model is not None)
    if chosen != "axial" and problem.nu != 0.0:
        raise InputError("nu", f"the spin-injection diffusion of a file is solved by the axial "
                         f"method only (method {chosen!r} would ignore it; use reduced units)")
    near = problem.model.magnet.initial
    if chosen == "axial":
        assert reduction is not None and model is not None and landscape is not None
        solution, tau = methods.run_axial(model, landscape), reduction.tau_N
    else:
        sphere = sphere_reduction(problem.model, problem.conditions)
        tau = sphere.tau_N
        alpha = problem.model.magnet.damping
        try:
            if chosen == "sphere":
                solution = methods.run_sphere(sphere.model, near, landscape, options)
                if method == "auto":
                    solution = methods.maybe_energy(solution, sphere.model, near, alpha,
                                                    landscape, options)
                    solution = methods.maybe_harmonics(solution, sphere.model, near, alpha,
                                                       landscape, options)
            elif chosen == "harmonics":
                solution = methods.run_harmonics(sphere.model, near, landscape, options)
            else:
                solution = methods.run_energy(sphere.model, near, alpha, landscape, options)
        except methods.SolverRefusalError as refusal:  # restated in J and T
            raise physical_refusal(problem, refusal) from None
    closed = methods.closed_forms(model, solution.landscape, reduction)
    for reduced, si in (("brown_lambda1_tau_N", "brown_lambda1"),
                        ("brown_switching_rate_tau_N", "brown_switching_rate")):
        brown = closed.pop(reduced)
        closed[si] = ClosedForm(None if brown.value is None else brown.value / tau, "1/s",
                                brown.assumptions, brown.reason)
    details = dict(solution.details)
    prefix = ""
    if reduction is not None:
        details.update(sigma=reduction.model.sigma, reduced_field=reduction.model.h,
                       current_ratio=reduction.model.i, nu=problem.nu,
                       anisotropy_field=reduction.anisotropy_field,
                       critical_current_density=closed["critical_current_density"].value)
        prefix = _current_phrase(reduction, problem.current_density)
    reasons = {"critical_current_density": closed["critical_current_density"].reason}
    notes = () if reduction is None or reduction.model.h >= -1.0 else (
        f"the field along the start state, h = H_z/H_K,eff = {reduction.model.h:.4g} < -1, alone "
        "reverses it: there is no start well at zero current (so Sun's J_c0 is not defined: "
        "critical_current_density is null)",)
    return _label(problem, solution, tau, closed, details, reasons, prefix, notes)


__all__ = ["METHODS", "EscapeResult", "PhysicalProblem", "ReducedProblem", "escape"]
