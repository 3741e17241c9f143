r"""Fokker–Planck equation of an axially symmetric macrospin, in z = cos θ (THERMAL.md §3).

.. math::

    2\tau_N \partial_t W = \partial_z\big[(1 - z^2)(\partial_z W + W \partial_z U)\big],
    \qquad U(z) = -\sigma z^2 - b z,

with sigma = KV/k_BT and, for a field h = H/H_K along z and a collinear damping-like spin torque of
reduced current i = I/I_c0 (polariser along +z, i (1 + h) > 0 destabilising m_z = +1),
``b = 2 sigma (h − i (1 + h))``: in this geometry the spin torque acts exactly like a longitudinal
field entering only through the damping (THERMAL.md §3), and I_c0 = (2e/ħ)(α/η) mu0 Ms V (H_K + H)
is Sun's critical current (so the effective barrier is sigma (1 + h)² (1 − i)²).
Times are in units of the free-diffusion time tau_N = (1 + α²) mu0 Ms V / (2 α gamma0 k_B T);
all inputs and outputs here are dimensionless (reduced units).

Methods (sums of positive terms in log space, so exponentially rare escapes and steep
supercritical landscapes come out with full relative accuracy and nothing overflows):

* mean first-passage time and integral relaxation time: the exact 1D double-integral formulas
  with adaptive Gauss–Kronrod quadrature on landscape-graded pieces
  (:mod:`~spintorque.thermal.axial.integrals`);
* λ1: a reversible chain with exact detailed balance, whose Green operator is applied by
  running sums; subspace iteration and Richardson extrapolation
  (:mod:`~spintorque.thermal.axial.chain`);
* an independent Legendre–Galerkin matrix of the operator (:func:`galerkin_matrix`) for checks,
  the spectrum and time evolution at moderate barriers.

The ``log_*`` functions return natural logarithms with an error estimate; the plain functions
return the value and refuse, in plain words, a value outside the floating-point range
(e.g. an MFPT of e^{1000} tau_N against a strongly stabilising current).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.polynomial import legendre as leg
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import expm

from spintorque.errors import InputError
from spintorque.thermal.axial import chain, integrals
from spintorque.thermal.axial.model import AxialModel

FloatArray = NDArray[np.float64]

__all__ = [
    "AxialModel",
    "LogResult",
    "galerkin_matrix",
    "integral_relaxation_time",
    "log_integral_relaxation_time",
    "log_mean_first_passage_time",
    "log_probability_below",
    "log_smallest_eigenvalue",
    "mean_first_passage_time",
    "smallest_eigenvalue",
    "spectrum",
    "stationary_density",
    "switching_probability",
]

ACCURACY = 1e-8
"""Relative accuracy promised: a result whose error estimate exceeds it has converged = False
(reached only at the edge of the domain, where exp(−U) is limited by double precision)."""

_LOG_MAX = math.log(np.finfo(float).max)
_LOG_TINY = math.log(np.finfo(float).tiny)


@dataclass(frozen=True)
class LogResult:
    """A positive dimensionless result held as its natural logarithm.

    Attributes
    ----------
    log : float
        ln of the value (the value itself may lie outside the floating-point range).
    error : float
        Estimated relative error of the value (an upper estimate, from the quadrature's
        Kronrod–Gauss differences or the chain's Richardson correction).
    converged : bool
        Whether the method converged and its error estimate is below :data:`ACCURACY`.
    """

    log: float
    error: float
    converged: bool = True

    def value(self, what: str, log_source: str) -> float:
        """exp(log), or an :class:`InputError` naming ``what`` when it is not representable;
        ``log_source`` says where the caller's user finds the logarithm instead (a function of
        the API, or a key of the JSON a command prints)."""
        decimal = f"e^{self.log:.6g} = 10^{self.log / math.log(10):.6g}"
        if self.log > _LOG_MAX:
            raise InputError(what, f"is {decimal}, beyond the floating-point range (1.8e308); "
                             f"its natural logarithm is {log_source}")
        if self.log < _LOG_TINY:
            raise InputError(what, f"is {decimal}, below the floating-point range (2.2e-308); "
                             f"its natural logarithm is {log_source}")
        return math.exp(self.log)


def _check_ends(start: float, target: float) -> None:
    for name, value in (("start", start), ("target", target)):
        if not (isinstance(value, (int, float)) and math.isfinite(value)):
            raise InputError(name, f"must be a finite m_z in [-1, 1], got {value!r}")
    if not (-1.0 <= start <= 1.0 and -1.0 < target < 1.0) or start == target:
        raise InputError("start/target", "need -1 < target < 1, -1 <= start <= 1, start != target "
                         f"(m_z values), got start = {start!r}, target = {target!r}")


def log_mean_first_passage_time(model: AxialModel, start: float = 1.0,
                                target: float = 0.0) -> LogResult:
    r"""ln of the mean first-passage time from m_z = start to m_z = target [units of tau_N].

    .. math:: T = 2 \int_{target}^{start} \frac{e^{U(z)}}{1-z^2}
              \Big[\int_z^{1} e^{-U(s)}\, ds\Big] dz

    for −1 < target < start ≤ 1 (reflecting pole z = 1; mirrored for target > start), divided
    by 1 + nu i (effective temperature, :meth:`AxialModel.equivalent`). Gardiner, *Stochastic
    Methods* §5.2.7; evaluated by :func:`spintorque.thermal.axial.integrals.log_mfpt`.
    """
    _check_ends(start, target)
    if model.nu != 0.0:
        equivalent, D = model.equivalent()
        inner = log_mean_first_passage_time(equivalent, start, target)
        return replace(inner, log=inner.log - math.log(D))
    if target > start:
        return log_mean_first_passage_time(_mirror(model), -start, -target)
    value, error = integrals.log_mfpt(model, start, target)
    return LogResult(value, error, error < ACCURACY)


def mean_first_passage_time(model: AxialModel, start: float = 1.0, target: float = 0.0) -> float:
    """Mean first-passage time from m_z = start to m_z = target, in units of tau_N.

    See :func:`log_mean_first_passage_time` (formula, method); raises :class:`InputError` when
    the time exceeds the floating-point range (barriers above ~700 k_BT).
    """
    return log_mean_first_passage_time(model, start, target).value(
        "mean first-passage time/tau_N", "given by log_mean_first_passage_time(...).log")


def _mirror(model: AxialModel) -> AxialModel:
    """The model seen with z → −z (U(z) → U(−z))."""
    return replace(model, reflected=not model.reflected)


def log_smallest_eigenvalue(model: AxialModel, cells: int = chain.BASE_CELLS) -> LogResult:
    r"""ln(λ1·tau_N), λ1 the smallest non-zero eigenvalue (escape / reversal rate, or above
    I_c the relaxation away from the unstable pole).

    The operator is discretised as a reversible chain with exact detailed balance whose Green
    operator is applied by signed running sums in log space; subspace iteration gives 1/λ1, and
    Richardson extrapolation between ``cells``/2 and ``cells`` (plus the landscape's own cells)
    removes the O(h²) error (:mod:`spintorque.thermal.axial.chain`). λ1 scales with the
    diffusion factor 1 + nu i.
    """
    if model.nu != 0.0:
        equivalent, D = model.equivalent()
        inner = log_smallest_eigenvalue(equivalent, cells)
        return replace(inner, log=inner.log + math.log(D))
    value, error, converged = chain.log_smallest_eigenvalue(model, cells)
    return LogResult(value, error, converged and error < ACCURACY)


def smallest_eigenvalue(model: AxialModel, cells: int = chain.BASE_CELLS) -> float:
    """λ1·tau_N, the smallest non-zero eigenvalue (see :func:`log_smallest_eigenvalue`)."""
    return log_smallest_eigenvalue(model, cells).value(
        "lambda1·tau_N", "given by log_smallest_eigenvalue(...).log")


def log_integral_relaxation_time(model: AxialModel) -> LogResult:
    r"""ln of the integral relaxation time of m_z (linear response) [units of tau_N].

    .. math:: \tau_{int} = \frac{2}{Z\chi}\int_{-1}^{1}\frac{e^{U}}{1-z^2}
              \Big[\int_{-1}^{z}(s-\langle z\rangle)e^{-U}ds\Big]^2 dz,

    with Z = ∫e^{−U}, χ = ⟨z²⟩ − ⟨z⟩²: the area under the normalised equilibrium correlation
    function of m_z (Coffey, Kalmykov & Waldron, *The Langevin Equation*, ch. 9). For this
    reversible problem τ_int <= 1/λ1. Divided by 1 + nu i.
    """
    if model.nu != 0.0:
        equivalent, D = model.equivalent()
        inner = log_integral_relaxation_time(equivalent)
        return replace(inner, log=inner.log - math.log(D))
    value, error = integrals.log_integral_relaxation_time(model)
    return LogResult(value, error, error < ACCURACY)


def integral_relaxation_time(model: AxialModel) -> float:
    """Integral relaxation time of m_z in units of tau_N (see
    :func:`log_integral_relaxation_time`)."""
    return log_integral_relaxation_time(model).value(
        "integral relaxation time/tau_N", "given by log_integral_relaxation_time(...).log")


def log_probability_below(model: AxialModel, z: float) -> float:
    r"""ln P_eq(m_z < z): the stationary probability below m_z = z, −1 < z < 1,

    .. math:: P = \int_{-1}^{z} e^{-U/(1+\nu i)} ds \Big/ \int_{-1}^{1} e^{-U/(1+\nu i)} ds,

    both integrals in log space (adaptive Gauss–Kronrod on landscape-graded pieces), so that a
    probability e^{−500} keeps its relative accuracy.
    """
    if not (isinstance(z, (int, float)) and -1.0 < z < 1.0):
        raise InputError("z", f"must lie in (-1, 1), got {z!r}")
    if model.nu != 0.0:
        return log_probability_below(model.equivalent()[0], z)
    log_z, reference = integrals.log_partition_function(model)
    return float(integrals.log_mass(model, -1.0, float(z), reference) - log_z)


def stationary_density(model: AxialModel, z: ArrayLike) -> FloatArray:
    """Normalised stationary W(z) ∝ exp(−U(z)/(1 + nu i)) on [−1, 1] (per unit m_z)."""
    if model.nu != 0.0:
        return stationary_density(model.equivalent()[0], z)
    log_z, reference = integrals.log_partition_function(model)
    return np.asarray(np.exp(-(model.potential(z) - reference) - log_z))


# --- independent Legendre–Galerkin discretisation ----------------------------------------------
def galerkin_matrix(model: AxialModel, size: int = 80) -> FloatArray:
    """Matrix M (size × size) of 2·tau_N·∂_t on Legendre coefficients: d a/dt = M a / (2 tau_N).

    Built by projecting ∂_z[(1 − z²)(P_n' + U' P_n)] on P_m with exact Gauss–Legendre quadrature;
    independent of the Chebyshev formulas above. Accurate while the truncation resolves W.
    """
    x, w = leg.leggauss(size + 4)
    Uprime = model.potential_derivative(x)
    D = model.diffusion
    eye = np.eye(size)
    P = leg.legvander(x, size - 1)  # P_n(x_k)
    dP = np.stack([leg.legval(x, leg.legder(eye[n])) for n in range(size)], axis=1)
    # flux of P_n: F_n = (1 − z²)(D P_n' + U' P_n); ∫ P_m ∂F_n = −∫ P_m' F_n (F_n = 0 at ±1)
    flux = (1 - x * x)[:, None] * (D * dP + Uprime[:, None] * P)
    norm = (2 * np.arange(size) + 1) / 2
    return np.asarray(-norm[:, None] * (dP.T @ (w[:, None] * flux)))


def spectrum(model: AxialModel, count: int = 5, size: int = 80) -> FloatArray:
    """The smallest ``count`` eigenvalues λ·tau_N from the Galerkin matrix (λ0 = 0 first)."""
    values = -np.linalg.eigvals(galerkin_matrix(model, size)) / 2.0
    return np.sort(values.real)[:count]


def switching_probability(model: AxialModel, times: ArrayLike, start: float = 1.0,
                          size: int = 80) -> FloatArray:
    """P(m_z < 0) at times t [tau_N] for a macrospin started at m_z = start (Galerkin evolution).

    The initial delta function is represented by its Legendre series truncated at ``size`` terms
    and smoothed with a Gaussian of width ~1/size; use for barriers that the truncation resolves
    (sigma up to ~30) — for rare events use :func:`smallest_eigenvalue`.
    """
    times = np.asarray(times, dtype=float)
    M = galerkin_matrix(model, size)
    k = np.arange(size)
    a0 = (2 * k + 1) / 2 * leg.legval(start, np.eye(size).T) * np.exp(-(k / size) ** 2 * 4)
    # P(z < 0) = ∫_{−1}^{0} W = Σ a_n ∫_{−1}^0 P_n
    weights_below = np.array([leg.legval(0.0, leg.legint(np.eye(size)[n], lbnd=-1.0))
                              for n in range(size)])
    out = np.empty(times.size)
    for j, t in enumerate(times):
        out[j] = float(weights_below @ (expm(M * (t / 2.0)) @ a0))
    return out
