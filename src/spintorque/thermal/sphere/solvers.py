r"""The 2D Fokker–Planck problem on the sphere: escape rate, first passages, relaxation, evolution.

Any geometry (in-plane easy axis with easy-plane demag, tilted polariser, the transport-derived
wavy torque): the finite-volume Markov chain of :mod:`spintorque.thermal.sphere.chain`, solved
by the positive-arithmetic ring elimination of :mod:`spintorque.thermal.sphere.ring_elimination`.
Times are in units of tau_N (rates in 1/tau_N). Quantities:

* stationary distribution: GTH solve of the chain killed at its deepest cell r,
  p_{−r} = p_r A⁻ᵀ r_{r→·} (the time spent in each cell between returns to r);
* λ1: inverse iteration with A⁻¹ (gauge f_r = 0, then mean removed); a right-hand side of mixed
  sign is split into its positive and negative parts, so the exponentially large part of each
  solution is computed without cancellation;
* mean first-passage time into an absorbing set: A⁻¹·1;
* integral relaxation time of an observable: ⟨δo, (−G)⁻¹ δo⟩/⟨δo, δo⟩ in the stationary state;
* time-resolved switching probability: exp(Gᵀ t) p(0) (``scipy.sparse.linalg.expm_multiply``).

The discretisation error falls as the square of the step; :func:`extrapolate` combines several
grids (:func:`spintorque.thermal.sphere.escape2d.escape_2d` does it for the escape quantities).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.linalg import expm_multiply

from spintorque.errors import InputError
from spintorque.thermal.sphere.chain import SphereChain, build_chain
from spintorque.thermal.sphere.grid import SphereGrid
from spintorque.thermal.sphere.model import SphereModel
from spintorque.thermal.sphere.ring_elimination import RingElimination

FloatArray = NDArray[np.float64]
STALL = 1e-9
"""Residual below which the subspace iteration for λ1 stops once it no longer decreases."""
Region = Callable[[FloatArray], NDArray[np.bool_]]


def _as_chain(model: SphereModel | SphereChain, grid: SphereGrid | None) -> SphereChain:
    if isinstance(model, SphereChain):
        return model
    if grid is None:
        raise InputError("grid", "a SphereGrid is needed with a SphereModel")
    return build_chain(model, grid)


def _killed_at_deepest(chain: SphereChain) -> tuple[RingElimination, FloatArray]:
    """The chain killed at its most probable cell r, and the stationary cell probabilities.

    p_{−r} = p_r A⁻ᵀ r_{r→·}: the mean time spent in each cell between two visits of r (a
    positive solve, accurate wherever r is). r must be where the process spends its time, or the
    signed solves of :func:`smallest_eigenvalue` cancel; under a spin torque the most probable
    cell need not be the lowest energy, so r is moved there and the chain factorised again.
    """
    def killed_at(k: int, j: int) -> tuple[RingElimination, FloatArray]:
        live = np.ones(chain.shape, dtype=bool)
        live[k, j] = False
        elim = RingElimination(chain, live, k)
        with np.errstate(over="ignore", invalid="ignore"):
            p = elim.solve(_rates_out_of(chain, k, j), transpose=True)
        p[k, j] = 1.0
        return elim, p

    cell = tuple(int(i) for i in np.unravel_index(int(np.argmin(chain.potential)), chain.shape))
    for _ in range(40):
        elim, p = killed_at(*cell)
        finite = bool(np.all(np.isfinite(p)))
        finite_p = np.where(np.isfinite(p), p, 0.0)
        # scaled by the largest finite value first: p near e^709 divided by a cell area < 1
        # overflowed (issue 14, D7), and the argmax then took the first overflowed cell
        # rather than the most probable one; the test below is scale-free
        density = finite_p / (float(finite_p.max()) or 1.0) / chain.grid.areas
        best = tuple(int(i) for i in np.unravel_index(int(np.argmax(density)), chain.shape))
        # p is relative to the killed cell: far larger (or overflowing) values elsewhere mean
        # the process lives there (a spin torque can empty the lowest-energy cell); where p
        # overflows, the largest finite value is a step of up to e^709 towards that place
        if finite and density[best] <= 2.0 * density[cell]:
            return elim, np.asarray(p / p.sum())
        cell = best
    raise InputError("model", "no most probable cell found for the stationary distribution "
                     "(its range exceeds the floating-point range)")


def _rates_out_of(chain: SphereChain, k: int, j: int) -> FloatArray:
    """Rates from cell (k, j) to each cell, shape (N_θ, N_φ)."""
    nt, nphi = chain.shape
    out = np.zeros(chain.shape)
    if nphi > 1:
        out[k, (j + 1) % nphi] += chain.east[k, j]
        out[k, (j - 1) % nphi] += chain.west[k, j]
    if k + 1 < nt:
        out[k + 1, j] += chain.south[k, j]
    if k > 0:
        out[k - 1, j] += chain.north[k, j]
    return out


def stationary_distribution(model: SphereModel | SphereChain, grid: SphereGrid | None = None
                            ) -> FloatArray:
    """Stationary cell probabilities (sum 1), shape (N_θ, N_φ); density = p / grid.areas."""
    return _killed_at_deepest(_as_chain(model, grid))[1]


def _signed_solve(elim: RingElimination, b: FloatArray) -> FloatArray:
    """A⁻¹b for b of mixed sign (shape (N_θ, N_φ) or (N_θ, N_φ, p)): its positive and negative
    parts are solved separately (one batched solve), so each part keeps full relative accuracy."""
    p = b.shape[2] if b.ndim == 3 else None
    both = np.concatenate([np.maximum(b, 0.0).reshape(*b.shape[:2], -1),
                           np.maximum(-b, 0.0).reshape(*b.shape[:2], -1)], axis=2)
    x = elim.solve(both)
    half = x.shape[2] // 2
    out = x[..., :half] - x[..., half:]
    return out if p is not None else out[..., 0]


class SlowestModeError(InputError):
    """The slowest relaxation mode that the start functions excite is not a single real one
    (a complex pair: the magnet precesses as it relaxes), or the iteration did not converge;
    λ1 is then not defined as one decay rate."""

    def __init__(self, message: str) -> None:
        super().__init__("smallest_eigenvalue", message)


BLOCK = 4
"""Start functions P_1..P_BLOCK(s) of the subspace iteration for λ1."""


def smallest_eigenvalue(model: SphereModel | SphereChain, grid: SphereGrid | None = None, *,
                        start: ArrayLike | None = None, tol: float = 1e-14,
                        max_iter: int = 400, block: int = BLOCK) -> float:
    r"""Smallest non-zero eigenvalue λ1 of the discretised Fokker–Planck operator [1/tau_N],
    among the modes excited by functions of ``start`` (cell values; default m·axis); see
    :func:`slowest_mode` for the method.

    Raises
    ------
    SlowestModeError
        If that slowest mode is a complex pair (no single real slowest mode, e.g. a low
        barrier under a tilted polariser) or the iteration does not converge in ``max_iter`` steps.
    """
    value = slowest_mode(model, grid, start=start, tol=tol, max_iter=max_iter, block=block)
    if abs(value.imag) > 1e-8 * abs(value):
        raise SlowestModeError(
            f"the slowest mode is a complex pair λ = {value.real:.6g} ± {abs(value.imag):.6g}i "
            "(relaxation with precession), not a single escape rate")
    return float(value.real)


def slowest_mode(model: SphereModel | SphereChain, grid: SphereGrid | None = None, *,
                 start: ArrayLike | None = None, tol: float = 1e-14,
                 max_iter: int = 400, block: int = BLOCK) -> complex:
    r"""The slowest non-zero eigenvalue λ [1/tau_N] (complex: λ = decay rate + i·angular
    frequency, with Im λ ≥ 0 for a pair) among the modes excited by functions of ``start``.

    Subspace iteration with Rayleigh–Ritz on the Green operator K = (−G)⁻¹ restricted to
    functions of zero stationary mean (applied exactly by the killed ring elimination, which
    gives K on that space whatever cell is killed): the block starts from the Legendre
    polynomials P_1 … P_block of s = start/max|start|, and the Ritz value μ of largest modulus
    gives λ1 = 1/μ. Convergence is judged on the residual ‖Kq − μq‖/(|μ|‖q‖) of its Ritz
    vector q, in the area-weighted norm of the sphere, not the stationary one: above the critical
    current the slowest mode lives at the unstable pole, where the stationary density is
    exponentially small, and a stationary-weighted iteration sees the faster modes of the stable
    pole instead (the λ2 ↔ λ1 mix-up of issue 14). Convergence rate |μ_{block+1}/μ_1| per step.

    Functions of m·u only excite, for a problem symmetric about u, the axially symmetric modes
    (those of the 1D problem); the azimuthal modes, which m·u does not couple to, are left out
    (above I_c they can decay more slowly, as a complex pair).

    Raises
    ------
    SlowestModeError
        If the iteration does not converge in ``max_iter`` steps (no isolated slowest mode).
    """
    chain = _as_chain(model, grid)
    elim, pi = _killed_at_deepest(chain)
    weight = chain.grid.areas
    s = np.asarray(start, dtype=float) if start is not None else \
        chain.grid.centres @ chain.grid.axis
    if s.shape != chain.shape or not np.all(np.isfinite(s)) or not np.any(s != s.flat[0]):
        raise InputError("start", f"need finite, non-constant cell values of shape {chain.shape}")
    s = s / np.abs(s).max()

    def project(V: FloatArray) -> FloatArray:
        # zero stationary mean: the space of the non-zero modes, where K is (−G)⁻¹
        return np.asarray(V - np.einsum("ij,ijk->k", pi, V)[None, None, :])

    def orthonormal(V: FloatArray) -> FloatArray:
        root = np.sqrt(weight)[..., None]
        q, _ = np.linalg.qr((root * V).reshape(-1, V.shape[2]))
        return np.asarray(q.reshape(V.shape) / root)

    eye = np.eye(block + 1)
    V = np.stack([np.polynomial.legendre.legval(s, eye[k]) for k in range(1, block + 1)], axis=2)
    Q = orthonormal(project(V))
    previous = math.inf
    for _ in range(max_iter):
        Z = project(_signed_solve(elim, Q))
        H = np.einsum("ijk,ij,ijl->kl", Q, weight, Z)
        mu, Y = np.linalg.eig(H)
        k = int(np.argmax(np.abs(mu)))
        q = np.einsum("ijk,k->ij", Q, Y[:, k])
        z = np.einsum("ijk,k->ij", Z, Y[:, k])
        # |μ| reaches e^{sigma}: the residual is formed from z/μ, which stays of order one
        norm = math.sqrt(float(np.sum(weight * np.abs(q) ** 2)))
        residual = math.sqrt(float(np.sum(weight * np.abs(z / mu[k] - q) ** 2))) / norm
        # converged, or stalled at the rounding level of a non-normal operator
        if residual <= tol or (residual <= STALL and residual >= previous):
            value = complex(1.0 / mu[k])
            if abs(value.imag) <= 1e-8 * abs(value):
                return complex(1.0 / mu[k].real)
            return complex(value.real, abs(value.imag))
        previous = residual
        Q = orthonormal(Z)
    raise SlowestModeError(f"the subspace iteration did not converge in {max_iter} steps "
                           f"(residual {previous:.2g}; no isolated slowest mode)")


def mean_first_passage_time(model: SphereModel | SphereChain, grid: SphereGrid | None = None, *,
                            absorbing: Region, start: ArrayLike | None = None) -> FloatArray | float:
    """Mean time [tau_N] to reach the cells where ``absorbing(centre)`` is true.

    Returns the time from the cell containing direction ``start``, or from every cell
    (shape (N_θ, N_φ), zero on the absorbing set) if ``start`` is None. Raises InputError where
    the time is beyond the double range (see :func:`log_mean_first_passage_time`).
    """
    chain = _as_chain(model, grid)
    if start is not None:
        log = log_mean_first_passage_time(chain, absorbing=absorbing, start=start)
        if log > math.log(np.finfo(float).max):
            raise InputError("mfpt", f"is e^{log:.6g}, beyond the floating-point range; its "
                             "logarithm is log_mean_first_passage_time")
        return math.exp(log)
    elim = _absorbing_elimination(chain, absorbing)
    if elim.log_scale != 0.0:
        raise InputError("mfpt", "the escape time exceeds e^345 tau_N: the times of every cell "
                         "are not resolved by the scaled solve; ask for one start direction")
    return elim.solve(np.where(elim.live, 1.0, 0.0))


def _absorbing_elimination(chain: SphereChain, absorbing: Region) -> RingElimination:
    dead = np.asarray(absorbing(chain.grid.centres), dtype=bool)
    if not dead.any():
        raise InputError("absorbing", "the absorbing set contains no cell")
    live = ~dead
    ring_weight = np.where(live, np.exp(-(chain.potential - chain.potential.min())), 0.0).sum(axis=1)
    return RingElimination(chain, live, int(np.argmax(ring_weight)))


def log_mean_first_passage_time(model: SphereModel | SphereChain, grid: SphereGrid | None = None,
                                *, absorbing: Region, start: ArrayLike) -> float:
    """ln of the mean first-passage time [ln tau_N] from the cell of ``start`` into the cells
    where ``absorbing(centre)`` is true; no overflow (the scaled killing rates of
    :mod:`~spintorque.thermal.sphere.ring_elimination`: the solve returns e^{s}·T where the
    escape part dominates, as it does from a well, checked: T·e^{s} > 1e100)."""
    chain = _as_chain(model, grid)
    elim = _absorbing_elimination(chain, absorbing)
    t = elim.solve(np.where(elim.live, 1.0, 0.0))
    value = value_at(chain.grid, t, start)
    if not (math.isfinite(value) and value > 0.0):
        raise InputError("mfpt", f"the first-passage solve gave {value!r}")
    if elim.log_scale != 0.0 and not value > 1e100:
        raise InputError("start", "the start cell is not in the well the escape time belongs to "
                         "(its time is not dominated by the escape; the scaled solve cannot "
                         "resolve it)")
    return math.log(value) - elim.log_scale


def value_at(grid: SphereGrid, values: FloatArray, m: ArrayLike) -> float:
    """Cell value at direction m; at a pole of the grid, the mean over the polar cap's cells
    (their centres surround the pole symmetrically, so the mean is second-order accurate)."""
    k, j = grid.cell_of(m)
    v = np.asarray(m, dtype=float)
    if abs(abs(float(v @ grid.axis)) - float(np.linalg.norm(v))) <= 1e-12 * float(np.linalg.norm(v)):
        return float(np.mean(values[k]))
    return float(values[k, j])


def integral_relaxation_time(model: SphereModel | SphereChain, grid: SphereGrid | None = None, *,
                             observable: FloatArray | None = None) -> float:
    """∫C(t)dt/C(0) [tau_N] of an observable (cell values; default m·axis) in the stationary state.

    C(t) = ⟨δo(0) δo(t)⟩ in the stationary state (linear response), so the integral is
    ⟨δo, (−G)⁻¹ δo⟩_π / ⟨δo, δo⟩_π.
    """
    chain = _as_chain(model, grid)
    elim, pi = _killed_at_deepest(chain)
    o = observable if observable is not None else chain.grid.centres @ chain.grid.axis
    d = np.asarray(o, dtype=float) - float(np.sum(pi * o))
    y = _signed_solve(elim, d)
    y -= float(np.sum(pi * y))
    return float(np.sum(pi * d * y) / np.sum(pi * d * d))


def generator_matrix(chain: SphereChain) -> sp.csr_matrix:
    """Sparse generator Q acting on cell probabilities: dp/dt = Q p (columns sum to zero)."""
    nt, nphi = chain.shape
    idx = np.arange(nt * nphi).reshape(nt, nphi)
    rows, cols, vals = [], [], []
    moves = [(chain.east, idx, np.roll(idx, -1, axis=1)), (chain.west, idx, np.roll(idx, 1, axis=1)),
             (chain.south[:-1], idx[:-1], idx[1:]), (chain.north[1:], idx[1:], idx[:-1])]
    for rate, src, dst in moves:  # east/west are zero for a single azimuthal cell
        rows.append(dst.ravel())
        cols.append(src.ravel())
        vals.append(rate.ravel())
    out = np.zeros(nt * nphi)
    for rate, src, _ in moves:
        np.add.at(out, src.ravel(), rate.ravel())
    rows.append(idx.ravel())
    cols.append(idx.ravel())
    vals.append(-out)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(nt * nphi, nt * nphi))


def evolve(model: SphereModel | SphereChain, grid: SphereGrid | None = None, *, times: ArrayLike,
           start: ArrayLike) -> FloatArray:
    """Cell probabilities at ``times`` [tau_N] from all probability in the cell of ``start``.

    Shape (len(times), N_θ, N_φ). Probability is conserved to rounding (columns of Q sum to 0).
    """
    chain = _as_chain(model, grid)
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or np.any(t < 0) or np.any(np.diff(t) <= 0):
        raise InputError("times", "must be increasing and >= 0")
    p0 = np.zeros(chain.shape)
    p0[chain.grid.cell_of(start)] = 1.0
    Q = generator_matrix(chain)
    out = np.empty((t.size, p0.size))
    state, now = p0.ravel(), 0.0
    for n, ti in enumerate(t):
        if ti > now:
            state = expm_multiply(Q * (ti - now), state)
            now = float(ti)
        out[n] = state
    return np.asarray(out).reshape(t.size, *chain.shape)


def switching_probability(model: SphereModel | SphereChain, grid: SphereGrid | None = None, *,
                          times: ArrayLike, start: ArrayLike, switched: Region) -> FloatArray:
    """Probability of being in the region ``switched`` (a test on cell centres) at ``times``."""
    chain = _as_chain(model, grid)
    p = evolve(chain, times=times, start=start)
    mask = np.asarray(switched(chain.grid.centres), dtype=bool)
    return np.asarray(p[:, mask].sum(axis=1))


def extrapolate(sizes: ArrayLike, values: ArrayLike,
                powers: tuple[int, ...] | None = None) -> tuple[float, float]:
    """Limit h → 0 of ``values`` computed on grids of the same family with h ∝ 1/size.

    Fits v(h) = v0 + Σ c_p h^p through the points, with powers (2, 4, 6, ...) by default (the
    finite-volume error is even in h for λ1 and relaxation times; first passages to a ring also
    have odd powers: pass (2, 3, 4, ...)). Returns v0 and an error estimate, the change of v0
    when the coarsest grid is left out.
    """
    n = np.asarray(sizes, dtype=float)
    v = np.asarray(values, dtype=float)
    if n.ndim != 1 or n.size < 2 or n.size != v.size or np.any(n <= 0):
        raise InputError("sizes", "need at least two grid sizes, one value each")
    use = powers if powers is not None else tuple(range(2, 2 * n.size, 2))
    if len(use) < n.size - 1:
        raise InputError("powers", f"need {n.size - 1} powers for {n.size} grids")

    def limit(k: int) -> float:
        h = 1.0 / n[-k:]
        V = np.column_stack([np.ones(k)] + [h**p for p in use[:k - 1]])
        return float(np.linalg.solve(V, v[-k:])[0])

    best = limit(n.size)
    return best, abs(best - limit(n.size - 1))
