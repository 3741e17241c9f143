r"""The one-cell-per-ring chain of an axially symmetric problem in log arithmetic (issue 14).

On the axisymmetric grid family (N rings about the symmetry axis u, one azimuthal cell each)
the finite-volume chain of :mod:`spintorque.thermal.sphere.chain` is a birth–death chain with
rates s_k (ring k → k + 1) and n_k (k → k − 1). Each rate is a Bernoulli factor of one cell
step of the effective potential (at most a few k_BT by :data:`~spintorque.thermal.sphere.
escape2d.STEP`), so the rates themselves are O(1) numbers; what leaves the floating-point range
above ~700 k_BT are their products: the stationary weights π_k, the escape time e^{ΔE} and the
eigenvalue e^{−ΔE}. Here those are carried as logarithms:

* ln π_{k+1} = ln π_k + ln s_k − ln n_{k+1} (detailed balance, exact for a birth–death chain);
  the face conductances w_k = π_k s_k and resistances R_k = 1/w_k are logarithms too;
* the first passage from ring 0 (the well) to the rings k >= m is the sum of positive terms

  .. math:: T_0 = \sum_{j=0}^{m-1} R_j \sum_{i \le j} \pi_i

  (e.g. Gardiner, *Stochastic methods*, §7.4), evaluated with log-sum-exp;
* the Green operator K = (−G)^{-1} on functions of zero stationary mean: the flux through face
  k is J_k = Σ_{i<=k} π_i g_i = −Σ_{i>k} π_i g_i (head sums before the most probable ring r,
  tail sums after it, so that each sum starts where π is largest and cancels least), and
  f_{k+1} = f_k − R_k J_k from the gauge f_r = 0, then the mean removed: the same operator as
  the GTH solve of the chain killed at r (:func:`spintorque.thermal.sphere.solvers.
  _killed_at_deepest`), held as (sign, ln|x|) pairs (the arithmetic of
  :mod:`spintorque.thermal.axial.chain`), so that K g ~ e^{ΔE} never overflows;
* λ1: the subspace iteration of :func:`spintorque.thermal.sphere.solvers.slowest_mode`
  (Legendre start block, Rayleigh–Ritz in the area-weighted norm), each K Q returned as
  e^{c}·Z with max|Z| = 1 and its Ritz values scaled by e^{c}: ln λ1 = −c − ln μ̂;
* τ_int = ⟨δo, K δo⟩_π / ⟨δo, δo⟩_π, with K δo = e^{c} Z: ln τ_int = c + ln(⟨δo, Z⟩_π/⟨δo, δo⟩_π).

The values agree with the linear solvers of :mod:`~spintorque.thermal.sphere.solvers` to
rounding where those do not overflow (the same chain, the same sums).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spintorque.errors import InputError
from spintorque.thermal.axial.chain import _add_scalar, _cumsum, _total
from spintorque.thermal.sphere.chain import SphereChain

FloatArray = NDArray[np.float64]
LongArray = NDArray[np.floating[Any]]
"""Extended-precision (np.longdouble) logarithms."""
Signed = tuple[FloatArray, FloatArray]


def _lse_long(values: LongArray) -> float:
    """ln Σ e^values in the values' precision, returned as a double (−inf for none)."""
    if values.size == 0 or not np.any(np.isfinite(values)):
        return -math.inf
    top = np.max(values)
    return float(top + np.log(np.sum(np.exp(values - top))))


@dataclass(frozen=True, eq=False)
class LogRingChain:
    """Log rates, log stationary weights and log face resistances of a one-cell-per-ring chain.

    Attributes
    ----------
    log_pi : ndarray
        ln π_k, normalised (Σ π = 1).
    log_resistance : ndarray
        ln R_k = −ln(π_k s_k) of the faces k | k + 1 (length N − 1).
    root : int
        The most probable ring (the gauge point of the Green operator).
    """

    log_pi: LongArray
    log_resistance: LongArray
    root: int
    areas: FloatArray

    @classmethod
    def of(cls, chain: SphereChain) -> LogRingChain:
        if chain.shape[1] != 1:
            raise InputError("chain", "the log ring chain needs one azimuthal cell per ring")
        south = chain.south[:-1, 0]
        north = chain.north[1:, 0]
        if not (np.all(south > 0) and np.all(north > 0) and np.all(np.isfinite(south))
                and np.all(np.isfinite(north))):
            raise InputError("model", "a ring-to-ring rate of the axisymmetric chain is not a "
                             "positive finite number (a cell step of the potential above ~700 k_BT)")
        # the logarithms in extended precision (x87 80-bit where NumPy has it): a running
        # log-sum ℓ carries a rounding of ~ε|ℓ|, and ℓ reaches ~1000 across a deep well
        log_s = np.log(south).astype(np.longdouble)
        step = log_s - np.log(north).astype(np.longdouble)
        rough = np.concatenate([np.zeros(1, dtype=np.longdouble), np.cumsum(step)])
        # summed again outwards from the most probable ring: a running sum ℓ carries a
        # rounding of ~ε|ℓ|, so ln π is formed where it is small (near the root: it decides
        # the means, e.g. of m·u in τ_int; from ring 0 across a 1000 k_BT well it cost 1e-9)
        r = int(np.argmax(rough))
        log_pi = np.zeros(rough.size, dtype=np.longdouble)
        log_pi[r + 1:] = np.cumsum(step[r:])
        log_pi[:r] = -np.cumsum(step[:r][::-1])[::-1]
        log_pi -= np.log(np.sum(np.exp(log_pi)))  # max ln π = 0 here: no overflow
        return cls(log_pi, -(log_pi[:-1] + log_s), int(np.argmax(log_pi)),
                   np.asarray(chain.grid.areas[:, 0], dtype=float))

    @property
    def pi(self) -> FloatArray:
        """π_k as doubles (those below e^{−745} are zero; they do not count in any sum here)."""
        return np.asarray(np.exp(self.log_pi), dtype=float)

    def log_mfpt(self, first_dead: int) -> float:
        """ln T_0, the mean first-passage time [tau_N] from ring 0 to the rings k >= first_dead."""
        if not 0 < first_dead < self.log_pi.size:
            raise InputError("absorbing", "the absorbing set must start after ring 0")
        heads = np.logaddexp.accumulate(self.log_pi[:first_dead])
        return _lse_long(self.log_resistance[:first_dead] + heads)

    def log_probability(self, inside: NDArray[np.bool_], half: NDArray[np.bool_]) -> float:
        """ln(Σ_{inside} π + ½ Σ_{half} π)."""
        return _lse_long(np.concatenate([self.log_pi[inside], self.log_pi[half] - math.log(2.0)]))

    def _green_one(self, s: FloatArray, lg: FloatArray) -> tuple[FloatArray, FloatArray, float]:
        """K g for one π-mean-zero g = s·e^lg (signed logs), its π-mean removed, as
        (sign, ln|f| − shift, shift).

        The logarithms are kept relative to their size at the root ring (the shifts ``a`` of
        the terms π g and ``b`` of the increments R J), because a logarithm ℓ carries an
        absolute rounding of ~ε|ℓ|, i.e. a relative one of ε|ℓ| in its value: near the root,
        where the π-weighted sums are decided, the shifted logarithms are of order one.
        """
        r, lp, lr = self.root, self.log_pi, self.log_resistance
        n = lp.size
        terms = lp + lg
        a = float(terms[r]) if math.isfinite(terms[r]) else float(np.max(terms))
        terms = terms - a
        # face fluxes J_k, k = 0 … n − 2: head sums for k < r, minus tail sums for k >= r
        hs, hl = _cumsum(s[:r], terms[:r])
        ts, tl = _cumsum(s[::-1][:n - 1 - r], terms[::-1][:n - 1 - r])
        js = np.concatenate([hs, -ts[::-1]])
        jl = np.concatenate([hl, tl[::-1]])
        steps = lr + jl
        near = steps[max(r - 1, 0):r + 1]
        b = float(np.max(near)) if np.any(np.isfinite(near)) else 0.0
        steps = steps - b
        # f_j − f_r: −Σ_{k=r}^{j−1} R_k J_k above r, +Σ_{k=j}^{r−1} R_k J_k below it
        fs, fl = np.ones(n), np.full(n, -np.inf)
        up_s, up_l = _cumsum(-js[r:], steps[r:])
        fs[r + 1:], fl[r + 1:] = up_s, up_l
        down_s, down_l = _cumsum(js[:r][::-1], steps[:r][::-1])
        fs[:r], fl[:r] = down_s[::-1], down_l[::-1]
        ms, ml = _total(fs, lp + fl)
        fs, fl = _add_scalar(fs, fl, -ms, ml)
        return fs, fl, a + b

    def green(self, g: FloatArray) -> tuple[FloatArray, float]:
        """K g for the columns of g (shape (N,) or (N, p), π-mean zero): (Z, c), K g = e^c Z."""
        single = g.ndim == 1
        cols = g[:, None] if single else g
        with np.errstate(divide="ignore"):
            parts = [self._green_one(np.where(c >= 0, 1.0, -1.0),
                                     np.log(np.abs(c)).astype(np.longdouble))
                     for c in cols.T]
        tops = [shift + float(np.max(fl, initial=-np.inf)) for _, fl, shift in parts]
        top = max(tops)
        if not math.isfinite(top):
            Z = np.zeros(cols.shape)
        else:  # the shifts enter the exponent only (no large logarithm is formed)
            Z = np.stack([fs * np.exp(fl - (top - shift)) for fs, fl, shift in parts],
                         axis=1).astype(float)
        return (Z[:, 0] if single else Z), (top if math.isfinite(top) else 0.0)

    def project(self, V: FloatArray) -> FloatArray:
        """V minus its π-weighted mean (column by column)."""
        return np.asarray(V - self.pi @ V)


def log_slowest_rate(ring: LogRingChain, start: FloatArray, *, block: int = 4,
                     tol: float = 1e-14, stall: float = 1e-9, max_iter: int = 400) -> float:
    """ln λ1 [ln(1/tau_N)] by the subspace iteration of
    :func:`spintorque.thermal.sphere.solvers.slowest_mode` on the scaled Green operator.

    Raises
    ------
    SlowestModeError
        If the iteration does not converge, or its Ritz value is not real and positive.
    """
    from spintorque.thermal.sphere.solvers import SlowestModeError

    weight = ring.areas
    s = start / np.abs(start).max()
    eye = np.eye(block + 1)
    V = np.stack([np.polynomial.legendre.legval(s, eye[k]) for k in range(1, block + 1)], axis=1)

    def orthonormal(V: FloatArray) -> FloatArray:
        root = np.sqrt(weight)[:, None]
        q, _ = np.linalg.qr(root * V)
        return np.asarray(q / root)

    Q = orthonormal(ring.project(V))
    previous = math.inf
    for _ in range(max_iter):
        Z, c = ring.green(ring.project(Q))
        Z = ring.project(Z)
        H = Q.T @ (weight[:, None] * Z)
        mu, Y = np.linalg.eig(H)
        k = int(np.argmax(np.abs(mu)))
        q, z = Q @ Y[:, k], Z @ Y[:, k]
        residual = math.sqrt(float(np.sum(weight * np.abs(z / mu[k] - q) ** 2))
                             / float(np.sum(weight * np.abs(q) ** 2)))
        if residual <= tol or (residual <= stall and residual >= previous):
            value = complex(mu[k])
            if not (value.real > 0 and abs(value.imag) <= 1e-8 * abs(value)):
                raise SlowestModeError(f"the Ritz value {value:.6g} of the axisymmetric chain "
                                       "is not real and positive")
            return -(c + math.log(value.real))
        previous = residual
        Q = orthonormal(Z)
    raise SlowestModeError(f"the subspace iteration did not converge in {max_iter} steps "
                           f"(residual {previous:.2g}; no isolated slowest mode)")


def log_integral_relaxation_time(ring: LogRingChain, observable: FloatArray) -> float:
    """ln τ_int [ln tau_N] of ``observable`` (ring values) in the stationary state."""
    pi = ring.pi
    d = observable - float(pi @ observable)
    Z, c = ring.green(d)
    num, den = float(np.sum(pi * d * Z)), float(np.sum(pi * d * d))
    if not (num > 0 and den > 0):
        raise InputError("observable", "⟨δo, (−G)⁻¹ δo⟩ is not positive (a constant observable?)")
    return c + math.log(num / den)
