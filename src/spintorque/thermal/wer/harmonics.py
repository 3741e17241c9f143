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
mass) and exp(A t) c₀ is evaluated by :func:`scipy.sparse.linalg.expm_multiply` (Al-Mohy &
Higham 2011), pulse to pulse.

Error estimate, per value: the spread over three degrees L, 1.25L, 1.5L (the finest reported;
the expansion converges exponentially in L, so the finest's error is far below the spread),
plus an absolute rounding term: the imaginary part of g·c (zero in exact arithmetic) and
1e-14 of the total mass. So values ≳ 1e-10 carry their relative accuracy; far below the absolute
floor the estimate exceeds the value and ``converged`` is false (no slowest-mode tail yet).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy.sparse.linalg import expm_multiply

from spintorque.errors import InputError
from spintorque.thermal.sphere import harmonics as sh
from spintorque.thermal.sphere.model import SphereModel

if TYPE_CHECKING:
    from spintorque.thermal.wer.rates import WERResult
    from spintorque.thermal.wer.sphere import SphereWERProblem

FloatArray = NDArray[np.float64]
ROUNDING = 1e-14
"""Absolute rounding floor of a mass (the total is 1)."""
MAX_DEGREE = 240


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


def base_degree(start: SphereModel, u: FloatArray) -> int:
    """The coarsest degree L = 8√k, k the start well's stiffness (:func:`_stiffness`, its largest
    curvature at zero current): the Boltzmann state's coefficients e^{−l²/(4k)} are ~1e-7 of the
    largest at L and ~1e-16 at 1.5 L, the finest degree. Under a current that switches the cell
    the density narrows at −u (the in-plane example at −3e11 A/m²: stiffness 568 against 214);
    the degree is not raised for it (the cost grows like L³): the spread over the degrees shows
    where that limits the accuracy (long pulses, WER below ~1e-6) and the slowest-mode tail takes
    over there. At most :data:`MAX_DEGREE`/1.5."""
    k0 = _stiffness(start, u)
    if k0 <= 0:
        raise InputError("energy", "the start direction is not an energy minimum at zero current")
    return int(min(max(24, math.ceil(8.0 * math.sqrt(k0))), MAX_DEGREE // 1.5))


def slowest_rates(op: sh.HarmonicOperator) -> tuple[float, float, float]:
    """(λ1, Re λ2) τ_N and the stationary state's start-side mass M_∞: minus the real parts of
    the two non-zero eigenvalues of A nearest zero and the null vector's hemisphere mass
    (shift-and-invert Arnoldi about a small positive shift). NaN where not resolved: no
    eigenvalue beyond 1e-10 of the operator's scale of 0 (a deep well at low current, whose λ1
    the harmonic expansion cannot tell from the stationary mode in double precision)."""
    from scipy.sparse.linalg import ArpackError, eigs

    scale = float(abs(op.matrix).sum(axis=0).max())
    try:
        vals, vecs = eigs(op.matrix.tocsc(), k=6, sigma=1e-6, which="LM", tol=1e-12)
    except (ArpackError, RuntimeError):
        return math.nan, math.nan, math.nan
    order = np.argsort(np.abs(vals))
    vals, vecs = vals[order], vecs[:, order]
    floor = math.nan
    if abs(vals[0]) <= 1e-10 * scale:
        total = complex(sh.total_weight(op) @ vecs[:, 0])
        if total != 0:
            floor = float((complex(sh.hemisphere_weights(op) @ vecs[:, 0]) / total).real)
    keep = np.abs(vals) > 1e-10 * scale
    vals = vals[keep]
    if vals.size == 0 or vals[0].real >= 0:
        return math.nan, math.nan, floor
    first = vals[0]
    rest = [float(-v.real) for v in vals[1:] if abs(v - first) > 1e-8 * abs(first)]
    # refine: shift-and-invert about a point 1e-4 |λ1| away from it, where it dominates the
    # inverted spectrum by ~1e4 (the first call's accuracy is relative to the stationary mode's
    # 1/shift = 1e6, ~1e-9 of λ1)
    try:
        shift = first * (1 - 1e-4)
        better = eigs(op.matrix.tocsc(), k=1, sigma=shift, which="LM", return_eigenvectors=False,
                      tol=1e-14)[0]
        if abs(better - first) <= 1e-6 * abs(first):
            first = better
    except (ArpackError, RuntimeError):
        pass
    return float(-first.real), (min(rest) if rest else math.nan), floor


def evolve(model: SphereModel, start: SphereModel, u: FloatArray, times: FloatArray, L: int,
           rate: bool = False) -> tuple[FloatArray, FloatArray, tuple[float, float, float]]:
    """(WER, absolute error bound) at ``times`` [tau_N] for degree L, and (λ1, Re λ2) τ_N if
    ``rate`` (else NaN), with the stationary start-side mass M_∞. The bound: rounding
    (|Im g·c| and :data:`ROUNDING`). The projected start's own error (the Gibbs error of the cut
    at m·u = 0, ~e^{−barrier}) depends on L and is in the spread over the degrees."""
    even = sh.is_even(model, u) and sh.is_even(start, u)
    op = sh.build_operator(model, L, u, even=even)
    lam = slowest_rates(op) if rate else (math.nan, math.nan, math.nan)
    c = sh.start_density(start, op)
    g = sh.hemisphere_weights(op)

    wer = np.empty(times.size)
    bound = np.empty(times.size)
    distinct, where = np.unique(times, return_inverse=True)
    states = _states(op.matrix, c, distinct)
    values = states @ g
    wer[:] = values.real[where]
    bound[:] = np.abs(values.imag)[where] + ROUNDING
    return wer, bound, lam


def _states(A: object, c: NDArray[np.complex128], times: FloatArray) -> NDArray[np.complex128]:
    """exp(A t) c at ascending ``times`` (rows): one call of expm_multiply's interval mode where
    the positive times are evenly spaced (its norm estimates once), else pulse to pulse."""
    out = np.empty((times.size, c.size), dtype=complex)
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
"""Below this WER (and after the last converged value above it) the slowest-mode tail is used."""


@dataclass(frozen=True)
class HarmonicRow:
    """WER of one current (finest degree, or the slowest-mode tail where ``tail``), relative
    error estimates, the degrees used and λ1 τ_N (NaN where unresolved)."""

    wer: FloatArray
    error: FloatArray
    degrees: tuple[int, ...]
    lambda1: float
    tail: NDArray[np.bool_]


def harmonic_row(model: SphereModel, start: SphereModel, u: FloatArray, times: FloatArray,
                 degrees: tuple[int, ...] | None = None) -> HarmonicRow:
    """WER at ``times`` [tau_N] for one current (see the module docstring).

    From the first time after the last value t* ≥ :data:`TAIL` with an estimate within 1e-3
    where the finest degree's WER falls below TAIL or its estimate exceeds the tail's, and at
    all later times, WER(t) = M_∞ + (WER(t*) − M_∞) e^{−λ1 (t − t*)}: the slowest mode
    on top of the stationary floor M_∞ (the start-side mass of the current's stationary state,
    the null vector of A). Its error: that of WER(t*), the spread of λ1 over the two finest
    degrees times (t − t*) and the second mode's share e^{−(λ2 − λ1) t*} on the transient, the
    spread of M_∞ over the two finest degrees (plus 1e-14, and |M_∞| where it came out
    negative: an unresolved floor) on the floor.
    """
    if degrees is None:
        L = base_degree(start, u)
        degrees = (L, round(1.25 * L), round(1.5 * L))
    if len(degrees) < 2 or list(degrees) != sorted(set(degrees)) or max(degrees) > 400:
        raise InputError("degrees", "need at least two ascending harmonic degrees <= 400")
    values, bounds, rates = [], [], []
    for L in degrees:
        w, b, lam = evolve(model, start, u, times, L, rate=L in degrees[-2:])
        values.append(w)
        bounds.append(b)
        rates.append(lam)
    v = np.array(values)
    best = v[-1]
    spread = np.abs(v[-1] - v[-2])
    absolute = spread + np.max(np.array(bounds), axis=0)
    wer = np.clip(best, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.where(wer > 0, absolute / wer, np.inf)
    (lam1, lam2, floor), (lam1_mid, _, floor_mid) = rates[-1], rates[-2]
    tail = np.zeros(times.size, dtype=bool)
    anchors = np.flatnonzero((wer >= TAIL) & (error <= 1e-3) & (times > 0))
    floor_ok = math.isfinite(floor) and math.isfinite(floor_mid)
    if anchors.size and math.isfinite(lam1) and floor_ok:
        a = anchors[np.argmax(times[anchors])]
        later = times > times[a]
        dt = np.where(later, times - times[a], 0.0)
        m_inf = max(floor, 0.0)
        floor_err = abs(floor - floor_mid) + ROUNDING + max(-floor, 0.0)
        transient = (wer[a] - m_inf) * np.exp(-lam1 * dt)
        value = m_inf + transient
        second = math.exp(-(lam2 - lam1) * times[a]) if math.isfinite(lam2) else 1.0
        lam_err = abs(lam1 - lam1_mid) if math.isfinite(lam1_mid) else lam1
        with np.errstate(divide="ignore", invalid="ignore"):
            err = (transient * (error[a] * wer[a] / (wer[a] - m_inf) + lam_err * dt + second)
                   + floor_err) / value
        # from the first later time where the direct value is below TAIL or less accurate than
        # the tail, the tail for all later times (one hand-over: the curve stays monotone)
        switch = later & ((wer < TAIL) | (error > err))
        if switch.any():
            tail = times >= times[switch].min()
            wer[tail], error[tail] = value[tail], err[tail]
    return HarmonicRow(wer, error, tuple(degrees), lam1, tail)


def harmonic_write_error_rate(problem: SphereWERProblem, times: FloatArray, rtol: float,
                              degrees: tuple[int, ...] | None = None) -> WERResult:
    """The harmonic path for every current of a 2D problem, as a
    :class:`~spintorque.thermal.wer.rates.WERResult` (``solver = "harmonics"``)."""
    from spintorque.thermal.wer.rates import WERResult

    if times.size == 0 or not (np.all(np.isfinite(times)) and np.all(times >= 0)):
        raise InputError("pulse", "pulse lengths must be finite and >= 0")
    if not 0 < rtol < 1:
        raise InputError("rtol", f"must be in (0, 1), got {rtol!r}")
    from spintorque._blas import single_threaded_blas

    rows = []
    with single_threaded_blas():
        for model in problem.models:
            rows.append(harmonic_row(model, problem.start_model, problem.axis, times, degrees))
    wer = np.array([r.wer for r in rows])
    err = np.array([r.error for r in rows])
    at_zero = times == 0.0
    wer[:, at_zero], err[:, at_zero] = 1.0, 0.0
    switched = np.clip(1.0 - wer, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        sw_err = np.where(switched > 0, err * wer / switched, np.where(at_zero, 0.0, np.inf))
    methods = tuple(
        f"harmonics[L {'/'.join(map(str, r.degrees))}{', slowest-mode tail' if r.tail.any() else ''}]"
        for r in rows
    )
    return WERResult(
        problem.current_ratio,
        times,
        wer,
        switched,
        err,
        sw_err,
        rows[0].degrees,
        rtol,
        np.array([r.lambda1 for r in rows]),
        problem,
        methods,
        "write_error_rate",
        "harmonics",
    )
