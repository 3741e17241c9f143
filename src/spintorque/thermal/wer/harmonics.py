r"""Write-error rate of any macrospin from the spherical-harmonic Galerkin evolution (issue 14).

A third discretisation of Brown's equation on the sphere, next to the finite-volume grids
(:mod:`~spintorque.thermal.wer.sphere`) and energy diffusion (:mod:`~spintorque.thermal.wer.energy`):
the expansion in Y_lm of degree ≤ L about the switching axis u
(:mod:`~spintorque.thermal.sphere.harmonics`). It has no numerical diffusion, so it stays
accurate at low damping where the grids upwind the precession, and it needs no averaging over
precession orbits (valid at any damping).

WER(t) = ∫_{m·u>0} P dΩ = Re(g·c(t)), c(t) = exp(A t) c₀, where c₀ are the coefficients of the
zero-current Boltzmann state restricted to m·u > 0 (the cut sits where the density is e^{−barrier}
of its peak, so the projection's Gibbs error is of that relative size, ~e^{−sigma} of the total
mass). The operator is used in its real form (c_{l,−m} = (−1)^m c̄_lm: half the unknowns, real
arithmetic) and g·exp(A t) c₀ at every pulse comes from one shift-and-invert Krylov basis
(:func:`krylov_masses`, van den Eshof & Hochbruck 2006: one sparse LU of I − γA per current
and degree; its cost does not grow with ‖A‖t, which made expm_multiply take ~1e5 products).

Error estimate, per value: the spread over the degrees L, 1.25L, 1.5L (the finest reported; the
last spread where the spreads contract, the larger of the last two where not:
:func:`degree_spread`), plus the Krylov estimate (the change over the basis dimension and a
rounding floor ~3e-13 of the total mass); a value from a Krylov basis that missed its stopping
test is reported not converged. The degree L = 8√k follows the stiffer of the start well and
the switched state under the current (:func:`base_degree`). So values ≳ 1e-7 carry their
relative accuracy; below, the two-mode tail takes over wherever it is the more accurate
(:mod:`~spintorque.thermal.wer.slow_modes`, :func:`combine_row`). The harmonic stationary
start-side mass M_∞ is resolved only to ~1e-13 absolute (the rounding of the assembled matrix
elements: −1.1e-13 at L = 262 with the elements below 1e-11 of the largest dropped, −1.1e-12 ±
3.9e-13 with 1e-14, at −4e11 A/m² on the in-plane example); where the band on M_∞ from energy
diffusion (:mod:`~spintorque.thermal.wer.stationary_mass`) is tighter the tail uses it, so its
values stay relatively accurate down to ~1e6 × that band's bound (4.9e-26 at −3e11 A/m² on the
in-plane example) and are flagged below.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import expm_multiply

from spintorque.errors import InputError
from spintorque.thermal.sphere import harmonics as sh
from spintorque.thermal.sphere.model import SphereModel
from spintorque.thermal.wer.slow_modes import (
    NAN_MODES,
    SlowModes,
    slowest_modes,
    tail,
    tail_samples,
)
from spintorque.thermal.wer.stationary_mass import FloorBound, energy_floor, energy_floors

if TYPE_CHECKING:
    from spintorque.thermal.wer.rates import WERResult
    from spintorque.thermal.wer.sphere import SphereWERProblem

FloatArray = NDArray[np.float64]
ROUNDING = 1e-14
"""Absolute rounding floor of a mass (the total is 1)."""
MAX_DEGREE = 330
"""Largest default degree (the finest of the spread; cost ~L³)."""


def _stiffness(model: SphereModel, u: FloatArray) -> float:
    """The largest inverse variance 1/(2 s²) of the density about ``u`` where u is a stable fixed
    point of the drift (0 otherwise): the Gaussian of the linearised equation, whose covariance
    Σ solves J Σ + Σ Jᵀ + 2 D_T I = 0 (J the 2×2 Jacobian of v in the tangent plane, by central
    differences with δ = 1e-4; at zero current 1/(2 s²) is U's largest curvature)."""
    from scipy.linalg import solve_continuous_lyapunov

    a, b, uu = sh.frame(u)
    d = 1e-4

    def v(x: float, y: float) -> FloatArray:
        m = np.cos(math.hypot(x, y)) * uu + (x * a + y * b) * (np.sinc(math.hypot(x, y) / np.pi))
        gt = _gradient(model, m)
        w = -0.5 * gt + np.cross(m, gt) / (2 * model.alpha)
        if model.drift is not None:
            w = w + np.asarray(model.drift(m[None, :]), dtype=float)[0]
        return np.array([w @ a, w @ b])

    J = np.column_stack([(v(d, 0) - v(-d, 0)) / (2 * d), (v(0, d) - v(0, -d)) / (2 * d)])
    if not np.all(np.isfinite(J)) or np.max(np.linalg.eigvals(J).real) >= 0:
        return 0.0
    D = 0.5 * model.temperature_factor
    cov = solve_continuous_lyapunov(J, -2 * D * np.eye(2))
    smallest = float(np.min(np.linalg.eigvalsh(0.5 * (cov + cov.T))))
    return 1.0 / (2.0 * smallest) if smallest > 0 else 0.0


def _gradient(model: SphereModel, m: FloatArray) -> FloatArray:
    """Tangent gradient of U/(1 + nu i) at one unit vector (central differences, δ = 1e-5)."""
    d = 1e-5
    eye = np.eye(3)
    pts = np.concatenate([m + d * eye, m - d * eye])
    pts /= np.linalg.norm(pts, axis=1)[:, None]
    U = np.asarray(model.potential(pts), dtype=float) / model.temperature_factor
    g = (U[:3] - U[3:]) / (2 * d)
    return np.asarray(g - (g @ m) * m)


def base_degree(start: SphereModel, u: FloatArray, model: SphereModel | None = None) -> int:
    """The coarsest degree L = 8√k, k the largest stiffness (:func:`_stiffness`) of the start
    well (its largest curvature at zero current) and, for a driven ``model``, of the switched
    state at −u where the current holds it stable: a Gaussian of stiffness k has coefficients
    e^{−l²/(4k)}, ~1e-7 of the largest at L and ~1e-16 at 1.5 L, the finest degree. Under a
    current that switches the cell the density narrows at −u (the in-plane example at
    −3e11 A/m²: stiffness 568 against 214 at the start), so long pulses at strong current need
    the larger degree. At most :data:`MAX_DEGREE`/1.5 (beyond, the spread over the degrees
    shows the lost accuracy)."""
    k0 = _stiffness(start, u)
    if k0 <= 0:
        raise InputError("energy", "the start direction is not an energy minimum at zero current")
    k = max(k0, _stiffness(model, -np.asarray(u, dtype=float))) if model is not None else k0
    return int(min(max(24, math.ceil(8.0 * math.sqrt(k))), MAX_DEGREE // 1.5))


def slowest_rates(op: sh.HarmonicOperator) -> tuple[float, float, float]:
    """(λ1, Re λ2) τ_N and the stationary state's start-side mass M_∞: minus the real parts of
    the two slowest non-zero eigenvalues of A and the null vector's hemisphere mass
    (:func:`~spintorque.thermal.wer.slow_modes.slowest_modes`: deflated shift-and-invert
    Arnoldi, λ1 refined to ~1e-12). NaN where not resolved (a deep well at low current, whose λ1
    the harmonic expansion cannot tell from the stationary mode in double precision)."""
    from spintorque.thermal.wer.slow_modes import slowest_modes

    modes = slowest_modes(op, strict=True)
    return modes.lambda1, modes.lambda2, modes.floor


KRYLOV_DIMENSIONS = (40, 60, 80, 110, 150, 190, 230, 270, 320)
"""Shift-and-invert Krylov dimensions tried in turn until two consecutive ones agree."""
KRYLOV_RTOL = 1e-12
"""Relative change between two dimensions (above the rounding floor) at which the basis stops."""
KRYLOV_ROUNDING = 64
"""Rounding floor of a Krylov mass: :data:`KRYLOV_FLOOR` + KRYLOV_ROUNDING·ε·Σ_k |s_k y_k|
(s = βV_m g, y = e^{tB} e1: the rounding of the last product)."""
KRYLOV_FLOOR = 3e-13
"""Absolute stagnation level of a Krylov mass (the total is 1): beyond ~200 dimensions the
values move by 1.5e-13–2.4e-13 per step (measured on the in-plane example at L = 118 and 239)."""
KRYLOV_SHIFT = 0.1
"""γ = KRYLOV_SHIFT × the longest time: the pole of the rational approximation."""


@dataclass(frozen=True)
class KrylovMasses:
    """g·e^{At} c at each time from one shift-and-invert basis: the values of the largest
    dimension used, their absolute error estimate (the change from the previous dimension plus
    the rounding floor), the dimension and whether the stopping test was met."""

    values: FloatArray
    change: FloatArray
    dimension: int
    converged: bool


def _factor(M: sp.spmatrix) -> object:
    """Sparse LU of M (a shifted Galerkin generator): minimum degree on Mᵀ + M with diagonal
    pivots preferred (half the fill of COLAMD's at L = 177: the matrix is nearly structurally
    symmetric), checked by the backward error ‖Mx − b‖/(‖M‖‖x‖ + ‖b‖) of one solve; partial
    pivoting with COLAMD where it exceeds 1e-12."""
    from scipy.sparse.linalg import splu

    M = sp.csc_matrix(M)
    lu = splu(M, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.01,
              options={"SymmetricMode": True})
    probe = np.cos(np.arange(M.shape[0]) * 0.7).astype(M.dtype)
    x = lu.solve(probe)
    size = float(abs(M).sum(axis=0).max())
    scale = size * float(np.abs(x).sum()) + float(np.abs(probe).sum())
    if float(np.abs(M @ x - probe).sum()) <= 1e-12 * scale:
        return lu
    return splu(M)


def _small_exponentials(B: NDArray[np.inexact], s: NDArray[np.inexact], times: FloatArray
                        ) -> tuple[FloatArray, FloatArray]:
    """Re s·exp(tB) e1 and Σ_k |s_k (exp(tB) e1)_k| at ``times`` (ascending; equal steps share
    one exponential)."""
    from scipy.linalg import expm

    out = np.empty(times.size)
    size = np.empty(times.size)
    state = np.zeros(B.shape[0], dtype=B.dtype)
    state[0] = 1.0
    now, step, propagator = 0.0, math.nan, np.eye(B.shape[0], dtype=B.dtype)
    for j, t in enumerate(times):
        dt = float(t) - now
        if not abs(dt - step) <= 1e-12 * abs(dt):
            step, propagator = dt, expm(B * dt)
        state = propagator @ state
        now = float(t)
        out[j] = float(np.real(s @ state))
        size[j] = float(np.abs(s * state).sum())
    return out, size


def krylov_masses(A: sp.spmatrix, c: NDArray[np.inexact], g: NDArray[np.inexact],
                  times: FloatArray, rtol: float = KRYLOV_RTOL) -> KrylovMasses:
    r"""Re g·e^{At} c at ascending ``times`` ≥ 0 by the shift-and-invert (restricted-denominator)
    Krylov method (van den Eshof & Hochbruck, SIAM J. Sci. Comput. 27, 1438 (2006)), as in
    :mod:`~spintorque.thermal.sphere.evolution`: with R = (I − γA)⁻¹ (one sparse LU) and the
    Arnoldi relation R V_m = V_{m+1} H̄_m from v1 = c/β,

    .. math:: e^{tA} c \approx \beta\, V_m \exp\!\big(t\,(I - H_m^{-1})/\gamma\big) e_1,

    one basis for every t (the error does not grow with ‖A‖t: the diffusion l(l+1)/2 and the
    precession at low damping make ‖A‖t ~ 1e4 at L ≈ 180, which cost expm_multiply ~1e5
    products). The dimension grows through :data:`KRYLOV_DIMENSIONS` until the change of every
    value is ≤ ``rtol`` of it plus the rounding floor (:data:`KRYLOV_ROUNDING`), or until the
    change stalls below 1e-11 (rounding reached), where "the change" is the larger of the last
    two (convergence is not monotone); the estimate is then the last change plus the floor.
    Where the largest dimension does not meet the test, ``converged`` is false and the estimate
    is the larger of the last two changes plus the floor.
    Real or complex arithmetic as A's.
    """
    times = np.asarray(times, dtype=float)
    n = A.shape[0]
    dtype = np.result_type(A.dtype, np.asarray(c).dtype, np.float64)
    beta = float(np.linalg.norm(c))
    if times.size == 0 or beta == 0.0 or float(times.max()) == 0.0:
        values = np.full(times.size, float(np.real(np.vdot(np.conj(g), c))))
        return KrylovMasses(values, np.zeros(times.size), 0, True)
    gamma = KRYLOV_SHIFT * float(times.max())
    lu: Any = _factor(sp.identity(n, format="csc", dtype=dtype) - gamma * A.astype(dtype))
    top = KRYLOV_DIMENSIONS[-1]
    V = np.zeros((top + 1, n), dtype=dtype)  # basis vectors as rows (contiguous)
    H = np.zeros((top + 1, top), dtype=dtype)
    V[0] = c / beta
    is_complex = np.iscomplexobj(V)
    size, breakdown = 1, False
    previous: FloatArray | None = None
    change = np.full(times.size, np.inf)
    last_step = np.full(times.size, np.inf)
    values = np.zeros(times.size)
    m = 0
    eps = float(np.finfo(float).eps)
    for wanted in KRYLOV_DIMENSIONS[: np.searchsorted(KRYLOV_DIMENSIONS, n) + 1]:
        while size < wanted + 1 and not breakdown:
            j = size - 1
            w = lu.solve(V[j])
            before = float(np.linalg.norm(w))
            for _ in range(2):  # classical Gram–Schmidt, repeated where it cancelled (Kahan)
                h = (V[: j + 1].conj() if is_complex else V[: j + 1]) @ w  # no copy when real
                w = w - h @ V[: j + 1]
                H[: j + 1, j] += h
                norm = float(np.linalg.norm(w))
                if norm > 0.5 * before:
                    break
                before = norm
            H[j + 1, j] = norm
            # only an exact breakdown (or the whole space) ends the basis: a new direction of
            # norm 1e-14 of R's still carries the fast modes that H⁻¹ amplifies (measured:
            # stopping there left 1e-9 errors on a 481-unknown operator)
            if norm == 0.0 or size == n:
                breakdown = True  # an invariant subspace: the approximation is exact
                break
            V[j + 1] = w / norm
            size += 1
        m = min(wanted, size - 1) if not breakdown else size
        B = (np.eye(m) - np.linalg.inv(H[:m, :m])) / gamma
        s = beta * (V[:m] @ g)
        values, sizes = _small_exponentials(B, s, times)
        floor = KRYLOV_FLOOR + KRYLOV_ROUNDING * eps * sizes
        if previous is not None:
            # the larger of the last two changes: convergence is not monotone (two dimensions
            # can share an error of 1e-12 that their difference does not show, measured)
            step = np.abs(values - previous)
            last, change = change, np.maximum(step, last_step)
            last_step = step
            # stagnation at the rounding level: the change no longer shrinks and is below
            # 1e-11 (every further dimension only adds noise of that size)
            stalled = float(change.max()) <= 1e-11 and float(change.max()) > 0.5 * float(last.max())
            if np.all(change <= rtol * np.abs(values) + floor) or stalled or breakdown:
                # two consecutive small changes: the last one bounds this dimension's error
                return KrylovMasses(values, step + floor, m, True)
        previous = values
    return KrylovMasses(values, change + floor, m, bool(breakdown))


def evolve(model: SphereModel, start: SphereModel, u: FloatArray, times: FloatArray, L: int,
           rate: bool = False, real: bool = True, method: str = "krylov",
           operator: sh.HarmonicOperator | None = None,
           ) -> tuple[FloatArray, FloatArray, SlowModes, bool, float]:
    """(WER, absolute error bound) at ``times`` [tau_N] for degree L, the slowest modes with
    their amplitudes if ``rate`` (:func:`~spintorque.thermal.wer.slow_modes.slowest_modes`;
    else NaN), whether the Krylov basis met its stopping test (always for ``"expm"``;
    where not, the bound is the larger of its last two changes, an estimate only) and the start's
    projection error |1 − g·c₀| (the true start lies wholly on m·u > 0). The bound: for
    ``method="krylov"`` (:func:`krylov_masses`) the change over the Krylov dimensions plus
    its rounding floor; for ``"expm"`` (expm_multiply, Al-Mohy & Higham 2011, the reference)
    rounding (:data:`ROUNDING` and, in the complex form, |Im g·c|). ``real``: the real form
    of the operator (identical dynamics, half the unknowns). ``operator``: a prebuilt
    operator of this model (degree L, axis u). The
    projected start's own error (the Gibbs error of the cut at m·u = 0, where the density is
    e^{−barrier} of its peak) converges only algebraically in L (measured on the σ ≈ 8.7 cell at
    −4e11 A/m²: |1 − g·c₀| = 7.2e-6, 6.4e-6, 4.7e-6, 3.7e-6 at L = 84, 100, 150, 200), so the
    spread over the degrees misses it (8.5e-7 between 84 and 100, against 1.7e-6 from L = 150):
    it is added to the bound as the relative error |1 − g·c₀| of every value (every value scaled
    with the start's misplaced mass there, measured: 1.7e-6 from t = 0 to WER 4e-8)."""
    if method not in ("krylov", "expm"):
        raise InputError("method", f"'krylov' or 'expm', got {method!r}")
    op = operator
    if op is None:
        even = sh.is_even(model, u) and sh.is_even(start, u)
        op = sh.build_operator(model, L, u, even=even, real=real)
    c = sh.start_density(start, op)
    g = sh.hemisphere_weights(op)
    modes = slowest_modes(op, c, strict=True) if rate else NAN_MODES
    start_error = abs(1.0 - float(np.real(g @ c)))

    wer = np.empty(times.size)
    bound = np.empty(times.size)
    distinct, where = np.unique(times, return_inverse=True)
    if method == "krylov":
        found = krylov_masses(op.matrix, c, g, distinct)
        wer[:] = found.values[where]
        bound[:] = found.change[where] + start_error * np.abs(wer)
        return wer, bound, modes, found.converged, start_error
    states = _states(op.matrix, c, distinct)
    values = states @ g
    wer[:] = values.real[where]
    bound[:] = np.abs(values.imag)[where] + ROUNDING + start_error * np.abs(wer)
    return wer, bound, modes, True, start_error


def _states(A: object, c: NDArray[np.inexact], times: FloatArray) -> NDArray[np.inexact]:
    """exp(A t) c at ascending ``times`` (rows): one call of expm_multiply's interval mode where
    the positive times are evenly spaced (its norm estimates once), else pulse to pulse."""
    out = np.empty((times.size, c.size), dtype=c.dtype)
    t_now, k = 0.0, 0
    while k < times.size and times[k] == 0.0:
        out[k] = c
        k += 1
    rest = times[k:]
    if rest.size >= 3 and np.allclose(np.diff(rest), rest[1] - rest[0], rtol=1e-9, atol=0.0):
        out[k:] = expm_multiply(A, c, start=rest[0], stop=rest[-1], num=rest.size, endpoint=True)
        return out
    for j in range(k, times.size):
        c = expm_multiply(A * (times[j] - t_now), c)
        t_now = float(times[j])
        out[j] = c
    return out


TAIL = 1e-8
"""Only direct values at or above this WER measure the tail's remainder (below it their
absolute error, ~3e-13, exceeds 3e-5 of the value)."""

Run = tuple[FloatArray, FloatArray, SlowModes, bool, float]
"""One degree's :func:`evolve`: WER, absolute bound, slowest modes, Krylov basis converged, the
start's projection error."""


@dataclass(frozen=True)
class HarmonicRow:
    """WER of one current (finest degree, or the slowest-mode tail where ``tail``), relative
    error estimates, the degrees used, λ1 τ_N (NaN where unresolved) and where every degree's
    Krylov basis met its stopping test (``converged``; elsewhere the error is an estimate
    only)."""

    wer: FloatArray
    error: FloatArray
    degrees: tuple[int, ...]
    lambda1: float
    tail: NDArray[np.bool_]
    converged: NDArray[np.bool_]


def row_degrees(model: SphereModel, start: SphereModel, u: FloatArray,
                degrees: tuple[int, ...] | None = None) -> tuple[int, ...]:
    """The harmonic degrees of one current: ``degrees`` checked, or (L, 1.25 L, 1.5 L) with L the
    :func:`base_degree` of the start well and of the switched state under ``model``."""
    if degrees is None:
        L = base_degree(start, u, model)
        degrees = (L, round(1.25 * L), round(1.5 * L))
    if len(degrees) < 2 or list(degrees) != sorted(set(degrees)) or max(degrees) > 400:
        raise InputError("degrees", "need at least two ascending harmonic degrees <= 400")
    return tuple(degrees)


def harmonic_row(model: SphereModel, start: SphereModel, u: FloatArray, times: FloatArray,
                 degrees: tuple[int, ...] | None = None) -> HarmonicRow:
    """WER at ``times`` [tau_N] for one current (see the module docstring and
    :func:`combine_row`)."""
    degrees = row_degrees(model, start, u, degrees)
    sample, pick = tail_samples(times)
    runs = [evolve(model, start, u, sample, L, rate=L in degrees[-2:]) for L in degrees]
    return _at(combine_row(sample, degrees, runs, energy_floor(start, model, u)), pick)


def _at(row: HarmonicRow, pick: NDArray[np.int64]) -> HarmonicRow:
    """The row at the requested pulses ``pick`` of its sample (:func:`~spintorque.thermal.wer.
    slow_modes.tail_samples`)."""
    from dataclasses import replace

    return replace(row, wer=row.wer[pick], error=row.error[pick], tail=row.tail[pick],
                   converged=row.converged[pick])


def degree_spread(values: FloatArray) -> FloatArray:
    """The error estimate of the finest of the values (rows: ascending degrees): the spread
    |v_n − v_{n−1}| where the spreads contract (|v_n − v_{n−1}| ≤ |v_{n−1} − v_{n−2}|, the
    exponential convergence in L seen), else the larger of the last two (not yet converging)."""
    last = np.abs(values[-1] - values[-2])
    if values.shape[0] < 3:
        return last
    before = np.abs(values[-2] - values[-3])
    return np.where(last <= before, last, np.maximum(last, before))


def combine_row(times: FloatArray, degrees: tuple[int, ...], runs: list[Run],
                floor: FloorBound | None = None) -> HarmonicRow:
    """:func:`harmonic_row` from the :func:`evolve` of each of its ``degrees`` (ascending; the
    slowest modes computed at the two finest).

    Direct values: the finest degree, error :func:`degree_spread` plus the largest Krylov
    bound. From the first time where the two-mode tail
    (:func:`~spintorque.thermal.wer.slow_modes.tail`: M_∞ + a1 e^{−λ1 t} + a2 e^{−λ2 t}, the
    left-out modes bounded by their measured size) is more accurate than the direct value, the
    tail at all later times (one hand-over: the curve stays monotone). ``floor``: the
    independent band on M_∞ (:mod:`~spintorque.thermal.wer.stationary_mass`) the tail uses where
    it is tighter than the harmonic M_∞."""
    v = np.array([r[0] for r in runs])
    bounds = np.array([r[1] for r in runs])
    converged = np.full(times.size, all(r[3] for r in runs))
    absolute = degree_spread(v) + np.max(bounds, axis=0)
    wer = np.clip(v[-1], 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.where(wer > 0, absolute / wer, np.inf)
    fine, coarse = runs[-1][2], runs[-2][2]
    where_tail = np.zeros(times.size, dtype=bool)
    found = tail(times, v[-1], absolute, fine, coarse, floor)
    if found is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            # the modes' amplitudes carry the projected start's error too
            err = found.error / found.value + runs[-1][4]
        err = np.where(found.value > 0, err, np.inf)  # before the asymptotic regime
        # hand over only where the tail stays usable at every later time: the one hand-over
        # carries it to the end, and a tail value <= 0 later (a large negative a2 on a sampled
        # early time) would have turned right direct values into infinite errors
        usable_after = np.flip(np.logical_and.accumulate(np.flip(np.isfinite(err))))
        better = (err < error) & (times > 0) & usable_after
        if better.any():
            where_tail = times >= times[better].min()
            wer[where_tail] = np.clip(found.value[where_tail], 0.0, 1.0)
            error[where_tail] = err[where_tail]
    return HarmonicRow(wer, error, tuple(degrees), fine.lambda1, where_tail, converged)


def _evolve_task(task: tuple[SphereModel, SphereModel, FloatArray, FloatArray, int, bool]) -> Run:
    model, start, u, times, L, rate = task
    return evolve(model, start, u, times, L, rate=rate)


def harmonic_write_error_rate(problem: SphereWERProblem, times: FloatArray, rtol: float,
                              degrees: tuple[int, ...] | None = None, workers: int | None = None
                              ) -> WERResult:
    """The harmonic path for every current of a 2D problem, as a
    :class:`~spintorque.thermal.wer.rates.WERResult` (``solver = "harmonics"``).

    ``workers``: processes over the (current, degree) evolutions
    (:func:`~spintorque._parallel.resolve_workers`: None → the usable cores up to 8, -1 → all,
    1 → serial); the values are bit-identical to the serial ones.
    """
    from spintorque._parallel import check_workers

    if times.size == 0 or not (np.all(np.isfinite(times)) and np.all(times >= 0)):
        raise InputError("pulse", "pulse lengths must be finite and >= 0")
    if not 0 < rtol < 1:
        raise InputError("rtol", f"must be in (0, 1), got {rtol!r}")
    from spintorque._parallel import parallel_map, resolve_workers

    check_workers(workers)
    start, u = problem.start_model, problem.axis
    per_row = [row_degrees(model, start, u, degrees) for model in problem.models]
    # one task per (current, degree): three tasks per current, so two workers share even
    # a single current and the longest-first schedule balances better
    sample, pick = tail_samples(times)  # more points for the tail's remainder
    tasks = [(model, start, u, sample, L, L in d[-2:])
             for model, d in zip(problem.models, per_row, strict=True) for L in d]
    runs = parallel_map(_evolve_task, tasks, resolve_workers(workers, len(tasks)),
                        cost=[float(t[4]) ** 3 for t in tasks])  # LU and basis: ~L³
    rows, k = [], 0
    for d, floor in zip(per_row, energy_floors(start, problem.models, u), strict=True):
        rows.append(_at(combine_row(sample, d, runs[k: k + len(d)], floor), pick))
        k += len(d)
    methods = tuple(
        f"harmonics[L {'/'.join(map(str, r.degrees))}{', slowest-mode tail' if r.tail.any() else ''}]"
        for r in rows
    )
    from dataclasses import replace

    from spintorque.thermal.wer.sphere import two_d_result

    # a value from a Krylov basis that did not meet its stopping test is not converged: no
    # bound (inf), its estimate in the notes
    errors = np.array([np.where(r.converged, r.error, np.inf) for r in rows])
    notes = tuple(
        f"harmonics: the Krylov basis of current {i} did not converge; largest relative error "
        f"estimate {float(np.max(r.error)):.2g} (not a bound)"
        for i, r in enumerate(rows) if not r.converged.all()
    )
    result = two_d_result(problem, times, np.array([r.wer for r in rows]), errors,
                          rows[0].degrees, rtol, np.array([r.lambda1 for r in rows]), methods,
                          "harmonics")
    return replace(result, notes=result.notes + notes) if notes else result
