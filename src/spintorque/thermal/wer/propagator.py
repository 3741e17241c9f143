r"""Time evolution of the chain without cancellation: the probability left on each side at time t.

The propagator e^{tS} of the symmetrised chain (:mod:`~spintorque.thermal.wer.chain`) is a
nonnegative matrix, and it is built from nonnegative pieces only:

1. uniformisation for a short step τ0 = 1/(2Λ), Λ = max outflow:
   e^{τ0 S} = e^{−τ0Λ} Σ_k (τ0Λ)^k/k! P^k with P = I + S/Λ ≥ 0 (every term ≥ 0; Horner form),
   cut after K jumps. The Poisson tail beyond K (5.7e-44 for K = 30) bounds the mass moved by
   the cut, an absolute bound: relative to a side mass m it is n·w_{>K}/m after n steps, and
   at the front of an arriving tail the relative error is indeed far above w_{>K} (the paths
   that reach it make many jumps per τ0: 6.6e-10 at m = 5.5e-169 with K = 30, 256 cells;
   100 % on 128 cells). K is raised until that bound is below 8 eps (:func:`side_masses`);
2. squaring, e^{2^{k+1}τ0 S} = (e^{2^k τ0 S})², a product of nonnegative matrices (``dsyrk``: the
   matrix is symmetric);
3. any t ≤ 2^L τ0 from the binary digits of ⌊t/τ0⌋ and a uniformised remainder.

Only sums of nonnegative numbers occur, so a probability of 1e-30 keeps its relative accuracy;
the rounding error grows at most like the number of elementary steps, 2^k·O(eps) after k
squarings, which is reported (``rounding``, with the truncation's bound).

Long pulses: once every transient but the slowest has died out, the side masses follow the
exact two-state law M(t) = M_∞ (1 − e^{−λ1 (t − T)}) + M(T) e^{−λ1 (t − T)}, a convex
combination of two positive numbers (no cancellation either), with λ1 the chain's own rate
(:func:`~spintorque.thermal.wer.chain.chain_rate`). The hand-over time T is the first 2^k τ0 at
which this law, started at T, reproduces the propagated masses at 2T to ``handover_tol``; read
disturb over 1e30 tau_N then costs no more than over a few relaxation times.

Where log π spreads over more than :data:`PROBABILITY_SPAN` (large sigma or currents) g = p/√π
leaves the double range; :func:`start_side_masses` then runs the same steps on the
probabilities themselves (P = I + A/Λ column-stochastic, entries in [0, 1]; agreement with the
symmetric variables ~1e-12 where both work).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import eigh_tridiagonal
from scipy.linalg.blas import dsyrk
from scipy.special import xlogy

from spintorque.thermal.axial.fokker_planck import AxialModel
from spintorque.thermal.wer.chain import Chain, chain_rate, initial_probability, initial_state

FloatArray = NDArray[np.float64]
TERMS = 30
"""Jumps per τ0 kept in e^{τ0 S} to begin with (raised where :data:`TRUNCATION` asks for it)."""
MAX_TERMS = 148
"""The most jumps per τ0: the Poisson weight of 148 jumps at τ0Λ = 1/2 is 1e-308, still a
normal double (beyond it the weights themselves would underflow)."""
TRUNCATION = 8.0 * float(np.finfo(float).eps)
"""Target of the truncation's relative bound (one step's rounding); see :func:`_log_tail`."""
MAX_DOUBLINGS = 62
MAX_ROUNDING = 1e-7
EPS = float(np.finfo(float).eps)
Masses = Callable[[FloatArray], tuple[FloatArray, FloatArray]]


@dataclass(frozen=True)
class SideMasses:
    """Probability on each side of z = 0 at each time, from one chain.

    Attributes
    ----------
    start, switched : ndarray
        Mass on z > 0 and on z < 0 at each time (each computed directly, not as 1 − the other).
    rounding : ndarray
        Bound on the relative rounding error at each time (elementary steps × 8 eps), plus the
        bound on the truncation of e^{τ0 S} (n·w_{>K}/m, see :func:`side_masses`).
    handover : float or None
        Time [tau_N] from which the two-state law was used (None: propagated throughout).
    handover_residual : float
        Relative mismatch of the two-state law in its check (0 without hand-over).
    rate : float
        λ1·tau_N of the chain.
    error : ndarray
        Bound on the relative error at each time from the time evolution alone: ``rounding``, plus
        ``handover_residual`` at the times given by the two-state law (beyond ``handover``, or
        beyond the ladder's reach where no hand-over passed its check). Relative to the smaller
        side: the larger of ``start_error`` and ``switched_error``.
    start_error, switched_error : ndarray
        The same bound for each side's own mass. The truncation and the hand-over mismatch are
        absolute errors in mass (the same for both sides: the total is conserved), so each side
        carries it divided by its own mass, and the hand-over check's mismatch of each side
        relative to its own mass; the rounding (8 eps per step) is relative to every sum of
        nonnegative terms, the same on both (issue 14: a switching probability
        R ≈ 1 next to W ≈ 1.8e-304 was reported with W's relative bound, 1651).
    """

    start: FloatArray
    switched: FloatArray
    rounding: FloatArray
    handover: float | None
    handover_residual: float
    rate: float
    error: FloatArray
    start_error: FloatArray
    switched_error: FloatArray


Off = FloatArray | tuple[FloatArray, FloatArray]
"""Off-diagonal of P: one array (symmetric), or (upper, lower) in the probability variables."""


def _tridiagonal_apply(diag: FloatArray, off: Off, A: FloatArray) -> FloatArray:
    """P @ A for the tridiagonal P (nonnegative; ``off`` as :data:`Off`), A of shape (N, m)."""
    upper, lower = off if isinstance(off, tuple) else (off, off)
    B = diag[:, None] * A
    B[:-1] += upper[:, None] * A[1:]
    B[1:] += lower[:, None] * A[:-1]
    return B


def _poisson(x: FloatArray, terms: int = TERMS) -> FloatArray:
    """e^{−x} x^k / k! for k = 0..terms (rows), x ≥ 0 (columns)."""
    k = np.arange(terms + 1, dtype=float)[:, None]
    log_factorial = np.array([math.lgamma(j + 1.0) for j in range(terms + 1)])[:, None]
    return np.asarray(np.exp(xlogy(k, x[None, :]) - x[None, :] - log_factorial))


def _log_tail(terms: int) -> float:
    r"""log of a bound on the Poisson weight beyond ``terms`` jumps at x = τ0Λ = 1/2,

    .. math:: \sum_{k > K} e^{-x} x^k / k! \le \frac{e^{-x} x^{K+1}/(K+1)!}{1 - x/(K+2)}

    (the ratios of successive weights are x/k ≤ x/(K+2): a geometric series). It bounds every
    truncated factor the ladder uses (the fractional steps have x ≤ 1/2, a smaller tail).

    Why a bound relative to the smaller side's mass: the exact e^{τ0 S} minus its truncation is
    ≥ 0 and, in the probability variables, moves at most this weight times the mass it acts on
    (≤ 1); e^{nτ0 S} − E^n = Σ_j e^{jτ0 S}(e^{τ0 S} − E)E^{n−1−j} then loses at most n times it
    (E and e^{τ0 S} do not increase the total mass). That absolute bound is what holds at the
    front of an arriving tail, where the paths that reach it make many jumps per τ0 and the
    relative error is far above the Poisson tail itself (6.6e-10 at R = 5.5e-169 with 30 jumps).
    """
    x = 0.5
    log_w = -x + (terms + 1) * math.log(x) - math.lgamma(terms + 2.0)
    return log_w - math.log1p(-x / (terms + 2.0))


def _terms_for(log_bound: float) -> int:
    """The fewest jumps per τ0 (≥ :data:`TERMS`, ≤ :data:`MAX_TERMS`) whose tail is below
    e^{log_bound}."""
    terms = TERMS
    while terms < MAX_TERMS and _log_tail(terms) > log_bound:
        terms += 1
    return terms


def _square(E: FloatArray) -> FloatArray:
    """E² for a symmetric nonnegative E (E Eᵀ by dsyrk, then symmetrised)."""
    C = dsyrk(1.0, E)  # upper triangle; the strict lower one is returned as zeros
    C += C.T
    C[np.diag_indices_from(C)] *= 0.5
    return np.asarray(C)


PROBABILITY_SPAN = 600.0
"""Spread of log π (natural log) beyond which :func:`start_side_masses` evolves the
probabilities p themselves instead of g = p/√π (whose entries would leave the double range:
large sigma or currents, issue 14)."""


def start_side_masses(chain: Chain, start: AxialModel, times: FloatArray) -> SideMasses:
    """:func:`side_masses` from the restricted Boltzmann state of ``start``, in the symmetric
    variables g = p/√π where they fit in doubles, else in the probabilities p
    (:data:`PROBABILITY_SPAN`): the column-stochastic uniformised chain, whose entries are
    transition probabilities in [0, 1], squared by plain products (no ``dsyrk``, ~2× the cost)."""
    if float(np.ptp(chain.log_mass)) <= PROBABILITY_SPAN:
        return side_masses(chain, initial_state(chain, start), times)
    return side_masses(chain, initial_probability(chain, start), times, probabilities=True)


def side_masses(
    chain: Chain,
    g0: FloatArray,
    times: FloatArray,
    handover_tol: float = 1e-11,
    probabilities: bool = False,
) -> SideMasses:
    """Masses on z > 0 and z < 0 at ``times`` [tau_N] (≥ 0), starting from g(0) = p0/√π
    (``probabilities``: g0 is p0 itself, evolved in the probability variables).

    The truncation of e^{τ0 S} after K jumps moves at most n·w_{>K} of mass in n steps τ0
    (:func:`_log_tail`, p0 of total mass ≤ 1), so ``rounding`` carries n·w_{>K}/m, m the smaller
    side's mass, and ``start_error``, ``switched_error`` n·w_{>K} over their own side's (the
    computed one: it can only lie below the exact one; beyond a hand-over the
    error at T, n steps, decays with e^{−λ1 (t − T)} while the mass does not). K starts at
    :data:`TERMS`; where that bound exceeds :data:`TRUNCATION` (side masses below ~1e-25: a
    rare tail) the evolution is run again with the K that meets it (at most :data:`MAX_TERMS`;
    beyond, the larger bound is reported)."""
    times = np.asarray(times, dtype=float)
    terms = TERMS
    while True:
        sides, steps = _evolve(chain, g0, times, handover_tol, probabilities, terms)
        with np.errstate(divide="ignore"):
            # an exact 0 (underflow) is judged by the extrapolation (zero on every grid or not)
            smaller = np.where(
                (sides.start > 0) | (sides.switched > 0),
                np.minimum(np.where(sides.start > 0, sides.start, np.inf),
                           np.where(sides.switched > 0, sides.switched, np.inf)),
                1.0,
            )
            log_need = float(np.min(np.log(TRUNCATION * smaller / steps))) if steps.size else 0.0
        if _log_tail(terms) <= log_need or terms >= MAX_TERMS:
            break
        terms = _terms_for(log_need)
    moved = np.exp(_log_tail(terms) + np.log(steps))  # the absolute bound n·w_{>K}
    truncated = moved / smaller
    with np.errstate(divide="ignore", invalid="ignore"):
        # each side's own share; an exact 0 keeps the smaller side's (judged by the extrapolation)
        per_side = [np.where(m > 0, moved / m, truncated) for m in (sides.start, sides.switched)]
    return SideMasses(
        sides.start, sides.switched, sides.rounding + truncated, sides.handover,
        sides.handover_residual, sides.rate, sides.error + truncated,
        sides.start_error + per_side[0], sides.switched_error + per_side[1],
    )


def _evolve(
    chain: Chain, g0: FloatArray, times: FloatArray, handover_tol: float, probabilities: bool, terms: int
) -> tuple[SideMasses, FloatArray]:
    """:func:`side_masses` with e^{τ0 S} cut after ``terms`` jumps (its bound not yet added),
    and the number of steps τ0 behind each time."""
    Lam = 2.0 * float(chain.outflow.max())
    tau0 = 0.5 / Lam
    diag = 1.0 - chain.outflow / Lam  # >= 1/2: no cancellation
    plus = chain.start_side
    off: Off
    if probabilities:
        # dp_k/dt: from k+1 at 1/(r_k π_{k+1}), from k at 1/(r_k π_k) (the outflow's terms)
        upper = np.exp(-chain.log_resistance - chain.log_mass[1:]) / Lam
        lower = np.exp(-chain.log_resistance - chain.log_mass[:-1]) / Lam
        off = (upper, lower)

        def masses(v: FloatArray) -> tuple[FloatArray, FloatArray]:
            return v[plus].sum(axis=0), v[~plus].sum(axis=0)

    else:
        off = chain.coupling / Lam
        sqrt_mass = np.exp(0.5 * chain.log_mass)

        def masses(v: FloatArray) -> tuple[FloatArray, FloatArray]:
            return (sqrt_mass[plus] @ v[plus]), (sqrt_mass[~plus] @ v[~plus])

    coeff = _poisson(np.array([tau0 * Lam]), terms)[:, 0]
    E = coeff[terms] * np.eye(chain.cells)
    for k in range(terms - 1, -1, -1):
        E = _tridiagonal_apply(diag, off, E)
        E[np.diag_indices_from(E)] += coeff[k]
    rate = _rate(chain, Lam)
    stationary = chain.stationary_start_mass()
    t_max = float(times.max()) if times.size else 0.0
    ladder = [E]
    v = E @ g0  # g(2^k τ0) along the ladder
    handover: float | None = None
    residual = 0.0
    sided = (0.0, 0.0)  # the mismatch relative to each side's own mass
    level = 0
    while (1 << level) * tau0 < t_max:
        T = (1 << level) * tau0
        before = masses(v)
        v = ladder[-1] @ v
        after = masses(v)
        kept = math.exp(-rate * T)
        predicted = [s * -math.expm1(-rate * T) + m * kept for s, m in zip(stationary, before, strict=True)]
        sided = side_mismatch([float(p) for p in predicted], [float(a) for a in after])
        residual = max(sided)
        # the ladder's own rounding drift (~ eps·Λ·t) is the floor this check can reach
        if residual <= max(handover_tol, 2.0 * float(_rounding(2.0 * T / tau0, terms))):
            handover = T
            break
        if _rounding(4.0 * T / tau0, terms) > MAX_ROUNDING or level >= MAX_DOUBLINGS:
            break  # no hand-over possible within the accuracy: what lies beyond keeps `residual`
        ladder.append(ladder[-1] @ ladder[-1] if probabilities else _square(ladder[-1]))
        level += 1
    reach = (1 << (len(ladder) - 1)) * tau0  # representable with the ladder's binary digits
    direct = np.minimum(times, handover if handover is not None else reach)
    start, switched, steps = _propagate(ladder, diag, off, g0, direct / tau0, masses, terms)
    if handover is not None or reach < t_max:
        T0 = handover if handover is not None else reach
        late = times > T0
        if late.any():
            # the state at T0 itself, then the two-state law beyond
            s0, w0, n0 = _propagate(ladder, diag, off, g0, np.array([T0 / tau0]), masses, terms)
            decay = np.exp(-rate * (times[late] - T0))
            grow = -np.expm1(-rate * (times[late] - T0))
            start[late] = stationary[0] * grow + s0[0] * decay
            switched[late] = stationary[1] * grow + w0[0] * decay
            steps[late] = n0[0]
    if handover is None and reach >= t_max:
        residual, sided = 0.0, (0.0, 0.0)
    rounding = _rounding(steps, terms)
    two_state = times > (handover if handover is not None else reach)
    error = rounding + np.where(two_state, residual, 0.0)
    start_error, switched_error = (
        np.asarray(rounding + np.where(two_state, r, 0.0), dtype=float) for r in sided
    )
    sides = SideMasses(
        start, switched, rounding, handover, residual, rate, np.asarray(error, dtype=float),
        start_error, switched_error,
    )
    return sides, steps


def side_mismatch(predicted: list[float], found: list[float]) -> tuple[float, float]:
    """The two-state law's mismatch in the hand-over check on each side, relative to that side's
    mass (inf for a mass that underflowed to 0 while predicted not). Each side's own: the total
    is conserved, so the absolute mismatches are equal up to the rounding of the larger mass,
    which is eps relative to it but not to the smaller one."""
    def relative(p: float, a: float) -> float:
        return float(abs(p - a) / a) if a > 0 else (0.0 if p == 0 else math.inf)

    (p0, p1), (a0, a1) = predicted, found
    with np.errstate(over="ignore"):  # a denormal mass: the mismatch is inf
        return relative(p0, a0), relative(p1, a1)


def _rounding(steps: FloatArray | float, terms: int = TERMS) -> FloatArray:
    """Estimated relative rounding error after ``steps`` elementary steps τ0 (8 eps each; the
    ``terms`` Horner steps that build e^{τ0 S} count as steps)."""
    return np.asarray(8.0 * EPS * (np.asarray(steps) + terms))


def chain_lambda1(chain: Chain) -> float:
    """λ1·tau_N of the chain (as :class:`SideMasses` reports it), without any time evolution."""
    return _rate(chain, 2.0 * float(chain.outflow.max()))


def _rate(chain: Chain, Lam: float) -> float:
    """λ1·tau_N of the chain: from the symmetric tridiagonal eigensolver where its absolute
    accuracy (~eps·Λ) is at most 1e-9 relative, else (a barrier: λ1 exponentially small) from the
    positive-sum Green iteration :func:`chain_rate`."""
    n = chain.cells
    values = eigh_tridiagonal(
        -chain.outflow, chain.coupling, eigvals_only=True, select="i", select_range=(n - 2, n - 1)
    )
    lam = -float(np.min(values))
    if lam > 1e9 * EPS * Lam:
        return lam
    green = chain_rate(chain)  # 0.0: below the double range (the eigensolver's value is rounding)
    return green if math.isfinite(green) and green >= 0 else max(lam, 0.0)


def _propagate(
    ladder: list[FloatArray],
    diag: FloatArray,
    off: Off,
    g0: FloatArray,
    steps: FloatArray,
    masses: Masses,
    terms: int,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Side masses after ``steps`` (in units of τ0, < 2^len(ladder)) from g0."""
    whole = np.floor(steps)
    fraction = steps - whole
    n = whole.astype(np.int64)
    coeff = _poisson(0.5 * fraction, terms)  # (τ0 Λ) = 1/2
    V = np.zeros((g0.size, steps.size))
    power = g0[:, None].copy()
    for k in range(terms + 1):
        V += power * coeff[k][None, :]
        power = _tridiagonal_apply(diag, off, power)
    for level, E in enumerate(ladder):
        cols = ((n >> level) & 1) == 1
        if cols.any():
            V[:, cols] = E @ V[:, cols]
    start, switched = masses(V)
    return np.asarray(start, dtype=float), np.asarray(switched, dtype=float), whole + 1.0
