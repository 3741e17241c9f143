r"""Fokker–Planck equation of an axially symmetric macrospin, in z = cos θ (THERMAL.md §3).

.. math::

    2\tau_N \partial_t W = \partial_z\big[(1 - z^2)(\partial_z W + W \partial_z U)\big],
    \qquad U(z) = -\sigma z^2 - b z,

with sigma = KV/k_BT and, for a field h = H/H_K along z and a collinear damping-like spin torque of
reduced current i = I/I_c0 (polariser along +z, i > 0 destabilising the well m_z = +1),
``b = 2 sigma (h − i (1 + h))``: in this geometry the spin torque acts exactly like a longitudinal
field entering only through the damping (THERMAL.md §3), and I_c0 = (2e/ħ)(α/η) mu0 Ms V (H_K + H)
is Sun's critical current (so the effective barrier is sigma (1 + h)² (1 − i)²).
Times are in units of the free-diffusion time tau_N = (1 + α²) mu0 Ms V / (2 α gamma0 k_B T).

Methods (no small differences of large numbers anywhere, so exponentially rare escapes come out
with full relative accuracy):

* mean first-passage time and integral relaxation time: the exact 1D double-integral formulas,
  evaluated with Chebyshev spectral (Clenshaw–Curtis) cumulative integration;
* λ1: a reversible finite-volume chain with exact detailed balance, whose Green operator is
  applied by running sums; power iteration and Richardson extrapolation (:func:`smallest_eigenvalue`);
* an independent Legendre–Galerkin matrix of the operator (:func:`galerkin_matrix`) for checks,
  the spectrum and time evolution at moderate barriers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from numpy.polynomial import chebyshev as cheb
from numpy.polynomial import legendre as leg
from numpy.polynomial.chebyshev import Chebyshev
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import expm

from spintorque.errors import InputError
from spintorque.thermal.chebyshev import cumulative_matrix, nodes, values_to_coefficients, weights

FloatArray = NDArray[np.float64]

MAX_EXPONENT = 650.0
"""Largest potential range U_max − U_min [k_BT] handled without overflow."""

EFFICIENCY_DEGREE = 96
"""Chebyshev degree of the interpolated torque efficiency eta(z)."""

RESOLUTIONS = (64, 128, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144)
"""Chebyshev degrees used (sigma + |b| up to MAX_EXPONENT/2 needs at most 6144)."""


@dataclass(frozen=True)
class AxialModel:
    """Reduced parameters of the axially symmetric problem (all dimensionless).

    Parameters
    ----------
    sigma : float
        Barrier parameter K V / (k_B T), >= 0.
    h : float
        Longitudinal field H / H_K (along +z).
    i : float
        Current I / I_c0(h) for a collinear polariser; i > 0 destabilises m_z = +1.
    nu : float
        Spin-injection diffusion coefficient of the mesoscopic spin-injection model (after
        Wegrowe et al.; THERMAL.md §4): the thermal diffusion D_T becomes D_T (1 + nu i), an
        effective temperature. Default 0 (standard stochastic LLG).
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
        for name in ("sigma", "h", "i", "nu"):
            value = getattr(self, name)
            if not math.isfinite(value):
                raise InputError(name, f"must be finite, got {value!r}")
        if self.sigma < 0:
            raise InputError("sigma", f"must be >= 0 (K V / k_B T), got {self.sigma!r}")
        if self.diffusion <= 0:
            raise InputError("nu", f"need 1 + nu·i > 0 (a positive diffusion), got {self.diffusion!r}")
        span = self.sigma + self.linear_span
        if span > MAX_EXPONENT / 2:
            raise InputError("sigma", f"sigma + |b| must be <= {MAX_EXPONENT / 2:g} "
                             f"(exp(U) would overflow), got {span:.4g}")

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
    def linear_span(self) -> float:
        """max |dU/dz + 2 sigma z| on [−1, 1]: the non-anisotropy slope (|b| for constant eta)."""
        if self.efficiency is None:
            return abs(self.b)
        z = np.linspace(-1.0, 1.0, 513)
        return float(np.max(np.abs(self.potential_derivative(z) + 2.0 * self.sigma * z)))

    @cached_property
    def resolution(self) -> int:
        """Chebyshev degree resolving exp(±U) to rounding.

        At least 64 + 8 (sigma + |b|) (the width of the wells shrinks like 1/sigma), rounded up
        to one of a few sizes so that the cached integration matrices are shared between models.
        """
        need = 64 + 8 * (self.sigma + self.linear_span)
        return next(size for size in RESOLUTIONS if size >= need)


def _grid(model: AxialModel) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    """Nodes z, exp(U − U_max), exp(−(U − U_min)) and U_max − U_min."""
    z = nodes(model.resolution)
    U = model.potential(z)
    lo, hi = float(U.min()), float(U.max())
    return z, np.exp(U - hi), np.exp(-(U - lo)), hi - lo


def _ratio_to_one_minus_z2(inner: FloatArray, z: FloatArray, at_minus: float,
                           at_plus: float) -> FloatArray:
    """inner/(1 − z²) with the endpoint limits supplied."""
    out = np.empty_like(inner)
    out[1:-1] = inner[1:-1] / (1.0 - z[1:-1] ** 2)
    out[0], out[-1] = at_minus, at_plus
    return out


def mean_first_passage_time(model: AxialModel, start: float = 1.0, target: float = 0.0) -> float:
    r"""Mean first-passage time from z = start to z = target, in units of tau_N.

    .. math:: T = 2 \int_{target}^{start} \frac{e^{U(z)}}{1-z^2}
              \Big[\int_z^{1} e^{-U(s)}\, ds\Big] dz

    for −1 < target < start ≤ 1 (reflecting pole z = 1; mirrored for target > start). The
    integrals are done on a Chebyshev grid mapped onto [target, 1], where the integrand is smooth.
    """
    if not (-1.0 <= start <= 1.0 and -1.0 < target < 1.0) or start == target:
        raise InputError("start/target", "need -1 < target < 1, -1 <= start <= 1, start != target")
    if model.nu != 0.0:
        equivalent, D = model.equivalent()
        return mean_first_passage_time(equivalent, start, target) / D
    if target > start:
        return mean_first_passage_time(_mirror(model), -start, -target)
    n = model.resolution
    half = 0.5 * (1.0 - target)
    z = target + half * (nodes(n) + 1.0)
    U = model.potential(z)
    lo, hi = float(U.min()), float(U.max())
    _, right = cumulative_matrix(n)
    tail = half * (right @ np.exp(-(U - lo)))  # ∫_z^1 e^{−(U−U_min)}
    ratio = np.empty_like(tail)
    ratio[:-1] = tail[:-1] / (1.0 - z[:-1] ** 2)
    ratio[-1] = 0.5 * math.exp(-(U[-1] - lo))  # tail ≈ e^{−(U(1)−U_min)} (1 − z) near z = 1
    integrand = np.exp(U - hi) * ratio
    x_start = (start - target) / half - 1.0
    outer = half * _integral_between(integrand, n, -1.0, x_start)
    return float(2.0 * outer * math.exp(hi - lo))


def _mirror(model: AxialModel) -> AxialModel:
    """The model seen with z → −z (U(z) → U(−z))."""
    return replace(model, reflected=not model.reflected)


def _integral_between(values: FloatArray, n: int, a: float, b: float) -> float:
    """∫_a^b of the Chebyshev interpolant of ``values`` on the n-node grid."""
    antiderivative = cheb.chebint(values_to_coefficients(n) @ values)
    return float(cheb.chebval(b, antiderivative) - cheb.chebval(a, antiderivative))


EIGEN_CELLS = 4096
"""Finite-volume cells for λ1 (the result is Richardson-extrapolated from N/2 and N)."""


def _chain(model: AxialModel, cells: int) -> tuple[FloatArray, FloatArray, float]:
    """Reversible birth–death chain of the Fokker–Planck operator on ``cells`` cells.

    Cell edges are Chebyshev–Lobatto points (fine near the poles, where the wells are). Returns
    the Boltzmann masses pi_k = ∫_cell e^{−(U − U_min)}, the resistances between neighbouring
    centres r = ∫ 2 e^{U − U_max}/(1 − z²) (both by 6-point Gauss–Legendre per interval), and
    U_max − U_min. The chain satisfies detailed balance exactly.
    """
    edges = -np.cos(np.pi * np.arange(cells + 1) / cells)
    centres = 0.5 * (edges[1:] + edges[:-1])
    x, w = leg.leggauss(6)

    def integrate(a: FloatArray, b: FloatArray, f: Callable[[FloatArray], FloatArray]) -> FloatArray:
        t = 0.5 * (a[:, None] + b[:, None]) + 0.5 * (b - a)[:, None] * x[None, :]
        return np.asarray(0.5 * (b - a) * (f(t) @ w))

    probe = np.linspace(-1.0, 1.0, 8001)  # U_max, U_min only scale the exponentials
    U = model.potential(probe)
    lo, hi = float(U.min()), float(U.max())
    masses = integrate(edges[:-1], edges[1:], lambda t: np.exp(-(model.potential(t) - lo)))
    resistances = integrate(centres[:-1], centres[1:],
                            lambda t: 2.0 * np.exp(model.potential(t) - hi) / (1.0 - t * t))
    return masses, resistances, hi - lo


def _chain_rate(model: AxialModel, cells: int, tol: float, max_iter: int) -> float:
    """λ1·tau_N of the discrete chain: power iteration on its exact Green operator."""
    masses, resistances, span = _chain(model, cells)
    upper = np.arange(cells - 1) >= (cells - 1) // 2
    deep_right = bool(model.potential(1.0) <= model.potential(-1.0))
    total = masses.sum()

    def green(g: FloatArray) -> FloatArray:
        weighted = masses * g
        below = np.cumsum(weighted)[:-1]
        above = -np.cumsum(weighted[::-1])[::-1][1:]
        G = np.where(upper, above, below)  # Σ_{j≤k} π_j g_j, from the nearer pole
        steps = -resistances * G  # f_{k+1} − f_k
        if deep_right:
            f = np.concatenate([-np.cumsum(steps[::-1])[::-1], [0.0]])
        else:
            f = np.concatenate([[0.0], np.cumsum(steps)])
        return np.asarray(f - np.dot(masses, f) / total)

    g = np.linspace(-1.0, 1.0, cells)
    g -= np.dot(masses, g) / total
    estimate = 0.0
    for _ in range(max_iter):
        f = green(g)
        rayleigh = np.dot(masses, f * g) / np.dot(masses, g * g)
        g = f / math.sqrt(np.dot(masses, f * f))
        if abs(rayleigh - estimate) <= tol * abs(rayleigh):
            estimate = rayleigh
            break
        estimate = rayleigh
    return float(1.0 / (estimate * math.exp(span)))


def smallest_eigenvalue(model: AxialModel, cells: int = EIGEN_CELLS, tol: float = 1e-15,
                        max_iter: int = 2000) -> float:
    r"""λ1·tau_N, the smallest non-zero eigenvalue (the escape / reversal rate).

    The Fokker–Planck operator is discretised as a reversible birth–death chain (exact
    detailed balance, cell masses and inter-cell resistances of the continuous problem), whose
    Green operator is applied exactly with running sums of positive terms; power iteration with
    Rayleigh quotients gives 1/λ1. Only positive quantities are summed, so an exponentially small
    λ1 (~e^{−sigma}) keeps its relative accuracy, and a Markov chain has no spurious modes. The
    O(h²) discretisation error is removed by Richardson extrapolation between cells/2 and cells.
    """
    if model.nu != 0.0:
        equivalent, D = model.equivalent()
        return D * smallest_eigenvalue(equivalent, cells, tol, max_iter)
    coarse = _chain_rate(model, cells // 2, tol, max_iter)
    fine = _chain_rate(model, cells, tol, max_iter)
    return (4.0 * fine - coarse) / 3.0


def integral_relaxation_time(model: AxialModel) -> float:
    r"""Integral relaxation time of m_z (linear response), in units of tau_N.

    .. math:: \tau_{int} = \frac{2}{Z\chi}\int_{-1}^{1}\frac{e^{U}}{1-z^2}
              \Big[\int_{-1}^{z}(s-\langle z\rangle)e^{-U}ds\Big]^2 dz,

    with Z = ∫e^{−U}, χ = ⟨z²⟩ − ⟨z⟩² (the area under the normalised correlation function).
    """
    if model.nu != 0.0:
        equivalent, D = model.equivalent()
        return integral_relaxation_time(equivalent) / D
    n = model.resolution
    z, up, down, span = _grid(model)
    w = weights(n)
    Z = np.dot(w, down)
    mean = np.dot(w, down * z) / Z
    chi = np.dot(w, down * (z - mean) ** 2) / Z
    left, right = cumulative_matrix(n)
    g = (z - mean) * down
    inner = np.where(z < 0, left @ g, -(right @ g))
    ratio = _ratio_to_one_minus_z2(inner * inner * up, z, 0.0, 0.0)
    return float(2.0 * np.dot(w, ratio) * math.exp(span) / (Z * chi))


def stationary_density(model: AxialModel, z: ArrayLike) -> FloatArray:
    """Normalised stationary W(z) ∝ exp(−U(z)/(1 + nu i)) on [−1, 1]."""
    if model.nu != 0.0:
        return stationary_density(model.equivalent()[0], z)
    n = model.resolution
    grid, _, down, _ = _grid(model)
    lo = float(model.potential(grid).min())
    Z = np.dot(weights(n), down)
    return np.asarray(np.exp(-(model.potential(z) - lo)) / Z)


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
