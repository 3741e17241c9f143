r"""The axial Fokker–Planck equation as a reversible finite-volume chain (exact detailed balance).

.. math::

    2\tau_N \partial_t W = \partial_z\big[(1 - z^2)(\partial_z W + W \partial_z U)\big]
    = \partial_z\big[(1 - z^2) e^{-U} \partial_z (W e^{U})\big]

Cells: edges uniform in θ on each hemisphere (θ is the coordinate in which the diffusion is
constant, and the poles, where the wells are, get the finest cells); z = 0, the separatrix of
THERMAL.md §6, is always an edge, so the start-side mass is a sum over whole cells. Each cell k
carries its exact Boltzmann mass π_k = ∫_cell e^{−U} dz, each pair of neighbouring centres the
exact resistance r_k = ∫ 2 e^{U}/(1 − z²) dz (8-point Gauss–Legendre per interval, evaluated in
log space). The chain

    dp_k/dt = J_{k−1} − J_k,   J_k = (p_k/π_k − p_{k+1}/π_{k+1}) / r_k   (t in tau_N)

is the Scharfetter–Gummel (exponentially fitted) discretisation: its stationary state is the
exact Boltzmann distribution whatever the grid, its generator is an M-matrix, and it is
symmetric in the variables g = p/√π, with off-diagonal 1/(r_k √(π_k π_{k+1})) and diagonal
−(1/(r_{k−1} π_k) + 1/(r_k π_k)), every entry a ratio of *local* exponentials (no overflow
whatever sigma). The discretisation error is O(h²) with a regular expansion in h² (uniform cells in
θ), removed by Richardson extrapolation over grids of N, 2N, 4N, ... cells.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre as leg
from numpy.typing import NDArray
from scipy.special import logsumexp

from spintorque.thermal.axial import chain as axial_chain
from spintorque.thermal.axial.fokker_planck import AxialModel

FloatArray = NDArray[np.float64]
_NODES, _WEIGHTS = leg.leggauss(8)


def _log_integrals(a: FloatArray, b: FloatArray, log_f: Callable[[FloatArray], FloatArray]) -> FloatArray:
    """log ∫_a^b exp(log_f(t)) dt for each interval, the exponent scaled by its largest node value."""
    t = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * _NODES[None, :]
    values = log_f(t)
    top = values.max(axis=1)
    return np.asarray(top + np.log(0.5 * (b - a) * (np.exp(values - top[:, None]) @ _WEIGHTS)))


EQUATOR_GRADING = (0.05, 0.1)
"""(c, ε) of the map from the uniform parameter s ∈ [0, 1] of each hemisphere (s = 0 on the
equator) to the latitude ψ = (π/2) φ(s), z = sin ψ: φ' ∝ c + (1 − c)(1 − e^{−(s/ε)²}), so the
cells next to z = 0 are 18 times finer than uniform-in-θ ones and the rest 9 % coarser
(issue 14). The start distribution is cut at z = 0, so at short times (read disturb,
t ≲ 1e-2 tau_N) everything happens in a layer at z = 0 that uniform cells resolve by a few
cells only (relative accuracy 1e-3 … 1e-1). The map is smooth with φ' > 0, so the error keeps
its expansion in h² (Romberg). The smallest cells raise the uniformisation rate Λ ~400×, and
with it the propagator's rounding bound per unit time, so the graded chain is used for short
pulses only
(:data:`spintorque.thermal.wer.rates.SHORT_PULSE`)."""


def _latitude_map(s: FloatArray, c: float, eps: float) -> FloatArray:
    """φ(s) of :data:`EQUATOR_GRADING`, φ(0) = 0, φ(1) = 1."""
    from scipy.special import erf

    def raw(x: FloatArray) -> FloatArray:
        return np.asarray(c * x + (1.0 - c) * (x - eps * 0.5 * math.sqrt(math.pi) * erf(x / eps)))
    return np.asarray(raw(s) / raw(np.array(1.0)))


def theta_edges(cells: int, grading: tuple[float, float] | None = None) -> FloatArray:
    """Cell edges in z, ascending from −1 to 1, z = 0 an edge: on each hemisphere uniform in the
    parameter of :data:`EQUATOR_GRADING` (None: uniform in θ)."""
    if cells < 4 or cells % 2:
        raise ValueError("cells must be even and >= 4")
    half = cells // 2
    s = np.linspace(0.0, 1.0, half + 1)
    psi = 0.5 * np.pi * (s if grading is None else _latitude_map(s, *grading))
    upper = np.sin(psi)  # 0 ... 1
    upper[0], upper[-1] = 0.0, 1.0
    return np.concatenate([-upper[::-1][:-1], upper])


@dataclass(frozen=True)
class Chain:
    """The symmetrised chain of one model on one grid.

    Attributes
    ----------
    edges : ndarray
        Cell edges in z (N + 1, ascending, z = 0 among them).
    log_mass : ndarray
        log π_k (N), the Boltzmann masses ∫_cell e^{−U} dz.
    log_resistance : ndarray
        log r_k (N − 1) between neighbouring centres.
    coupling : ndarray
        Off-diagonal of the symmetric generator, 1/(r_k √(π_k π_{k+1})) [1/tau_N].
    outflow : ndarray
        Total escape rate of each cell (minus the diagonal) [1/tau_N].
    start_side : ndarray of bool
        Cells with z > 0.
    """

    edges: FloatArray
    log_mass: FloatArray
    log_resistance: FloatArray
    coupling: FloatArray
    outflow: FloatArray
    start_side: NDArray[np.bool_]

    @property
    def cells(self) -> int:
        return int(self.log_mass.size)

    def stationary_start_mass(self) -> tuple[float, float]:
        """Stationary masses (start side z > 0, switched side z < 0) of the chain, in log space."""
        total = float(logsumexp(self.log_mass))
        plus = float(logsumexp(self.log_mass[self.start_side])) - total
        minus = float(logsumexp(self.log_mass[~self.start_side])) - total
        return math.exp(plus), math.exp(minus)


def build_chain(model: AxialModel, cells: int, grading: tuple[float, float] | None = None) -> Chain:
    """The chain of ``model`` (nu = 0: use :meth:`AxialModel.equivalent` first) on ``cells`` cells
    (uniform in θ, or graded towards z = 0 with ``grading``, see :func:`theta_edges`)."""
    edges = theta_edges(cells, grading)
    centres = 0.5 * (edges[1:] + edges[:-1])
    log_mass = _log_integrals(edges[:-1], edges[1:], lambda t: -model.potential(t))
    log_resistance = _log_integrals(
        centres[:-1], centres[1:], lambda t: model.potential(t) + math.log(2.0) - np.log1p(-t * t)
    )
    coupling = np.exp(-log_resistance - 0.5 * (log_mass[:-1] + log_mass[1:]))
    outflow = np.zeros(cells)
    outflow[:-1] += np.exp(-log_resistance - log_mass[:-1])
    outflow[1:] += np.exp(-log_resistance - log_mass[1:])
    return Chain(edges, log_mass, log_resistance, coupling, outflow, edges[1:] > 0.0)


def initial_probability(chain: Chain, start: AxialModel) -> FloatArray:
    """p0_k: the Boltzmann distribution of ``start`` restricted to z > 0 and normalised, per cell
    (see :func:`initial_state`; computed in log space, cells below 1e-308 are 0)."""
    edges = chain.edges
    log_p0 = _log_integrals(edges[:-1], edges[1:], lambda t: -start.potential(t))
    log_p0 = np.where(chain.start_side, log_p0, -np.inf)
    with np.errstate(under="ignore"):
        return np.asarray(np.exp(log_p0 - logsumexp(log_p0[chain.start_side])))


def initial_state(chain: Chain, start: AxialModel) -> FloatArray:
    """g(0) = p0/√π for the Boltzmann distribution of ``start`` restricted to z > 0 and normalised.

    p0_k = ∫_cell e^{−U_0} dz / ∫_0^1 e^{−U_0} dz on the start side, 0 elsewhere (THERMAL.md §6).
    """
    edges = chain.edges
    log_p0 = _log_integrals(edges[:-1], edges[1:], lambda t: -start.potential(t))
    log_p0 = np.where(chain.start_side, log_p0, -np.inf)
    log_p0 = log_p0 - logsumexp(log_p0[chain.start_side])
    return np.asarray(np.exp(log_p0 - 0.5 * chain.log_mass))


def chain_rate(chain: Chain, tol: float = 1e-14, max_iter: int = 3000) -> float:
    """λ1·tau_N of the chain, to full relative accuracy however small.

    Power iteration on the chain's exact Green operator, applied with running sums of positive
    terms (the method of :func:`spintorque.thermal.axial.smallest_eigenvalue`, on this grid), so
    that an exponentially small rate is not lost to rounding (a symmetric eigensolver would give
    it only to eps·‖S‖ absolute). Where the masses or resistances span more than
    :data:`LINEAR_RANGE` (large sigma or current: e^{−U} leaves the double range) the same
    Green operator is applied in signed log arithmetic (:func:`log_chain_rate`); a rate below
    the double range (a barrier above ~700 k_BT) comes back as 0.0; NaN where the
    linear iteration cannot run (the caller then uses the eigensolver's value).
    """
    if max(np.ptp(chain.log_mass), np.ptp(chain.log_resistance)) > LINEAR_RANGE:
        log_rate, _ = log_chain_rate(chain)
        return math.exp(log_rate) if log_rate > _LOG_TINY else 0.0
    top_m, top_r = float(chain.log_mass.max()), float(chain.log_resistance.max())
    masses = np.exp(chain.log_mass - top_m)
    resistances = np.exp(chain.log_resistance - top_r)
    n = chain.cells
    upper = np.arange(n - 1) >= (n - 1) // 2
    deep_right = bool(chain.log_mass[-1] >= chain.log_mass[0])
    total = masses.sum()

    def green(g: FloatArray) -> FloatArray:
        weighted = masses * g
        below = np.cumsum(weighted)[:-1]
        above = -np.cumsum(weighted[::-1])[::-1][1:]
        steps = -resistances * np.where(upper, above, below)
        if deep_right:
            f = np.concatenate([-np.cumsum(steps[::-1])[::-1], [0.0]])
        else:
            f = np.concatenate([[0.0], np.cumsum(steps)])
        return np.asarray(f - np.dot(masses, f) / total)

    g = np.linspace(-1.0, 1.0, n)
    g -= np.dot(masses, g) / total
    estimate = 0.0
    for _ in range(max_iter):
        f = green(g)
        rayleigh = float(np.dot(masses, f * g) / np.dot(masses, g * g))
        norm = math.sqrt(float(np.dot(masses, f * f)))
        if not (norm > 0 and math.isfinite(norm) and math.isfinite(rayleigh)):
            return math.nan  # the masses underflowed away from the deep well: no rate from here
        g = f / norm
        converged = abs(rayleigh - estimate) <= tol * abs(rayleigh)
        estimate = rayleigh
        if converged:
            break
    if not estimate > 0:
        return math.nan
    return float(math.exp(-(top_m + top_r)) / estimate)


LINEAR_RANGE = 250.0
"""Largest spread of log π and log r (natural log) for which :func:`chain_rate` scales by the
largest value and works in plain doubles (its iterate's π-norm squares values: 2 × 250 stays
well inside the double range)."""
_LOG_TINY = math.log(np.finfo(float).tiny)


class _LogChain(axial_chain.Chain):
    """A WER chain seen by the signed-log Green operator of :mod:`spintorque.thermal.axial.chain`
    (its own masses and resistances, not re-integrated)."""

    def __init__(self, chain: Chain) -> None:  # the parent's landscape integrals are not needed
        self.log_mass = chain.log_mass
        self.log_resistance = chain.log_resistance
        self.centres = 0.5 * (chain.edges[1:] + chain.edges[:-1])
        self.anchor = int(np.argmax(chain.log_mass))
        self.log_total = float(logsumexp(chain.log_mass))
        self.reference = 0.0


def log_chain_rate(chain: Chain, tol: float = 1e-13) -> tuple[float, bool]:
    """ln(λ1·tau_N) of the chain and whether the iteration converged, in signed log arithmetic.

    Subspace iteration on the Green operator (:meth:`spintorque.thermal.axial.chain.Chain.
    log_inverse_rate`), started on z, z² and the indicator of each side of the highest
    resistance (the barrier): masses e^{−2000} and rates e^{−1000} keep their relative accuracy.
    """
    log_chain = _LogChain(chain)
    z = log_chain.centres
    barrier = z[int(np.argmax(chain.log_resistance))] if chain.cells > 1 else 0.0
    block = []
    for v in (z, z * z - float(np.mean(z * z)), np.where(z > barrier, 1.0, 0.0)):
        with np.errstate(divide="ignore"):
            sv, lv = log_chain.project(np.where(v >= 0, 1.0, -1.0), np.log(np.abs(v)))
        norm = 0.5 * float(logsumexp(chain.log_mass + 2.0 * lv))
        if math.isfinite(norm):
            block.append((sv, lv - norm))
    unused = AxialModel(1.0)  # the model only chooses start vectors, and the block is given
    log_inverse, converged, _ = log_chain.log_inverse_rate(unused, block, tol=tol)
    return -log_inverse, converged
