r"""Time evolution of the energy-diffusion equation on the star graph: write-error rate at low damping.

At low damping the 2D density on the sphere is, after a precession period (zero time in units of
tau_N in this limit), a function p_k(E, t) of the energy on each branch k of orbits
(:mod:`~spintorque.thermal.energy.diffusion`), obeying ∂_t(τ p) = −∂_E J with
J = (W − DM) p − D T̃ M ∂_E p and, at the separatrix vertex, p continuous and the fluxes summing
to zero. The write-error rate of THERMAL.md §6 (mass on m·u > 0 at the end of a pulse, from the
zero-current Boltzmann state restricted to m·u > 0) becomes, with f_k(E) the fraction of the
precession period that the orbit U = E of branch k spends on m·u > 0 (the orbit average of the
indicator, :func:`start_fraction`),

.. math:: \mathrm{WER}(t) = \sum_k \int p_k(E, t)\, f_k(E)\, d\Phi_k(E),\qquad
          p_k(E, 0) = e^{-E} f_k(E) \Big/ \sum_l \int e^{-E} f_l\, d\Phi_l

(the restricted start state, orbit-averaged: mass beyond the separatrix, on the caps about
maxima, counts with the fraction of each orbit on the start side; a well lying wholly on one
side has f ≡ 1 or 0).

Space: on each branch, cells uniform in the variable s with ds = √(τ/(D M)) dE, in which the
zero-current diffusion coefficient is 1 (near a well's bottom s ∝ the orbit's radius, near the
separatrix s ∝ E_s − E), so the generator's rates are bounded by ~N²/s_max². Each cell carries
its exact stationary mass π_j = ∫ e^{−Ψ} dΦ, each pair of centres the exact resistance
∫ e^{Ψ} |dE/du|/(D T̃ M) du (the exponentially fitted, Scharfetter–Gummel chain of
:mod:`~spintorque.thermal.energy.diffusion`, detailed balance exact on any grid); the vertex has no
mass and is eliminated (a clique of conductances g_k g_l / Σ g between the branches' first cells).

Time: the symmetrised generator S (g = P/√π) has nonnegative off-diagonal entries, so
e^{tS} is built from nonnegative pieces only (uniformisation for τ0 = 1/(2Λ), repeated squaring,
binary digits of t/τ0; :mod:`~spintorque.thermal.wer.propagator` for the 1D chain): a WER of 1e-30
keeps its relative accuracy. Long pulses hand over to the exact two-state law once it reproduces
the propagated masses (λ1 from the positive-sum Green iteration of the chain).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.polynomial import legendre as leg
from numpy.polynomial.chebyshev import Chebyshev
from numpy.typing import NDArray
from scipy.interpolate import PchipInterpolator
from scipy.linalg.blas import dsyrk
from scipy.special import logsumexp, xlogy

from spintorque.errors import InputError
from spintorque.thermal.energy.diffusion import (
    AREA_TOLERANCE,
    DEGREE,
    EnergyBranch,
    NoSeparatrixError,
    _dot,
    _green,
    _interpolant,
    _u_nodes,
    branch_geometry,
    energy_branch,
    power,
)
from spintorque.thermal.energy.orbits import Branch, OrbitGeometry, branch_about, critical_points
from spintorque.thermal.sphere.model import SphereModel

FloatArray = NDArray[np.float64]
_X, _W = leg.leggauss(16)
TERMS = 30
EPS = float(np.finfo(float).eps)
MAX_DOUBLINGS = 60
CUT_TOLERANCE = 1e-8
"""|m·u| below which a quadrature node counts as on the plane m·u = 0 (orbits within ~1e-12 of
a saddle on that plane, rounding of the saddle's azimuth)."""


@dataclass(frozen=True, eq=False)
class StarOrbits:
    """The current-independent part: critical points, the branches meeting at the start well's
    separatrix (start well first), their traced orbits and start-side fractions f_k(u).

    Attributes
    ----------
    start : SphereModel
        The zero-current problem (its U defines the orbits).
    axis : ndarray
        Switching axis u (start side m·u > 0).
    branches : tuple of Branch
    geometries : tuple of OrbitGeometry
    fractions : tuple of (float or Chebyshev)
        f_k(u): 0 or 1 for a branch wholly on one side, else a Chebyshev interpolant in u.
    zero_current : tuple of EnergyBranch
        The averaged zero-current branches (areas, Ψ = E − E_s, flows).
    """

    start: SphereModel
    axis: FloatArray
    branches: tuple[Branch, ...]
    geometries: tuple[OrbitGeometry, ...]
    fractions: tuple[float | Chebyshev, ...]
    zero_current: tuple[EnergyBranch, ...]
    degree: int = DEGREE

    @property
    def separatrix_dissipation(self) -> float:
        """M(E_s) of the start well [k_BT]: α M(E_s) is the energy damped in one separatrix turn."""
        return self.zero_current[0].separatrix_dissipation

    def bottom_decrement(self) -> float:
        """α-free log-decrement of the energy per precession turn at the start well's bottom,
        M'(E_0) = lim M/(E − E_0) (so α M'(E_0) is the fraction of E − E_0 damped per turn)."""
        e = self.zero_current[0]
        g = self.geometries[0]
        u = _u_nodes(self.degree)
        M = np.sum(g.weight * np.sum(g.grad * g.grad, axis=-1), axis=-1)
        eps = e.branch.depth * (1.0 - u ** power(e.branch))
        ratio = M / np.maximum(eps, 1e-300)
        return float(ratio[np.argmin(eps)])


    def bottom_period(self) -> float:
        """τ0 = dΦ/dE at the start well's bottom [1/k_BT]: the precession period there is
        (α/D) τ0 = 2α τ0 tau_N (from the orbit areas near the bottom)."""
        e = self.zero_current[0]
        u = 1.0 - 1e-6
        Q = power(e.branch)
        return float(e.area.deriv()(u) / (-Q * e.branch.depth * u ** (Q - 1)))


def start_fraction(geometry: OrbitGeometry, axis: FloatArray) -> float | Chebyshev:
    """f(u): the fraction of each orbit's period on m·u > 0, Σ weight·1[m·u > 0]/Σ weight.

    The quadrature is exact only where the plane m·u = 0 cuts the orbits at panel breaks of the
    azimuth rule (the saddles' azimuths, e.g. the caps of an in-plane magnet, cut on the plane
    through the saddles): a panel whose nodes lie on both sides is refused.
    """
    dot = np.sum(geometry.m * axis, axis=-1)
    panels = dot.reshape(dot.shape[0], -1, geometry.order)
    clear = np.abs(panels) > CUT_TOLERANCE  # nodes within it of the plane: rounding decides
    up = np.any(clear & (panels > 0), axis=-1)
    down = np.any(clear & (panels < 0), axis=-1)
    fallback = panels.sum(axis=-1) > 0
    side = np.repeat(np.where(up | down, up, fallback), geometry.order, axis=-1)
    if side.all():
        return 1.0
    if not side.any():
        return 0.0
    if np.any(up & down):
        raise InputError("well", "the plane m·u = 0 cuts the precession orbits away from the "
                         "saddles' azimuths: the start-side fraction of an orbit is not "
                         "resolved by the energy-diffusion solver (use --method sphere)")
    f = np.sum(geometry.weight * side, axis=-1) / np.sum(geometry.weight, axis=-1)
    return _interpolant(f)


def star_orbits(start: SphereModel, axis: FloatArray, degree: int = DEGREE) -> StarOrbits:
    """Critical points, branches, traced orbits and start-side fractions of ``start``.

    Raises InputError (plain words) where the averaged problem does not exist: no minimum on the
    start side, no saddle (no separatrix), several separatrix levels (the branches do not tile
    the sphere), orbits the ray tracing cannot follow, or a start side that cuts orbits.
    """
    u_axis = np.asarray(axis, dtype=float)
    points = critical_points(start.potential)
    minima = [c for c in points if c.kind == "minimum"]
    if not minima:
        raise InputError("well", "the energy has no isolated minimum (no well to start from)")
    first = max(minima, key=lambda c: float(c.direction @ u_axis))
    if not float(first.direction @ u_axis) > 0.0:
        raise InputError("well", "no minimum of the energy lies on the start side m·u > 0")
    own = branch_about(start.potential, first, points)
    scale = 1.0 + max(c.energy for c in points) - min(c.energy for c in points)
    level = [c for c in points if abs(c.energy - own.separatrix) < 1e-7 * scale]
    if level and all(c.kind == "maximum" for c in level):
        raise NoSeparatrixError()
    branches = [own]
    for c in points:
        if c.kind not in ("minimum", "maximum") or float(c.direction @ own.extremum) > 1 - 1e-12:
            continue
        if (c.kind == "minimum") != (c.energy < own.separatrix):
            continue
        branches.append(branch_about(start.potential, c, points, separatrix=own.separatrix))
    geometries = tuple(branch_geometry(start, b, degree) for b in branches)
    zero = tuple(energy_branch(start, b, degree, g) for b, g in zip(branches, geometries, strict=True))
    total = sum(float(e.area(0.0)) for e in zero)
    if abs(total - 4 * math.pi) > AREA_TOLERANCE * 4 * math.pi:
        raise InputError("well", f"the orbits meeting at the separatrix cover {total:.6g} sr, not "
                         "4π: the energy has more than one separatrix level, which the "
                         "energy-diffusion WER does not handle (use --method sphere)")
    fractions = tuple(start_fraction(g, u_axis) for g in geometries)
    return StarOrbits(start, u_axis, tuple(branches), geometries, fractions, zero, degree)


@dataclass(frozen=True)
class StarChain:
    """The finite-volume chain of one current on N cells per branch (cells of all branches in
    order, branch k's cells k·N … k·N + N − 1, the first next to the vertex).

    Attributes
    ----------
    log_mass : ndarray
        log π_j (stationary masses under the current, unnormalised).
    S : scipy.sparse.csr_matrix
        Symmetrised generator (g = P/√π), times in tau_N.
    outflow : ndarray
        −diag S.
    start_weight, switched_weight : ndarray
        Per cell, the start-side fraction f̄_j and 1 − f̄_j of its (locally stationary) mass.
    p0 : ndarray
        Cell probabilities of the start state (zero-current Boltzmann restricted to m·u > 0).
    masses, resistances : list of ndarray
        Per branch, scaled π and R (for the Green iteration).
    scale : float
        log of the product of their scales (physical π R = scaled π R · e^{scale}).
    """

    log_mass: FloatArray
    S: sp.csr_matrix
    outflow: FloatArray
    start_weight: FloatArray
    switched_weight: FloatArray
    p0: FloatArray
    masses: list[FloatArray]
    resistances: list[FloatArray]
    scale: float


def _s_edges(e: EnergyBranch, cells: int) -> FloatArray:
    """Cell edges in u (0 = vertex … 1 = extremum) uniform in s, ds/du = √(−Φ_u K/Φ) (zero current)."""
    t = 0.5 * (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, 2049)))
    a, b = t[:-1], t[1:]
    x = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * _X[None, :]
    dsdu = np.sqrt(np.maximum(-e.area.deriv()(x) * e.flow(x) / e.area(x), 0.0))
    s = np.concatenate([[0.0], np.cumsum(0.5 * (b - a) * (dsdu @ _W))])
    if not (np.all(np.isfinite(s)) and s[-1] > 0):
        raise InputError("well", "the orbit integrals of a branch are not finite")
    keep = np.concatenate([[True], np.diff(s) > 1e-14 * s[-1]])
    inverse = PchipInterpolator(s[keep] / s[-1], t[keep])
    edges = np.asarray(inverse(np.linspace(0.0, 1.0, cells + 1)))
    edges[0], edges[-1] = 0.0, 1.0
    return edges


def _log_integral(a: FloatArray, b: FloatArray, log_f: FloatArray) -> FloatArray:
    """log ∫_a^b e^{log_f} du per interval, log_f sampled at the 16 Gauss nodes (rows)."""
    top = log_f.max(axis=1)
    empty = ~np.isfinite(top)  # an integrand that vanishes on the whole cell
    top = np.where(empty, 0.0, top)
    with np.errstate(divide="ignore"):
        out = top + np.log(0.5 * (b - a) * (np.exp(log_f - top[:, None]) @ _W))
    return np.asarray(np.where(empty, -np.inf, out))


def _nodes(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * _X[None, :])


def _fraction(f: float | Chebyshev, x: FloatArray) -> FloatArray:
    return np.full_like(x, float(f)) if isinstance(f, float) else np.clip(f(x), 0.0, 1.0)


def averaged_branches(orbits: StarOrbits, model: SphereModel) -> list[EnergyBranch]:
    """The averaged branches of ``model`` (one current) on the orbits of ``orbits``."""
    return [energy_branch(model, b, orbits.degree, g)
            for b, g in zip(orbits.branches, orbits.geometries, strict=True)]


def star_chain(orbits: StarOrbits, model: SphereModel, cells: int,
               branches: list[EnergyBranch] | None = None) -> StarChain:
    """The chain of ``model`` (one current) on ``cells`` cells per branch (see the module
    docstring); ``branches`` (:func:`averaged_branches`) reuses the averaged coefficients."""
    if branches is None:
        branches = averaged_branches(orbits, model)
    E0 = orbits.branches[0].energy
    log_mass, log_res, weights, log_p0 = [], [], [], []
    for e, z, f in zip(branches, orbits.zero_current, orbits.fractions, strict=True):
        edges = _s_edges(z, cells)
        centres = 0.5 * (edges[1:] + edges[:-1])
        lo, hi = edges[:-1], edges[1:]
        x = _nodes(lo, hi)
        with np.errstate(divide="ignore"):
            dphi = np.log(np.maximum(-e.area.deriv()(x), 0.0))
        lm = _log_integral(lo, hi, dphi - e.psi(x))
        frac = _fraction(f, x)
        dens = np.exp(dphi - e.psi(x) - (lm[:, None] - np.log(0.5 * (hi - lo))[:, None]))
        weights.append(np.clip(0.5 * (hi - lo) * ((dens * frac) @ _W) / (0.5 * (hi - lo) * (dens @ _W)),
                               0.0, 1.0))
        with np.errstate(divide="ignore"):
            log_p0.append(_log_integral(lo, hi, dphi - (e.energy(x) - E0) + np.log(frac)))
        left = np.concatenate([[0.0], centres[:-1]])
        xr = _nodes(left, centres)
        log_res.append(_log_integral(left, centres, e.psi(xr) + np.log(e.flow(xr) / e.area(xr))))
        log_mass.append(lm)
    n_b = len(branches)
    n = n_b * cells
    lm_all = np.concatenate(log_mass)
    rows, cols, vals = [], [], []
    for k in range(n_b):
        off = k * cells
        lr = log_res[k]
        i = off + np.arange(cells - 1)
        v = np.exp(-lr[1:] - 0.5 * (lm_all[i] + lm_all[i + 1]))
        rows += [i, i + 1]
        cols += [i + 1, i]
        vals += [v, v]
    g_log = np.array([-lr[0] for lr in log_res])
    total = float(logsumexp(g_log))
    first = np.arange(n_b) * cells
    for k in range(n_b):
        for m in range(n_b):
            if k != m:
                c_km = math.exp(g_log[k] + g_log[m] - total - 0.5 * (lm_all[first[k]] + lm_all[first[m]]))
                rows.append(np.array([first[k]]))
                cols.append(np.array([first[m]]))
                vals.append(np.array([c_km]))
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    off_diag = sp.csr_matrix((v, (r, c)), shape=(n, n))
    # outflow_i = Σ_j c_ij/π_i = Σ_j S_ij √(π_j/π_i)
    sq = np.exp(0.5 * (lm_all - lm_all.max()))
    outflow = np.asarray(off_diag @ sq) / sq
    if not np.all(np.isfinite(outflow)) or not np.all(np.isfinite(v)):
        raise InputError("sigma", "the energy landscape under this current spans more than double "
                         "precision can hold (exponents beyond ~700 k_BT)")
    S = (off_diag - sp.diags(outflow)).tocsr()
    p0 = np.exp(np.concatenate(log_p0) - logsumexp(np.concatenate(log_p0)))
    w = np.concatenate(weights)
    # scaled linear masses/resistances for the Green iteration (caps clipped as in diffusion._chain)
    a = float(lm_all.max())
    wells = [k for k, b in enumerate(orbits.branches) if b.sign > 0]
    b_scale = max(float(log_res[k].max()) for k in wells)
    masses = [np.exp(lm - a) for lm in log_mass]
    res = [np.exp(np.minimum(lr - b_scale, 300.0)) for lr in log_res]
    return StarChain(lm_all, S, outflow, w, 1.0 - w, p0, masses, res, a + b_scale)


def chain_rate(chain: StarChain, tol: float = 1e-14, max_iter: int = 3000) -> float:
    """λ1·tau_N of the chain: power iteration on its exact Green operator (positive sums,
    :func:`~spintorque.thermal.energy.diffusion._green`); NaN if it does not converge."""
    masses, res = chain.masses, chain.resistances
    k0 = int(np.argmax([m.max() for m in masses]))
    root = (k0, int(np.argmax(masses[k0])))
    total = sum(float(m.sum()) for m in masses)
    g = [np.full(m.size, 1.0 if k == 0 else -1.0) for k, m in enumerate(masses)]
    mean = sum(float(m @ x) for m, x in zip(masses, g, strict=True)) / total
    g = [x - mean for x in g]
    estimate, change = 0.0, math.inf
    for _ in range(max_iter):
        f = _green(masses, res, g, root)
        rayleigh = _dot(masses, f, g) / _dot(masses, g, g)
        size = _dot(masses, f, f)
        if not (math.isfinite(rayleigh) and rayleigh > 0 and math.isfinite(size) and size > 0):
            return math.nan
        g = [x / math.sqrt(size) for x in f]
        change = abs(rayleigh - estimate) / abs(rayleigh)
        estimate = rayleigh
        if change <= tol:
            break
    if not (change <= 1e-9 and math.isfinite(estimate) and estimate > 0):
        return math.nan
    return float(1.0 / (estimate * math.exp(chain.scale)))


def stationary_start_mass(chain: StarChain) -> tuple[float, float]:
    """(start-side, switched) masses of the chain's stationary state, in positive sums."""
    w = np.exp(chain.log_mass - chain.log_mass.max())
    total = float(w.sum())
    return float(w @ chain.start_weight) / total, float(w @ chain.switched_weight) / total


@dataclass(frozen=True)
class StarMasses:
    """Start-side and switched masses at each time from one chain, with the rounding bound,
    hand-over time (None: propagated throughout), its residual and λ1."""

    start: FloatArray
    switched: FloatArray
    rounding: FloatArray
    handover: float | None
    handover_residual: float
    rate: float


def _poisson(x: float) -> FloatArray:
    k = np.arange(TERMS + 1, dtype=float)
    log_factorial = np.array([math.lgamma(j + 1.0) for j in range(TERMS + 1)])
    return np.asarray(np.exp(xlogy(k, x) - x - log_factorial))


def _square(E: FloatArray) -> FloatArray:
    C = dsyrk(1.0, E)
    C += C.T
    C[np.diag_indices_from(C)] *= 0.5
    return np.asarray(C)


def _rounding(steps: FloatArray | float) -> FloatArray:
    """Relative rounding bound after ``steps`` elementary steps (8 eps each, as in the 1D propagator)."""
    return np.asarray(8.0 * EPS * (np.asarray(steps) + TERMS))


def star_masses(chain: StarChain, times: FloatArray, handover_tol: float = 1e-11) -> StarMasses:
    """Masses on the start side and switched at ``times`` [tau_N], in nonnegative arithmetic."""
    times = np.asarray(times, dtype=float)
    n = chain.outflow.size
    Lam = 2.0 * float(chain.outflow.max())
    tau0 = 0.5 / Lam
    P = (sp.identity(n, format="csr") + chain.S / Lam).tocsr()  # >= 0: diagonal >= 1/2
    P.data = np.maximum(P.data, 0.0)
    sq = np.exp(0.5 * (chain.log_mass - chain.log_mass.max()))
    a_start = sq * chain.start_weight
    a_switch = sq * chain.switched_weight
    g0 = chain.p0 / sq  # g = P/√π in the scaled masses (the scale cancels in a·g)

    def masses(V: FloatArray) -> tuple[FloatArray, FloatArray]:
        return np.asarray(a_start @ V), np.asarray(a_switch @ V)

    coeff = _poisson(tau0 * Lam)
    E = coeff[TERMS] * np.eye(n)
    for k in range(TERMS - 1, -1, -1):
        E = np.asarray(P @ E)
        E[np.diag_indices_from(E)] += coeff[k]
    E = 0.5 * (E + E.T)
    rate = chain_rate(chain)
    stationary = stationary_start_mass(chain)
    t_max = float(times.max()) if times.size else 0.0
    ladder = [E]
    v = E @ g0
    handover: float | None = None
    residual = 0.0
    level = 0
    while (1 << level) * tau0 < t_max:
        T = (1 << level) * tau0
        before = masses(v[:, None])
        v = ladder[-1] @ v
        after = masses(v[:, None])
        if math.isfinite(rate):
            kept = math.exp(-rate * T)
            predicted = [s * -math.expm1(-rate * T) + float(m[0]) * kept
                         for s, m in zip(stationary, before, strict=True)]
            residual = max(
                float(abs(p - float(a[0])) / float(a[0])) if a[0] > 0 else (0.0 if p == 0 else math.inf)
                for p, a in zip(predicted, after, strict=True))
            if residual <= max(handover_tol, 2.0 * float(_rounding(2.0 * T / tau0))):
                handover = T
                break
        else:
            residual = math.inf
        if level >= MAX_DOUBLINGS:
            break  # beyond 2^60 τ0: the late times below get an infinite error
        # (no stop on the rounding bound: it is reported with every value and enters the
        # error estimate, whereas a two-state law without a passed check would be a guess)
        ladder.append(_square(ladder[-1]))
        level += 1
    reach = (1 << (len(ladder) - 1)) * tau0
    direct = np.minimum(times, handover if handover is not None else reach)
    start, switched, steps = _propagate(ladder, P, g0, direct / tau0, masses)
    rounding = _rounding(steps)
    if handover is not None:
        late = times > handover
        if late.any():
            s0, w0, n0 = _propagate(ladder, P, g0, np.array([handover / tau0]), masses)
            decay = np.exp(-rate * (times[late] - handover))
            grow = -np.expm1(-rate * (times[late] - handover))
            start[late] = stationary[0] * grow + s0[0] * decay
            switched[late] = stationary[1] * grow + w0[0] * decay
            rounding[late] = _rounding(n0[0])
    else:
        residual = 0.0
        rounding[times > reach] = math.inf  # not reached (more than 2^60 steps τ0)
    return StarMasses(start, switched, rounding, handover, residual, rate)


def _propagate(ladder: list[FloatArray], P: sp.csr_matrix, g0: FloatArray, steps: FloatArray,
               masses: Callable[[FloatArray], tuple[FloatArray, FloatArray]]
               ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Masses after ``steps`` (units of τ0) from g0: uniformised fraction, then the binary ladder."""
    whole = np.floor(steps)
    fraction = steps - whole
    n_steps = whole.astype(np.int64)
    k = np.arange(TERMS + 1, dtype=float)[:, None]
    log_factorial = np.array([math.lgamma(j + 1.0) for j in range(TERMS + 1)])[:, None]
    x = 0.5 * fraction[None, :]
    coeff = np.exp(xlogy(k, x) - x - log_factorial)
    V = np.zeros((g0.size, steps.size))
    pw = g0[:, None].copy()
    for j in range(TERMS + 1):
        V += pw * coeff[j][None, :]
        pw = np.asarray(P @ pw)
    for level, E in enumerate(ladder):
        cols = ((n_steps >> level) & 1) == 1
        if cols.any():
            V[:, cols] = E @ V[:, cols]
    start, switched = masses(V)
    return np.asarray(start, dtype=float), np.asarray(switched, dtype=float), whole + 1.0
