r"""An independent bound on the stationary start-side mass M_∞ of a driven cell (issue 14).

The two-mode tail of the harmonic path (:mod:`~spintorque.thermal.wer.slow_modes`),

.. math:: \mathrm{WER}(t) \approx M_\infty + a_1 e^{-\lambda_1 t} + a_2 e^{-\lambda_2 t},

needs M_∞, the mass on m·u > 0 of the stationary state under the write current. The harmonic
null vector gives it only to ~1e-13 absolute (the rounding of the assembled matrix, and a
spread over the degrees that reaches 1e-10 where the switched state is narrow), while under a
strong write current M_∞ is astronomically small, e^{−(effective barrier)}: every tail value
≲ 1e-7 was flagged not converged for the floor's sake alone.

Here M_∞ comes from a second, cancellation-free model: energy diffusion
(:mod:`~spintorque.thermal.energy.evolution`, the orbit-averaged Fokker–Planck equation on the
star graph of precession branches). Its stationary state is a product of positive local
factors (``log_mass``), so a start-side mass of 1e-60 keeps its relative accuracy *within that
model*. The model itself is the α → 0 limit: at finite damping its error is a relative error
of the exponent, ln M_ED = (1 + δ) ln M_∞. Measured against the resolved harmonic M_∞ (degree
spread ≤ 1e-3, M_∞ ≥ 1e-12) on the small in-plane cell of the tests
(``benchmarks/stationary_floor.py``): δ = −0.085 … −0.161 on 10 points, α = 0.05, 0.1, 0.2,
σ ≈ 8.7 and 13, J = −0.5e11 … −4e11 A/m² (M_∞ = 1.6e-2 … 9e-10); energy diffusion
*over*-estimates M_∞ at every point. The bound used is the band

.. math:: M_{ED}^{1 + \eta} \le M_\infty \le M_{ED}^{1 - \eta},\qquad \eta = 0.5

(:data:`EXPONENT_ERROR`, three times the largest measured |δ|): the value M_ED with absolute
error M_ED^{1−η}. On ``examples/macrospin/in_plane.toml`` it gives M_∞ ≤ 5e-26 at −3e11 A/m²
and ≤ 1.6e-31 at −4e11 (M_ED = 2.4e-51, 2.4e-62), so the floor keeps tail values within 1e-6
down to ~5e-20 at −3e11 A/m² (1e6 times the bound) and ~2e-25 at −4e11; below, it is the
limit and the estimates say so.

What does *not* work (measured, same benchmark): the finite-volume planar grids at α = 0.1
(``thermal/sphere/chain.py`` with the GTH stationary solve, itself exact in positive arithmetic)
give M_∞ = 6e-196, 4e-186, 2e-178, 3e-171, 3e-164, 1e-151, 6e-129 at N = 17 … 97 rings for
−3e11 A/m²: a drift of 1e67 between the last two grids and no 1/N² regime (the grids upwind the
precession), so they cannot check the value at any affordable size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from spintorque.errors import InputError
from spintorque.thermal.sphere.model import SphereModel

if TYPE_CHECKING:
    from spintorque.thermal.energy.evolution import StarOrbits

FloatArray = NDArray[np.float64]

EXPONENT_ERROR = 0.5
"""η: the bound on the relative error of ln M_∞ from energy diffusion (measured ≤ 0.16)."""
MAX_DECREMENT = 3.0
"""Largest α M'(E_0) (energy damped per turn at the well bottom) at which the band is used:
the measured points reach 2.89 (α = 0.2 on the small cell); beyond it the model was not
checked."""
CELLS = (64, 128)
"""Cells per branch of the two energy chains (their difference is part of the error)."""
CONSISTENT = 1e-2
"""Relative error below which a harmonic M_∞ counts as resolved, and is then checked against
the band (a resolved value outside it refuses the band)."""


@dataclass(frozen=True)
class FloorBound:
    """M_∞ from energy diffusion (``value``) and its absolute error bound ``error``
    (M_ED^{1−η} plus the two chains' difference); ``low``, ``high`` the band on M_∞."""

    value: float
    error: float
    low: float
    high: float

    def contains(self, mass: float) -> bool:
        """Whether a mass lies in the band [low, high]."""
        return self.low <= mass <= self.high


def energy_floor(start: SphereModel, model: SphereModel, u: FloatArray) -> FloorBound | None:
    """The band on M_∞ of ``model`` (under the write current) from the energy-diffusion
    stationary state on the orbits of ``start`` (zero current), switching axis ``u``; None where
    energy diffusion does not apply (the current changes the energy, orbit tracing or the
    chain fails, α M'(E_0) above :data:`MAX_DECREMENT`) or M_ED is not in (0, 1)."""
    return energy_floors(start, (model,), u)[0]


def energy_floors(start: SphereModel, models: Sequence[SphereModel], u: FloatArray
                  ) -> list[FloorBound | None]:
    """:func:`energy_floor` of each of ``models`` (the orbits traced once)."""
    from spintorque.thermal.energy.evolution import star_orbits

    try:
        orbits = star_orbits(start, u)
    except (InputError, ValueError, ArithmeticError, np.linalg.LinAlgError):
        return [None for _ in models]
    return [_floor(orbits, start, model) for model in models]


def _floor(orbits: StarOrbits, start: SphereModel, model: SphereModel) -> FloorBound | None:
    from spintorque.thermal.energy.evolution import (
        averaged_branches,
        star_chain,
        stationary_start_mass,
    )
    from spintorque.thermal.energy.orbits import fibonacci_sphere

    try:
        probe = fibonacci_sphere(200)
        reference = np.asarray(start.potential(probe))
        scale = 1.0 + float(np.ptp(reference))
        if not np.allclose(np.asarray(model.potential(probe)), reference, rtol=0.0,
                           atol=1e-12 * scale):
            return None
        if not model.alpha * orbits.bottom_decrement() <= MAX_DECREMENT:
            return None
        averaged = averaged_branches(orbits, model)
        masses = [stationary_start_mass(star_chain(orbits, model, n, averaged))[0] for n in CELLS]
    except (InputError, ValueError, ArithmeticError, np.linalg.LinAlgError):
        return None
    value = masses[-1]
    if not (0.0 < value < 1.0 and all(0.0 < m < 1.0 for m in masses)):
        return None
    log_m = math.log(value)
    spread = abs(masses[-1] - masses[-2])
    high = math.exp((1.0 - EXPONENT_ERROR) * log_m) + spread
    low = max(math.exp((1.0 + EXPONENT_ERROR) * log_m) - spread, 0.0)
    return FloorBound(value, high, low, high)


def harmonic_floor_error(floor: float, floor_error: float, coarse_floor: float) -> float:
    """The harmonic M_∞'s own error, as the tail counts it: the change between the two finest
    degrees, its rounding, and |M_∞| where it came out negative."""
    return abs(floor - coarse_floor) + floor_error + max(-floor, 0.0)


def replaces(bound: FloorBound | None, floor: float, floor_error: float, coarse_floor: float
             ) -> bool:
    """Whether the band replaces the harmonic M_∞ (``floor``, its rounding, the next coarser
    degree's): where its error is the smaller, and unless a resolved harmonic value (relative
    error ≤ :data:`CONSISTENT`) lies outside the band (the model then fails here)."""
    if bound is None or not all(math.isfinite(x) for x in (floor, floor_error, coarse_floor)):
        return False
    own = harmonic_floor_error(floor, floor_error, coarse_floor)
    if own <= CONSISTENT * floor and not bound.contains(floor):
        return False
    return bound.error < own
