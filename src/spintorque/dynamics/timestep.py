r"""How fast a macrospin can turn: the time-step check of the Heun runs and the sampling step of
the precession analysis.

The explicit LLG(S) equation (``docs/dynamics.md``) turns m at an angular rate bounded by

.. math:: \omega_{max} = \gamma_0\,\big[(\lambda_{max}(Q) - \lambda_{min}(Q)) + |\mathbf h|\big]
          + \max_{\mathbf m}|\boldsymbol\tau(\mathbf m, J_{max})|,

where H_eff = Q m + h [A/m] is the (quadratic) field of the energy terms — anisotropy, demag and
applied field; only the spread of Q's eigenvalues matters, since a field along m does not turn it
(for a uniaxial magnet with a field along its axis ω_max is Kittel's γ0 (H_K,eff + H) exactly) —
and τ is the explicit-form spin-torque rate [1/s] (Slonczewski, field-like or diffusive),
evaluated at the largest |J| of the run over 27 probe directions (the initial one, the six axes,
the twelve edge and eight corner diagonals of a cube). γ0 = μ0|γ_e| ≈ 2.2128e5 m/(A s).

* A Heun step dt with ω_max·dt > :data:`MAX_TURN_PER_STEP` (0.05 rad) is too coarse: the
  integrator's bias is visible there (``docs/dynamics.md``: γ0 H_K dt ≈ 0.07 gives a 3-SE bias of
  the Boltzmann ⟨m_z²⟩). :func:`time_step_warning` then returns one line with the suggested step
  :func:`suggested_time_step`, the largest 1, 2 or 5 × 10^k s below 0.05/ω_max. The thermal
  field is not counted (its size scales as dt^(-1/2)); the check is on the deterministic part.
* :func:`precession_sample_step` is the sampling step [s] that puts
  :data:`SAMPLES_PER_PERIOD` (20) samples in a period 2π/ω_max, so that any precession the fields
  can drive is resolved (at least 10 samples a period, far from Nyquist).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from spintorque.constants import gamma0
from spintorque.errors import InputError
from spintorque.magnet.model import Conditions, MacrospinModel

FloatArray = NDArray[np.float64]

MAX_TURN_PER_STEP = 0.05
"""Largest angle [rad] that m may turn in one Heun step before a warning (ω_max·dt)."""

SAMPLES_PER_PERIOD = 20
"""Samples per period 2π/ω_max of the precession analysis' default step."""

MIN_SAMPLES_PER_PERIOD = 10
"""Fewer samples than this per period 2π/ω_max draw a warning."""


def _probes(model: MacrospinModel) -> FloatArray:
    grid = np.array([(x, y, z) for x in (-1, 0, 1) for y in (-1, 0, 1) for z in (-1, 0, 1)
                     if (x, y, z) != (0, 0, 0)], dtype=float)
    grid /= np.linalg.norm(grid, axis=1, keepdims=True)
    start = np.asarray(model.magnet.initial, dtype=float)
    return np.vstack([start / np.linalg.norm(start), grid])


def largest_current(conditions: Conditions, duration: float) -> float:
    """max |J(t)| [A/m²] over 0 ≤ t ≤ duration [s] (J sampled at 1001 times if it varies)."""
    if conditions.constant_current:
        return abs(float(conditions.current_at(0.0)))
    return float(np.max(np.abs(conditions.current_on(np.linspace(0.0, duration, 1001)))))


def turning_rate(model: MacrospinModel, current_density: float = 0.0) -> float:
    r"""Bound ω_max [rad/s] on how fast m turns (module docstring).

    Parameters
    ----------
    model : MacrospinModel
    current_density : float
        The largest |J| [A/m²] of the run (the torque terms are evaluated at it).

    Examples
    --------
    >>> from spintorque.magnet import Macrospin, MacrospinModel, Zeeman
    >>> model = MacrospinModel(Macrospin(1e6, 1e-9, 1e-16, 0.0), Zeeman((0, 0, 1e5)))
    >>> round(turning_rate(model) / 2.2128e10, 3)   # Larmor: gamma0 H
    1.0
    """
    Q, h = model.energy.quadratic_form(model.magnet)
    eigenvalues = np.linalg.eigvalsh(0.5 * (Q + Q.T))
    field = float(eigenvalues[-1] - eigenvalues[0]) + float(np.linalg.norm(h))
    torque = 0.0
    if len(model.torques) and current_density != 0.0:
        rates = model.torques.rate(_probes(model), float(current_density), model.magnet)
        torque = float(np.max(np.linalg.norm(rates, axis=-1)))
    return gamma0 * field + torque


def suggested_time_step(model: MacrospinModel, conditions: Conditions, duration: float) -> float:
    """The largest 1, 2 or 5 × 10^k s with ω_max·dt ≤ 0.05 (module docstring) [s]."""
    omega = turning_rate(model, largest_current(conditions, duration))
    if omega <= 0.0:
        return duration
    limit = MAX_TURN_PER_STEP / omega
    decade = 10.0 ** math.floor(math.log10(limit))
    return max(m * decade for m in (1.0, 2.0, 5.0) if m * decade <= limit * (1 + 1e-12))


def time_step_warning(model: MacrospinModel, conditions: Conditions, dt: float,
                      duration: float) -> str | None:
    """One line if the Heun step dt [s] is too coarse for the fields (ω_max·dt > 0.05), else None."""
    omega = turning_rate(model, largest_current(conditions, duration))
    turn = omega * dt
    if turn <= MAX_TURN_PER_STEP:
        return None
    better = suggested_time_step(model, conditions, duration)
    return (f"dt = {dt:.3g} s is too coarse for these fields: m may turn by {turn:.2g} rad a step "
            f"(gamma0*|H_eff|*dt > {MAX_TURN_PER_STEP}); use dt <= {better:.3g} s")


def precession_sample_step(model: MacrospinModel, current_density: float = 0.0) -> float:
    """Sampling step [s] with 20 samples per period 2π/ω_max at |J| = current_density [A/m²]."""
    omega = turning_rate(model, current_density)
    if omega <= 0.0:
        raise InputError("energy", "the magnet has no field and no torque: nothing precesses")
    return 2.0 * math.pi / (SAMPLES_PER_PERIOD * omega)
