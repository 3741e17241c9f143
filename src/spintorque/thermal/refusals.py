"""A solver's refusal restated in the terms of the problem the user gave.

The 2D and energy solvers refuse in the terms of their own model (:class:`SphereModel`): "sigma:
the effective potential is too steep", "current_ratio: the start well is unstable". The user gave
a :class:`~spintorque.thermal.problems.ReducedProblem` (sigma, h, i) or a file with a current
density and a temperature; :func:`reduced_refusal` and :func:`physical_refusal` name the field
that is to blame among those, with the range that is allowed where it is cheap to find.
"""

from __future__ import annotations

from dataclasses import replace

from spintorque.errors import InputError
from spintorque.thermal.methods import SolverRefusalError
from spintorque.thermal.problems import PhysicalProblem, ReducedProblem

STEEP = "too steep"
"""Words of the 2D grids' refusal (:func:`~spintorque.thermal.sphere.escape2d.axisymmetric_sizes`)."""


def _grids_fit(problem: ReducedProblem) -> bool:
    """Whether the 2D solver takes an axial problem: :func:`axisymmetric_sizes` refuses a
    landscape too steep for its grids and an escape time beyond the floating-point range."""
    from spintorque.thermal.sphere.escape2d import axisymmetric_sizes

    try:
        axisymmetric_sizes(problem.sphere_model(), (0.0, 0.0, 1.0))
    except InputError:
        return False
    return True


def _edge(problem: ReducedProblem, sign: float) -> float | None:
    """The largest |i| on the side ``sign`` at which the grids fit (None: no edge below 1e7),
    by doubling then bisection (the grid size grows with |i| on each side)."""
    inside, outside = 0.0, 1.0
    while _grids_fit(replace(problem, i=sign * outside)):
        inside, outside = outside, 2.0 * outside
        if outside > 1e7:
            return None
    for _ in range(40):
        if outside - inside <= 1e-4 * outside:
            break
        middle = 0.5 * (inside + outside)
        inside, outside = (middle, outside) if _grids_fit(replace(problem, i=sign * middle)) \
            else (inside, middle)
    return sign * inside


def reduced_refusal(problem: ReducedProblem, refusal: SolverRefusalError) -> InputError:
    """The refusal naming ``i`` where the current is to blame, else as the solver gave it."""
    where = f"at i = {problem.i:g} (sigma = {problem.sigma:g}, h = {problem.h:g})"
    if refusal.cause == "current_ratio":
        return InputError("i", f"method {refusal.method!r} cannot solve this problem {where}: "
                          f"{refusal.reason}")
    if refusal.cause == "sigma" and problem.axial and problem.i != 0.0 \
            and _grids_fit(replace(problem, i=0.0)):  # fits without the current: its doing
        low, high = _edge(problem, -1.0), _edge(problem, 1.0)
        span = f"[{'-inf' if low is None else f'{low:.4g}'}, " \
               f"{'inf' if high is None else f'{high:.4g}'}]"
        reason = refusal.reason.replace(f"the effective potential is {STEEP}",
                                        f"the current makes the effective potential {STEEP}")
        return InputError("i", f"method {refusal.method!r} cannot solve this problem {where}: "
                          f"{reason}; at this sigma and h the 2D solver takes i in {span}")
    if refusal.cause == "sigma":  # the landscape's depth or steepness without the current
        return InputError("sigma", f"method {refusal.method!r} cannot solve this problem {where}: "
                          f"{refusal.reason}")
    return refusal


def physical_refusal(problem: PhysicalProblem, refusal: SolverRefusalError) -> InputError:
    """The refusal naming the file's current density (or temperature) where it is to blame."""
    J, T = problem.current_density, problem.temperature
    where = f"at J = {J:.4g} A/m² and T = {T:g} K"
    current = InputError("conditions.current_density", f"method {refusal.method!r} cannot "
                         f"solve this problem {where}: {refusal.reason}", problem.source)
    if refusal.cause == "current_ratio":
        return current
    if refusal.cause == "sigma":  # too steep or too deep for the 2D solver
        if J != 0.0 and _physical_grids_fit(problem):
            return current
        return InputError("conditions.temperature", f"method {refusal.method!r} cannot solve "
                          f"this problem {where}: {refusal.reason} (raise T)", problem.source)
    return refusal


def _physical_grids_fit(problem: PhysicalProblem) -> bool:
    """Whether the 2D grids fit the file at zero current (then the current is to blame)."""
    from spintorque.thermal.sphere.escape2d import axisymmetric_sizes, well_direction
    from spintorque.thermal.sphere.model import sphere_reduction

    try:
        sphere = sphere_reduction(problem.model, replace(problem.conditions, current_density=0.0))
        near = problem.model.magnet.initial
        axisymmetric_sizes(sphere.model, well_direction(sphere.model, near))
    except InputError:
        return False
    return True
