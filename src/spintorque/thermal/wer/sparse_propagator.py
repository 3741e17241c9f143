r"""Sparse, cancellation-free time evolution of the chain on large grids (thousands of cells).

The dense propagator (:mod:`~spintorque.thermal.wer.propagator`) squares N × N matrices
(N³ per squaring); where the cut z = 0 needs ~5000 cells (issue 14: a log-slope of the density
of 400 … 800 across it at sigma = 200) that is out of reach. Here the chain
dp/dt = A p (probabilities p, :mod:`~spintorque.thermal.wer.chain`) is evolved on the vector by
uniformisation,

.. math:: e^{tA} p_0 = \sum_k \mathrm{Pois}(k; \Lambda t)\, P^k p_0, \qquad P = I + A/\Lambda,

with Λ = :data:`RATE_MARGIN` × the largest outflow, so that P is tridiagonal, nonnegative and
column-stochastic with diagonal 1 − out_k/Λ ≥ 0.2 (its one subtraction then exact to 5 eps
relative). Each step P·v costs O(N) and adds nonnegative terms only, so the side masses
m_k^± = Σ_{z ≷ 0} (P^k p_0) keep their relative accuracy however small (read disturb 1e-200):
the rounding error is a few eps per step and component (first order), bounded by 8 eps (k + 1)
as for the dense ladder (Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1, for sums
and products of nonnegative numbers). The masses at every pulse t come from the one sequence
m_k, so all pulses share the cost of the longest, N·Λ·t_max cell-steps. The Poisson sum is cut
where the weights beyond it, times the largest possible mass 1, are below e^{−TRUNCATION} of the
smaller side's mass (:data:`TRUNCATION`: a rigorous bound, carried in the error).

Components below :data:`FLUSH` are set to 0 after every step (denormal arithmetic is ~100×
slower); the mass lost is at most steps·N·FLUSH in absolute terms, which the error carries.

Long pulses: as in the dense ladder, the two-state law
M(t) = M_∞ (1 − e^{−λ1 (t − T)}) + M(T) e^{−λ1 (t − T)} from the first T = 2^j·T_0 at which it
reproduces the computed masses at 2T to ``handover_tol``. Pulses beyond both the hand-over and
the step budget come back with an infinite error (not evaluated).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from spintorque._jit import njit
from spintorque.thermal.axial.fokker_planck import AxialModel
from spintorque.thermal.wer.chain import Chain, initial_probability
from spintorque.thermal.wer.propagator import SideMasses, chain_lambda1, side_mismatch

FloatArray = NDArray[np.float64]
EPS = float(np.finfo(float).eps)
WINDOW = 14.0
"""Half-width of the first Poisson window in standard deviations (plus as many steps), widened
where :data:`TRUNCATION` asks for more; the normalisation of the weights leaves out < 1e-34."""
RATE_MARGIN = 1.25
"""Λ over the largest outflow: the diagonal of P stays >= 0.2 (with Λ = the largest outflow it
would reach 0, computed as 1 − x with x → 1, an absolute, not relative, eps; 25 % more steps)."""
FLUSH = 1e-300
"""Components below this are set to 0 after each step (no denormals; see the module docstring)."""
CHUNK = 4096
"""Steps per kernel call between the hand-over checks."""


@njit(cache=True)
def _steps(diag: FloatArray, up: FloatArray, down: FloatArray, p: FloatArray, half: int,
           count: int, flush: float, plus: FloatArray, minus: FloatArray) -> None:
    """``count`` steps p ← P p in place (P: diagonal ``diag``, k → k+1 ``up``, k+1 → k ``down``,
    all ≥ 0); after step j the masses of cells ≥ ``half`` and < ``half`` in plus[j], minus[j]."""
    n = p.size
    for j in range(count):
        previous = 0.0  # p_{k-1} before this step
        low = 0.0
        high = 0.0
        for k in range(n - 1):
            old = p[k]
            value = diag[k] * old + down[k] * p[k + 1]
            if k > 0:
                value += up[k - 1] * previous
            value = value if value >= flush else 0.0
            previous = old
            p[k] = value
            if k < half:
                low += value
            else:
                high += value
        last = diag[n - 1] * p[n - 1] + up[n - 2] * previous
        p[n - 1] = last if last >= flush else 0.0
        plus[j] = high + p[n - 1]
        minus[j] = low


def _log_weights(x: float, hi: int) -> FloatArray:
    """log of the Poisson weights e^{−x} x^k / k!, k = 0 … hi, built outwards from the mode by
    the exact ratios x/k (no large logarithms cancel: relative accuracy ~ (hi − x) · eps far
    from the mode, ~eps near it), normalised over k = 0 … max(hi, the window)."""
    if x <= 0.0:
        return np.concatenate([[0.0], np.full(hi, -np.inf)])
    top = max(hi, math.ceil(x + WINDOW * math.sqrt(x) + WINDOW))
    k = np.arange(1, top + 1, dtype=float)
    log_ratio = np.log(x / k)  # log w_k / w_{k-1}
    mode = int(x)
    log_w = np.zeros(top + 1)
    log_w[mode + 1 :] = np.cumsum(log_ratio[mode:])
    log_w[:mode] = -np.cumsum(log_ratio[:mode][::-1])[::-1]
    shift = float(np.log(np.exp(log_w).sum()))  # the part beyond `top` is below 1e-34
    return np.asarray(log_w[: hi + 1] - shift)


def _log_tail(x: float, log_w: FloatArray) -> FloatArray:
    """log of a bound on Σ_{j > k} w_j for each k ≥ x (from w_{k+1} and the ratios x/j ≤
    x/(k+2) after it: a geometric series); 0 (no bound) for k < x + 1."""
    k = np.arange(log_w.size, dtype=float)
    beyond = k >= x + 1.0  # there x/(k + 2) < 1
    ratio = np.where(beyond, x / (k + 2.0), 0.0)
    next_w = np.concatenate([log_w[1:], [-np.inf]])  # the last entry: no bound (0) below
    bound = np.where(np.isfinite(next_w), next_w - np.log1p(-ratio), 0.0)
    beyond[-1] = False
    return np.asarray(np.where(beyond, np.minimum(bound, 0.0), 0.0))


TRUNCATION = 40.0
"""The window ends where the Poisson weights beyond it, times the largest possible mass 1, are
below e^{−TRUNCATION} (4e-18) of the smaller side's mass: a rigorous bound (every m_k ≤ 1),
needed because m_k can vary by e^3 per step (a tail arriving: R rising from 1e-165 to 1e-139
within 0.7e-3 tau_N at sigma = 200), which shifts the weight of the sum far beyond Λt ± 14√(Λt)
(7 % off there with the plain window)."""


class _Run:
    """The uniformised sequence of side masses m_k of one chain, extended on demand."""

    def __init__(self, chain: Chain, start: AxialModel, rate_factor: float = 1.0) -> None:
        self.Lam = RATE_MARGIN * rate_factor * float(chain.outflow.max())
        up = np.exp(-chain.log_resistance - chain.log_mass[:-1])  # rate k → k+1 [1/tau_N]
        down = np.exp(-chain.log_resistance - chain.log_mass[1:])
        self.diag = 1.0 - chain.outflow / self.Lam  # >= 0.2 (RATE_MARGIN)
        self.up, self.down = up / self.Lam, down / self.Lam
        self.p = np.ascontiguousarray(initial_probability(chain, start))
        self.half = chain.cells // 2  # z = 0 is the middle edge (theta_edges)
        self.plus, self.minus = np.empty(CHUNK + 1), np.empty(CHUNK + 1)  # m_k, k = 0 … done
        self.plus[0], self.minus[0] = float(self.p[self.half :].sum()), float(self.p[: self.half].sum())
        self.done = 0  # steps taken

    def extend(self, steps: int) -> None:
        """Take steps until ``steps`` have been taken (the masses of each one kept)."""
        if steps + 1 > self.plus.size:
            size = max(steps + 1, 2 * self.plus.size)
            self.plus = np.concatenate([self.plus[: self.done + 1], np.empty(size - self.done - 1)])
            self.minus = np.concatenate([self.minus[: self.done + 1], np.empty(size - self.done - 1)])
        while self.done < steps:
            count = min(CHUNK, steps - self.done)
            window = slice(self.done + 1, self.done + 1 + count)
            _steps(self.diag, self.up, self.down, self.p, self.half, count, FLUSH,
                   self.plus[window], self.minus[window])
            self.done += count

    def masses(self, t: float, max_steps: int) -> tuple[float, float, float, int] | None:
        """(start, switched) masses at t, the bound on the truncated weights (absolute: every
        m_k ≤ 1), and the last step used; None where more than ``max_steps`` steps would be needed."""
        x = t * self.Lam
        hi = math.ceil(x + WINDOW * math.sqrt(x) + WINDOW)
        while True:
            if hi > max_steps:
                return None
            self.extend(hi)
            log_w = _log_weights(x, hi)
            w = np.exp(log_w)
            s, sw = float(w @ self.plus[: hi + 1]), float(w @ self.minus[: hi + 1])
            smaller = min((v for v in (s, sw) if v > 0), default=1.0)
            need = math.log(smaller) - TRUNCATION
            log_tail = _log_tail(x, _log_weights(x, max(hi, int(x + 60 * math.sqrt(x) + 200))))
            enough = np.flatnonzero(log_tail <= need)
            if enough.size == 0:  # the bound does not fall that low within reach: refuse
                return None
            if int(enough[0]) <= hi:
                return s, sw, float(np.exp(log_tail[hi])), hi
            hi = int(enough[0])


def sparse_side_masses(
    chain: Chain,
    start: AxialModel,
    times: FloatArray,
    max_steps: int,
    handover_tol: float = 1e-11,
    rate_factor: float = 1.0,
) -> SideMasses:
    """Masses on z > 0 and z < 0 at ``times`` [tau_N] from the restricted Boltzmann state of
    ``start``, by uniformisation on the vector (see the module docstring), within
    ``max_steps`` steps of P; ``error`` is inf at the times neither reached nor covered by a
    hand-over. The ``rounding`` carries 8 eps per step, the flushed mass, and the truncated Poisson weight
    (the last two over the smaller side's mass; ``start_error``, ``switched_error`` over each side's own).
    ``rate_factor``: a further factor (≥ 1) on Λ (another Poisson mixture of the same e^{tA},
    for checks)."""
    times = np.asarray(times, dtype=float)
    run = _Run(chain, start, rate_factor)
    rate = chain_lambda1(chain)
    stationary = chain.stationary_start_mass()
    t_max = float(times.max()) if times.size else 0.0
    handover: float | None = None
    residual = 0.0
    sides_residual = (0.0, 0.0)
    # the hand-over ladder T = 2^j T0, from the first time that costs ~64 steps
    T = 64.0 / run.Lam
    while t_max >= 2.0 * T:
        before, after = run.masses(T, max_steps), run.masses(2.0 * T, max_steps)
        if before is None or after is None:
            break
        kept = math.exp(-rate * T)
        grow = -math.expm1(-rate * T)
        predicted = [s * grow + m * kept for s, m in zip(stationary, before[:2], strict=True)]
        sides_residual = side_mismatch(predicted, list(after[:2]))
        residual = max(sides_residual)
        # the rounding drift of the steps (8 eps each) is the floor this check can reach
        if residual <= max(handover_tol, 16.0 * EPS * after[3]):
            handover = T
            break
        T *= 2.0
    start_mass, switched = np.full(times.size, np.nan), np.full(times.size, np.nan)
    rounding, error = np.full(times.size, np.inf), np.full(times.size, np.inf)
    sided = np.full((2, times.size), np.inf)  # each side's own bound (SideMasses)
    for j, t in enumerate(times):
        late = handover is not None and t > handover
        got = run.masses(handover if late and handover is not None else t, max_steps)
        if got is None:
            continue  # neither reached within max_steps nor covered by a hand-over
        s, w, moved, last = got
        decay = 1.0
        if late and handover is not None:
            grow, decay = -math.expm1(-rate * (t - handover)), math.exp(-rate * (t - handover))
            s, w = stationary[0] * grow + s * decay, stationary[1] * grow + w * decay
        # an exact 0 (underflow) is judged by the extrapolation (zero on every grid or not)
        smaller = min((v for v in (s, w) if v > 0), default=1.0)
        # absolute: truncated weight and flushed mass, by T carried with the law's factor decay
        lost = (moved + last * chain.cells * FLUSH) * decay
        start_mass[j], switched[j] = s, w
        rounding[j] = 8.0 * EPS * (last + 1) + lost / smaller
        error[j] = rounding[j] + (residual if late else 0.0)
        for side, (mass, mismatch) in enumerate(zip((s, w), sides_residual, strict=True)):
            own = lost / mass if mass > 0 else lost / smaller
            sided[side, j] = 8.0 * EPS * (last + 1) + own + (mismatch if late else 0.0)
    return SideMasses(start_mass, switched, rounding, handover, residual, rate, error, sided[0], sided[1])
