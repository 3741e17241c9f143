r"""λ1 and the integral relaxation time of any macrospin from the spherical-harmonic Galerkin
operator (issue 14): the ``"harmonics"`` method of :func:`spintorque.thermal.escape`.

The operator A (dc/dt = A c, times in tau_N) is Brown's equation projected on Y_lm of degree ≤ L
about the start direction u (:func:`spintorque.thermal.sphere.harmonics.build_operator`). It has
no numerical diffusion, so at moderate damping (α ~ 0.1, where the precession is ten times the
damping drift) it converges where the finite-volume grids of :mod:`~.escape2d` upwind the
precession and do not.

* λ1: minus the real part of the non-zero eigenvalue of A nearest zero
  (:func:`spintorque.thermal.wer.harmonics.slowest_rates`), at the degrees L, 1.25 L, 1.5 L with
  L = 8√k (:func:`spintorque.thermal.wer.harmonics.base_degree`: k the largest stiffness of the
  start well at zero current and of the switched state under the current). The expansion
  converges exponentially in L, so the error estimate of the finest value is the relative
  spread |λ(1.5L) − λ(1.25L)|/λ(1.5L), or the relative difference from a second, bordered
  eigen-solve (:func:`_bordered_lambda1`) where larger; it is trusted (``converged``) only
  when that estimate is below :data:`CONVERGED` and no larger than the coarser spread
  |λ(1.25L) − λ(L)| (the asymptotic regime) or below :data:`ROUNDING`.
  Where λ1 is below ~1e-10 of the operator's scale (a deep well, λ1 ~
  e^{−barrier}) double precision cannot tell it from the stationary mode: refused, pointing at
  methods 'axial' and 'sphere' (the refusal says so).
* τ_int = ∫ C(t) dt / C(0), C(t) = ⟨δz(0) δz(t)⟩ in the stationary state, z = m·u: in the
  forward picture C(t) = ∫ δz e^{At}(δz P_st) dΩ, so

  .. math:: \tau_{\rm int} = \frac{\int \delta z\; y\, d\Omega}{\int \delta z^2 P_{\rm st}\, d\Omega},
            \qquad -A y = \delta z\,P_{\rm st},\ \int y\,d\Omega = 0,

  with P_st the null vector of A (∫ P_st = 1). A's l = 0 row vanishes identically (mass
  conservation), so both solves use A with that row replaced by the total-mass weights (one
  sparse LU). The products δz·P_st are projected by Gauss quadrature of the finest degree.
  For a reversible problem (zero current) C(t) = Σ c_k e^{−λ_k t}, c_k ≥ 0, so τ_int ≤ 1/λ1;
  the runner checks that. Reported only where λ1·τ_int >= :data:`SLOW_SHARE` and λ1 is good to
  :data:`ROUNDING` (else the minority well's population, ill-conditioned, sets it), with the
  spread over 1.25L, 1.5L (at least :data:`TAU_FLOOR`) as its estimate, and only up to the
  zero-current stiffness :data:`TAU_STIFFNESS` (beyond, its rounding outgrows the estimate).
* MFPT: an absorbing surface m·u = z* is no condition on a global harmonic basis; not computed
  here (method ``"sphere"`` or, at low damping, ``"energy"`` give it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import splu

from spintorque.errors import InputError
from spintorque.thermal.sphere import harmonics as sh
from spintorque.thermal.sphere.model import SphereModel
from spintorque.thermal.wer import harmonics as wh
from spintorque.thermal.wer.slow_modes import UNRESOLVED, slowest_modes

FloatArray = NDArray[np.float64]
CONVERGED = 1e-3
"""Largest relative spread of λ1 over the two finest degrees reported as converged (the 2D
grids' target, :data:`spintorque.thermal.sphere.escape2d.CONVERGED`)."""
ROUNDING = 1e-9
"""Relative spread of λ1 at which the degrees agree to rounding (the eigensolver's
reproducibility on the non-normal operator is ~1e-12 after refinement, ~3e-5 before it): below
it the spreads need not decrease."""


@dataclass(frozen=True)
class HarmonicEscape:
    """λ1 τ_N at each degree (NaN where unresolved), τ_int/τ_N at the finest (NaN where the
    solve failed), the relative spreads of λ1 over (L, 1.25L) and (1.25L, 1.5L), and whether
    λ1 is resolved (:func:`harmonic_escape`) and converged (see the module docstring)."""

    degrees: tuple[int, ...]
    lambda1: tuple[float, ...]
    integral_relaxation_time: float
    tau_int_spread: float
    coarse_spread: float
    fine_spread: float
    resolved: bool
    converged: bool
    reason: str | None
    tau_reason: str | None = None
    """Why τ_int is NaN (None where it is reported)."""
    start_side_mass: float = math.nan
    """Stationary mass on the start side m·u > 0 at the finest degree, and its rounding."""
    start_side_mass_error: float = math.nan
    resolution: float = math.nan
    """|λ| τ_N below which the finest operator cannot tell a rate from the stationary mode
    (:data:`~spintorque.thermal.wer.slow_modes.UNRESOLVED` times its 1-norm)."""
    bordered: tuple[float, ...] = ()
    """λ1 τ_N of the bordered eigen-solve at the two finest degrees."""


def forward_rate_bound(found: HarmonicEscape) -> tuple[float, str] | None:
    """An upper bound [1/tau_N] on the forward switching rate k_fwd out of the start well, and
    how it was obtained, for the regime (:func:`spintorque.thermal.regime.sphere_landscape`);
    None where the harmonic solve gives none.

    * λ1 resolved: λ1 = k_fwd + k_back and, for two states, k_fwd = λ1·P_st(beyond the
      separatrix m·u = 0) (the two-state split, as ``switching_rate``), so
      k_fwd <= λ1·min(1, P_beyond + its rounding);
    * λ1 not resolved because it is below the operator's resolution R (both eigen-solves at the
      two finest degrees say so: the bordered one returns a positive value below R, the
      shifted one, which keeps every eigenvalue above R, returned a larger one): k_fwd <= λ1 < R.
    """
    if found.resolved:
        beyond = 1.0 - found.start_side_mass
        if not (math.isfinite(beyond) and math.isfinite(found.start_side_mass_error)):
            return found.lambda1[-1], "λ1 >= k_fwd"
        share = min(1.0, max(beyond, 0.0) + abs(found.start_side_mass_error))
        return found.lambda1[-1] * share, (
            f"λ1·P_st(m·u < 0) with P_st(m·u < 0) <= {share:.3g}, the two-state split of the "
            "harmonic λ1")
    R = found.resolution
    if len(found.bordered) == 2 and math.isfinite(R) and all(
            math.isfinite(b) and 0.0 < b < R for b in found.bordered) and all(
            math.isfinite(v) and v > R for v in found.lambda1[1:]):
        return R, (f"λ1 is below the harmonic operator's resolution {R:.3g} /tau_N (the "
                   f"bordered solve gives {found.bordered[-1]:.3g})")
    return None


def degrees_for(model: SphereModel, u: FloatArray, degrees: tuple[int, ...] | None = None
                ) -> tuple[int, ...]:
    """(L, 1.25L, 1.5L), L = :func:`~spintorque.thermal.wer.harmonics.base_degree` of the
    zero-current start well about ``u`` and of the switched state under ``model``; ``degrees``
    (three ascending integers ≤ 400) where given."""
    if degrees is None:
        start = replace(model, drift=None)
        try:
            L = wh.base_degree(start, u, model)
        except InputError:
            raise InputError("method", "method 'harmonics' sizes its expansion by the start well "
                             "at zero current, and the start direction is no energy minimum "
                             "there (use method 'sphere')") from None
        degrees = (L, round(1.25 * L), round(1.5 * L))
    if len(degrees) != 3 or list(degrees) != sorted(set(degrees)) or max(degrees) > 400 \
            or min(degrees) < 2:
        raise InputError("degrees", "need three ascending harmonic degrees in [2, 400]")
    return tuple(int(d) for d in degrees)


def _operator(model: SphereModel, u: FloatArray, L: int) -> sh.HarmonicOperator:
    return sh.build_operator(model, L, u, even=sh.is_even(model, u), real=True)


def cos_theta_matrix(op: sh.HarmonicOperator) -> sp.csr_matrix:
    r"""Z with (Z c)_lm the coefficients of cos θ · Σ c_l'm' Y_l'm', truncated at degree L:
    cos θ Y_lm = a_{l+1,m} Y_{l+1,m} + a_{lm} Y_{l−1,m}, a_lm = √((l² − m²)/((2l+1)(2l−1)))
    (complex coefficients; it keeps m, so the even-m subset is closed under it)."""
    rows, cols, vals = [], [], []
    for m, where in op.positions.items():
        ell = np.arange(abs(m) + 1, op.L + 1, dtype=float)
        a = np.sqrt((ell**2 - m**2) / ((2 * ell + 1) * (2 * ell - 1)))
        rows += [where[1:], where[:-1]]  # c_{l−1} feeds l, c_{l+1} feeds l
        cols += [where[:-1], where[1:]]
        vals += [a, a]
    n = op.complex_size
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(n, n))


def _bordered_lambda1(lu: object, n: int) -> float:
    """λ1 from the bordered matrix M (A with its zero row 0 replaced by s times the mass weights
    t, s = ‖A‖₁): Mᵀ = Aᵀ + s e0 tᵀ moves only the zero eigenvalue of Aᵀ (eigenvector e0) to
    s t·e0 = s√(4π) (Brauer's theorem), so −λ1 is the eigenvalue of M nearest zero: the largest of M⁻¹, found
    by Arnoldi on the LU already made. A second eigen-solve, independent of
    :func:`~spintorque.thermal.wer.harmonics.slowest_rates` (no shift, no threshold): where
    λ1 is below double precision's resolution of A the two disagree."""
    from scipy.sparse.linalg import ArpackError, LinearOperator, eigs

    solve = lu.solve  # type: ignore[attr-defined]
    inverse = LinearOperator((n, n), matvec=solve, dtype=float)
    start = np.cos(0.37 * np.arange(n))  # a fixed start: reproducible from call to call
    try:
        mu = eigs(inverse, k=1, which="LM", tol=1e-13, v0=start, ncv=min(20, n - 1),
                  return_eigenvectors=False)[0]
    except (ArpackError, RuntimeError):
        return math.nan
    return float(-(1.0 / mu).real)


def integral_relaxation_time(op: sh.HarmonicOperator) -> tuple[float, float]:
    """(τ_int/τ_N of z = m·axis in the stationary state of ``op``, λ1 τ_N of
    :func:`_bordered_lambda1`), for the real form (module docstring), in coefficient space:
    ∫ f dΩ = √(4π) Re c00 and the product by z = cos θ is :func:`cos_theta_matrix` (exact for
    the degree-0 components used). NaN where the bordered system is singular to working
    precision."""
    if op.lift is None:
        raise InputError("operator", "the relaxation time needs the real form of the operator")
    root = math.sqrt(4 * math.pi)
    total = sh.total_weight(op)
    # row 0 (Re c00) is identically zero in A (mass conservation): border it with ∫ P dΩ, scaled
    # by A's size so that the border's eigenvalue lies at the far end of the spectrum
    scale = float(abs(op.matrix).sum(axis=0).max())
    border = sp.csr_matrix(scale * total[None, :])
    M = sp.vstack([border, op.matrix[1:]]).tocsc()
    try:
        lu = splu(M)
    except RuntimeError:
        return math.nan, math.nan
    bordered = _bordered_lambda1(lu, op.size)
    e0 = np.zeros(op.size)
    e0[0] = scale
    p = op.lift @ lu.solve(e0)  # A P_st = 0, ∫ P_st = 1
    Z = cos_theta_matrix(op)
    k = int(op.positions[0][0])  # c00 in the complex vector

    def integral(c: NDArray[np.complex128]) -> float:
        return root * float(c[k].real)

    zp = Z @ p
    mean = integral(zp)
    b = zp - mean * p  # δz · P_st
    denominator = integral(Z @ b) - mean * integral(b)
    rhs = np.asarray(op.coordinates(b), dtype=float)
    rhs[0] = 0.0  # ∫ δz P_st = 0 (to rounding), replaced by the constraint ∫ y = 0
    y = op.lift @ lu.solve(-rhs)  # A y = −δz P_st
    numerator = integral(Z @ y) - mean * integral(y)
    if not (math.isfinite(numerator) and math.isfinite(denominator) and denominator > 0):
        return math.nan, bordered
    return numerator / denominator, bordered


SLOW_SHARE = 0.01
"""Smallest λ1·τ_int at which τ_int is reported. τ_int = Σ_k w_k/λ_k; with two unequal wells the
slow mode's part w_1/λ_1 is set by the minority well's stationary population, which the
bordered solve gets with a relative error amplified ~1/λ1 (not seen by the spread over the
degrees: both carry the same quadrature rounding of A). Measured against the 1D solver (sigma
10 … 60, h −0.5 … 0.5, i −1 … 0.5, α = 0.1): errors <= 1.1e-6 where λ1·τ_int >= 0.013, but
7.9e-4 at 0.0025, 2.4e-3 at 1.9e-4, 5e-2 at 3.9e-5 and 1e5 at 4.4e-8. Rescanned (issue 14) on
sigma {1, 5, 20, 40, 80} × i {−1, 0, 0.5, 0.9, 1.5, 3} × h {−0.5, 0, 0.5} (81 points with λ1
resolved): at λ1·τ_int >= 0.017 (62 points) every error lies within the estimate
max(spread, :data:`TAU_FLOOR`), the worst at half of it (8.1e-6 against 1.6e-5: sigma = 80,
i = 0.9, h = −0.5); below 0.01 it fails on 3 of 9 (6e-5 against 1e-5 at 0.0084: sigma = 80,
i = 0.9, h = 0.5; 5.4e-2 against 3.3e-2 at 3.9e-5; 3.2 against 2.9 at 1.9e-5), so the estimate
is not honest there and the threshold stays."""
TAU_FLOOR = 1e-5
"""Floor of τ_int's relative error estimate where it is reported: the spread over the degrees
underestimated the error up to 4× on that scan (worst error 1.1e-6), and up to 10× on the
rescan (7e-8 against 6.9e-9 at sigma = 40, i = 1.5, h = −0.5; worst error 8.1e-6)."""
TAU_STIFFNESS = 120.0
"""Largest zero-current stiffness k (:func:`~spintorque.thermal.wer.harmonics._stiffness` at u
and −u, the largest curvature of U / 2 [k_BT]: sigma (1 ± h) on the axis) at which τ_int is
reported: the stiffest problem of the rescan (sigma = 80, h = 0.5) where every reported τ_int
lay within its estimate. Beyond it the rounding outgrows the estimate: at sigma = 160 (k = 160,
240) τ_int was 1.4e-5 and 1.1e-4 off against 1e-5 and 2.4e-5 (the energy method agrees with
the 1D value there to 8.7e-8), noisy over the degrees
(−1.1e-5, −2.0e-5, −1.4e-5, −4.3e-6 at L = 160 … 300), so neither the spread nor more degrees
bound it."""
AGREEMENT = 1e-6
"""Largest relative difference between the two eigen-solves of λ1 (shift-and-invert Arnoldi of
:func:`~spintorque.thermal.wer.harmonics.slowest_rates` and :func:`_bordered_lambda1`) at which
λ1 counts as resolved; where resolved they agree to ~1e-11 (the in-plane example, −3e11 A/m²)."""


def harmonic_escape(model: SphereModel, u: FloatArray,
                    degrees: tuple[int, ...] | None = None) -> HarmonicEscape:
    """λ1 at (L, 1.25L, 1.5L) and τ_int at the two finest degrees (see the module docstring).

    λ1 is ``resolved`` where both eigen-solves give it at the two finest degrees and agree to
    :data:`AGREEMENT`: where λ1 is below double precision's resolution of A (a deep well,
    λ1 ~ e^{−barrier}), the threshold of ``slowest_rates`` drops it with the stationary mode and
    returns the next (intra-well) eigenvalue, hundreds of times larger (the in-plane example at
    zero current: 250.7 /τ_N for a λ1 ~ e^{−barrier}), and the bordered solve does not return it."""
    u = np.asarray(u, dtype=float)
    found = degrees_for(model, u, degrees)
    lams: list[float] = []
    taus: list[float] = []
    checks: list[float] = []
    for L in found:
        op = _operator(model, u, L)
        modes = slowest_modes(op)
        lams.append(modes.lambda1)
        if L in found[1:]:
            tau, other = integral_relaxation_time(op)
            taus.append(tau)
            checks.append(other)
    extra: dict[str, Any] = {
        "start_side_mass": modes.floor, "start_side_mass_error": modes.floor_error,
        "resolution": UNRESOLVED * float(abs(op.matrix).sum(axis=0).max()),
        "bordered": tuple(checks)}
    listed = ", ".join(f"L {d}: {v:.10g}" for d, v in zip(found, lams, strict=True))
    reason = None
    coarse = fine = math.inf
    lam = lams[-1]
    differences = [abs(a - b) / abs(a) if math.isfinite(a) and math.isfinite(b) and a != 0
                   else math.inf for a, b in zip(lams[1:], checks, strict=True)]
    if not all(math.isfinite(v) and v > 0 for v in lams) or max(differences) > AGREEMENT:
        reason = (f"λ1 is not resolved by the harmonic operator ({listed}; the bordered solve "
                  f"gives {', '.join(f'{v:.10g}' for v in checks)}): a λ1 below ~1e-10 of the "
                  "operator's scale (a deep well, λ1 ~ e^(−barrier)) cannot be told from the "
                  "stationary mode in double precision; methods 'axial' (axially symmetric "
                  "magnets) and 'sphere' work with such rates")
        return HarmonicEscape(found, tuple(lams), math.nan, math.inf, coarse, fine, False,
                              False, reason, "λ1 is not resolved (the stationary solve is as "
                              "ill-conditioned as λ1 is small): " + reason, **extra)
    coarse = abs(lams[1] - lams[0]) / lam
    # the two eigen-solves' difference measures rounding (it grows as λ1 nears the resolution)
    fine = max(abs(lams[2] - lams[1]) / lam, *differences)
    ok = fine < CONVERGED and fine <= max(coarse, ROUNDING)
    if not ok:
        reason = (f"λ1 not converged over the degrees {'/'.join(map(str, found))} ({listed}): "
                  f"relative spreads {coarse:.2g} (L to 1.25L) and {fine:.2g} (1.25L to 1.5L); "
                  f"need the latter < {CONVERGED:g} and no larger than the former (or both < "
                  f"{ROUNDING:g})")
    tau = taus[-1]
    tau_spread = max(abs(taus[1] - taus[0]) / abs(tau), TAU_FLOOR) if math.isfinite(tau) \
        and tau != 0 and math.isfinite(taus[0]) else math.inf
    tau_reason = None
    zero = replace(model, drift=None)
    stiffness = max(wh._stiffness(zero, u), wh._stiffness(zero, -u))
    if stiffness > TAU_STIFFNESS:
        tau_reason = (f"not reported: the magnet's stiffness at zero current ({stiffness:.4g} "
                      f"k_BT) exceeds {TAU_STIFFNESS:g}, beyond which the harmonic τ_int's "
                      "rounding outgrows its estimate (measured on the axis at sigma = 160: up "
                      "to 1.1e-4 off against an estimate of 2.4e-5); methods 'axial', 'sphere' "
                      "or 'energy' give it")
        tau, tau_spread = math.nan, math.inf
    elif not (math.isfinite(tau) and tau * lam >= SLOW_SHARE and fine <= ROUNDING):
        tau_reason = (f"not reported: λ1·τ_int = {tau * lam:.3g} (needs >= {SLOW_SHARE:g}) and "
                      f"λ1's estimate {fine:.2g} (needs <= {ROUNDING:g}): τ_int's inter-well part "
                      "is set by the minority well's stationary population, which the harmonic "
                      "solve gets with an error amplified ~1/λ1 (up to 1e5 relative measured "
                      "against the 1D solver); methods 'axial' or 'sphere' give it")
        tau, tau_spread = math.nan, math.inf
    return HarmonicEscape(found, tuple(lams), tau, tau_spread, coarse, fine, True, ok, reason,
                          tau_reason, **extra)
