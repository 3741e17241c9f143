r"""The slowest modes of the harmonic generator and the WER tail built on them (issue 14).

For the WER far below 1e-7 the directly evolved masses (:func:`~spintorque.thermal.wer.harmonics.
krylov_masses`) carry an absolute error ~3e-13 (the Krylov stagnation level and the spread over
the degrees), so their relative error grows as the WER falls. The eigen-expansion of the
evolution,

.. math:: \mathrm{WER}(t) = M_\infty + \sum_k a_k\,e^{-\lambda_k t} ,\qquad
          a_k = \frac{(g\cdot r_k)\,(l_k\cdot c_0)}{l_k\cdot r_k},

(r_k, l_k the right and left eigenvectors of A, A r = −λ r, Aᵀ l = −λ l; g the hemisphere
weights, c₀ the start; M_∞ = g·r₀ the start-side mass of the stationary state r₀ of unit mass)
has no such floor: λ_k, a_k and M_∞ are computed each to ~1e-12 relative. The tail keeps the
two slowest modes (k = 1, 2, a complex pair counted with its conjugate) and bounds the rest,
which decays at least as fast as e^{−κ t}, κ = Re λ of the next mode, by its size measured
against the directly evolved values (:func:`tail`): no assumption on the modes' amplitudes.

Spectral transformation (shift-and-invert Arnoldi, Saad, *Numerical Methods for Large
Eigenvalue Problems*, ch. 7): the stationary mode is deflated exactly (the total mass
tw·x is the left null vector, tw A = 0, so (A − σ)⁻¹ maps mass-free vectors to mass-free
ones); without it λ1 is 3e8 times smaller than the stationary mode in the inverted spectrum and
ARPACK returned λ1 to 2e-3 and spurious λ2, λ3 (463 ± 98i, measured at −4e11 A/m², L = 262, on
the in-plane example; the deflated run gives 313.817, 366.688, 624.868 /τ_N, the last the rate
at which the remainder of the direct values decays).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from spintorque.thermal.sphere import harmonics as sh
from spintorque.thermal.wer.stationary_mass import FloorBound, replaces

FloatArray = NDArray[np.float64]
ComplexArray = NDArray[np.complex128]

SHIFT = 1e-6
"""Shift σ τ_N of the first (deflated) Arnoldi run and of the stationary state's inverse iteration."""
WINDOW = 3
"""Consecutive measured points over which the remainder's envelope is taken (:func:`tail`)."""
UNRESOLVED = 1e-10
"""|λ| below this fraction of the operator's scale: not distinguishable from the stationary mode."""
REFINE_BASIS = 8
"""Arnoldi basis of each refinement (:func:`_refine`)."""


@dataclass(frozen=True)
class SlowModes:
    """The slowest modes of a generator: ``rates`` λ_k τ_N (complex, Re > 0) and ``amplitudes``
    a_k of the kept modes (``paired``: a complex mode of a real operator, counted with its
    conjugate), ``decay`` κ τ_N (Re λ of the first mode not kept), λ1 and Re λ2 τ_N, the
    stationary start-side mass M_∞ and its rounding. NaN where unresolved."""

    rates: ComplexArray
    amplitudes: ComplexArray
    paired: NDArray[np.bool_]
    decay: float
    lambda1: float
    lambda2: float
    floor: float
    floor_error: float

    @property
    def usable(self) -> bool:
        """Whether the tail can be built: λ1, κ, the amplitudes and M_∞ resolved."""
        values = [self.lambda1, self.decay, self.floor, *np.abs(self.amplitudes)]
        return bool(self.rates.size) and all(math.isfinite(v) for v in values)

    def transient(self, t: FloatArray) -> FloatArray:
        """Σ_k a_k e^{−λ_k t} over the kept modes (a pair's conjugate included)."""
        t = np.asarray(t, dtype=float)
        out = np.zeros(t.shape)
        for lam, a, pair in zip(self.rates, self.amplitudes, self.paired, strict=True):
            out += (2.0 if pair else 1.0) * np.real(a * np.exp(-lam * t))
        return out


NAN_MODES = SlowModes(np.zeros(0, complex), np.zeros(0, complex), np.zeros(0, bool), math.nan,
                      math.nan, math.nan, math.nan, math.nan)


def _factor(M: sp.spmatrix) -> Any:
    from spintorque.thermal.wer.harmonics import _factor as factor

    return factor(M)


def stationary_mass(op: sh.HarmonicOperator, lu: Any) -> tuple[float, float]:
    """(M_∞, its error): the start-side mass of the null vector of A with unit total mass, by
    inverse iteration with the factor ``lu`` of A − σI (each step shrinks the other modes by
    σ/λ1; stopped when M_∞ changes by less than its rounding 16 ε Σ|g_i x_i|, at most 8 steps).
    The error: the last change plus that rounding."""
    tw, g = sh.total_weight(op), sh.hemisphere_weights(op)
    x = np.zeros(op.size, dtype=np.result_type(op.matrix.dtype, np.float64))
    i0 = int(np.flatnonzero(tw)[0])
    x[i0] = 1.0 / tw[i0]  # the uniform density
    mass, change = float(np.real(g @ x)), math.inf
    eps = float(np.finfo(float).eps)
    for _ in range(8):
        x = lu.solve(x)
        x = x / (tw @ x)
        new = float(np.real(g @ x))
        change, mass = abs(new - mass), new
        if change <= 16 * eps * float(np.abs(g * x).sum()):
            break
    return mass, change + 16 * eps * float(np.abs(g * x).sum())


def _refine(A: sp.csc_matrix, first: complex, window: float, start: FloatArray,
            c: NDArray[np.inexact] | None, g: FloatArray
            ) -> tuple[complex, complex]:
    """(λ, a): one eigenvalue refined by shift-and-invert about a point 1e-4 |λ| from it (where
    it dominates the inverted spectrum by ~1e4; the first estimate is only good to ~1e-8 on the
    non-normal in-plane operator) with its right and left eigenvectors from the same factor, and
    its amplitude (g·r)(l·c)/(l·r) (NaN without ``c``). The first estimate and NaN where the
    refined value leaves ``window`` (another eigenvalue) or the solver fails."""
    from scipy.sparse.linalg import ArpackError, LinearOperator, eigs

    n = A.shape[0]
    # a real eigenvalue of a real A keeps the factor and the iteration real (half the cost)
    real = first.imag == 0 and not np.iscomplexobj(A)
    shift: complex = first.real * (1 - 1e-4) if real else first * (1 - 1e-4)
    dtype = np.result_type(A.dtype, np.float64 if real else np.complex128)
    try:
        lu = _factor(A.astype(dtype) - shift * sp.identity(n, format="csc", dtype=dtype))
        right = LinearOperator((n, n), matvec=lu.solve, dtype=dtype)
        left = LinearOperator((n, n), matvec=lambda v: lu.solve(v, trans="T"), dtype=dtype)
        # a short basis (ARPACK's default is 20): λ dominates the inverted spectrum by ~1e4, so
        # its Ritz value meets the tolerance within a few steps, and each step is a solve
        # (measured at L = 100: ~9 solves a run against ~21, the values the same to 15 digits)
        val, r = eigs(A, k=1, sigma=shift, which="LM", tol=1e-14, OPinv=right, v0=start,
                      ncv=min(REFINE_BASIS, n))
        if not abs(val[0] - first) < window:
            return first, complex(math.nan)
        if c is None:
            return complex(val[0]), complex(math.nan)
        val_l, ll = eigs(sp.csc_matrix(A.T), k=1, sigma=shift, which="LM", tol=1e-14, OPinv=left,
                         v0=start, ncv=min(REFINE_BASIS, n))
    except (ArpackError, RuntimeError):
        return first, complex(math.nan)
    if not abs(val_l[0] - val[0]) <= 1e-9 * abs(val[0]):
        return complex(val[0]), complex(math.nan)  # left and right not the same eigenvalue
    rr, lv = r[:, 0], ll[:, 0]
    return complex(val[0]), complex((g @ rr) * (lv @ c) / (lv @ rr))


def slowest_modes(op: sh.HarmonicOperator, c: NDArray[np.inexact] | None = None,
                  strict: bool = False) -> SlowModes:
    """The slowest modes of ``op`` (module docstring) with their amplitudes for the start ``c``
    (None: rates and M_∞ only). NaN where no eigenvalue lies beyond :data:`UNRESOLVED` of the
    operator's scale from 0 (a deep well at low current, whose λ1 the expansion cannot tell from
    the stationary mode in double precision) or where the solver fails.

    ``strict``: NaN rates (M_∞ kept) also where an eigenvalue within :data:`UNRESOLVED` was
    dropped: the slowest mode is then below the resolution, and the next one, an intra-well
    rate hundreds of times larger, is no λ1 (the WER's tail and its reported λ1 need the slowest
    mode; the escape method cross-checks with a second eigen-solve instead)."""
    from scipy.sparse.linalg import ArpackError, LinearOperator, eigs

    A = sp.csc_matrix(op.matrix)
    n = A.shape[0]
    tw, g = sh.total_weight(op), sh.hemisphere_weights(op)
    i0 = int(np.flatnonzero(tw)[0])
    scale = float(abs(A).sum(axis=0).max())
    lu = _factor(A - SHIFT * sp.identity(n, format="csc", dtype=A.dtype))
    floor, floor_error = stationary_mass(op, lu)

    def deflate(v: NDArray[np.inexact]) -> NDArray[np.inexact]:
        out = np.array(v, copy=True)
        out[i0] -= (tw @ v) / tw[i0]  # the mass-free part (P x with tw P = 0, P e_i0 = 0)
        return out

    # a fixed generic start (ARPACK's own is drawn from a generator that carries over from call
    # to call in a process): the same rates whatever ran before, in this process or a worker
    start = np.random.default_rng(14).uniform(-1.0, 1.0, n)
    inverse = LinearOperator((n, n), matvec=lambda v: deflate(lu.solve(deflate(v))), dtype=A.dtype)
    try:
        vals = eigs(A, k=min(6, n - 2), sigma=SHIFT, which="LM", tol=1e-12, OPinv=inverse,
                    v0=deflate(start), ncv=min(40, n), return_eigenvectors=False)
    except (ArpackError, RuntimeError):
        return NAN_MODES
    resolved = np.abs(vals) > UNRESOLVED * scale
    vals = vals[resolved]
    if vals.size == 0 or (strict and not resolved.all()):
        return SlowModes(NAN_MODES.rates, NAN_MODES.amplitudes, NAN_MODES.paired, math.nan,
                         math.nan, math.nan, floor, floor_error)
    vals = vals[np.lexsort((vals.imag, -vals.real))]  # slowest first, the pair's −Im first
    if vals[0].real >= 0:
        return NAN_MODES
    real_op = not np.iscomplexobj(A)
    # distinct modes: one of each conjugate pair of a real operator
    distinct = [v for v in vals if not (real_op and v.imag > 0)]
    kept, rest = distinct[:2], distinct[2:]
    rates, amps = [], []
    for k, mode in enumerate(kept):
        others = [abs(v - mode) for v in vals if abs(v - mode) > 1e-8 * abs(mode)]
        window = 0.5 * min(others) if others else 1e-3 * abs(mode)
        lam, a = _refine(A, mode, window, start, c, g)
        if k and not math.isfinite(abs(a)) and c is not None:
            rest = [mode, *rest]  # the second mode unresolved: the bound must cover it
            break
        rates.append(-lam)
        amps.append(a)
    lam1 = float(rates[0].real)
    lam2 = float(-distinct[1].real) if len(distinct) > 1 else math.nan
    if len(rates) > 1:
        lam2 = float(rates[1].real)
    decay = float(-rest[0].real) if rest else math.nan
    paired = np.array([real_op and r.imag != 0 for r in rates], dtype=bool)
    return SlowModes(np.array(rates, dtype=complex), np.array(amps, dtype=complex), paired, decay,
                     lam1, lam2, floor, floor_error)


@dataclass(frozen=True)
class Tail:
    """The tail's value and absolute error estimate at every time (NaN where not usable)."""

    value: FloatArray
    error: FloatArray


def tail(times: FloatArray, wer: FloatArray, absolute: FloatArray, fine: SlowModes,
         coarse: SlowModes, floor: FloorBound | None = None) -> Tail | None:
    r"""The two-mode tail of the finest degree (``fine``) at ``times``, with its error measured
    against the direct values ``wer`` (absolute errors ``absolute``) where they are good to 1e-3
    and above TAIL; None where the modes are unresolved or do not describe the direct values.

    model(t) = max(M_∞, 0) + Σ_{k≤2} a_k e^{−λ_k t}. Its own error: the difference of the models
    of the two finest degrees (a, λ and M_∞ at once), M_∞'s rounding and |M_∞| where it came out
    negative (an unresolved floor); where the independent band ``floor`` on M_∞
    (:func:`~spintorque.thermal.wer.stationary_mass.energy_floor`) is the tighter
    (:func:`~spintorque.thermal.wer.stationary_mass.replaces`), its value in both models and its
    bound instead. The modes left out: the remainder R_j = |wer_j − model(t_j)|
    measured at the direct points in the asymptotic regime (R_j within 1e-2 of the model), which
    decays at least as fast as e^{−κ t}:

    .. math:: B(t) = \min_{t_j\le t}\,(R_j + \delta_j)\,e^{-\kappa (t - t_j)},

    δ_j the direct value's and the model's own errors. Checked on the measured points: a
    remainder that decays more slowly than κ beyond these errors refuses the tail (None).
    """
    from spintorque.thermal.wer.harmonics import TAIL as LOW

    if not (fine.usable and coarse.usable):
        return None
    kappa = min(fine.decay, coarse.decay)
    m_inf, m_coarse = max(fine.floor, 0.0), max(coarse.floor, 0.0)
    floor_error = fine.floor_error + max(-fine.floor, 0.0)
    if floor is not None and replaces(floor, fine.floor, fine.floor_error, coarse.floor):
        m_inf = m_coarse = floor.value  # the harmonic floor's rounding leaves the difference
        floor_error = floor.error
    value = m_inf + fine.transient(times)
    other = m_coarse + coarse.transient(times)
    own = np.abs(value - other) + floor_error
    with np.errstate(divide="ignore", invalid="ignore"):
        rel_direct = absolute / wer
    measured = (times > 0) & (wer >= LOW) & (rel_direct <= 1e-3)
    remainder = np.abs(wer - value)
    asymptotic = measured & (remainder <= 1e-2 * np.abs(value))
    # the model must be positive from the asymptotic regime on, where it can be used (before
    # it a large a2 of the other sign can make it negative: a2 = −883 at −3e11 A/m², t < 0.3 ns)
    later = np.arange(times.size) >= (np.flatnonzero(asymptotic)[0] if asymptotic.any() else 0)
    if not asymptotic.any() or not np.all(value[later] > 0):
        return None
    pts = np.flatnonzero(measured & later)
    # the remainder's envelope at each measured point (in logs: κ t may exceed 709), its
    # uncertainty included
    size = remainder[pts] + absolute[pts] + own[pts]
    with np.errstate(divide="ignore"):
        scaled = np.log(size) + kappa * times[pts]
    # the decay check: from the last point where the remainder exceeded the envelope of the
    # WINDOW points before it (still decaying more slowly than κ: faster modes of the other sign
    # not yet gone, measured at −4e11 A/m²), the asymptotic regime where the bound holds
    begin = 0
    for i in range(1, pts.size):
        lo = max(begin, i - WINDOW)
        bound = math.exp(float(scaled[lo:i].max()) - kappa * times[pts[i]])
        if remainder[pts[i]] > bound + absolute[pts[i]] + own[pts[i]]:
            begin = i
    pts, scaled = pts[begin:], scaled[begin:]
    if pts.size < WINDOW:
        return None
    # C_i: the largest over WINDOW consecutive points ending at i (a single point may sit near a
    # node of an oscillating remainder); at t the tightest full window up to t
    envelope = np.array([scaled[i - WINDOW + 1: i + 1].max() for i in range(WINDOW - 1, pts.size)])
    error = np.full(times.size, np.inf)
    for j in range(times.size):
        full = int(np.count_nonzero(times[pts] <= times[j])) - WINDOW + 1
        if full > 0:
            error[j] = math.exp(float(envelope[:full].min()) - kappa * times[j]) + own[j]
    return Tail(value, error)


SUBSTEPS = 8
"""Evolution steps per interval of the requested pulses (:func:`tail_samples`): at −4e11 A/m²
on the in-plane example (1 ns grid) the remainder's decay check restarts at 1.5 ns (faster modes
of the other sign), so with 4 steps the first full window ended where the direct values are at
their noise floor (estimate 3.3e-6 at 2 ns, WER 1.4e-7); with 8, 1.8e-7 there."""


def tail_samples(times: FloatArray) -> tuple[FloatArray, NDArray[np.int64]]:
    """(sample, pick): the pulses ``times`` with :data:`SUBSTEPS` − 1 equally spaced times added in
    each interval between consecutive distinct ones, and the index of each
    requested time in ``sample`` (sample[pick] = times). The tail's remainder needs
    :data:`WINDOW` measured points with WER ≥ 1e-8: on a 1 ns grid at −4e11 A/m² (WER 3e-3,
    1.4e-7, 6e-12 at 1, 2, 3 ns) only two, and no tail. Equal steps within an interval share
    one small exponential of the Krylov evolution, so the cost barely grows. None before the
    first pulse: times far below the longest miss the Krylov basis's stopping test (its pole
    sits at a tenth of the longest), and the tail is for long pulses (σ = 10, i = 3, α = 0.03,
    pulses 0.1–0.4 τ_N: with steps from 0 every value lost its bound)."""
    times = np.asarray(times, dtype=float)
    distinct = np.unique(times)
    fractions = np.arange(SUBSTEPS) / SUBSTEPS
    extra = (distinct[:-1, None] + np.diff(distinct)[:, None] * fractions[None, 1:]).ravel()
    sample = np.unique(np.concatenate([times, extra]))
    return sample, np.searchsorted(sample, times)
