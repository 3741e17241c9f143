r"""Time evolution of the 2D Fokker–Planck chain: region masses at many times, shift-and-invert Krylov.

The chain (:mod:`~spintorque.thermal.sphere.chain`) gives dp/dt = Q p, Q the sparse generator
(:func:`~spintorque.thermal.sphere.solvers.generator_matrix`; times in tau_N). Its rates span
e^{±100} (precession across tiny polar cells at low damping), so explicit steps, uniformisation
and Taylor methods (``expm_multiply``) need ~‖Q‖t ≈ 1e7–1e13 products. The shift-and-invert
(restricted-denominator) Krylov method of van den Eshof and Hochbruck (SIAM J. Sci. Comput. 27,
1438 (2006)) does not see the stiffness: with R = (I − γQ)⁻¹ (one sparse LU per current) and the
Arnoldi relation R V_m = V_{m+1} H̄_m from v1 = p0/β,

.. math:: e^{tQ} p_0 \approx \beta\, V_m \exp\!\big(t\,(I - H_m^{-1})/\gamma\big) e_1 ,

uniformly for all t ≥ 0 (the approximation is one of the function e^{t(1 − 1/μ)/γ} on the
spectrum of R, which lies in the unit disc), so one basis serves every pulse length. A region's
mass is s·V_m (a fixed row) times that small exponential.

Accuracy is absolute: ~1e-12 of the total mass (rounding in the basis), so a mass below
:data:`DIRECT_FLOOR` is not taken from the basis. Beyond the time t_m where the start mass falls
to the floor, every mode but the slowest has died out (checked) and the exact two-state law

.. math:: M(t) = M_\infty + (M(t_m) - M_\infty)\, e^{-\lambda_1 (t - t_m)}

holds, with λ1 the slowest Ritz value (its change between Krylov dimensions is part of the error)
and M_∞ the chain's stationary mass from resolvent steps p ← R p in positive arithmetic (the
same numbers as a direct sparse solve of Q p = 0, measured). It is a convex combination
of two positive numbers, so a WER of 1e-30 keeps the relative accuracy of M(t_m).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.linalg import eig, expm
from scipy.sparse.linalg import splu

from spintorque.errors import InputError
from spintorque.thermal.sphere.chain import SphereChain
from spintorque.thermal.sphere.solvers import generator_matrix

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
DIRECT_FLOOR = 1e-5
"""Smallest mass taken from the Krylov basis directly (its absolute accuracy is ~1e-12)."""
ABSOLUTE_ERROR = 1e-12
"""Absolute error assumed for a directly computed mass (basis rounding; the dimension change is added)."""
STATIONARY_STEPS = 400
"""Largest number of resolvent steps towards the stationary state."""
DIMENSIONS = (30, 45, 60, 90, 120)
"""Krylov dimensions tried in turn until two consecutive ones agree."""


@dataclass(frozen=True)
class RegionMasses:
    """Mass in a region of the sphere at each time, from one chain.

    Attributes
    ----------
    mass : ndarray
        Probability in the region at each time (computed directly, not as 1 − the rest).
    error : ndarray
        Estimated relative error (Krylov dimension change, absolute floor, tail check).
    lambda1 : float
        Decay rate of the slowest non-stationary mode [1/tau_N] (Ritz value; real part).
    tail_from : float or None
        t_m [tau_N] from which the two-state law is used (None: direct throughout).
    dimension : int
        Krylov dimension used.
    stationary : float
        M_∞, the region's mass in the chain's stationary state (the long-pulse limit of ``mass``).
    stationary_error : float
        Its relative error (the last change of the positive iteration; 1e-10 when converged).
    """

    mass: FloatArray
    error: FloatArray
    lambda1: float
    tail_from: float | None
    dimension: int
    stationary: float
    stationary_error: float


class _Basis:
    """Shift-and-invert Arnoldi basis of one chain and start vector, grown on demand."""

    def __init__(self, Q: sp.csr_matrix, p0: FloatArray, gamma: float) -> None:
        n = Q.shape[0]
        A = (sp.identity(n, format="csc") - gamma * Q.tocsc()).tocsc()
        # diagonal pivots keep the M-matrix structure of I − γQ (column diagonally dominant)
        self.lu = splu(A, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
        self.gamma = gamma
        self.beta = float(np.linalg.norm(p0))
        self.V = np.zeros((DIMENSIONS[-1] + 1, n))  # basis vectors as rows (contiguous)
        self.V[0] = p0 / self.beta
        self.size = 1
        self.H = np.zeros((DIMENSIONS[-1] + 1, DIMENSIONS[-1]))
        self.breakdown: int | None = None

    def grow(self, m: int) -> int:
        """Extend to m vectors (fewer at a lucky breakdown: the space is then invariant)."""
        while self.size < m + 1 and self.breakdown is None:
            j = self.size - 1
            w = self.lu.solve(self.V[j])
            basis = self.V[: j + 1]
            before = float(np.linalg.norm(w))
            for _ in range(2):  # classical Gram–Schmidt; again only where it cancelled (Kahan)
                c = basis @ w
                w = w - c @ basis
                self.H[: j + 1, j] += c
                norm = float(np.linalg.norm(w))
                if norm > 0.5 * before:
                    break
                before = norm
            self.H[j + 1, j] = norm
            if not norm > 1e-14 * float(np.abs(self.H[: j + 1, j]).max()):
                self.breakdown = j + 1
                break
            self.V[j + 1] = w / norm
            self.size += 1
        return min(m, self.size - 1 if self.breakdown is None else self.breakdown)

    def generator(self, m: int) -> FloatArray:
        """B = (I − H_m⁻¹)/γ, the projected generator."""
        return np.asarray((np.eye(m) - np.linalg.inv(self.H[:m, :m])) / self.gamma)

    def rows(self, mask: BoolArray, m: int) -> FloatArray:
        return np.asarray(self.beta * self.V[:m, mask].sum(axis=1))


def _evaluate(B: FloatArray, s: FloatArray, times: FloatArray) -> FloatArray:
    """s · exp(tB) e1 at each time (times sorted ascending; shared steps reuse one exponential)."""
    out = np.empty(times.size)
    state, now = np.eye(B.shape[0])[:, 0], 0.0
    step, propagator = math.nan, np.eye(B.shape[0])
    for j in np.argsort(times):
        dt = float(times[j]) - now
        if not abs(dt - step) <= 1e-12 * abs(dt):
            step, propagator = dt, expm(B * dt)
        state = propagator @ state
        now = float(times[j])
        out[j] = float(s @ state)
    return out


def _slowest(B: FloatArray) -> float:
    """λ1: decay rate of the slowest non-stationary Ritz mode (real part; the stationary mode,
    rate ~0, is the slowest of all)."""
    rates = np.sort(-np.real(eig(B, right=False)))
    return float(rates[1]) if rates.size > 1 else math.inf


def _stationary_mass(basis: _Basis, p: FloatArray, mask: BoolArray) -> tuple[float, float]:
    """M_∞, the stationary mass of the region, and its relative error: p ← R p repeated.

    R = (I − γQ)⁻¹ is a nonnegative matrix applied with nonnegative arithmetic (the sparse LU of
    the M-matrix I − γQ with diagonal pivots has factors of fixed sign), so an exponentially
    small M_∞ keeps its relative accuracy; the non-stationary modes fall by 1/(1 + γλ) per step.
    """
    mass = float(p[mask].sum())
    for _ in range(STATIONARY_STEPS):
        p = np.maximum(basis.lu.solve(p), 0.0)
        p /= p.sum()
        new = float(p[mask].sum())
        change = abs(new - mass) / new if new > 0 else (0.0 if mass == 0 else math.inf)
        mass = new
        if change <= 1e-11:
            return mass, 1e-10
    return mass, change


def region_masses(
    chain: SphereChain, p0: FloatArray, region: BoolArray, times: FloatArray, *, rtol: float = 1e-8
) -> RegionMasses:
    """Mass in ``region`` (cells, shape of the grid) at ``times`` [tau_N] from cell probabilities p0.

    The Krylov dimension grows through :data:`DIMENSIONS` until two consecutive ones agree to
    ``rtol`` (relative, above :data:`DIRECT_FLOOR`); the error is that change plus the absolute
    floor and, beyond t_m, the tail's own checks (module docstring).
    """
    times = np.asarray(times, dtype=float)
    if times.ndim != 1 or times.size == 0 or not np.all(np.isfinite(times)) or np.any(times < 0):
        raise InputError("times", "need finite times >= 0")
    p = np.asarray(p0, dtype=float).ravel()
    mask = np.asarray(region, dtype=bool).ravel()
    if p.size != mask.size or np.any(p < 0) or not p.sum() > 0:
        raise InputError("p0", "need nonnegative cell probabilities, one per cell")
    p = p / p.sum()
    Q = generator_matrix(chain)
    t_max = float(times.max()) if times.max() > 0 else 1.0
    basis = _Basis(Q, p, t_max / 10.0)
    # a fine auxiliary time grid locates t_m and checks the slow decay there
    aux = np.linspace(0.0, t_max, 401)
    previous: tuple[FloatArray, float] | None = None
    change = np.full(times.size + 401, np.inf)
    prev_lam = math.nan
    for m_wanted in DIMENSIONS:
        m = basis.grow(m_wanted)
        B = basis.generator(m)
        s = basis.rows(mask, m)
        values = np.concatenate([_evaluate(B, s, times), _evaluate(B, s, aux)])
        lam1 = _slowest(B)
        if previous is not None:
            change = np.abs(values - previous[0]) / np.maximum(np.abs(values), DIRECT_FLOOR)
            prev_lam = previous[1]
            if float(change.max()) <= rtol or basis.breakdown is not None or m_wanted == DIMENSIONS[-1]:
                break
        previous = (values, lam1)
    direct = values[: times.size]
    direct_aux = values[times.size :]
    err_direct = change[: times.size] + ABSOLUTE_ERROR / np.maximum(np.abs(direct), 1e-300)
    low = direct_aux < DIRECT_FLOOR
    m_inf, m_inf_error = _stationary_mass(basis, p, mask)
    if not low.any() or not (times > aux[int(np.argmax(low))]).any():
        return RegionMasses(np.clip(direct, 0.0, 1.0), err_direct, lam1, None, m, m_inf, m_inf_error)
    # tail: from the last auxiliary time above the floor
    k = max(int(np.argmax(low)) - 1, 1)
    t_m, w_m = float(aux[k]), float(direct_aux[k])
    # the slow law must already hold at t_m: compare its prediction back over 3t_m/4 ... t_m
    half = min(int(np.searchsorted(aux, 0.75 * t_m)), k - 1)
    observed = direct_aux[half : k + 1]
    predicted = m_inf + (w_m - m_inf) * np.exp(-lam1 * (aux[half : k + 1] - t_m))
    misfit = float(np.max(np.abs(observed - predicted) / np.maximum(observed, DIRECT_FLOOR)))
    late = times > t_m
    dt = times[late] - t_m
    mass = direct.copy()
    kept = (w_m - m_inf) * np.exp(-lam1 * dt)
    mass[late] = m_inf + kept
    rate_error = abs(lam1 - prev_lam) / abs(lam1) if lam1 > 0 else math.inf
    error = err_direct.copy()
    # the decaying part carries the error of M(t_m), of λ1 over t − t_m, and the measured misfit
    with np.errstate(invalid="ignore"):
        error[late] = (
            kept
            / np.maximum(mass[late], 1e-300)
            * (float(change[times.size + k]) + ABSOLUTE_ERROR / w_m + rate_error * lam1 * dt + misfit)
        )
        error[late] += m_inf * m_inf_error / np.maximum(mass[late], 1e-300)
    error[late] = np.where(np.isfinite(error[late]), error[late], np.inf)
    return RegionMasses(np.clip(mass, 0.0, 1.0), error, lam1, t_m, m, m_inf, m_inf_error)
