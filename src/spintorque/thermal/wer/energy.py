r"""Write-error rate of a low-damping, non-axial macrospin from the energy-diffusion equation.

The α → 0 limit of the 2D definition of :mod:`~spintorque.thermal.wer.sphere` (THERMAL.md §6):
the density is a function of the energy on each branch of precession orbits, evolved on the star
graph of branches by :mod:`~spintorque.thermal.energy.evolution` (start state: the zero-current
Boltzmann state restricted to m·u > 0, orbit-averaged; WER: the mass on m·u > 0, each orbit
counted with the fraction of its period spent there). The chain is solved on 32, 64, 128 and 256
cells per branch (cells uniform in the zero-current diffusion variable) and log WER is
Romberg-extrapolated (h², h⁴, h⁶); the error estimate is the last Romberg step plus the propagator's
rounding bound and hand-over residual.

Domain. The averaged equation needs many precession turns per change of the energy: near the
start well's bottom the damping removes the fraction ε = α M'(E_0) of E − E_0 per turn
(:meth:`~spintorque.thermal.energy.evolution.StarOrbits.bottom_decrement`; for the linearised
motion this is 2πα (k1 + k2)/√(k1 k2), k the stiffnesses), and the model's error is of relative
order ε. The solver refuses ε > :data:`MAX_DECREMENT`; ``method="auto"`` uses it for α below
:data:`HARMONIC_ALPHA` (between it and :data:`AUTO_ALPHA`, where the 2D grids do not resolve
the precession and the averaged model is off by tens of per cent, the spherical-harmonic path;
docs/wer.md).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from spintorque.errors import InputError
from spintorque.thermal.energy.diffusion import bottom_work_ratio, drives
from spintorque.thermal.energy.evolution import (
    StarOrbits,
    averaged_branches,
    star_chain,
    star_masses,
    star_orbits,
)
from spintorque.thermal.energy.model_error import model_factors, wer_model_error
from spintorque.thermal.energy.orbits import fibonacci_sphere
from spintorque.thermal.sphere.escape2d import axially_symmetric
from spintorque.thermal.sphere.model import SphereModel
from spintorque.thermal.wer.sphere import SphereWERProblem

if TYPE_CHECKING:
    from spintorque.thermal.wer.rates import WERResult

FloatArray = NDArray[np.float64]
CELLS = (32, 64, 128, 256)
"""Cells per branch of the four chains (Romberg in h², h⁴, h⁶)."""
MAX_DECREMENT = 2.0
"""Largest α M'(E_0) (fraction of the energy above the well bottom damped per precession turn)
accepted: beyond it the energy changes by more than e² in one turn and orbit averaging fails."""
NOTE_ERROR = 0.05
"""Estimated model error (deterministic switching) above which a result carries a note."""
NOTE_DELTA = 0.3
"""α M(E_s) [k_BT] above which a thermally activated current's result carries a note."""
AUTO_ALPHA = 0.2
"""method="auto" leaves the 2D grids for non-axial magnets with α below this (the planar 2D
grids do not converge at α = 0.1 and do at α = 0.5; docs/wer.md)."""
HARMONIC_ALPHA = 0.05
"""method="auto" uses the spherical-harmonic path for non-axial magnets with HARMONIC_ALPHA ≤ α
< :data:`AUTO_ALPHA` and energy diffusion below it. Measured on the in-plane example: at α = 0.1
energy diffusion is 1.4–2.2× off the LLG ensemble (which the harmonic WER matches within its
binomial error), at α = 0.05 (J = −1.5e11 A/m², 0.3–3 ns) 1.0–1.33× off the harmonic WER (its
note predicts 1.52), whose estimates are ≤ 3e-10 at the same cost as at α = 0.1 (degrees
239/286); at α = 0.02 energy diffusion is within 2–10 % (its note gives the factor) and the
harmonic path was not measured there (docs/wer.md)."""


def decrement(problem: SphereWERProblem) -> float:
    """ε = α M'(E_0) of the problem (largest over its currents' α; see the module docstring)."""
    orbits = star_orbits(problem.start_model, problem.axis)
    return max(m.alpha for m in problem.models) * orbits.bottom_decrement()


def _romberg(logs: list[FloatArray]) -> tuple[FloatArray, FloatArray]:
    """Romberg extrapolation of log values on grids h, h/2, h/4, ... (error series h², h⁴, ...).

    The error estimate is the larger change of the last entry: against the previous entry of
    the last row (one order less, finest grids) and against the previous diagonal entry (one
    grid less). On the axial problems of the tests it bounds the measured error.
    """
    table = [[logs[0]]]
    for k in range(1, len(logs)):
        row = [logs[k]]
        for j in range(1, k + 1):
            row.append(row[j - 1] + (row[j - 1] - table[k - 1][j - 1]) / (4.0**j - 1.0))
        table.append(row)
    best = table[-1][-1]
    return best, np.maximum(np.abs(best - table[-1][-2]), np.abs(best - table[-2][-1]))


def energy_write_error_rate(problem: SphereWERProblem, times: FloatArray, rtol: float) -> WERResult:
    """WER by energy diffusion (see :func:`_energy_write_error_rate`); numerical failures of the
    orbit tracing or the chain (a landscape outside what they handle) become one InputError."""
    try:
        return _energy_write_error_rate(problem, times, rtol)
    except (ValueError, FloatingPointError, ArithmeticError, np.linalg.LinAlgError) as error:
        if isinstance(error, InputError):
            raise
        raise InputError("energy diffusion", "the orbit tracing or the energy chain failed on this "
                         f"landscape ({type(error).__name__}); use --method sphere") from None


def _energy_write_error_rate(problem: SphereWERProblem, times: FloatArray, rtol: float) -> WERResult:
    """WER of every current of ``problem`` at ``times`` [tau_N] by energy diffusion, as a
    :class:`~spintorque.thermal.wer.rates.WERResult` with solver "energy" and the predicted
    model error per pulse (:func:`~spintorque.thermal.energy.model_error.wer_model_error`),
    which its ``converged`` includes.

    Raises InputError in plain words where the averaged model does not apply (α M'(E_0) above
    :data:`MAX_DECREMENT`, a landscape the orbit tracing cannot follow, several separatrix
    levels, a start side m·u > 0 that cuts orbits away from the saddles, a current that changes
    the energy itself).
    """
    from spintorque.thermal.wer.rates import WERResult

    times = np.asarray(times, dtype=float)
    if times.size == 0 or not (np.all(np.isfinite(times)) and np.all(times >= 0)):
        raise InputError("pulse", "pulse lengths must be finite and >= 0")
    if not 0 < rtol < 1:
        raise InputError("rtol", f"must be in (0, 1), got {rtol!r}")
    orbits = star_orbits(problem.start_model, problem.axis)
    probe = fibonacci_sphere(200)
    reference = np.asarray(problem.start_model.potential(probe))
    scale = 1.0 + float(np.ptp(reference))
    slope = orbits.bottom_decrement()
    for m in problem.models:
        if not np.allclose(np.asarray(m.potential(probe)), reference, rtol=0.0, atol=1e-12 * scale):
            raise InputError("current", "the current changes the energy landscape itself; the "
                             "energy-diffusion WER needs the orbits of the zero-current energy")
        eps = m.alpha * slope
        if eps > MAX_DECREMENT:
            raise InputError("damping", f"alpha = {m.alpha:g} is too large for orbit averaging: "
                             f"the damping removes the fraction alpha·M'(E0) = {eps:.3g} of the "
                             f"energy per precession turn (needs <= {MAX_DECREMENT:g}); use "
                             "--method sphere")
    from spintorque._blas import single_threaded_blas

    n_i = len(problem.models)
    wer = np.empty((n_i, times.size))
    err = np.empty_like(wer)
    switched = np.empty_like(wer)
    sw_err = np.empty_like(wer)
    rates = np.empty(n_i)
    with single_threaded_blas():
        for row, model in enumerate(problem.models):
            starts, switches, extra, lams = [], [], np.zeros(times.size), []
            averaged = averaged_branches(orbits, model)
            for n in CELLS:
                found = star_masses(star_chain(orbits, model, n, averaged), times)
                starts.append(found.start)
                switches.append(found.switched)
                late = times > (found.handover if found.handover is not None else math.inf)
                extra = np.maximum(extra, found.rounding + np.where(late, found.handover_residual, 0.0))
                lams.append(found.rate)
            for values, out, out_err in ((starts, wer, err), (switches, switched, sw_err)):
                stack = np.array(values)
                positive = np.all(stack > 0.0, axis=0)
                zero = np.all(stack == 0.0, axis=0)
                with np.errstate(divide="ignore"):
                    logs = [np.log(np.where(positive, v, 1.0)) for v in values]
                best, change = _romberg(logs)
                with np.errstate(over="ignore"):
                    out[row] = np.where(positive, np.minimum(np.exp(best), 1.0), 0.0)
                    out_err[row] = np.where(positive, np.expm1(np.minimum(change, 700.0)) + extra,
                                            np.where(zero, 0.0, np.inf))
            lam = np.array(lams)
            rates[row] = (float(_romberg([np.array([v]) for v in lam])[0][0])
                          if np.all(np.isfinite(lam)) else math.nan)
    at_zero = times == 0.0
    wer[:, at_zero], err[:, at_zero] = 1.0, 0.0
    switched[:, at_zero], sw_err[:, at_zero] = 0.0, 0.0
    exact = all(axially_symmetric(m, problem.axis) for m in problem.models)
    model_error = np.vstack([wer_model_error(orbits, m, row, exact) for m, row
                             in zip(problem.models, wer, strict=True)])
    eps = max(m.alpha for m in problem.models) * slope
    label = (f"energy[{'/'.join(map(str, CELLS))} cells per branch, {len(orbits.branches)} branches, "
             f"alpha·M'(E0) = {eps:.3g}]")
    notes = tuple(n for n in (model_note(orbits, m, label_j)
                              for m, label_j in zip(problem.models, _labels(problem), strict=True))
                  if n) if not exact else ()
    return WERResult(problem.current_ratio, times, wer, switched, err, sw_err, CELLS, rtol, rates,
                     problem, tuple(label for _ in problem.models), "write_error_rate", "energy", notes,
                     model_error)


def _labels(problem: SphereWERProblem) -> list[str]:
    if problem.current_density is not None:
        return [f"J = {j:.4g} A/m^2" for j in problem.current_density]
    return [f"current {k}" for k in range(len(problem.models))]


def model_note(orbits: StarOrbits, model: SphereModel, label: str) -> str | None:
    """The caveat of orbit averaging for one current, or None where it is small.

    * The averaged model leaves the start side at the separatrix, the magnetization about half
      a precession period T_p/2 = α τ0 tau_N later (it still runs from the separatrix across
      m·u = 0), so the WER, decaying at least at the bottom's growth rate
      γ = D M'(E0) max(W/DM − 1, 1)/τ0 on the switching time scale, is low by about
      e^{γ T_p/2} = e^{α M'(E0) max(W/DM − 1, 1)/2}: measured 1.48 and 1.23 against the 2D grids
      at α M'(E0) = 0.8 and 0.4 (critical current), 1.45 at 0.8 above it, 1.4 … 2.2 (predicted
      2.3) and 1.10 (predicted 1.18) against LLG ensembles (docs/wer.md). Noted above
      1 + :data:`NOTE_ERROR`.
    * Start well stable (thermally activated): the averaged equation is Kramers' energy-diffusion
      limit, valid for δ = α M(E_s) ≪ 1 k_BT damped per separatrix turn; above
      :data:`NOTE_DELTA` the escape rate is in the turnover regime and may be overestimated by up
      to a factor ~δ (Mel'nikov & Meshkov 1986).
    """
    alpha = model.alpha
    ratio = bottom_work_ratio(model, orbits.branches[0])
    eps = alpha * orbits.bottom_decrement()
    factor, rate = model_factors(orbits, model)
    parts = []
    if factor > 1.0 + NOTE_ERROR:
        parts.append(f"orbit averaging at alpha = {alpha:g} (alpha·M'(E0) = {eps:.3g}) misses about "
                     f"half a precession period ({2 * alpha * orbits.bottom_period():.3g} tau_N per "
                     f"turn) before the switch: the WER is low by a factor of about {factor:.3g} "
                     "(model error, beyond the error estimate of the energy-diffusion equation)")
    delta = alpha * orbits.separatrix_dissipation
    if ratio < 1.0 and delta > NOTE_DELTA:
        parts.append(f"thermally activated at alpha·M(E_s) = {delta:.3g} k_BT damped per "
                     "separatrix turn: outside the energy-diffusion regime (needs << 1), the escape "
                     f"rate may be overestimated by up to a factor ~{rate:.3g} (Kramers "
                     "turnover" + ("; at zero current: under the spin torque the orbit-averaged "
                                   "barrier differs too, and the true WER may lie anywhere "
                                   "between this one and 1" if drives(model) else "") + ")")
    return f"{label}: " + "; ".join(parts) + " (docs/wer.md)" if parts else None
