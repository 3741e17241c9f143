r"""Spectral (Legendre–Galerkin) WER without a start well: currents at or above I_c.

Above the critical current the reversal is drift-dominated (Péclet numbers ~2σ(1 + i) per unit
z) and the finite-volume chain needs thousands of cells, while the Legendre–Galerkin matrix of
:func:`spintorque.thermal.axial.galerkin_matrix` resolves the operator with ~100–300 modes
(its λ1 agrees to 1e-11 between sizes). Its time evolution is accurate in *absolute* terms only
(~1e-13), so it is used in two pieces:

1. direct: WER(t) = w·e^{M t/2} a0 (w_n = ∫_0^1 P_n, a0 the Legendre coefficients of the
   restricted Boltzmann start P0), by ``expm``, where WER ≥ ``DIRECT_FLOOR``;
2. tail: past the matching time t_m where WER(t_m) ≈ DIRECT_FLOOR, the higher modes are
   e^{−(λ2 − λ1) t_m} smaller, and
   WER(t) = M_∞ + (WER(t_m) − M_∞ − c2 e^{−λ2 t_m}) e^{−λ1 (t − t_m)} + c2 e^{−λ2 t},
   with λ1, λ2 and c2 from the eigen-decomposition of M and M_∞ the exact stationary start
   mass. The correction c2 is tiny there, so its ~1e-4 accuracy does not matter; λ1 is accurate
   to ~1e-11, so 1e-100 keeps the relative accuracy of WER(t_m), ~1e-7.

The error estimate is the difference between two sizes (S and 3S/2), plus the absolute floor
1e-13 relative to the value for the direct part. Not for a start well (i < 1): there λ1 is
exponentially small and the matrix gives it only to ~1e-13 absolute (the chain handles that).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.polynomial import legendre as leg
from numpy.typing import NDArray
from scipy.linalg import eig, expm

from spintorque.thermal.axial.fokker_planck import AxialModel
from spintorque.thermal.wer.chain import build_chain

FloatArray = NDArray[np.float64]
DIRECT_FLOOR = 1e-6
ABSOLUTE_FLOOR = 1e-13
SIZES = (96, 144, 216, 324, 486, 729)
"""Sizes in turn, each only while the last two disagree: at sigma = 77, h = 0 and i ≳ 8 (Péclet
2σ(1 + i) ≳ 1400) size 216 is not resolved (WER 4.6e-11 at i = 12: 7.6e-11 on 216 modes,
4.567509e-11 on 324, 486, 729 and 1094), so the estimate |W_324/W_216 − 1| stayed ~1 with 324
already right; at i = 20 the tail's λ1 needs 729 modes (486 against 729: 5e-6 at WER 6e-12)."""


@dataclass(frozen=True)
class SpectralMasses:
    """Start-side mass and its estimated relative error at each time; the sizes used."""

    start: FloatArray
    error: FloatArray
    sizes: tuple[int, int]
    rate: float


@cache
def _gauss(points: int) -> tuple[FloatArray, FloatArray]:
    x, w = leg.leggauss(points)
    return np.asarray(x), np.asarray(w)


@cache
def _basis(size: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Gauss nodes/weights (exact for the projections) and P_n, P_n' at the nodes."""
    x, w = _gauss(size + 4)
    P = leg.legvander(x, size - 1)
    n = np.arange(size)
    dP = np.zeros_like(P)
    # (1 − x²) P_n' = n (P_{n−1} − x P_n)
    dP[:, 1:] = n[1:] * (P[:, :-1] - x[:, None] * P[:, 1:]) / (1.0 - x * x)[:, None]
    return x, w, np.asarray(P, dtype=float), np.asarray(dP, dtype=float)


def galerkin(model: AxialModel, size: int) -> FloatArray:
    """Matrix M of 2 tau_N ∂_t on Legendre coefficients (the projection of
    :func:`spintorque.thermal.axial.galerkin_matrix`, assembled with the derivative recurrence):
    M_mn = −(2m+1)/2 ∫ P_m' (1 − z²)(D P_n' + U' P_n) dz."""
    x, w, P, dP = _basis(size)
    flux = (1 - x * x)[:, None] * (model.diffusion * dP + model.potential_derivative(x)[:, None] * P)
    norm = (2 * np.arange(size) + 1) / 2
    return np.asarray(-norm[:, None] * (dP.T @ (w[:, None] * flux)))


def _start_coefficients(start: AxialModel, size: int) -> tuple[FloatArray, FloatArray]:
    """Legendre coefficients a0 of P0 ∝ e^{−U_0} on (0, 1] (0 below) and w_n = ∫_0^1 P_n."""
    x, wq = _gauss(4 * size + 200)
    z, weights = 0.5 * (x + 1.0), 0.5 * wq
    U0 = start.potential(z)
    density = np.exp(-(U0 - U0.min()))
    density /= weights @ density
    P = leg.legvander(z, size - 1)
    a0 = (2 * np.arange(size) + 1) / 2 * (P.T @ (weights * density))
    w = P.T @ weights  # ∫_0^1 P_n, by the same exact quadrature
    return np.asarray(a0), np.asarray(w)


def _one_size(
    model: AxialModel, start: AxialModel, times: FloatArray, size: int, stationary: float
) -> tuple[FloatArray, FloatArray, float]:
    """Start-side mass, its absolute-floor relative error, and λ1 from the size-``size`` matrix."""
    M = galerkin(model, size)
    a0, w = _start_coefficients(start, size)
    values, vectors = eig(M)
    order = np.argsort(-values.real)
    lam = -values.real[order] / 2.0
    vectors = vectors[:, order]
    coeff = np.linalg.solve(vectors, a0.astype(complex))
    c = ((w @ vectors) * coeff).real
    lam1, lam2, c1, c2 = float(lam[1]), float(lam[2]), float(c[1]), float(c[2])
    # matching time: where the slow mode alone has fallen to the direct method's floor
    t_m = max(0.0, math.log(max(abs(c1), 1e-300) / DIRECT_FLOOR) / lam1) if lam1 > 0 else math.inf
    out, floor = np.empty(times.size), np.empty(times.size)
    direct = times <= t_m
    state, now = a0.copy(), 0.0
    step, propagator = math.nan, np.eye(size)
    for j in np.flatnonzero(direct)[np.argsort(times[direct])]:
        dt = float(times[j]) - now
        if not abs(dt - step) <= 1e-13 * abs(dt):  # equally spaced pulses share one exponential
            step, propagator = dt, expm(M * (dt / 2.0))
        state = propagator @ state
        now = float(times[j])
        out[j] = float(w @ state)
    with np.errstate(divide="ignore"):
        floor[direct] = ABSOLUTE_FLOOR / np.abs(out[direct])
    if (~direct).any():
        W_m = float(w @ (expm(M * (t_m / 2.0)) @ a0))
        late = times[~direct]
        slow = W_m - stationary - c2 * math.exp(-lam2 * t_m)
        out[~direct] = stationary + slow * np.exp(-lam1 * (late - t_m)) + c2 * np.exp(-lam2 * late)
        floor[~direct] = ABSOLUTE_FLOOR / abs(W_m)
    return out, floor, lam1


def spectral_start_mass(
    model: AxialModel, start: AxialModel, times: FloatArray, rtol: float = 1e-6
) -> SpectralMasses:
    """WER(t) = P(z > 0) for ``model`` (nu = 0; i ≥ 1) from ``start``'s restricted Boltzmann state.

    Sizes :data:`SIZES` in turn until two consecutive agree to ``rtol`` (else the last pair
    and its error).
    """
    from spintorque._blas import single_threaded_blas

    with single_threaded_blas():  # matrices of a few hundred rows (see _blas)
        stationary = build_chain(model, 256).stationary_start_mass()[0]
        previous, _, _ = _one_size(model, start, times, SIZES[0], stationary)
        sizes = (SIZES[0], SIZES[0])
        for b in SIZES[1:]:
            sizes = (sizes[1], b)
            current, floor, rate = _one_size(model, start, times, b, stationary)
            with np.errstate(divide="ignore", invalid="ignore"):
                error = np.abs(current - previous) / np.abs(current) + floor
            error = np.where(np.isfinite(error) & (current > 0), error, np.inf)
            # t = 0 is the definition (WER = 1, set by the caller), not the series of the cut P0,
            # whose Legendre truncation converges slowly: it would run every size to the last
            if not np.any(error[times > 0] > rtol):
                break
            previous = current
    return SpectralMasses(np.clip(current, 0.0, 1.0), error, sizes, rate)
