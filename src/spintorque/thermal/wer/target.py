"""The current needed for a target write-error rate, versus pulse length; macrospin files.

For each pulse t, i*(t) solves log WER(i, t) = log target. WER is computed on Chebyshev nodes
of the current bracket for all pulses at once, log WER(i) is interpolated by a monotone cubic
(PCHIP), its root found by Brent's method, and then refined by secant steps on the computed
WER itself. The error estimate of i* is the last secant step plus the WER's own relative error
δ carried through the local slope, δ / |d ln WER / d i| (a relative error δ of WER is an
absolute error δ of ln WER); i* counts as converged only where the WER it rests on does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import PchipInterpolator
from scipy.optimize import brentq

from spintorque.errors import InputError
from spintorque.thermal.axial.fokker_planck import AxialModel
from spintorque.thermal.wer.rates import WERProblem, require_start_well, write_error_rate
from spintorque.thermal.wer.sphere import SphereWERProblem

if TYPE_CHECKING:
    from spintorque.magnet.io import MacrospinInput
    from spintorque.magnet.model import Conditions

FloatArray = NDArray[np.float64]
TABLE_RTOL = 1e-5
"""Relative accuracy asked of the WER table on the Chebyshev nodes (it only places the root)."""
SECANT_RTOL = 1e-6
"""Relative accuracy asked of the WER at the secant points, on which i* rests."""


@dataclass(frozen=True)
class TargetCurrent:
    """i*(t) with WER(i*, t) = target.

    Attributes
    ----------
    target : float
    pulse : ndarray
        Pulse lengths [tau_N].
    current_ratio : ndarray
        i* per pulse; NaN where the root lies outside the bracket (``outside``, ``reason``).
    error : ndarray
        Estimated absolute error of i*: the last secant step plus δ / |d ln WER / d i|, δ the
        relative error estimate of the WER at the last two secant points (inf where that WER has
        no certain digit or the slope vanishes); NaN where there is no root.
    outside : ndarray of bool
        True where the target is not reached inside the bracket.
    bracket : tuple of float
        The current range searched (the upper end capped at the model's range,
        :func:`largest_current`).
    reason : tuple of str or None
        Per pulse: why there is no i* (None where there is one).
    wer_relative_error : ndarray
        Per pulse: the largest relative error estimate of the WER values i* rests on (the last
        two secant points; outside the bracket the WER at the bracket's end).
    converged : ndarray of bool
        Per pulse: whether those WER values meet ``rtol``. False means the error of i* is only
        as good as the WER's, which missed its accuracy (the error above includes it).
    rtol : float
        The relative accuracy asked of those WER values.
    """

    target: float
    pulse: FloatArray
    current_ratio: FloatArray
    error: FloatArray
    outside: NDArray[np.bool_]
    bracket: tuple[float, float]
    reason: tuple[str | None, ...] = ()
    wer_relative_error: FloatArray = field(default_factory=lambda: np.zeros(0))
    converged: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    rtol: float = math.nan


def _roots(nodes: FloatArray, log_wer: FloatArray, goal: float) -> tuple[FloatArray, NDArray[np.bool_]]:
    out = np.empty(log_wer.shape[1])
    outside = np.zeros(out.size, dtype=bool)
    for j in range(out.size):
        f = log_wer[:, j] - goal
        if f[0] < 0 or f[-1] > 0:
            outside[j] = True
            out[j] = nodes[0] if f[0] < 0 else nodes[-1]
            continue
        spline = PchipInterpolator(nodes, f)
        k = int(np.argmax(f <= 0))
        out[j] = (
            nodes[k]
            if f[k] == 0
            else brentq(lambda x, s=spline: float(s(x)), nodes[k - 1], nodes[k], xtol=1e-12)
        )
    return out, outside


def current_for_target(
    model: AxialModel,
    target: float,
    pulses: ArrayLike,
    bracket: tuple[float, float] = (0.0, 4.0),
    nodes: int = 17,
    max_cells: int = 256,
) -> TargetCurrent:
    """Reduced current i* needed for WER(i*, t) = target at each pulse length t [tau_N].

    WER decreases with i (> 0), so i* is unique in the bracket when it exists there. Each i*
    carries its error estimate and whether the WER it rests on met :data:`SECANT_RTOL`
    (``converged``; see :class:`TargetCurrent`).
    """
    if not 0.0 < target < 1.0:
        raise InputError("target", f"the target WER must be in (0, 1), got {target!r}")
    require_start_well(model.h)
    lo, hi = bracket
    if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 <= lo < hi):
        raise InputError("bracket", f"need 0 <= low < high, got {bracket!r}")
    if nodes < 5 or nodes % 2 == 0:
        raise InputError("nodes", f"need an odd number >= 5, got {nodes}")
    hi = min(hi, largest_current(model))
    if hi <= lo:
        raise InputError(
            "bracket",
            f"the solvable currents end at i = {hi:.4g} for sigma = "
            f"{model.sigma:g}, below the bracket's low end {lo:g}",
        )
    times = np.atleast_1d(np.asarray(pulses, dtype=float))
    x = lo + (hi - lo) * 0.5 * (1.0 - np.cos(np.pi * np.arange(nodes) / (nodes - 1)))
    result = write_error_rate(model, x, times, max_cells=max_cells, rtol=TABLE_RTOL)
    with np.errstate(divide="ignore"):
        log_wer = np.log(np.maximum(result.write_error_rate, 1e-300))
    goal = math.log(target)
    guess, outside = _roots(x, log_wer, goal)
    coarse, _ = _roots(x[::2], log_wer[::2], goal)
    found, error = guess.copy(), np.abs(guess - coarse)
    wer_error = np.empty(times.size)
    converged = np.empty(times.size, dtype=bool)
    for j in np.flatnonzero(~outside):
        found[j], error[j], wer_error[j] = _secant(
            model, float(times[j]), goal, float(guess[j]), float(coarse[j]), (lo, hi), max_cells
        )
        converged[j] = wer_error[j] <= SECANT_RTOL and math.isfinite(error[j])
    reason: list[str | None] = [None] * times.size
    for j in np.flatnonzero(outside):
        low_end = log_wer[0, j] < goal
        k = 0 if low_end else -1
        end, wer_end = (lo if low_end else hi), float(result.write_error_rate[k, j])
        # the verdict "outside" rests on the WER at that end of the bracket
        wer_error[j], converged[j] = float(result.write_error_rate_error[k, j]), bool(result.converged[k, j])
        where = f"the bracket's {'lowest' if low_end else 'highest'} current i = {end:.4g}"
        reason[j] = (
            f"WER is already {wer_end:.3g} < {target:g} at {where}"
            if low_end
            else f"not reached: WER is {wer_end:.3g} > {target:g} at {where}"
        )
    found[outside], error[outside] = math.nan, math.nan
    return TargetCurrent(
        target, times, found, error, outside, (lo, hi), tuple(reason), wer_error, converged, SECANT_RTOL
    )


def _secant(
    model: AxialModel, t: float, goal: float, a: float, b: float, bracket: tuple[float, float], max_cells: int
) -> tuple[float, float, float]:
    """Refine the interpolated root on the computed log WER itself (secant, from two guesses).

    Returns i*, its error estimate and δ, the largest relative error estimate of the WER at the
    last two points. A relative error δ of WER is an absolute error δ of f = ln WER − ln target,
    which moves the root by δ / |f'| (f' the secant slope d ln WER / d i); to it is added the
    larger of the last step and the residual |f(i*)| / |f'| (the distance to the root the secant
    has not yet covered, e.g. where it stopped at the bracket's end).
    """

    def f(i: float) -> tuple[float, float]:
        r = write_error_rate(model, [i], [t], max_cells=max_cells, rtol=SECANT_RTOL)
        value = math.log(max(float(r.write_error_rate[0, 0]), 1e-300)) - goal
        return value, float(r.write_error_rate_error[0, 0])

    if a == b:
        b = a + 1e-3 * (bracket[1] - bracket[0])
    (fa, ea), (fb, eb) = f(a), f(b)
    slope = (fb - fa) / (b - a)
    for _ in range(8):
        if fb == fa:
            break
        c = min(max(b - fb * (b - a) / (fb - fa), bracket[0]), bracket[1])
        a, fa, ea = b, fb, eb
        b, (fb, eb) = c, f(c)
        if b != a:
            slope = (fb - fa) / (b - a)
        if abs(b - a) <= 1e-9 * max(1.0, abs(b)):
            break
    delta = max(ea, eb)
    if not (slope != 0.0 and math.isfinite(slope) and math.isfinite(delta)):
        return b, math.inf, delta
    return b, max(abs(b - a), abs(fb / slope)) + delta / abs(slope), delta

def largest_current(model: AxialModel) -> float:
    """Upper end of the target-current search: the model's own range,
    sigma (1 + |h|)(1 + i) <= :data:`~spintorque.thermal.axial.model.STEEPNESS_MAX` (the WER
    solvers work in log space over all of it; each value carries its error estimate)."""
    from spintorque.thermal.axial.model import STEEPNESS_MAX

    s, h = model.sigma, model.h
    if s == 0.0:
        return math.inf
    return STEEPNESS_MAX / (s * (1.0 + abs(h))) - 1.0


def problem_from_file(
    path: str | Path, current_densities: ArrayLike, nu: float = 0.0, temperature: float | None = None
) -> WERProblem | SphereWERProblem:
    """The write problem of a macrospin file at current densities [A/m²], chosen by geometry.

    :func:`spintorque.magnet.io.load_macrospin` and then :func:`problem_from_run` (see there),
    with errors attributed to the file and named by the command's flags (``--nu``, ``--current``).
    """
    from spintorque.magnet.io import load_macrospin

    return problem_from_run(
        load_macrospin(path), current_densities, nu, temperature, source=str(path),
        fields={"nu": "--nu", "current_density": "--current", "temperature": "--temperature"},
    )


def problem_from_run(
    run: MacrospinInput,
    current_densities: ArrayLike,
    nu: float = 0.0,
    temperature: float | None = None,
    *,
    source: str | None = None,
    label: str = "this file",
    fields: Mapping[str, str] | None = None,
) -> WERProblem | SphereWERProblem:
    """The write problem of a loaded macrospin run at current densities [A/m²], by geometry.

    An axially symmetric run gives a :class:`WERProblem` (solved in 1D): each J is mapped with
    :func:`spintorque.thermal.axial.axial_reduction` (sigma, h, i = J/J_c0 with the sign that
    destabilises the start well, tau_N [s]); temperature [K] overrides the run's. Any other run
    gives a :class:`~spintorque.thermal.wer.sphere.SphereWERProblem` (solved on the sphere in
    2D; no I_c0, so its current ratios are NaN; nu must be 0). The run's own current density is
    not used (a sweep point passes it as ``current_densities``).

    Parameters
    ----------
    run : MacrospinInput
        From :func:`~spintorque.magnet.io.load_macrospin` or
        :func:`~spintorque.magnet.io.macrospin_from_dict`.
    current_densities : array_like
        J [A/m²].
    nu : float
        Spin-injection diffusion, D_T (1 + nu i).
    temperature : float or None
        T [K] in place of the run's.
    source : str or None
        The file errors are attributed to (None: none).
    label : str
        How error messages name the run ("this file", "the base file").
    fields : mapping or None
        The field names errors about ``nu``, the current densities and a ``temperature`` override
        carry (keys "nu", "current_density", "temperature"; default the first two's names, and
        the file's ``conditions.temperature`` for the last), e.g. the flags of a command.
    """
    names = {"nu": "nu", "current_density": "current_density", **(fields or {})}
    conditions = run.conditions if temperature is None else replace(run.conditions, temperature=temperature)
    values = np.atleast_1d(np.asarray(current_densities, dtype=float))
    try:
        return _problem_from_run(run, conditions, values, nu, temperature, source, label, names)
    except InputError as error:
        if temperature is None or error.field != "conditions.temperature" or "temperature" not in names:
            raise
        # the override, not the file, is what the user wrote
        raise InputError(names["temperature"], error.message) from None


def _too_cold(run: MacrospinInput, T: float, override: float | None, source: str | None,
              names: Mapping[str, str]) -> InputError:
    """The refusal of a temperature at which sigma = K_eff V/k_B T exceeds the 1D solver's
    range, naming the temperature the user gave (the override, else the file's) and the range."""
    from spintorque.thermal.axial.model import SIGMA_MAX
    from spintorque.thermal.axial.physical import lowest_temperature

    lowest = lowest_temperature(run.model)
    field = names.get("temperature", "conditions.temperature") if override is not None \
        else "conditions.temperature"
    return InputError(
        field,
        f"T = {T:g} K gives sigma = K_eff V/(k_B T) = {lowest * SIGMA_MAX / T:.4g}, beyond the 1D "
        f"solver's sigma <= {SIGMA_MAX:g}: this magnet needs T >= {lowest:.4g} K",
        source,
    )


def _field_reverses_start(run: MacrospinInput, h: float, anisotropy_field: float, label: str,
                          source: str | None) -> InputError:
    """The refusal of an axial run whose field alone reverses its start state (h <= −1 along
    it): the zero-current start well the WER starts from (THERMAL.md §6) does not exist."""
    from spintorque.magnet.energy import Zeeman

    names = [term.name for term in run.model.energy if isinstance(term, Zeeman)]
    where = f"energy.{names[0]}" if len(names) == 1 else "energy"
    start = "+z" if run.model.magnet.initial[2] >= 0 else "-z"
    return InputError(
        where,
        f"the field of {label} along its start state m = {start} is h = H/H_K,eff = {h:.4g} "
        f"<= -1 (H_K,eff = {anisotropy_field:.4g} A/m): it alone reverses the cell, so there is no "
        "start well at zero current, whose Boltzmann distribution the write-error rate starts "
        "from (THERMAL.md §6); need h > -1 (a field against the start state weaker than H_K,eff)",
        source,
    )


def _problem_from_run(run: MacrospinInput, conditions: Conditions, values: FloatArray, nu: float,
                      temperature: float | None, source: str | None, label: str,
                      names: Mapping[str, str]) -> WERProblem | SphereWERProblem:
    from spintorque.thermal.axial.physical import NotAxialError, axial_reduction

    try:
        reduction = axial_reduction(run.model, replace(conditions, current_density=0.0), nu)
    except NotAxialError:
        if nu != 0.0:
            raise InputError(
                names["nu"],
                "the spin-injection diffusion needs i = I/I_c0, defined for "
                f"axially symmetric magnets only; {label} is not",
                source,
            ) from None
        from spintorque.thermal.wer.sphere import problem_from_sphere_file

        return problem_from_sphere_file(run, source if source is not None else label, values, temperature)
    except InputError as error:
        if error.field == "sigma":  # K V/k_B T beyond the 1D range: the temperature's doing
            raise _too_cold(run, conditions.temperature, temperature, source, names) from None
        raise (error if source is None else error.in_file(source)) from None
    Jc = reduction.critical_current_density
    if Jc is None:
        raise InputError("torque", f"{label} has no spin torque: no write current", source)
    if not reduction.model.h > -1.0:
        raise _field_reverses_start(run, reduction.model.h, reduction.anisotropy_field, label, source)
    ratios = []
    for J in values:
        try:
            ratios.append(
                axial_reduction(run.model, replace(conditions, current_density=float(J)), nu).model.i
            )
        except InputError as error:
            raise InputError(
                names["current_density"],
                f"J = {J:.4g} A/m² is {abs(J) / Jc:.4g} J_c0 ({Jc:.4g} A/m², "
                f"sigma = {reduction.model.sigma:.4g}): {error.message}",
                source,
            ) from None
    return WERProblem(
        replace(reduction.model, i=0.0),
        np.array(ratios),
        reduction.tau_N,
        values,
        reduction.critical_current_density,
    )
