"""The predicted model error of the energy-diffusion WER (the α → 0 limit at a finite α; issue
14): the factors that :func:`spintorque.thermal.wer.energy.model_note` states, and the bound per
pulse that enters the result's ``converged`` (docs/wer.md, "What `converged` means on this
path")."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from spintorque.thermal.energy.diffusion import bottom_work_ratio, drives, turnover_factor
from spintorque.thermal.energy.evolution import StarOrbits
from spintorque.thermal.sphere.model import SphereModel

FloatArray = NDArray[np.float64]


def model_factors(orbits: StarOrbits, model: SphereModel) -> tuple[float, float]:
    """(f, F) of :func:`~spintorque.thermal.wer.energy.model_note` for one current.

    f = e^{α M'(E0) max(W/DM − 1, 1)/2}: the WER's predicted low factor from the half precession
    period the averaged model misses; F: the predicted bound on its escape rate's excess where
    the start well is stable, :func:`~spintorque.thermal.energy.diffusion.turnover_factor` of
    δ = α M(E_s) (Mel'nikov & Meshkov 1986), 1 above the critical current.
    """
    ratio = bottom_work_ratio(model, orbits.branches[0])
    eps = model.alpha * orbits.bottom_decrement()
    shift = math.exp(min(0.5 * eps * max(ratio - 1.0, 1.0), 700.0))
    rate = turnover_factor(model.alpha * orbits.separatrix_dissipation) if ratio < 1.0 else 1.0
    return shift, rate


def wer_model_error(orbits: StarOrbits, model: SphereModel, wer: FloatArray, exact: bool) -> FloatArray:
    """Predicted relative model error of the energy-diffusion WER of one current at each pulse.

    The averaged model switches early (half a precession period) and, with a stable start well,
    escapes faster than Brown's equation (Kramers' turnover), so the true WER lies above it: by
    the factor f, or, for a decay e^{−k t} at a rate up to F times too high, by
    WER^{−(1 − 1/F)}, and never above 1. The bound is min(max(f, WER^{−(1 − 1/F)}), 1/WER) − 1;
    0 on problems axially symmetric about the switching axis (orbit averaging is then exact)
    and at t = 0; inf where the WER is 0. Under a spin torque with a stable start well F does
    not bound the rate (the orbit-averaged barrier differs), so only 1/WER is left.
    """
    if exact:
        return np.zeros_like(wer)
    shift, rate = model_factors(orbits, model)
    if rate > 1.0 and drives(model):  # F bounds the zero-current rate only (docs/thermal.md)
        rate = math.inf
    with np.errstate(divide="ignore", over="ignore"):
        log_w = np.log(wer)
        bound = np.minimum(np.maximum(math.log(shift), -(1.0 - 1.0 / rate) * log_w), -log_w)
        return np.where(wer >= 1.0, 0.0, np.where(wer > 0.0, np.expm1(bound), np.inf))
