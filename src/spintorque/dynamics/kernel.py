r"""Compiled stochastic LLG: Heun (Stratonovich) steps for an ensemble of macrospins, and its RNG.

Random numbers
--------------
Each trajectory owns a xoshiro256+ generator (Blackman & Vigna 2018), four uint64 words seeded
from ``np.random.SeedSequence(entropy, spawn_key=(i,))`` (:func:`spintorque.dynamics.stochastic.
seed_states`). Normals come in pairs from the Box–Muller transform, one pair per two 64-bit
outputs r1, r2, with no rejection (so that SIMD lanes stay in step):

* radius ``R = sqrt(−2 ln u)``, ``u = 1 − ⌊r1/2¹²⌋ 2⁻⁵²`` in (0, 1] (exact);
* angle ``φ = q π/2 + x``: the two top bits of r2 pick the quadrant q, the next 52 bits give
  ``x`` uniform in [−π/4, π/4); the pair is ``(R cos φ, R sin φ)``.

``ln``, ``sin`` and ``cos`` are fdlibm's polynomial kernels (musl ``log``, ``__sin``, ``__cos``,
errors below 1 ulp on these ranges) written out in plain arithmetic, so that they vectorise and
give the same bits in every code path. A step needs three normals: the fourth of two pairs is
kept as the trajectory's "spare" (NaN when none) and used first at the next step. A trajectory's
numbers therefore depend only on the seed and its index: not on the number of threads, the
ensemble size or the chunking.

Step (one trajectory, explicit Landau–Lifshitz form, ``docs/dynamics.md``)
-------------------------------------------------------------------------
``H = Q m + h + J(t) h_J + H_th``, ``H_th = sigma ξ`` with ξ three standard normals held fixed over
the step (sigma² = 2 alpha k_B T / (gamma0 mu0 Ms V dt)),

``f(m) = −gamma'[m×H + alpha m×(m×H)] + Σ_s c J/(1+alpha²)[(ε_s − alpha ε'_s) m×(p_s×m)
+ (ε'_s − alpha ε_s) p_s×m]``, gamma' = gamma0/(1+alpha²), ε_s = a_s/(b_s + c_s m·p_s),

``m̃ = m + dt f(m; t_k)``, ``m ← normalise(m + dt/2 [f(m; t_k) + f(m̃; t_{k+1})])``.

Layout
------
The ensemble is cut into blocks of ``LANES`` trajectories (the last one padded with copies of a
real trajectory, whose results are discarded). A block keeps its state in structure-of-arrays
form (one row of ``LANES`` numbers per quantity) and every phase of a step is a loop over the
lanes, which LLVM turns into SIMD code; blocks run in parallel (``prange``). Each lane does
exactly the arithmetic of a lone trajectory, in the same order, so the numbers do not depend on
the block a trajectory falls in. No fast-math flags are used: every result is the IEEE result of
the operations written here. Known zeros are skipped (entries of Q, the Slonczewski ``c_s`` at
Λ = 1, the torque at J = 0), which changes nothing beyond the sign of a zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import cast

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.extending import intrinsic

U64 = np.uint64
LANES = 16  # trajectories per SIMD block

_EXP_ONE = np.uint64(0x3FF0000000000000)  # bits of 1.0
_MASK52 = np.uint64((1 << 52) - 1)
_SIGN = np.uint64(1 << 63)
_LOW32 = np.uint64(0xFFFFFFFF)
_MAGIC = np.uint64(0x4330000000000000)  # bits of 2**52
_HALF_PI = 0.5 * math.pi

# musl/fdlibm log: ln2 split and the minimax coefficients of log((1+s)/(1−s)) on [0, 0.1716]
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_LG1 = 6.666666666666735130e-01
_LG2 = 3.999999999940941908e-01
_LG3 = 2.857142874366239149e-01
_LG4 = 2.222219843214978396e-01
_LG5 = 1.818357216161805012e-01
_LG6 = 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01
# fdlibm __kernel_sin / __kernel_cos on [−π/4, π/4]
_S1 = -1.66666666666666324348e-01
_S2 = 8.33333333332248946124e-03
_S3 = -1.98412698298579493134e-04
_S4 = 2.75573137070700676789e-06
_S5 = -2.50507602534068634195e-08
_S6 = 1.58969099521155010221e-10
_C1 = 4.16666666666666019037e-02
_C2 = -1.38888888888741095749e-03
_C3 = 2.48015872894767294178e-05
_C4 = -2.75573143513906633035e-07
_C5 = 2.08757232129817482790e-09
_C6 = -1.13596475577881948265e-11

# rows of a block's float64 work array (each row holds one number per lane)
_MX, _MY, _MZ = 0, 1, 2  # magnetization
_TX, _TY, _TZ = 3, 4, 5  # thermal field
_AX, _AY, _AZ = 6, 7, 8  # f at m
_PX, _PY, _PZ = 9, 10, 11  # predictor
_BX, _BY, _BZ = 12, 13, 14  # f at the predictor
_SPARE = 15  # spare normal (NaN: none)
_SIGN0 = 16  # sign of m_z at the start of the run
_KCROSS = 17  # step of the first sign change in this call (NaN: none yet; 0 if switched before)
_Z0, _Z1 = 18, 19  # m_z before and after that step
_ROWS = 20


def _sqrt_intrinsic(typingctx, x):  # compiled
    """IEEE square root as the LLVM intrinsic (vectorisable; numba's math.sqrt calls libm)."""
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):
        return builder.call(builder.module.declare_intrinsic("llvm.sqrt", [ir.DoubleType()]), args)

    return types.float64(types.float64), codegen


_sqrt = cast(Callable[[float], float], intrinsic(_sqrt_intrinsic))


@njit(cache=True, inline="always")
def _as_float(bits: np.uint64) -> float:  # compiled
    return np.uint64(bits).view(np.float64)


@njit(cache=True, inline="always")
def _as_bits(x: float) -> np.uint64:  # compiled
    return np.float64(x).view(np.uint64)


@njit(cache=True, inline="always")
def _rotl(x: np.uint64, k: int) -> np.uint64:  # compiled
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, inline="always")
def _next(s0: U64, s1: U64, s2: U64, s3: U64) -> tuple[U64, U64, U64, U64, U64]:  # compiled
    """xoshiro256+: the next 64-bit output and the new state."""
    result = s0 + s3
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    return result, s0, s1, s2, s3


@njit(cache=True, inline="always", error_model="numpy")
def _log(x: float) -> float:  # compiled
    """Natural log of a positive normal double (musl's fdlibm-derived log, main path only)."""
    bits = _as_bits(x)
    hx = (bits >> np.uint64(32)) + np.uint64(0x3FF00000 - 0x3FE6A09E)
    dk = _as_float((hx >> np.uint64(20)) | _MAGIC) - (4503599627370496.0 + 1023.0)  # exponent k
    hx = (hx & np.uint64(0x000FFFFF)) + np.uint64(0x3FE6A09E)
    f = _as_float((hx << np.uint64(32)) | (bits & _LOW32)) - 1.0  # x/2^k − 1, 2^k x in [√½, √2)
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    R = t2 + t1
    return s * (hfsq + R) + dk * _LN2_LO - hfsq + f + dk * _LN2_HI


@njit(cache=True, inline="always", error_model="numpy")
def _sincos(x: float) -> tuple[float, float]:  # compiled
    """sin x and cos x for |x| <= π/4 (fdlibm kernels)."""
    z = x * x
    v = z * x
    r = _S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))
    sin = x + v * (_S1 + z * r)
    w = z * z
    r = z * (_C1 + z * (_C2 + z * _C3)) + w * w * (_C4 + z * (_C5 + z * _C6))
    hz = 0.5 * z
    w = 1.0 - hz
    cos = w + (((1.0 - w) - hz) + z * r)
    return sin, cos


@njit(cache=True, inline="always", error_model="numpy")
def _gauss_pair(s0: U64, s1: U64, s2: U64, s3: U64) -> tuple[float, float, U64, U64, U64, U64]:
    # compiled
    """Two independent standard normals (Box–Muller, see the module docstring) and the new state."""
    r1, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
    r2, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
    u = 2.0 - _as_float((r1 >> np.uint64(12)) | _EXP_ONE)  # (0, 1]
    radius = _sqrt(-2.0 * _log(u))
    x = (_as_float(((r2 >> np.uint64(10)) & _MASK52) | _EXP_ONE) - 1.5) * _HALF_PI  # [−π/4, π/4)
    sin, cos = _sincos(x)
    if (r2 >> np.uint64(62)) & np.uint64(1):  # rotate by π/2
        a, b = -sin, cos
    else:
        a, b = cos, sin
    flip = r2 & _SIGN  # rotate by π: flip both signs
    a = _as_float(_as_bits(radius * a) ^ flip)
    b = _as_float(_as_bits(radius * b) ^ flip)
    return a, b, s0, s1, s2, s3


@njit(cache=True, inline="always")
def _gauss3(s0: U64, s1: U64, s2: U64, s3: U64,
            spare: float) -> tuple[float, float, float, U64, U64, U64, U64, float]:  # compiled
    """Three standard normals, using and refilling the spare (NaN = none)."""
    if math.isnan(spare):
        a, b, s0, s1, s2, s3 = _gauss_pair(s0, s1, s2, s3)
        c, spare, s0, s1, s2, s3 = _gauss_pair(s0, s1, s2, s3)
    else:
        a = spare
        b, c, s0, s1, s2, s3 = _gauss_pair(s0, s1, s2, s3)
        spare = np.nan
    return a, b, c, s0, s1, s2, s3, spare


@njit(cache=True)
def draw_normals(state: np.ndarray, spare: np.ndarray, out: np.ndarray) -> None:  # compiled
    """Fill out (B, n, 3) with each trajectory's next 3n normals (the kernel's own stream)."""
    for b in range(out.shape[0]):
        s0, s1, s2, s3 = state[b, 0], state[b, 1], state[b, 2], state[b, 3]
        sp = spare[b]
        for k in range(out.shape[1]):
            a, c, d, s0, s1, s2, s3, sp = _gauss3(s0, s1, s2, s3, sp)
            out[b, k, 0] = a
            out[b, k, 1] = c
            out[b, k, 2] = d
        state[b, 0], state[b, 1], state[b, 2], state[b, 3] = s0, s1, s2, s3
        spare[b] = sp


# ---------------------------------------------------------------------------------------------
# One block of LANES trajectories: every loop below runs over the lanes and vectorises.


@njit(cache=True, inline="always", error_model="numpy")
def _thermal_pairs(v: np.ndarray, st: np.ndarray, sigma: float) -> None:  # compiled
    """Thermal field of every lane when no lane holds a spare: two pairs, keep the fourth."""
    for i in range(LANES):
        a, b, s0, s1, s2, s3 = _gauss_pair(st[0, i], st[1, i], st[2, i], st[3, i])
        c, d, s0, s1, s2, s3 = _gauss_pair(s0, s1, s2, s3)
        st[0, i], st[1, i], st[2, i], st[3, i] = s0, s1, s2, s3
        v[_TX, i] = sigma * a
        v[_TY, i] = sigma * b
        v[_TZ, i] = sigma * c
        v[_SPARE, i] = d


@njit(cache=True, inline="always", error_model="numpy")
def _thermal_spare(v: np.ndarray, st: np.ndarray, sigma: float) -> None:  # compiled
    """Thermal field of every lane when every lane holds a spare: the spare and one pair."""
    for i in range(LANES):
        b, c, s0, s1, s2, s3 = _gauss_pair(st[0, i], st[1, i], st[2, i], st[3, i])
        st[0, i], st[1, i], st[2, i], st[3, i] = s0, s1, s2, s3
        v[_TX, i] = sigma * v[_SPARE, i]
        v[_TY, i] = sigma * b
        v[_TZ, i] = sigma * c
        v[_SPARE, i] = np.nan


@njit(cache=True, inline="always", error_model="numpy")
def _thermal_mixed(v: np.ndarray, st: np.ndarray, sigma: float) -> None:  # compiled
    """Thermal field when only some lanes hold a spare (same numbers, both pairs drawn)."""
    for i in range(LANES):
        a, b, s0, s1, s2, s3 = _gauss_pair(st[0, i], st[1, i], st[2, i], st[3, i])
        c, d, t0, t1, t2, t3 = _gauss_pair(s0, s1, s2, s3)
        spare = v[_SPARE, i]
        if math.isnan(spare):
            x, y, z, w = a, b, c, d
            s0, s1, s2, s3 = t0, t1, t2, t3
        else:
            x, y, z, w = spare, a, b, np.nan
        st[0, i], st[1, i], st[2, i], st[3, i] = s0, s1, s2, s3
        v[_TX, i] = sigma * x
        v[_TY, i] = sigma * y
        v[_TZ, i] = sigma * z
        v[_SPARE, i] = w


@njit(cache=True, inline="always", error_model="numpy")
def _field(mx: float, my: float, mz: float, tx: float, ty: float, tz: float, hx: float, hy: float,
           hz: float, q: tuple[float, ...], diag: bool) -> tuple[float, float, float]:  # compiled
    """H = Q m + (hx, hy, hz) + H_th; with ``diag`` the zero off-diagonal entries are skipped."""
    if diag:
        return q[0] * mx + hx + tx, q[4] * my + hy + ty, q[8] * mz + hz + tz
    return (q[0] * mx + q[1] * my + q[2] * mz + hx + tx, q[3] * mx + q[4] * my + q[5] * mz + hy + ty,
            q[6] * mx + q[7] * my + q[8] * mz + hz + tz)


@njit(cache=True, inline="always", error_model="numpy")
def _llg(mx: float, my: float, mz: float, Hx: float, Hy: float, Hz: float, g: float,
         alpha: float) -> tuple[float, float, float]:  # compiled
    """−g [m×H + alpha m×(m×H)]."""
    cx = my * Hz - mz * Hy
    cy = mz * Hx - mx * Hz
    cz = mx * Hy - my * Hx
    return (-g * (cx + alpha * (my * cz - mz * cy)), -g * (cy + alpha * (mz * cx - mx * cz)),
            -g * (cz + alpha * (mx * cy - my * cx)))


@njit(cache=True, inline="always", error_model="numpy")
def _coefficients(mx: float, my: float, mz: float, pre: float, c: tuple[float, ...],
                  alpha: float) -> tuple[float, float]:  # compiled
    """Slonczewski (a, f) = pre (ε − alpha ε', ε' − alpha ε), ε = c0/(c1 + c2 m·p).

    c = (c0, c1, c2, ε', px, py, pz).
    """
    eps = c[0] / (c[1] + c[2] * (mx * c[4] + my * c[5] + mz * c[6]))
    return pre * (eps - alpha * c[3]), pre * (c[3] - alpha * eps)


@njit(cache=True, inline="always", error_model="numpy")
def _torque(mx: float, my: float, mz: float, dx: float, dy: float, dz: float, a: float, f: float,
            c: tuple[float, ...]) -> tuple[float, float, float]:  # compiled
    """d + a m×(p×m) + f p×m, p = (c4, c5, c6)."""
    px, py, pz = c[4], c[5], c[6]
    qx = py * mz - pz * my  # p × m
    qy = pz * mx - px * mz
    qz = px * my - py * mx
    return (dx + (a * (my * qz - mz * qy) + f * qx), dy + (a * (mz * qx - mx * qz) + f * qy),
            dz + (a * (mx * qy - my * qx) + f * qz))


@njit(cache=True, inline="always", error_model="numpy")
def _finish(v: np.ndarray, i: int, mx: float, my: float, mz: float, nx: float, ny: float, nz: float,
            step: float) -> None:  # compiled
    """Normalise the new m of lane i, note a first sign change of m_z, store it."""
    inv = 1.0 / _sqrt(nx * nx + ny * ny + nz * nz)
    nx, ny, nz = nx * inv, ny * inv, nz * inv
    if math.isnan(v[_KCROSS, i]) and v[_SIGN0, i] * nz < 0.0:
        v[_KCROSS, i] = step
        v[_Z0, i] = mz
        v[_Z1, i] = nz
    v[_MX, i] = nx
    v[_MY, i] = ny
    v[_MZ, i] = nz


@njit(cache=True, inline="always", error_model="numpy")
def _rate_rows(v: np.ndarray, m: int, out: int, q: tuple[float, ...], h: tuple[float, float, float],
               g: float, alpha: float, diag: bool) -> None:  # compiled
    """Rows out..out+2 ← −g [m×H + alpha m×(m×H)] for m = rows m..m+2 (general path)."""
    for i in range(LANES):
        mx, my, mz = v[m, i], v[m + 1, i], v[m + 2, i]
        Hx, Hy, Hz = _field(mx, my, mz, v[_TX, i], v[_TY, i], v[_TZ, i], h[0], h[1], h[2], q, diag)
        v[out, i], v[out + 1, i], v[out + 2, i] = _llg(mx, my, mz, Hx, Hy, Hz, g, alpha)


@njit(cache=True, inline="always", error_model="numpy")
def _torque_rows(v: np.ndarray, m: int, out: int, pre: float, c: tuple[float, ...], alpha: float) -> None:
    # compiled
    """Rows out..out+2 += one Slonczewski term for m = rows m..m+2.

    With c2 = 0 (Λ = 1) ε is the constant c0/c1 (the same number as c0/(c1 + 0·m·p)), so a and
    f are computed once, without a division per lane.
    """
    if c[2] == 0.0:
        a, f = _coefficients(0.0, 0.0, 0.0, pre, c, alpha)
        for i in range(LANES):
            mx, my, mz = v[m, i], v[m + 1, i], v[m + 2, i]
            v[out, i], v[out + 1, i], v[out + 2, i] = _torque(mx, my, mz, v[out, i], v[out + 1, i],
                                                              v[out + 2, i], a, f, c)
    else:
        for i in range(LANES):
            mx, my, mz = v[m, i], v[m + 1, i], v[m + 2, i]
            a, f = _coefficients(mx, my, mz, pre, c, alpha)
            v[out, i], v[out + 1, i], v[out + 2, i] = _torque(mx, my, mz, v[out, i], v[out + 1, i],
                                                              v[out + 2, i], a, f, c)


@njit(cache=True, error_model="numpy")
def _advance_block(first: int, m: np.ndarray, state: np.ndarray, spare: np.ndarray, switch: np.ndarray,
                   sign0: np.ndarray, t0: float, dt: float, J_grid: np.ndarray, Q: np.ndarray,
                   h: np.ndarray, hJ: np.ndarray, g: float, alpha: float, stt: float,
                   sp: np.ndarray, sc: np.ndarray, sigma: float) -> None:  # compiled
    """len(J_grid) − 1 Heun steps of trajectories first … first+LANES−1 (see heun_ensemble).

    The work arrays are allocated here, with constant shapes, so that LLVM sees fixed strides
    and can prove that the rows do not overlap: this is what lets the lane loops vectorise.
    """
    B = m.shape[0]
    v = np.empty((_ROWS, LANES))
    st = np.empty((4, LANES), dtype=np.uint64)
    for i in range(LANES):
        b = min(first + i, B - 1)  # padding lanes copy the last trajectory
        v[_MX, i], v[_MY, i], v[_MZ, i] = m[b, 0], m[b, 1], m[b, 2]
        st[0, i], st[1, i], st[2, i], st[3, i] = state[b, 0], state[b, 1], state[b, 2], state[b, 3]
        v[_SPARE, i] = spare[b]
        v[_SIGN0, i] = sign0[b]
        v[_KCROSS, i] = np.nan if math.isnan(switch[b]) else 0.0
        v[_Z0, i] = 0.0
        v[_Z1, i] = 0.0
        v[_TX, i] = 0.0
        v[_TY, i] = 0.0
        v[_TZ, i] = 0.0
    q = (Q[0, 0], Q[0, 1], Q[0, 2], Q[1, 0], Q[1, 1], Q[1, 2], Q[2, 0], Q[2, 1], Q[2, 2])
    diag = q[1] == 0.0 and q[2] == 0.0 and q[3] == 0.0 and q[5] == 0.0 and q[6] == 0.0 and q[7] == 0.0
    S = sp.shape[0]
    n = J_grid.shape[0] - 1
    half = 0.5 * dt
    spares = 0
    for i in range(LANES):
        spares += not math.isnan(v[_SPARE, i])
    mixed = 0 < spares < LANES
    has_spare = spares == LANES
    for k in range(n):
        if sigma > 0.0:
            if mixed:
                _thermal_mixed(v, st, sigma)
            elif has_spare:
                _thermal_spare(v, st, sigma)
            else:
                _thermal_pairs(v, st, sigma)
            has_spare = not has_spare
        J1 = J_grid[k]
        J2 = J_grid[k + 1]
        h1 = (h[0] + J1 * hJ[0], h[1] + J1 * hJ[1], h[2] + J1 * hJ[2])
        h2 = (h[0] + J2 * hJ[0], h[1] + J2 * hJ[1], h[2] + J2 * hJ[2])
        pre1, pre2 = stt * J1, stt * J2
        step = float(k)
        _rate_rows(v, _MX, _AX, q, h1, g, alpha, diag)
        if J1 != 0.0:
            for s in range(S):
                _torque_rows(v, _MX, _AX, pre1, (sc[s, 0], sc[s, 1], sc[s, 2], sc[s, 3], sp[s, 0], sp[s, 1],
                                                 sp[s, 2]), alpha)
        for i in range(LANES):
            v[_PX, i] = v[_MX, i] + dt * v[_AX, i]
            v[_PY, i] = v[_MY, i] + dt * v[_AY, i]
            v[_PZ, i] = v[_MZ, i] + dt * v[_AZ, i]
        _rate_rows(v, _PX, _BX, q, h2, g, alpha, diag)
        if J2 != 0.0:
            for s in range(S):
                _torque_rows(v, _PX, _BX, pre2, (sc[s, 0], sc[s, 1], sc[s, 2], sc[s, 3], sp[s, 0], sp[s, 1],
                                                 sp[s, 2]), alpha)
        for i in range(LANES):
            mx, my, mz = v[_MX, i], v[_MY, i], v[_MZ, i]
            _finish(v, i, mx, my, mz, mx + half * (v[_AX, i] + v[_BX, i]),
                    my + half * (v[_AY, i] + v[_BY, i]), mz + half * (v[_AZ, i] + v[_BZ, i]), step)
    for i in range(min(LANES, B - first)):
        b = first + i
        m[b, 0], m[b, 1], m[b, 2] = v[_MX, i], v[_MY, i], v[_MZ, i]
        state[b, 0], state[b, 1], state[b, 2], state[b, 3] = st[0, i], st[1, i], st[2, i], st[3, i]
        spare[b] = v[_SPARE, i]
        if math.isnan(switch[b]) and not math.isnan(v[_KCROSS, i]):
            z0, z1 = v[_Z0, i], v[_Z1, i]
            switch[b] = t0 + dt * (v[_KCROSS, i] + z0 / (z0 - z1))


@njit(cache=True, parallel=True, error_model="numpy")
def heun_ensemble(m: np.ndarray, state: np.ndarray, spare: np.ndarray, switch: np.ndarray,
                  sign0: np.ndarray, t0: float, dt: float, J_grid: np.ndarray, Q: np.ndarray,
                  h: np.ndarray, hJ: np.ndarray, g: float, alpha: float, stt: float, sp: np.ndarray,
                  sc: np.ndarray, sigma: float) -> None:  # compiled
    """Advance every trajectory len(J_grid) − 1 Heun steps from time t0, in place.

    Parameters
    ----------
    m : (B, 3) float64
        Unit magnetizations (updated).
    state : (B, 4) uint64 ; spare : (B,) float64
        Per-trajectory generator state and spare normal (updated).
    switch : (B,) float64
        First time m_z changed sign relative to ``sign0`` [s]; NaN until then (updated).
    sign0 : (B,) float64
        Sign of m_z at the start of the run (±1).
    t0, dt : float
        Start time and step [s].
    J_grid : (n + 1,) float64
        J at t0 + k dt [A/m²].
    Q, h, hJ : (3, 3), (3,), (3,)
        H = Q m + h + J hJ [A/m].
    g, alpha : float
        gamma0/(1+alpha²) [m/(A s)] and alpha.
    stt : float
        gamma_e ħ/(e Ms d)/(1+alpha²) [1/(s A/m²)].
    sp, sc : (S, 3), (S, 4)
        Slonczewski polarizers and (PΛ², Λ²+1, Λ²−1, ε') per term.
    sigma : float
        Thermal field standard deviation per component for this dt [A/m] (0: deterministic).
    """
    blocks = (m.shape[0] + LANES - 1) // LANES
    for blk in prange(blocks):
        _advance_block(blk * LANES, m, state, spare, switch, sign0, t0, dt, J_grid, Q, h, hJ, g, alpha, stt,
                       sp, sc, sigma)
