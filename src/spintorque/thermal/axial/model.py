r"""Reduced description of the axially symmetric escape problem and its energy landscape.

.. math:: U(z) = -\sigma z^2 - 2\sigma h z + 2\sigma i (1 + h) \int_0^z \frac{\eta(s)}{\eta(1)} ds
          \quad [k_B T],

z = cos θ (THERMAL.md §3, §6). With a constant efficiency U = −sigma z² − b z,
b = 2 sigma (h − i (1 + h)) = 2 sigma h_eff.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from numbers import Real

import numpy as np
from numpy.polynomial.chebyshev import Chebyshev
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError

FloatArray = NDArray[np.float64]

EFFICIENCY_DEGREE = 96
"""Chebyshev degree of the interpolated torque efficiency eta(z)."""

SIGMA_MAX = 2000.0
"""Largest barrier parameter sigma (after the effective-temperature rescaling 1/(1 + nu i))."""

STEEPNESS_MAX = 1e7
"""Largest sigma (1 + |h|)(1 + |i|): beyond, |U| ~ 1e7 k_BT and exp(−U) cannot be evaluated to
better than ~1e-9 relative in double precision near the poles."""


def check_current_defined(sigma: float, i: float) -> None:
    """Refuse i != 0 at sigma = 0 (InputError naming i): i = I/I_c0 with I_c0 ∝ sigma (1 + h)
    (Sun 2000; THERMAL.md §3), so without a barrier I_c0 = 0 and the ratio is undefined; the
    reduced torque 2 sigma i (1 + h) is zero for every finite i (same wording as h = −1)."""
    if sigma == 0.0 and i != 0.0:
        raise InputError("i", "at sigma = 0 there is no anisotropy barrier, so the critical "
                         "current I_c0 ∝ sigma·(1 + h) is zero and a current ratio i = I/I_c0 "
                         "means nothing (the torque 2·sigma·i·(1 + h) vanishes for every finite "
                         f"i, got i = {i:g}): give i = 0, or sigma > 0")


def check_steepness(sigma: float, h: float, i: float, diffusion: float) -> None:
    """Refuse sigma (1 + |h|)(1 + |i|)/(1 + nu i) > :data:`STEEPNESS_MAX` (InputError naming h or
    i, the larger, with its bound at the other values): |U| beyond ~1e7 k_BT exceeds double
    precision near the poles. Shared by :class:`AxialModel` and the 2D ReducedProblem."""
    steep = sigma * (1 + abs(h)) * (1 + abs(i)) / diffusion
    if steep > STEEPNESS_MAX:
        name, other, value = ("h", "i", h) if abs(h) >= abs(i) else ("i", "h", i)
        bound = max(STEEPNESS_MAX / (steep / (1 + abs(value))) - 1.0, 0.0)
        raise InputError(name, f"sigma·(1 + |h|)·(1 + |i|)/(1 + nu·i) = {steep:.4g} must be <= "
                         f"{STEEPNESS_MAX:g} (sigma = {sigma:g}, h = {h:g}, i = {i:g}), so |{name}| "
                         f"<= {bound:.4g} at these sigma, {other}, nu: steeper landscapes exceed "
                         "double precision")


@dataclass(frozen=True)
class AxialModel:
    """Reduced parameters of the axially symmetric problem (all dimensionless).

    Parameters
    ----------
    sigma : float
        Barrier parameter K V / (k_B T), 0 <= sigma <= 2000.
    h : float
        Longitudinal field H / H_K (along +z), any real; |h| >= 1 may remove a well.
    i : float
        Current I / I_c0(h) for a collinear polariser, I_c0(h) ∝ 1 + h: i (1 + h) > 0
        destabilises m_z = +1 (i > 0 for h > −1, i < 0 for h < −1; any real, with
        sigma (1 + |h|)(1 + |i|) <= 1e7).
    nu : float
        Spin-injection diffusion coefficient of the mesoscopic spin-injection model (after
        Wegrowe et al.; THERMAL.md §4): the thermal diffusion D_T becomes D_T (1 + nu i), an
        effective temperature; 1 + nu i must be > 0. Default 0 (standard stochastic LLG).
    efficiency : callable, optional
        Angular dependence eta(z) of the damping-like torque, z = cos θ of the free layer
        (e.g. :func:`slonczewski_efficiency`, :func:`transport_efficiency`); only its shape
        matters: i is measured against the critical current at the pole, eta(1). Default:
        constant. The torque term of U is then 2 sigma i (1 + h) ∫_0^z eta(s)/eta(1) ds.
    reflected : bool
        Describe the model seen with z → −z (used for first passages towards +1).
    """

    sigma: float
    h: float = 0.0
    i: float = 0.0
    nu: float = 0.0
    efficiency: Callable[[FloatArray], FloatArray] | None = field(default=None, compare=False)
    reflected: bool = False

    def __post_init__(self) -> None:
        what = {"sigma": "the barrier parameter K V / k_B T", "h": "the reduced field H / H_K",
                "i": "the current ratio I / I_c0", "nu": "the spin-injection diffusion coefficient"}
        for name, meaning in what.items():
            value = getattr(self, name)
            if not (isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)):
                raise InputError(name, f"{meaning} must be a finite number, got {value!r}")
        if not 0.0 <= self.sigma <= SIGMA_MAX:
            raise InputError("sigma", f"K V / k_B T must be in [0, {SIGMA_MAX:g}], got {self.sigma!r}")
        if self.diffusion <= 0:
            raise InputError("nu", f"the diffusion factor 1 + nu·i must be > 0, got 1 + "
                             f"{self.nu!r}·{self.i!r} = {self.diffusion!r}")
        if self.sigma / self.diffusion > SIGMA_MAX:
            raise InputError("nu", f"sigma/(1 + nu·i) = {self.sigma / self.diffusion:.4g} (the "
                             f"barrier at the effective temperature) must be <= {SIGMA_MAX:g}")
        check_current_defined(self.sigma, self.i)
        check_steepness(self.sigma, self.h, self.i, self.diffusion)

    @property
    def diffusion(self) -> float:
        """Diffusion factor 1 + nu·i multiplying the thermal diffusion (1 without injection)."""
        return 1.0 + self.nu * self.i

    def equivalent(self) -> tuple[AxialModel, float]:
        """The nu = 0 model with the same dynamics in time units tau_N/(1 + nu i).

        2 tau_N ∂W/∂t = D ∂_z[(1 − z²)(∂_z W + W ∂_z U/D)] with D = 1 + nu i: the potential is
        divided by D (an effective temperature) and every rate multiplied by D.
        """
        D = self.diffusion
        return AxialModel(self.sigma / D, self.h, self.i, 0.0, self.efficiency,
                          self.reflected), D

    @property
    def b(self) -> float:
        """Linear coefficient of U for a constant efficiency: 2 sigma (h − i (1 + h))."""
        return 2.0 * self.sigma * (self.h - self.i * (1.0 + self.h))

    @cached_property
    def _torque_shape(self) -> tuple[Chebyshev, Chebyshev] | None:
        """eta(z)/eta(1) and its integral from 0, as Chebyshev series (None: constant)."""
        function = self.efficiency
        if function is None:
            return None
        eta = Chebyshev.interpolate(lambda z: np.asarray(function(z), dtype=float),
                                    EFFICIENCY_DEGREE)
        # chop the trailing coefficients at the interpolation's rounding-noise level (~1e-14
        # relative for this degree), as chebfun does: a constant becomes exactly a constant
        eta = eta.trim(tol=1e-13 * float(np.max(np.abs(eta.coef))))
        pole = float(eta(1.0))
        if not math.isfinite(pole) or abs(pole) < 1e-12 * max(1.0, float(np.max(np.abs(eta.coef)))):
            raise InputError("efficiency", "eta(z = 1) must be finite and non-zero (it sets I_c0)")
        shape = eta / pole
        return shape, shape.integ(lbnd=0.0)

    def _unreflected(self, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        """U and dU/dy of the unreflected model at y."""
        s, h, i = self.sigma, self.h, self.i
        shape = self._torque_shape
        if shape is None:
            G, dG = y, np.ones_like(y)
        else:
            dG, G = shape[0](y), shape[1](y)
        k = 2.0 * s * i * (1.0 + h)
        return -s * y * y - 2.0 * s * h * y + k * G, -2.0 * s * y - 2.0 * s * h + k * dG

    def potential(self, z: ArrayLike) -> FloatArray:
        """U(z) = −sigma z² − 2 sigma h z + 2 sigma i (1 + h) G(z) [k_B T], G(z) = z for a
        constant efficiency (then U = −sigma z² − b z)."""
        z = np.asarray(z, dtype=float)
        y = -z if self.reflected else z
        return np.asarray(self._unreflected(y)[0])

    def potential_derivative(self, z: ArrayLike) -> FloatArray:
        """dU/dz [k_B T]."""
        z = np.asarray(z, dtype=float)
        if self.reflected:
            return np.asarray(-self._unreflected(-z)[1])
        return np.asarray(self._unreflected(z)[1])

    @cached_property
    def series(self) -> Chebyshev:
        """U(z) on [−1, 1] as a Chebyshev series (exact, degree 2, for a constant efficiency)."""
        s, h, i = self.sigma, self.h, self.i
        shape = self._torque_shape
        G = Chebyshev([0.0, 1.0]) if shape is None else shape[1]
        U = Chebyshev([-0.5 * s, 0.0, -0.5 * s]) - 2.0 * s * h * Chebyshev([0.0, 1.0]) \
            + 2.0 * s * i * (1.0 + h) * G
        if self.reflected:
            signs = np.where(np.arange(U.coef.size) % 2 == 0, 1.0, -1.0)
            U = Chebyshev(np.asarray(U.coef, dtype=float) * signs)
        return U

    def curvature(self, z: ArrayLike) -> FloatArray:
        """d²U/dz² [k_B T]."""
        return np.asarray(self.series.deriv(2)(np.asarray(z, dtype=float)))

    @cached_property
    def critical_points(self) -> FloatArray:
        """The points of (−1, 1) where dU/dz = 0 (barrier tops and inner well bottoms), sorted."""
        slope = self.series.deriv()
        if self._torque_shape is None:
            if self.sigma == 0.0:
                return np.empty(0)
            roots = np.array([-(self.b if not self.reflected else -self.b) / (2.0 * self.sigma)])
        else:
            scale = float(np.max(np.abs(slope.coef))) if slope.coef.size else 0.0
            if scale == 0.0:
                return np.empty(0)
            roots = slope.trim(tol=1e-14 * scale).roots()
            roots = roots[np.abs(roots.imag) <= 1e-9].real
        return np.asarray(np.sort(roots[(roots > -1.0) & (roots < 1.0)]))

    def local_width(self, z: ArrayLike) -> FloatArray:
        """Width over which U changes by ~1 k_BT at z: 1/max(|U'|, sqrt|U''|, 1)."""
        z = np.asarray(z, dtype=float)
        rate = np.maximum(np.abs(self.potential_derivative(z)), np.sqrt(np.abs(self.curvature(z))))
        return np.asarray(1.0 / np.maximum(rate, 1.0))
