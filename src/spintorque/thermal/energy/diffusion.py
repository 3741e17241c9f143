r"""The low-damping limit: Brown's equation averaged over precession orbits (energy diffusion).

For α ≪ 1 the precession (rate ~ sigma/α in units of 1/tau_N) is much faster than the damping,
the spin torque and the noise, which change the energy U = E/k_BT. Averaging the generator of
:mod:`~spintorque.thermal.sphere.model` over each orbit U = E (weight dl/|∇U|, the time spent
on each stretch) gives, on each branch of orbits, a 1D diffusion in E for the density p(E) per
unit area of the sphere:

.. math:: \partial_t(\tau p) = -\partial_E J, \qquad
          J = (W - D M)\,p - D\tilde T M\,\partial_E p,

with D = 1/2 (times in tau_N), T̃ = 1 + nu i, τ = dΦ/dE (Φ: area enclosed by the orbit),
M = ∮|∇U| dl and W = ∮ w·∇U/|∇U| dl (:mod:`~spintorque.thermal.energy.orbits`). For f = f(U) the
generator of the 2D problem is f'(−D|∇U|² + w·∇U + DT̃ ΔU) + DT̃|∇U|² f'' (the precession
does not change U); the orbit averages follow from the coarea formula and M' = ∮ΔU dl/|∇U|.
This is the energy-diffusion equation of Apalkov & Visscher, PRB 72, 180405(R) (2005), there
written for a Slonczewski torque; here W comes from any drift.

* Zero current: J = −DM(p + ∂_E p), so p ∝ e^{−E} (Boltzmann).
* Under current the zero-flux density is p ∝ e^{−Ψ} with
  Ψ'(E) = (1 − W/(D M))/T̃: the current reduces the barrier wherever the torque's work per orbit
  W competes with the damping's loss D M. The effective barrier is the largest rise of Ψ on the
  way from the well to the separatrix; no barrier law is assumed.
* Mean first passage from the bottom E_0 of a well to the separatrix E_s (exact for the
  averaged equation):
  T = ∫_{E_0}^{E_s} dE e^{Ψ(E)}/(D T̃ M(E)) ∫_{E_0}^{E} e^{−Ψ} dΦ.
* Branches meet at the separatrix (a vertex where p is continuous and the fluxes add to zero);
  when all branches share one separatrix level the graph is a star, a reversible chain, and λ1 and
  the integral relaxation time follow as in :mod:`~spintorque.thermal.axial.fokker_planck`.

Branch variable: E = E_s − s Δ u^Q (u ∈ [0, 1], u = 0 at the separatrix, s = +1 for a well).
Through saddles Q = 4, which makes the logarithmic separatrix terms (E − E_s) ln|E − E_s|
smooth; on a circle of maxima (axial magnets) Q = 2, since there E_s − E ∝ (distance)² and
W/M ∝ 1/distance. Every quantity is a Chebyshev interpolant in u.

The averaged equation is the α → 0 limit at fixed sigma, i and T̃; for α > 0 the 2D solver
(:mod:`~spintorque.thermal.sphere.escape2d`) is exact and approaches this limit (docs/thermal.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.polynomial import legendre as leg
from numpy.polynomial.chebyshev import Chebyshev
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError
from spintorque.thermal.axial.fokker_planck import LogResult
from spintorque.thermal.chebyshev import cumulative_matrix, nodes, weights
from spintorque.thermal.energy.logchain import (
    LogStar,
    lobatto,
    log_inverse_rate,
    log_masses,
    log_resistances,
    log_tail_passage,
    reference,
    richardson,
    signed,
)
from spintorque.thermal.energy.orbits import (
    Branch,
    CriticalPoint,
    OrbitGeometry,
    branch_about,
    critical_points,
    orbit_geometry,
    orbit_integrals,
)
from spintorque.thermal.sphere.grid import unit_vector
from spintorque.thermal.sphere.model import SphereModel

FloatArray = NDArray[np.float64]

def power(branch: Branch) -> int:
    """Q of the branch variable E = E_s − s Δ u^Q: 2 on a circle of critical points, else 4."""
    return 2 if branch.flat else 4


DEGREE = 64
"""Chebyshev degree of the orbit-integral interpolants."""
D = 0.5
"""Diffusion constant in units of 1/tau_N."""
EIGEN_CELLS = 2048
AREA_TOLERANCE = 1e-8


def _interpolant(values: FloatArray) -> Chebyshev:
    """Chebyshev series on [0, 1] through values at the first-kind nodes of :func:`_u_nodes`."""
    n = values.shape[0] - 1
    j = np.arange(n + 1)
    T = np.cos(np.pi * np.outer(j, j + 0.5) / (n + 1))
    c = (2.0 / (n + 1)) * (T @ values)
    c[0] *= 0.5
    return Chebyshev(c, domain=[0.0, 1.0])


def _u_nodes(n: int) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.cos(np.pi * (np.arange(n + 1) + 0.5) / (n + 1))))


@dataclass(frozen=True, eq=False)
class EnergyBranch:
    """One branch of orbits, averaged: Chebyshev interpolants in u (see the module docstring).

    Attributes
    ----------
    branch : Branch
    area : Chebyshev
        Φ(u), area enclosed by the orbit about the extremum.
    psi : Chebyshev
        Ψ(u) with Ψ(0) = 0 at the separatrix (the stationary density is e^{−Ψ}).
    flow : Chebyshev
        K(u) = Φ |dE/du| / (D T̃ M): e^{Ψ} K/Φ du is the resistance of an energy shell.
    moments : tuple of Chebyshev
        ∫ m_i dA (i = 0..2) and ∫ m_i m_j dA (row-major 3×3) over the enclosed area.
    separatrix_dissipation : float
        M(E_s) = ∮|∇U| dl on the separatrix [k_BT]; α M(E_s) is the energy the damping removes
        in one turn there (zero on a circle of maxima).
    """

    branch: Branch
    area: Chebyshev
    psi: Chebyshev
    flow: Chebyshev
    moments: tuple[Chebyshev, ...]
    separatrix_dissipation: float

    def energy(self, u: ArrayLike) -> FloatArray:
        """E(u) [k_BT]."""
        b = self.branch
        return np.asarray(b.separatrix - b.sign * b.depth * np.asarray(u, dtype=float) ** power(b))

    def work_ratio_at_extremum(self) -> float:
        """W/(D M) at the bottom of the branch: > 1 means the extremum itself is unstable."""
        dE = -self.branch.sign * power(self.branch) * self.branch.depth
        return float(1.0 - self.psi.deriv()(1.0) / dE) if self.branch.depth > 0 else 0.0


def energy_branch(model: SphereModel, branch: Branch, degree: int = DEGREE,
                  geometry: OrbitGeometry | None = None) -> EnergyBranch:
    """Average ``model`` over the orbits of ``branch`` (T̃ = model.temperature_factor);
    ``geometry`` (:func:`branch_geometry`) reuses orbits traced once for several currents."""
    u = _u_nodes(degree)
    b = branch
    Q = power(b)
    orbits = orbit_integrals(model.potential, model.drift, b, b.separatrix - b.sign * b.depth * u**Q,
                             geometry)
    T = model.temperature_factor
    dE = -b.sign * Q * b.depth * u ** (Q - 1)
    psi_u = dE * (1.0 - orbits.work / (D * orbits.dissipation)) / T
    flow = orbits.area * np.abs(dE) / (D * T * orbits.dissipation)
    moments = [_interpolant(orbits.moment[:, i]) for i in range(3)]
    moments += [_interpolant(orbits.second_moment[:, i, j]) for i in range(3) for j in range(3)]
    edge = orbit_integrals(model.potential, None, b,
                           np.array([b.separatrix - b.sign * 1e-13 * (1.0 + b.depth)]))
    # (the separatrix orbit's dissipation does not depend on the current)
    return EnergyBranch(b, _interpolant(orbits.area), _interpolant(psi_u).integ(lbnd=0.0),
                        _interpolant(flow), tuple(moments), float(edge.dissipation[0]))


def branch_geometry(model: SphereModel, branch: Branch, degree: int = DEGREE) -> OrbitGeometry:
    """The orbits of ``branch`` at the u nodes of :func:`energy_branch` (traced once)."""
    u = _u_nodes(degree)
    b = branch
    return orbit_geometry(model.potential, b, b.separatrix - b.sign * b.depth * u ** power(b))


@dataclass(frozen=True, eq=False)
class EnergyDiffusion:
    """The averaged problem of a magnet started in one well.

    Attributes
    ----------
    model : SphereModel
    points : list of CriticalPoint
        The critical points of U.
    well : EnergyBranch
        The starting well's branch (enough for the first passage and the effective barrier).
    degree : int
        Chebyshev degree of the interpolants.
    """

    model: SphereModel
    points: list[CriticalPoint]
    well: EnergyBranch
    degree: int = DEGREE

    @property
    def barrier(self) -> float:
        """E_s − E_0 [k_BT], the zero-current barrier of the well."""
        return self.well.branch.depth

    def energy_loss_per_orbit(self, alpha: float) -> float:
        """δ = α M(E_s) [k_BT], the energy damped away in one turn on the separatrix.

        The averaged equation is the limit δ → 0; Kramers' turnover corrections to the escape
        rate are of relative order √δ (Mel'nikov & Meshkov, J. Chem. Phys. 85, 1018 (1986)).
        """
        return float(alpha * self.well.separatrix_dissipation)

    def model_error(self, alpha: float | None) -> ModelError:
        """The predicted error of the averaged model at damping ``alpha`` (:class:`ModelError`):
        none on a problem axially symmetric about the well (its orbits are the circles
        m·u = const, so averaging loses nothing at any α), else the turnover factor
        :func:`turnover_factor` of δ = :meth:`energy_loss_per_orbit` at zero current; unknown
        (None) without α, and under a spin torque off the axis, where the orbit-averaged barrier
        itself differs from Brown's at finite α and F is not a bound (measured: 15–19 against
        F = 12.2 at σ = 30, easy plane σ, i = 0.5, α = 0.05; docs/thermal.md)."""
        from spintorque.thermal.sphere.escape2d import axially_symmetric

        if axially_symmetric(self.model, self.well.branch.extremum):
            return ModelError(1.0, None, "the problem is axially symmetric about the well: its "
                              "orbits are the circles m·u = const, on which orbit averaging is "
                              "exact at any damping")
        if alpha is None:
            return ModelError(None, None, "no damping given: the values are the alpha -> 0 limit "
                              "itself; at a damping alpha the escape rates are higher than the "
                              "true ones by up to turnover_factor(alpha·M(E_s)) at zero current")
        delta = self.energy_loss_per_orbit(alpha)
        if drives(self.model):
            return ModelError(None, delta, "a spin torque acts off the symmetry axis: the "
                              "orbit-averaged barrier differs from Brown's at this damping and "
                              "the error of the limit is not predicted (the zero-current "
                              f"turnover factor {turnover_factor(delta):.3g} does not bound it: "
                              "measured 15-19 against 12.2 at sigma = 30, easy plane sigma, "
                              "i = 0.5, alpha = 0.05)", turnover_factor(delta))
        return ModelError(turnover_factor(delta), delta, None)


    @cached_property
    def branches(self) -> tuple[EnergyBranch, ...]:
        """All branches meeting at the well's separatrix, the well first (built on first use).

        Raises InputError unless their enclosed areas add up to 4π (one separatrix level: the
        graph is a star), which λ1 and the relaxation time need.
        """
        own = self.well.branch
        others = []
        for c in self.points:
            if c.kind not in ("minimum", "maximum") or float(c.direction @ own.extremum) > 1 - 1e-12:
                continue
            if (c.kind == "minimum") != (c.energy < own.separatrix):
                continue
            b = branch_about(self.model.potential, c, self.points, separatrix=own.separatrix)
            others.append(energy_branch(self.model, b, self.degree))
        total = sum(float(e.area(0.0)) for e in [self.well, *others])
        if abs(total - 4 * math.pi) > AREA_TOLERANCE * 4 * math.pi:
            raise InputError("well", f"the orbits meeting at the separatrix cover {total:.6g} sr, "
                             "not 4π: the energy has more than one separatrix level, which λ1 "
                             "and the relaxation time of the averaged problem do not handle")
        return (self.well, *others)


@dataclass(frozen=True)
class ModelError:
    """How far the averaged (α → 0) model may be from Brown's equation at the given damping.

    Attributes
    ----------
    factor : float or None
        Predicted bound F >= 1 on the ratio of the energy-diffusion escape rates (λ1, the
        switching rate) to the true ones (the MFPT and τ_int are low by up to F); 1 where the
        averaging is exact; None where unknown (``reason`` says why).
    delta : float or None
        δ = α M(E_s) [k_BT], the energy damped away per turn on the separatrix.
    reason : str or None
        Why the factor is 1 or None.
    """

    factor: float | None
    delta: float | None
    reason: str | None
    zero_current_factor: float | None = None
    """F(δ) where ``factor`` is None under a spin torque (for reference only: not a bound)."""

    @property
    def relative(self) -> float | None:
        """F − 1, the predicted relative error bound of the rates (None where unknown)."""
        return None if self.factor is None else self.factor - 1.0

    @property
    def exceeds_tolerance(self) -> bool:
        """Whether the result cannot be called converged: F − 1 > :data:`MODEL_TOLERANCE`, or
        an unknown model error at a finite damping."""
        if self.factor is None:
            return self.delta is not None
        return self.factor - 1.0 > MODEL_TOLERANCE


MODEL_TOLERANCE = 1e-3
"""Largest predicted relative model error F − 1 of an energy-diffusion escape result reported as
converged: the 2D solver's accuracy target (:data:`~spintorque.thermal.sphere.escape2d.CONVERGED`)."""


def model_warning(assessed: ModelError) -> str:
    """The plain-words warning of an escape result whose predicted model error exceeds
    :data:`MODEL_TOLERANCE` (or is unknown at a finite damping)."""
    if assessed.factor is None:
        return (f"not converged: the energy-diffusion model is the alpha -> 0 limit, and here the "
                f"damping removes {assessed.delta:.3g} k_BT per turn on the separatrix while "
                f"{assessed.reason}; the 2D sphere solver (--solver 2d, method 'sphere') solves "
                "Brown's equation at this damping (docs/thermal.md, 'Low damping')")
    return (f"not converged: the energy-diffusion model is the alpha -> 0 limit, and here the "
            f"damping removes {assessed.delta:.3g} k_BT per turn on the separatrix, so its rates "
            f"(lambda1, switching_rate) may be up to {assessed.factor:.3g} times the true ones "
            f"and its MFPT and integral relaxation time up to {assessed.factor:.3g} times too "
            f"short (predicted Kramers-turnover factor, Mel'nikov-Meshkov; model tolerance "
            f"{MODEL_TOLERANCE:g}); the 2D sphere solver (--solver 2d, method 'sphere') solves "
            "Brown's equation at this damping (docs/thermal.md, 'Low damping')")


def drives(model: SphereModel) -> bool:
    """Whether ``model`` has a spin-torque drift that is not zero everywhere."""
    if model.drift is None:
        return False
    from spintorque.thermal.energy.orbits import fibonacci_sphere

    return bool(np.any(np.asarray(model.drift(fibonacci_sphere(200))) != 0.0))


def turnover_depopulation(delta: float) -> float:
    r"""Mel'nikov–Meshkov depopulation factor A(δ) of Kramers' turnover [1].

    .. math:: A(\delta) = \exp\Big[\frac{1}{2\pi}\int_{-\infty}^{\infty}
              \ln\big(1 - e^{-\delta(\lambda^2 + 1/4)}\big)\,
              \frac{d\lambda}{\lambda^2 + 1/4}\Big]

    (Mel'nikov & Meshkov, J. Chem. Phys. 85, 1018 (1986); for magnets Coffey, Garanin &
    McCarthy, Adv. Chem. Phys. 117, 483 (2001)): the escape rate at an energy loss δ [k_BT] per
    turn on the separatrix is A(δ) times the intermediate-damping rate, A ≈ δ (1 − 0.82√δ) as
    δ → 0 (the energy-diffusion limit, whose rate is δ times the transition-state one) and
    A → 1 as δ → ∞. Returns 0 for δ <= 0.
    """
    from scipy.integrate import quad

    if not delta > 0:
        return 0.0
    if delta > 1e4:
        return 1.0

    def integrand(theta: float) -> float:
        c = math.cos(theta)
        return math.log(-math.expm1(-delta / (4.0 * c * c))) if c > 0 else 0.0

    # λ = tan(θ)/2 maps the integral onto (2/π)∫_0^{π/2} ln(1 − e^{−δ/(4cos²θ)}) dθ, bounded;
    # its one scale, δ/(4cos²θ) ~ 1, is passed to quad as a break point
    knee = math.acos(min(1.0, 0.5 * math.sqrt(delta)))
    total = quad(integrand, 0.0, 0.5 * math.pi, points=[knee] if 0 < knee < 0.5 * math.pi
                 else None, limit=200, epsabs=1e-14, epsrel=1e-12)[0]
    return math.exp(2.0 * total / math.pi)


def turnover_factor(delta: float) -> float:
    """F(δ) = δ / A(δ) (:func:`turnover_depopulation`): the predicted bound on how much the
    energy-diffusion escape rate exceeds the true one at an energy loss δ [k_BT] per separatrix
    turn; 1 at δ = 0, 1 + 0.82√δ for small δ, → δ for large δ (where the true rate is the
    intermediate-damping one, which the energy-diffusion rate δ·k_TST exceeds by up to δ).
    Measured against Brown's equation on the sphere (2D grids, spherical harmonics) over in-plane
    magnets, σ = 10 … 60, α = 0.001 … 0.2, at zero current, the actual ratio lies between 1 and
    F; under a sub-critical spin torque it exceeded F (15–19 against 12.2 at σ = 30, i = 0.5,
    α = 0.05), so no bound is claimed there (docs/thermal.md, 'What converged means')."""
    if not delta > 0:
        return 1.0
    return float(delta / turnover_depopulation(delta))


def energy_diffusion(model: SphereModel, well: ArrayLike = (0.0, 0.0, 1.0),
                     degree: int = DEGREE) -> EnergyDiffusion:
    """Build the averaged problem for ``model`` started in the well nearest to ``well``.

    The critical points of U are found by Newton iterations; the separatrix is the level of the
    first saddle (or circle of maxima) bounding the well's orbits. The other branches (the other
    well, the caps about maxima) are built when λ1 or the relaxation time ask for them.

    Raises
    ------
    UnstableWellError
        W/(D M) > 1 at the bottom of the well (above the well's critical current), checked from
        three small orbits before any branch is built.
    NoSeparatrixError
        The well's orbits close on a maximum point (no saddle: no second well, |h| ≥ 1).
    InputError
        No isolated minimum, or orbits that the solver cannot trace.
    """
    if int(degree) != degree or degree < 8:
        raise InputError("degree", f"must be an integer >= 8, got {degree!r}")
    v = unit_vector(well, "well")
    points = critical_points(model.potential)
    minima = [c for c in points if c.kind == "minimum"]
    if not minima:
        raise InputError("well", "the energy has no isolated minimum (no well to escape from)")
    start = max(minima, key=lambda c: float(c.direction @ v))
    own = branch_about(model.potential, start, points)
    scale = 1.0 + max(c.energy for c in points) - min(c.energy for c in points)
    level = [c for c in points if abs(c.energy - own.separatrix) < 1e-7 * scale]
    if level and all(c.kind == "maximum" for c in level):
        raise NoSeparatrixError()
    ratio = bottom_work_ratio(model, own)
    if ratio > 1.0 + UNSTABLE_MARGIN:
        raise UnstableWellError(ratio)
    return EnergyDiffusion(model, points, energy_branch(model, own, int(degree)), int(degree))


UNSTABLE_MARGIN = 1e-6
"""W/(D M) at the bottom may exceed 1 by this much (rounding at exactly the critical current)."""


class NoSeparatrixError(InputError):
    """The orbits about the well grow until they shrink onto a maximum of U (a point) without
    meeting a saddle or a circle of critical points: there is no second well and no separatrix
    (e.g. an axial magnet in a field |h| ≥ 1). A point is never reached by a diffusion on the
    sphere, so no first passage exists in this limit (use the 1D or 2D solver)."""

    def __init__(self) -> None:
        super().__init__("field", "the well's orbits close on a maximum of the energy, with no "
                         "saddle between: there is no separatrix and no second well (e.g. "
                         "|h| ≥ 1); the energy-diffusion limit needs one (use the 1D or 2D solver)")


class UnstableWellError(InputError):
    """The start well's bottom is unstable under the spin torque (W/(D M) ≥ 1 there: the
    torque's work per orbit exceeds the damping's loss, i.e. the current is above the well's
    critical current). The averaged equation then starts at a repelling point, its first
    passage and λ1 are not those of an escape from a well, and the solver refuses before
    building any branch (use the 1D or 2D solver)."""

    def __init__(self, ratio: float) -> None:
        self.ratio = ratio
        super().__init__("current_ratio", f"the start well is unstable: W/DM = {ratio:.6g} ≥ 1 at "
                         "its bottom (the current exceeds the well's critical current); the "
                         "energy-diffusion limit needs a well (use the 1D or 2D solver)")


def bottom_work_ratio(model: SphereModel, branch: Branch) -> float:
    """W/(D M) at the bottom of ``branch`` (> 1: the extremum is unstable under the torque),
    from the orbit integrals of three small orbits, extrapolated quadratically to the bottom (W and M
    both vanish there like the enclosed area)."""
    if model.drift is None:
        return 0.0
    Q = power(branch)
    u = 1.0 - 1e-4 * np.array([1.0, 2.0, 3.0])
    energies = branch.separatrix - branch.sign * branch.depth * u**Q
    orbits = orbit_integrals(model.potential, model.drift, branch, energies)
    r = orbits.work / (D * orbits.dissipation)
    return float(3.0 * r[0] - 3.0 * r[1] + r[2])  # quadratic extrapolation to u = 1


def _span(branches: tuple[EnergyBranch, ...] | list[EnergyBranch]) -> tuple[float, float]:
    """min Ψ over all branches and max Ψ over the wells (the caps about maxima of U climb far
    higher, but are never visited: their exponentials are clipped). The linear sums scaled by
    them hold e^{−(hi − lo)} … 1; the escape quantities are returned as logarithms
    (:mod:`~spintorque.thermal.energy.logchain`), so no span of Ψ overflows."""
    return reference(branches)


def _mfpt_spectral(e: EnergyBranch, n: int) -> float:
    """ln of the same double integral by Chebyshev spectral quadrature on n nodes (accurate to
    ~1e-12 while e^{−Ψ} does not fall far below its maximum towards the bottom; where it
    does, the inner integral loses its relative accuracy and the results scatter; nan where
    the sum is not positive)."""
    u = 0.5 * (nodes(n) + 1.0)
    psi, area, flow = e.psi(u), e.area(u), e.flow(u)
    lo, hi = _span([e])
    _, right = cumulative_matrix(n)
    inner = 0.5 * (right @ (np.exp(-(psi - lo)) * -e.area.deriv()(u)))  # ∫_u^1 e^{−Ψ} dΦ
    ratio = np.empty_like(inner)
    ratio[:-1] = inner[:-1] / area[:-1]
    ratio[-1] = math.exp(-(psi[-1] - lo))  # inner ≈ e^{−Ψ(1)} Φ near the bottom
    return _log(0.5 * (weights(n) @ (flow * np.exp(psi - hi) * ratio))) + hi - lo


def _log(x: float) -> float:
    return math.log(x) if x > 0 and math.isfinite(x) else math.nan


def _mfpt_chain(e: EnergyBranch, cells: int) -> float:
    """ln of the first passage from the bottom of branch ``e`` to its separatrix on the
    finite-volume chain of :func:`_chain`: T = Σ_j R_j Σ_{k ≥ j} π_k (resistance of each face
    times the mass beyond it), a sum of positive terms, so that no exponential is subtracted
    from another however far Ψ falls or rises along the branch (in log arithmetic,
    :mod:`~spintorque.thermal.energy.logchain`)."""
    star = LogStar((e,), cells)
    return log_tail_passage(star.log_mass[0], star.log_resistance[0])


class NotConvergedError(InputError):
    """A quadrature or iteration did not reach a useful accuracy (relative error estimate above
    :data:`USEFUL`); no number is returned."""

    def __init__(self, what: str, error: float) -> None:
        self.error = error
        super().__init__(what, f"the energy-diffusion solver did not converge (relative error "
                         f"estimate {error:.2g} > {USEFUL:g})")


MFPT_CELLS = (512, 1024, 2048, 4096)
"""Chain sizes for the first passage (each result Richardson-extrapolated from n/2 and n)."""
USEFUL = 1e-6
"""Largest relative error estimate of a first passage returned at all."""


SPECTRAL_NODES = (128, 256, 512, 1024)
"""Quadrature sizes of the spectral first passage (accepted once two agree to 1e-11)."""


def _relative(log_a: float, log_b: float) -> float:
    """|a − b|/a from the logarithms (inf where either is not finite)."""
    if not (math.isfinite(log_a) and math.isfinite(log_b)):
        return math.inf
    return abs(math.expm1(log_b - log_a))


def exp_or_refuse(log_value: float, what: str, where: str) -> float:
    """e^{log_value}, or an InputError naming ``what`` where a double cannot hold it (the
    logarithm is then given by ``where``)."""
    return LogResult(log_value, 0.0).value(what, where)


def log_mean_first_passage_time_with_error(ed: EnergyDiffusion, tol: float = 1e-10
                                           ) -> tuple[float, float]:
    """ln of the first passage [ln tau_N] of :func:`mean_first_passage_time` and its relative
    error estimate.

    Two evaluations of the same integral: the finite-volume chain (positive sums in log
    arithmetic, robust, ~1e-8), Richardson-extrapolated on 512 … 4096 cells (error: the change
    between the last two), and the spectral quadrature (~1e-12), used when it converges and
    agrees with the chain within the chain's error estimate.
    """
    previous, error = math.nan, math.inf
    coarse = _mfpt_chain(ed.well, MFPT_CELLS[0] // 2)
    for n in MFPT_CELLS:
        fine = _mfpt_chain(ed.well, n)
        value = richardson(fine, coarse, 4.0)  # the chain's error is O(h²)
        coarse = fine
        if not math.isfinite(value):
            return value, math.inf
        error = _relative(value, previous)
        previous = value
        if error <= tol:
            break
    last = math.nan
    for n in SPECTRAL_NODES:
        spectral = _mfpt_spectral(ed.well, n)
        change = _relative(spectral, last)
        if change <= 1e-11 and _relative(previous, spectral) <= 3.0 * error + 1e-12:
            return spectral, max(change, 1e-12)
        last = spectral
    return previous, error


def mean_first_passage_time_with_error(ed: EnergyDiffusion, tol: float = 1e-10
                                       ) -> tuple[float, float]:
    """The first passage [tau_N] of :func:`mean_first_passage_time` and its relative error
    estimate (InputError where the value is beyond double range: see
    :func:`log_mean_first_passage_time_with_error`)."""
    log_value, error = log_mean_first_passage_time_with_error(ed, tol)
    return exp_or_refuse(log_value, "mfpt", "log_mean_first_passage_time_with_error"), error


def mean_first_passage_time(ed: EnergyDiffusion, tol: float = 1e-10) -> float:
    """Mean first-passage time [tau_N] from the bottom of the well to its separatrix.

    The exact double integral T = ∫ dE e^{Ψ}/(D T̃ M) ∫ e^{−Ψ} dΦ, evaluated as the first passage
    of the reversible finite-volume chain of the branch (positive sums, no cancellation) and
    by spectral quadrature where that converges and agrees
    (:func:`mean_first_passage_time_with_error`); in the α → 0 limit this is also the mean
    first passage to any surface just beyond the separatrix (m·u = 0 in the 2D solver): from
    the separatrix the orbit crosses it within one precession period. Raises
    :class:`NotConvergedError` if the error estimate stays above :data:`USEFUL` (use
    :func:`mean_first_passage_time_with_error` for the estimate itself).
    """
    log_value, error = log_mean_first_passage_time_with_error(ed, tol)
    if not error <= USEFUL:
        raise NotConvergedError("mfpt", error)
    return exp_or_refuse(log_value, "mfpt", "log_mean_first_passage_time_with_error")


def effective_barrier(ed: EnergyDiffusion) -> float:
    """ΔE_eff [k_BT]: the largest rise of Ψ met on the way from the well to the separatrix
    (the exponent of the mean first-passage time, T ∝ e^{ΔE_eff} for large barriers)."""
    u = np.linspace(1.0, 0.0, 20001)  # from the bottom of the well to the separatrix
    psi = ed.well.psi(u)
    return float(max(0.0, np.max(psi - np.minimum.accumulate(psi))))


def _cells(cells: int) -> tuple[FloatArray, FloatArray]:
    """Cell edges in u (Chebyshev–Lobatto: fine at the separatrix and at the extremum) and centres."""
    edges = 0.5 * (1.0 - np.cos(np.pi * np.arange(cells + 1) / cells))
    return edges, 0.5 * (edges[1:] + edges[:-1])


def _chain(branches: tuple[EnergyBranch, ...], cells: int
           ) -> tuple[list[FloatArray], list[FloatArray], float, float]:
    """Per branch: cell masses ∫e^{−(Ψ−lo)}dΦ and resistances (vertex → first centre, then between
    centres) ∫e^{Ψ−hi} K/Φ du; the vertex has no mass. Returns lo, hi too."""
    edges, centres = _cells(cells)
    x, w = leg.leggauss(6)
    lo, hi = _span(branches)

    def integrate(a: FloatArray, b: FloatArray, e: EnergyBranch, mass: bool) -> FloatArray:
        t = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * x[None, :]
        if mass:
            values = np.exp(-(e.psi(t) - lo)) * -e.area.deriv()(t)
        else:
            values = np.exp(np.minimum(e.psi(t) - hi, 300.0)) * e.flow(t) / e.area(t)
        return np.asarray(0.5 * (b - a) * (values @ w))

    masses, resistances = [], []
    for e in branches:
        masses.append(integrate(edges[:-1], edges[1:], e, True))
        left = np.concatenate([[0.0], centres[:-1]])
        resistances.append(integrate(left, centres, e, False))
    return masses, resistances, lo, hi


def _green(masses: list[FloatArray], resistances: list[FloatArray], g: list[FloatArray],
           root: tuple[int, int]) -> list[FloatArray]:
    """(−L)^{-1} g on the star chain, for π-mean-zero g.

    With −L f = g, the flux through a face is the sum of πg over the part of the tree beyond it,
    and f rises by resistance × flux going away from any reference cell. The reference is the
    ``root`` (branch, cell), the most probable cell: every sum then runs over parts of the tree
    that hold little probability, so nothing cancels (cf. :func:`axial.smallest_eigenvalue`).
    """
    k0, j0 = root
    tails = [np.cumsum((pi * gk)[::-1])[::-1] for pi, gk in zip(masses, g, strict=True)]
    others = sum(float(t[0]) for k, t in enumerate(tails) if k != k0)
    pi, r = masses[k0], resistances[k0]
    f0 = np.zeros_like(pi)
    beyond = np.cumsum(r[j0 + 1:] * tails[k0][j0 + 1:])  # root → leaf
    f0[j0 + 1:] = beyond
    # faces between the vertex side and the root: flux = others + Σ_{i<j} π g
    inward = others + np.concatenate([[0.0], np.cumsum((pi * g[k0])[:j0])])  # faces 0..j0
    rise = r[:j0 + 1] * inward  # f_{j−1} − f_j for j ≤ j0 (j = 0: vertex − cell 0)
    climb = np.cumsum(rise[::-1])[::-1]  # f at cell j−1 (vertex for j = 0)
    f0[:j0] = climb[1:]
    vertex = float(climb[0])
    f = [f0 if k == k0 else vertex + np.cumsum(resistances[k] * tails[k])
         for k in range(len(masses))]
    total = sum(float(p.sum()) for p in masses)
    mean = sum(float(p @ fk) for p, fk in zip(masses, f, strict=True)) / total
    return [fk - mean for fk in f]


def _root(branches: tuple[EnergyBranch, ...], cells: int) -> tuple[int, int]:
    """(branch, cell) of the smallest Ψ at a cell centre: the most probable cell."""
    psi = np.array([e.psi(_cells(cells)[1]) for e in branches])
    k, j = np.unravel_index(int(np.argmin(psi)), psi.shape)
    return int(k), int(j)


def _dot(masses: list[FloatArray], a: list[FloatArray], b: list[FloatArray]) -> float:
    return float(sum(float(pi @ (x * y)) for pi, x, y in zip(masses, a, b, strict=True)))


def _log_rate(ed: EnergyDiffusion, cells: int, tol: float, max_iter: int) -> float:
    """ln(λ1·tau_N) of the star chain on ``cells`` cells per branch (log arithmetic, so the
    wells' stationary weights may differ by any factor: sigma = 500, i = 0.5 puts e^{−1000}
    on the start well)."""
    log_inverse, change = log_inverse_rate(LogStar(ed.branches, cells), tol, max_iter)
    if not (change <= USEFUL and math.isfinite(log_inverse)):
        raise NotConvergedError("lambda1", change)
    return -log_inverse


def log_smallest_eigenvalue(ed: EnergyDiffusion, cells: int = EIGEN_CELLS, tol: float = 1e-15,
                            max_iter: int = 2000) -> float:
    """ln(λ1·tau_N) of the averaged problem on its star graph: power iteration on the exact
    Green operator of a reversible chain (running sums from the most probable cell, in log
    arithmetic), Richardson-extrapolated from cells/2 and cells per branch."""
    coarse = _log_rate(ed, cells // 2, tol, max_iter)
    fine = _log_rate(ed, cells, tol, max_iter)
    value = richardson(fine, coarse, 4.0)
    if not math.isfinite(value):
        raise NotConvergedError("lambda1", math.inf)
    return value


def smallest_eigenvalue(ed: EnergyDiffusion, cells: int = EIGEN_CELLS, tol: float = 1e-15,
                        max_iter: int = 2000) -> float:
    """λ1·tau_N of :func:`log_smallest_eigenvalue` (InputError where a double cannot hold it)."""
    return exp_or_refuse(log_smallest_eigenvalue(ed, cells, tol, max_iter), "lambda1",
                         "log_smallest_eigenvalue")


def _cell_average(e: EnergyBranch, f: Chebyshev, edges: FloatArray) -> FloatArray:
    """∫ e^{−Ψ} (−f') du / ∫ e^{−Ψ} (−Φ') du over each cell (0 where the cell has no mass):
    the orbit average of the moment whose enclosed integral is f, weighted within the cell."""
    x, w = leg.leggauss(6)
    a, b = edges[:-1], edges[1:]
    t = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * x[None, :]
    psi = e.psi(t)
    boltz = np.exp(-(psi - psi.min(axis=1)[:, None]))  # per cell: no underflow of the ratio
    top, bottom = (boltz * -f.deriv()(t)) @ w, (boltz * -e.area.deriv()(t)) @ w
    return np.asarray(np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0))


def _log_relaxation(ed: EnergyDiffusion, u_obs: FloatArray, cells: int) -> float:
    """ln τ_int [ln tau_N] of m·u_obs on ``cells`` cells per branch."""
    branches = ed.branches
    star = LogStar(branches, cells)
    edges, _ = lobatto(0.0, 1.0, cells)
    from spintorque.thermal.sphere.escape2d import axially_symmetric

    # on orbits m·u_obs = const (a problem symmetric about u_obs) m·u_obs does not vary along
    # an orbit; elsewhere its variance along each orbit is ⟨o²⟩ − ō² from the second moments
    circles = axially_symmetric(ed.model, u_obs)
    obs, within = [], []
    for e in branches:
        first = sum(u_obs[i] * e.moments[i] for i in range(3))
        obs.append(_cell_average(e, first, edges))
        if not circles:
            square = sum(u_obs[i] * u_obs[j] * e.moments[3 + 3 * i + j] for i in range(3)
                         for j in range(3))
            within.append(_cell_average(e, square, edges) - obs[-1] ** 2)
    top = max(float(np.max(m)) for m in star.log_mass)
    weights_ = [np.exp(m - top) for m in star.log_mass]  # cells below e^{−745}: no weight
    total = sum(float(wk.sum()) for wk in weights_)
    mean = sum(float(wk @ o) for wk, o in zip(weights_, obs, strict=True)) / total
    # Var o = Σπ(ō − mean)² + Σπ Var_orbit(o), not ⟨o²⟩ − mean²: m·u ≈ 1 in a deep well, where
    # that difference would cancel ~5 digits (measured: τ_int 8e-6 low at sigma = 500, i = 0.5)
    variance = sum(float(wk @ (o - mean) ** 2) for wk, o in zip(weights_, obs, strict=True)) \
        + sum(float(wk @ v) for wk, v in zip(weights_, within, strict=False))  # [] on circles
    variance /= total
    if not variance > 0:
        raise NotConvergedError("integral_relaxation_time", math.inf)
    delta = [signed(o - mean) for o in obs]
    sign, log_numerator = star.dot(delta, star.green(delta))
    if not (sign > 0 and math.isfinite(log_numerator)):
        raise NotConvergedError("integral_relaxation_time", math.inf)
    return log_numerator - star.log_total - math.log(variance)


def log_integral_relaxation_time(ed: EnergyDiffusion, observable: ArrayLike | None = None,
                                 cells: int = EIGEN_CELLS) -> float:
    r"""ln of the integral relaxation time [ln tau_N] of m·u (u: ``observable``, default the
    well direction).

    τ_int = ⟨δō, (−L)^{-1} δō⟩_π / (Σπ (⟨o²⟩ − ⟨o⟩²)): only the orbit average ō relaxes slowly;
    the part of m·u that varies along an orbit decays within a precession period, which is
    zero in units of tau_N in this limit. Log arithmetic
    (:mod:`~spintorque.thermal.energy.logchain`); Richardson-extrapolated from cells/2 and cells.
    """
    u_obs = (ed.well.branch.extremum if observable is None
             else unit_vector(observable, "observable"))
    value = richardson(_log_relaxation(ed, u_obs, cells), _log_relaxation(ed, u_obs, cells // 2),
                       4.0)
    if not math.isfinite(value):
        raise NotConvergedError("integral_relaxation_time", math.inf)
    return value


def integral_relaxation_time(ed: EnergyDiffusion, observable: ArrayLike | None = None,
                             cells: int = EIGEN_CELLS) -> float:
    """τ_int [tau_N] of :func:`log_integral_relaxation_time` (InputError where a double
    cannot hold it)."""
    return exp_or_refuse(log_integral_relaxation_time(ed, observable, cells),
                         "integral_relaxation_time", "log_integral_relaxation_time")


# --- the transition surface: the top of Ψ on the way to the other well (issue 14) -----------
def _lobatto(a: float, b: float, cells: int) -> tuple[FloatArray, FloatArray]:
    """Chebyshev–Lobatto cell edges on [a, b] (fine at both ends) and their centres."""
    edges = a + (b - a) * 0.5 * (1.0 - np.cos(np.pi * np.arange(cells + 1) / cells))
    return edges, 0.5 * (edges[1:] + edges[:-1])


def _gauss(f: Callable[[FloatArray], FloatArray], a: FloatArray, b: FloatArray) -> FloatArray:
    x, w = leg.leggauss(6)
    t = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * x[None, :]
    return np.asarray(0.5 * (b - a) * (f(t) @ w))


def _masses(e: EnergyBranch, a: float, b: float, cells: int, lo: float) -> FloatArray:
    """Cell masses ∫ e^{−(Ψ − lo)} dΦ of branch e on Lobatto cells of [a, b]."""
    edges, _ = _lobatto(a, b, cells)
    return _gauss(lambda t: np.exp(-(e.psi(t) - lo)) * -e.area.deriv()(t), edges[:-1], edges[1:])


def _resistances(e: EnergyBranch, a: float, b: float, cells: int, hi: float,
                 last: bool = True) -> FloatArray:
    """Resistances ∫ e^{Ψ − hi} K/Φ du of the faces a → centre 0, centre j → centre j + 1 and
    (``last``) the last centre → b (cells + 1 faces; without ``last``, cells faces)."""
    _, centres = _lobatto(a, b, cells)
    left = np.concatenate([[a], centres])[:None if last else -1]
    right = np.concatenate([centres, [b]])[:None if last else -1]
    return _gauss(lambda t: np.exp(np.minimum(e.psi(t) - hi, 300.0)) * e.flow(t) / e.area(t),
                  left, right)


def _other_well(ed: EnergyDiffusion) -> int | None:
    """Index in ``ed.branches`` of the other well (the deepest minimum branch but the start)."""
    wells = [k for k, e in enumerate(ed.branches) if k > 0 and e.branch.sign > 0]
    if not wells:
        return None
    return min(wells, key=lambda k: float(ed.branches[k].branch.energy))


def transition_point(ed: EnergyDiffusion) -> tuple[int, float]:
    """(branch, u*) of the transition surface: the maximum of Ψ on the way from the bottom of
    the start well (branch 0, u = 1) through the separatrix (u = 0) to the bottom of the other
    well. Without a spin torque Ψ = E − E_s and it is the separatrix (0, 0.0); a torque moves
    it into the well's orbits (it lowers the barrier) or into the other well's (it stabilises
    the start well). An axially symmetric magnet has circular orbits m·u = z and this is the
    top z* of its effective potential (−h_eff for a constant efficiency)."""
    u = np.linspace(0.0, 1.0, 20001)
    psi = ed.well.psi(u)
    k = int(np.argmax(psi))
    scale = 1e-12 * (1.0 + float(np.max(np.abs(psi))))
    if k > 0 and psi[k] > scale:
        return 0, _refine_max(ed.well, u, k)
    other = _other_well(ed) if ed.model.drift is not None else None
    if other is not None:
        psi_o = ed.branches[other].psi(u)
        j = int(np.argmax(psi_o))
        if j == u.size - 1 and psi_o[j] > scale:
            raise InputError("current_ratio", "the averaged effective potential Ψ rises all the "
                             "way to the bottom of the other well: no reversed state and no "
                             "transition surface (a single well)")
        if j > 0 and psi_o[j] > scale:
            return other, _refine_max(ed.branches[other], u, j)
    return 0, 0.0


def _refine_max(e: EnergyBranch, u: FloatArray, k: int) -> float:
    from scipy.optimize import brentq

    lo, hi = u[max(k - 1, 0)], u[min(k + 1, u.size - 1)]
    slope = e.psi.deriv()
    if slope(lo) > 0 > slope(hi):
        return float(brentq(lambda x: float(slope(x)), lo, hi, xtol=1e-15))
    return float(u[k])


def _log_masses(e: EnergyBranch, a: float, b: float, cells: int, lo: float) -> FloatArray:
    """ln of :func:`_masses`."""
    edges, _ = _lobatto(a, b, cells)
    return log_masses(e, edges[:-1], edges[1:], lo)


def _log_resistances(e: EnergyBranch, a: float, b: float, cells: int, ref: float,
                     last: bool = True) -> FloatArray:
    """ln ∫ e^{Ψ − ref} K/Φ du over the faces of :func:`_resistances` (a well's branch: no
    clip is needed)."""
    _, centres = _lobatto(a, b, cells)
    left = np.concatenate([[a], centres])[:None if last else -1]
    right = np.concatenate([centres, [b]])[:None if last else -1]
    return log_resistances(e, left, right, ref, math.inf)


def _transition_chain(ed: EnergyDiffusion, where: tuple[int, float], cells: int) -> float:
    """ln of the first passage from the bottom of the start well to the transition point
    ``where`` on finite-volume chains: T = Σ_faces R_face × (mass on the start side of the
    face), a sum of positive terms in log arithmetic (cf. :func:`_mfpt_chain`)."""
    k, ustar = where
    branches: tuple[EnergyBranch, ...] = ed.branches if k else (ed.well,)
    lo, _ = _span(branches)
    start = 0.0 if k else ustar
    pi = _log_masses(ed.well, start, 1.0, cells, lo)
    R = _log_resistances(ed.well, start, 1.0, cells, lo, last=False)  # start → … → last centre
    total = log_tail_passage(pi, R)
    if k:
        others = float(np.logaddexp.reduce([np.logaddexp.reduce(_log_masses(e, 0.0, 1.0, cells, lo))
                                            for j, e in enumerate(branches) if j != k]))
        pk = _log_masses(branches[k], 0.0, ustar, cells, lo)
        Rk = _log_resistances(branches[k], 0.0, ustar, cells, lo)
        side = np.logaddexp(others, np.concatenate([[-np.inf], np.logaddexp.accumulate(pk)]))
        total = float(np.logaddexp(total, np.logaddexp.reduce(Rk + side)))
    return total


def _spectral_from(e: EnergyBranch, a: float, n: int) -> float:
    """ln T, T = ∫_a^1 du e^{Ψ} K/Φ ∫_u^1 e^{−Ψ} dΦ (first passage from the bottom of the
    start well to the orbit u = a) by Chebyshev spectral quadrature on n nodes of [a, 1] (cf.
    :func:`_mfpt_spectral`)."""
    half = 0.5 * (1.0 - a)
    u = a + half * (nodes(n) + 1.0)
    psi, area, flow = e.psi(u), e.area(u), e.flow(u)
    lo, hi = float(np.min(psi)), float(np.max(psi))
    _, right = cumulative_matrix(n)
    inner = half * (right @ (np.exp(-(psi - lo)) * -e.area.deriv()(u)))
    ratio = np.empty_like(inner)
    ratio[:-1] = inner[:-1] / area[:-1]
    ratio[-1] = math.exp(-(psi[-1] - lo))
    return _log(half * (weights(n) @ (flow * np.exp(psi - hi) * ratio))) + hi - lo


def _progress(where: tuple[int, float]) -> float:
    """Position of the orbit ``where`` = (branch, u) along the escape path: 1 − u in the start
    well (from its bottom u = 1 to the separatrix u = 0), 1 + u in the other well's orbits."""
    k, u = where
    return 1.0 + u if k else 1.0 - u


def _circle(ed: EnergyDiffusion, c: float) -> tuple[int, float] | None:
    """(branch, u) of the orbit m·u = c on a problem axially symmetric about the start well's
    axis u (its orbits are the circles m·u = const), None where that orbit lies beyond the
    separatrix and there is no other well."""
    axis = unit_vector(ed.well.branch.extremum, "well")
    side = np.array([1.0, 0.0, 0.0]) if abs(axis[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    side = side - (side @ axis) * axis
    side /= np.linalg.norm(side)

    def energy(z: float) -> float:
        return float(np.asarray(ed.model.potential((z * axis + math.sqrt(1.0 - z * z) * side)[None, :]))[0])

    e0, delta = energy(c), 1e-6
    scale = 1e-12 * (1.0 + abs(e0))
    slope = energy(c + delta) - energy(c - delta)
    if abs(slope) <= scale:
        return 0, 0.0
    if slope < 0:  # E falls towards the start well's bottom: c lies on the start side
        k, b = 0, ed.well.branch
    else:
        other = _other_well(ed)
        if other is None:
            return None
        k, b = other, ed.branches[other].branch
    x = (float(b.separatrix) - e0) / (b.sign * float(b.depth))
    return k, float(min(max(x, 0.0), 1.0) ** (1.0 / power(b)))


def mfpt_point(ed: EnergyDiffusion) -> tuple[int, float]:
    """(branch, u) of the target of the reported MFPT, the later on the escape path of the
    transition surface of :func:`transition_point` (the top of Ψ) and the separatrix of the
    switching definition: on a problem axially symmetric about the start well's axis u the
    circle m·u = 0 (THERMAL.md §6: the axial separatrix z = 0, whatever the field; the same
    target m·u = min(0, z*) as the axial and sphere methods), else the energy separatrix
    (0, 0.0)."""
    from spintorque.thermal.sphere.escape2d import axially_symmetric

    top = transition_point(ed)
    axis = unit_vector(ed.well.branch.extremum, "well")
    circle = _circle(ed, 0.0) if axially_symmetric(ed.model, axis) else (0, 0.0)
    if circle is None:
        return top
    return max((circle, top), key=_progress)


def mean_first_passage_time_to_target(ed: EnergyDiffusion, tol: float = 1e-10
                                      ) -> tuple[float, float]:
    """Mean first-passage time [tau_N] from the bottom of the start well to :func:`mfpt_point`
    and its relative error estimate (InputError where a double cannot hold it: see
    :func:`log_mean_first_passage_time_to_target`)."""
    log_value, error = log_mean_first_passage_time_to_target(ed, tol)
    return exp_or_refuse(log_value, "mfpt", "log_mean_first_passage_time_to_target"), error


def log_mean_first_passage_time_to_target(ed: EnergyDiffusion, tol: float = 1e-10
                                          ) -> tuple[float, float]:
    """ln of the mean first-passage time [ln tau_N] from the bottom of the start well to
    :func:`mfpt_point` and its relative error estimate:
    :func:`log_mean_first_passage_time_with_error` to the separatrix, or
    :func:`log_mean_first_passage_time_to_transition` to a transition surface in the other
    well's orbits. Raises :class:`NotConvergedError` above :data:`USEFUL`."""
    where = mfpt_point(ed)
    if where != (0, 0.0):
        return log_mean_first_passage_time_to_transition(ed, tol, where)
    value, error = log_mean_first_passage_time_with_error(ed, tol)
    if not (math.isfinite(value) and error <= USEFUL):
        raise NotConvergedError("mfpt", error)
    return value, max(error, 1e-13)


def _spectral_beyond(ed: EnergyDiffusion, where: tuple[int, float], n: int) -> float:
    """ln of the first passage from the bottom of the start well to the orbit ``where`` =
    (k, u*) in the other well's orbits (k > 0): the start well's part to the separatrix
    (:func:`_mfpt_spectral`) plus T₂ = ∫_0^{u*} du e^{Ψ_k} K_k/Φ_k (M_others + ∫_0^u e^{−Ψ_k}
    dΦ_k) (M_others: the stationary mass of every other branch, Gauss on fine Lobatto cells) by
    Chebyshev spectral quadrature on n nodes of [0, u*] (cf. :func:`_transition_chain`)."""
    k, ustar = where
    branches = ed.branches
    lo, hi = _span(branches)
    e = branches[k]
    others = sum(float(np.sum(_masses(b, 0.0, 1.0, 4096, lo))) for j, b in enumerate(branches)
                 if j != k)
    half = 0.5 * ustar
    u = half * (nodes(n) + 1.0)
    psi, area, flow = e.psi(u), e.area(u), e.flow(u)
    left, _ = cumulative_matrix(n)
    inner = half * (left @ (np.exp(-(psi - lo)) * -e.area.deriv()(u)))
    resistance = flow * np.exp(np.minimum(psi - hi, 300.0)) / area
    second = _log(float(half * (weights(n) @ (resistance * (others + inner))))) + hi - lo
    first = _mfpt_spectral(ed.well, n)
    return float(np.logaddexp(first, second)) if math.isfinite(first + second) else math.nan


def mean_first_passage_time_to_transition(ed: EnergyDiffusion, tol: float = 1e-10,
                                          where: tuple[int, float] | None = None
                                          ) -> tuple[float, float]:
    """The first passage [tau_N] of :func:`log_mean_first_passage_time_to_transition` and its
    relative error estimate (InputError where a double cannot hold it)."""
    log_value, error = log_mean_first_passage_time_to_transition(ed, tol, where)
    return exp_or_refuse(log_value, "mfpt", "log_mean_first_passage_time_to_transition"), error


def log_mean_first_passage_time_to_transition(ed: EnergyDiffusion, tol: float = 1e-10,
                                              where: tuple[int, float] | None = None
                                              ) -> tuple[float, float]:
    """ln of the mean first-passage time [ln tau_N] from the bottom of the start well to the
    transition surface of :func:`transition_point` (or to ``where``, a (branch, u) point on the
    escape path), and its relative error estimate (Richardson on :data:`MFPT_CELLS`, the
    change between the last two). Raises :class:`NotConvergedError` above :data:`USEFUL`."""
    if where is None:
        where = transition_point(ed)
    previous, error = math.nan, math.inf
    # two Richardson steps (the chain's error expands in h², h⁴ on the smooth Lobatto mesh)
    raw = [_transition_chain(ed, where, MFPT_CELLS[0] // 4),
           _transition_chain(ed, where, MFPT_CELLS[0] // 2)]
    first = [richardson(raw[1], raw[0], 4.0)]
    for n in MFPT_CELLS:
        raw.append(_transition_chain(ed, where, n))
        first.append(richardson(raw[-1], raw[-2], 4.0))
        value = richardson(first[-1], first[-2], 16.0)
        if not math.isfinite(value):
            raise NotConvergedError("mfpt", math.inf)
        error = _relative(value, previous)
        previous = value
        if error <= tol:
            break
    # spectral quadrature where it converges and agrees with the chains
    last = math.nan
    for n in SPECTRAL_NODES:
        spectral = _spectral_from(ed.well, where[1], n) if where[0] == 0 \
            else _spectral_beyond(ed, where, n)
        change = _relative(spectral, last)
        if change <= 1e-11 and _relative(previous, spectral) <= 3.0 * error + 1e-12:
            return spectral, max(change, 1e-12)
        last = spectral
    if not error <= USEFUL:
        raise NotConvergedError("mfpt", error)
    return previous, max(error, 1e-13)


def probability_beyond_transition(ed: EnergyDiffusion, cells: int = 2048) -> float:
    """Stationary probability beyond the transition surface of :func:`transition_point` (the
    other well's side), Σ ∫ e^{−Ψ} dΦ over the orbits beyond it / the total (every branch of
    the star); 0.0 where it underflows (see :func:`log_probability_beyond_transition`)."""
    return math.exp(log_probability_beyond_transition(ed, cells))


def log_probability_beyond_transition(ed: EnergyDiffusion, cells: int = 2048) -> float:
    """ln of :func:`probability_beyond_transition` (log arithmetic: any ratio of the wells'
    stationary weights)."""
    k, ustar = transition_point(ed)
    branches = ed.branches
    lo, _ = _span(branches)
    full = [float(np.logaddexp.reduce(_log_masses(e, 0.0, 1.0, cells, lo))) for e in branches]
    if k:
        beyond = float(np.logaddexp.reduce(_log_masses(branches[k], ustar, 1.0, cells, lo)))
    else:
        parts = full[1:] + ([float(np.logaddexp.reduce(_log_masses(ed.well, 0.0, ustar, cells,
                                                                   lo)))] if ustar > 0 else [])
        beyond = float(np.logaddexp.reduce(parts)) if parts else -math.inf
    return beyond - float(np.logaddexp.reduce(full))
