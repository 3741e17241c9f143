r"""Compiled stochastic LLG: Heun (Stratonovich) steps for an ensemble of macrospins, and its RNG.

Random numbers
--------------
Each trajectory owns a xoshiro256+ generator (Blackman & Vigna 2018), four uint64 words seeded
from ``np.random.SeedSequence(entropy, spawn_key=(i,))`` (:func:`spintorque.dynamics.stochastic.
seed_states`). Normals come from the ziggurat method of Marsaglia & Tsang (J. Stat. Softw. 5(8),
2000) with 1024 strips of equal area v and Doornik's base-strip layout (ZIGNOR, 2005): strip 0 has
width x_0 = v/f(r) and holds the rectangle under f(r) and the tail beyond r = 4.038849846109504;
strips k = 1 … 1023 have right edges x_k, x_{k+1} = f⁻¹(f(x_k) + v/x_k), x_1024 = 0,
f(x) = exp(−x²/2). One 64-bit output r gives the strip ``k = r >> 54`` (top 10 bits), the sign
(bit 53) and ``u = ⌊r/2⌋ mod 2⁵²  · 2⁻⁵²`` in [0, 1) (bits 1 … 52); ``x = u x_k`` is accepted at
once if ``u < x_{k+1}/x_k`` (99.57 % of draws). Otherwise, for k = 0 the tail is drawn with
Marsaglia's method (x = −ln U₁/r, y = −ln U₂ until 2y > x², return r + x); for k ≥ 1 a further
uniform w accepts x if f(x_k) + w (f(x_{k+1}) − f(x_k)) < f(x); a rejected draw starts again
(uniforms U, w: the top 52 bits of an output). No transcendental function is needed on the fast
path, which is why this replaced the Box–Muller transform (log, sqrt, sin, cos per pair).

A step needs three normals (one group). The three first draws are taken at once, one 64-bit output
each; a component whose draw is not accepted at once is then completed, in the order x, y, z,
from the numbers that follow. The SIMD block does the first draws of all lanes in one vectorised
pass and completes the rare rejections lane by lane in scalar code, with the same numbers as
:func:`draw_normals`. A trajectory's numbers therefore depend only on the seed and its index: not
on the number of threads, the ensemble size or the chunking.

Step (one trajectory, explicit Landau–Lifshitz form, ``docs/dynamics.md``)
-------------------------------------------------------------------------
``H = Q m + h + J(t) h_J + H_th``, ``H_th = sigma ξ`` with ξ three standard normals held fixed over
the step (sigma² = 2 alpha k_B T / (gamma0 mu0 Ms V dt)),

``f(m) = −gamma'[m×H + alpha m×(m×H)] + Σ_s c J/(1+alpha²)[(ε_s − alpha ε'_s) m×(p_s×m)
+ (ε'_s − alpha ε_s) p_s×m]``, gamma' = gamma0/(1+alpha²), ε_s = a_s/(b_s + c_s m·p_s),

``m̃ = m + dt f(m; t_k)``, ``m ← normalise(m + dt/2 [f(m; t_k) + f(m̃; t_{k+1})])``.

With ``a_s = c J (ε_s − alpha ε'_s)/(1+alpha²)``, ``f_s = c J (ε'_s − alpha ε_s)/(1+alpha²)`` and
m×(p×m) = −m×(m×p), p×m = −m×p, the rate is computed as two cross products,

``f(m) = m × (U + m × V)``,  ``U = W − Σ_s f_s p_s``,  ``V = alpha W − Σ_s a_s p_s``,  ``W = −gamma' H``,

and W = (−gamma' Q) m + (−gamma' (h + J h_J) − gamma' sigma ξ) is linear in m. Where ε_s is constant
(Λ = 1) the sums are one constant vector per J; other terms are added per lane.

Layout
------
The ensemble is cut into blocks of ``LANES`` trajectories (the last one padded with copies of a
real trajectory, whose results are discarded). A block keeps its state in structure-of-arrays
form (one row of ``LANES`` numbers per quantity) and every phase of a step is a loop over the
lanes, which LLVM turns into SIMD code; blocks run in parallel (``prange``). Each lane does
exactly the arithmetic of a lone trajectory, in the same order, so the numbers do not depend on
the block a trajectory falls in. No fast-math flags are used: every result is the IEEE result of
the operations written here, fused multiply-adds (``_fma``, one rounding) written out explicitly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import cast

import numpy as np
from llvmlite import ir
from numba import prange, types
from numba.extending import intrinsic

from spintorque._jit import njit

U64 = np.uint64
LANES = 32  # trajectories per SIMD block (at most 64: one bit each in _thermal's masks)

_EXP_ONE = np.uint64(0x3FF0000000000000)  # bits of 1.0
_MASK52 = np.uint64((1 << 52) - 1)
_SIGN = np.uint64(1 << 63)


def ziggurat_tables(strips: int = 1024, r: float = 4.038849846109504) -> tuple[np.ndarray, ...]:
    """Strip edges x (strips + 1,), ratios x_{k+1}/x_k (strips,) and f(x) = exp(−x²/2) (strips + 1,).

    ZIGNOR layout (module docstring): x_0 = v/f(r), x_1 = r, x_{k+1} = f⁻¹(f(x_k) + v/x_k),
    x_strips = 0, with v = r f(r) + ∫_r^∞ f the common strip area; r is the root of
    f(x_{strips−1}) + v/x_{strips−1} = 1 (the top strip closes at f = 1; residual < 1e-13, tested).
    """
    f = np.exp(-0.5 * r * r)
    v = r * f + math.sqrt(0.5 * math.pi) * math.erfc(r / math.sqrt(2.0))
    x = np.empty(strips + 1)
    x[0], x[1], x[strips] = v / f, r, 0.0
    for k in range(1, strips - 1):
        x[k + 1] = math.sqrt(-2.0 * math.log(v / x[k] + math.exp(-0.5 * x[k] * x[k])))
    return x, x[1:] / x[:-1], np.exp(-0.5 * x * x)


_ZIG_BITS = 10  # 2**10 strips: the top 10 bits of an output pick the strip
_ZX, _ZR, _ZF = ziggurat_tables(1 << _ZIG_BITS)
_ZIG_R = float(_ZX[1])
_K_SHIFT = np.uint64(64 - _ZIG_BITS)  # strip: bits 54 … 63
_S_SHIFT = np.uint64(_ZIG_BITS)  # sign: bit 53, moved to bit 63
_U_SHIFT = np.uint64(64 - _ZIG_BITS - 1 - 52)  # u: bits 1 … 52

# rows of a block's float64 work array (each row holds one number per lane)
_MX, _MY, _MZ = 0, 1, 2  # magnetization
_TX, _TY, _TZ = 3, 4, 5  # −gamma' × thermal field
_AX, _AY, _AZ = 6, 7, 8  # f at m
_PX, _PY, _PZ = 9, 10, 11  # predictor
_BX, _BY, _BZ = 12, 13, 14  # f at the predictor
_SIGN0 = 15  # sign of m_z at the start of the run
_KCROSS = 16  # step of the first sign change in this call (NaN: none yet; 0 if switched before)
_Z0, _Z1 = 17, 18  # m_z before and after that step
_ROWS = 19


def _sqrt_intrinsic(typingctx, x):  # compiled
    """IEEE square root as the LLVM intrinsic (vectorisable; numba's math.sqrt calls libm)."""
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):
        return builder.call(builder.module.declare_intrinsic("llvm.sqrt", [ir.DoubleType()]), args)

    return types.float64(types.float64), codegen


def _fma_intrinsic(typingctx, a, b, c):  # compiled
    """a b + c rounded once (IEEE fusedMultiplyAdd, the LLVM intrinsic; vfmadd where available)."""
    if not (a == b == c == types.float64):
        return None

    def codegen(context, builder, signature, args):
        d = ir.DoubleType()
        fn = builder.module.declare_intrinsic("llvm.fma", [d], ir.FunctionType(d, [d, d, d]))
        return builder.call(fn, args)

    return types.float64(types.float64, types.float64, types.float64), codegen


def _cttz_intrinsic(typingctx, x):  # compiled
    """Number of trailing zero bits of a non-zero uint64 (the LLVM intrinsic, one instruction)."""
    if x != types.uint64:
        return None

    def codegen(context, builder, signature, args):
        i64 = ir.IntType(64)
        fn = builder.module.declare_intrinsic("llvm.cttz", [i64], ir.FunctionType(i64, [i64, ir.IntType(1)]))
        return builder.call(fn, [args[0], ir.Constant(ir.IntType(1), 1)])

    return types.intp(types.uint64), codegen


_sqrt = cast(Callable[[float], float], intrinsic(_sqrt_intrinsic))
_fma = cast(Callable[[float, float, float], float], intrinsic(_fma_intrinsic))
_cttz = cast(Callable[[np.uint64], int], intrinsic(_cttz_intrinsic))


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


@njit(cache=True, inline="always")
def _unit(r: np.uint64) -> float:  # compiled
    """Top 52 bits of r as a uniform number in [0, 1)."""
    return _as_float((r >> np.uint64(12)) | _EXP_ONE) - 1.0


@njit(cache=True, inline="always", error_model="numpy")
def _zig_first(r: np.uint64) -> tuple[float, bool]:  # compiled
    """The ziggurat's first try from one output: the signed candidate and whether it is accepted."""
    k = r >> _K_SHIFT
    u = _as_float(((r >> _U_SHIFT) & _MASK52) | _EXP_ONE) - 1.0
    x = _as_float(_as_bits(u * _ZX[k]) ^ ((r << _S_SHIFT) & _SIGN))
    return x, u < _ZR[k]


@njit(cache=True, error_model="numpy")
def _zig_rest(r: U64, s0: U64, s1: U64, s2: U64, s3: U64) -> tuple[float, U64, U64, U64, U64]:
    # compiled
    """Complete a normal whose first try r was not accepted at once (scalar, rare), and the state."""
    while True:
        k = r >> _K_SHIFT
        sign = (r << _S_SHIFT) & _SIGN
        u = _as_float(((r >> _U_SHIFT) & _MASK52) | _EXP_ONE) - 1.0
        x = u * _ZX[k]
        if u < _ZR[k]:
            break
        if k == 0:  # tail beyond r (Marsaglia 1964)
            while True:
                a, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                b, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                t = -math.log(1.0 - _unit(a)) / _ZIG_R
                y = -math.log(1.0 - _unit(b))
                if 2.0 * y > t * t:
                    break
            x = _ZIG_R + t
            break
        w, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
        if _ZF[k] + _unit(w) * (_ZF[k + 1] - _ZF[k]) < math.exp(-0.5 * x * x):
            break
        r, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
    return _as_float(_as_bits(x) ^ sign), s0, s1, s2, s3


@njit(cache=True, inline="always", error_model="numpy")
def _gauss3(s0: U64, s1: U64, s2: U64, s3: U64) -> tuple[float, float, float, U64, U64, U64, U64]:
    # compiled
    """One group of three standard normals (module docstring) and the new state."""
    r1, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
    r2, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
    r3, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
    a, ok1 = _zig_first(r1)
    b, ok2 = _zig_first(r2)
    c, ok3 = _zig_first(r3)
    if not ok1:
        a, s0, s1, s2, s3 = _zig_rest(r1, s0, s1, s2, s3)
    if not ok2:
        b, s0, s1, s2, s3 = _zig_rest(r2, s0, s1, s2, s3)
    if not ok3:
        c, s0, s1, s2, s3 = _zig_rest(r3, s0, s1, s2, s3)
    return a, b, c, s0, s1, s2, s3


@njit(cache=True)
def draw_normals(state: np.ndarray, out: np.ndarray) -> None:  # compiled
    """Fill out (B, n, 3) with each trajectory's next n groups of three normals (the kernel's stream)."""
    for b in range(out.shape[0]):
        s0, s1, s2, s3 = state[b, 0], state[b, 1], state[b, 2], state[b, 3]
        for k in range(out.shape[1]):
            out[b, k, 0], out[b, k, 1], out[b, k, 2], s0, s1, s2, s3 = _gauss3(s0, s1, s2, s3)
        state[b, 0], state[b, 1], state[b, 2], state[b, 3] = s0, s1, s2, s3


# ---------------------------------------------------------------------------------------------
# One block of LANES trajectories: every loop below runs over the lanes and vectorises.


@njit(cache=True, inline="always", error_model="numpy")
def _thermal(v: np.ndarray, st: np.ndarray, raw: np.ndarray, scale: float) -> None:  # compiled
    """Rows T ← scale × (three normals) for every lane: first tries vectorised, rejections scalar.

    Bit i of ``bad_x``, ``bad_y``, ``bad_z`` marks that component of lane i for completion by
    ``_zig_rest``; each marked lane then completes x, y, z in turn (the order of ``_gauss3``).
    """
    bad_x = bad_y = bad_z = np.uint64(0)
    for i in range(LANES):
        r1, s0, s1, s2, s3 = _next(st[0, i], st[1, i], st[2, i], st[3, i])
        r2, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
        r3, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
        st[0, i], st[1, i], st[2, i], st[3, i] = s0, s1, s2, s3
        a, ok1 = _zig_first(r1)
        b, ok2 = _zig_first(r2)
        c, ok3 = _zig_first(r3)
        v[_TX, i], v[_TY, i], v[_TZ, i] = a, b, c
        raw[0, i], raw[1, i], raw[2, i] = r1, r2, r3
        bad_x |= np.uint64(not ok1) << np.uint64(i)
        bad_y |= np.uint64(not ok2) << np.uint64(i)
        bad_z |= np.uint64(not ok3) << np.uint64(i)
    lanes = bad_x | bad_y | bad_z
    while lanes:
        i = _cttz(lanes)
        lanes &= lanes - np.uint64(1)
        for j, bad in enumerate((bad_x, bad_y, bad_z)):
            if (bad >> np.uint64(i)) & np.uint64(1):
                x, st[0, i], st[1, i], st[2, i], st[3, i] = _zig_rest(raw[j, i], st[0, i], st[1, i], st[2, i],
                                                                      st[3, i])
                v[_TX + j, i] = x
    for i in range(LANES):
        v[_TX, i] *= scale
        v[_TY, i] *= scale
        v[_TZ, i] *= scale


@njit(cache=True, inline="always", error_model="numpy")
def _cross_fma(ax: float, ay: float, az: float, bx: float, by: float, bz: float, cx: float, cy: float,
               cz: float) -> tuple[float, float, float]:  # compiled
    """a × b + c with fused multiply-adds."""
    return (_fma(ay, bz, _fma(-az, by, cx)), _fma(az, bx, _fma(-ax, bz, cy)),
            _fma(ax, by, _fma(-ay, bx, cz)))


@njit(cache=True, inline="always", error_model="numpy")
def _rate_rows(v: np.ndarray, m: int, out: int, G: tuple[float, ...], w: tuple[float, float, float],
               F: tuple[float, float, float], A: tuple[float, float, float], alpha: float,
               diag: bool) -> None:  # compiled
    """Rows out..out+2 ← m × (U + m × V) for m = rows m..m+2 (module docstring).

    W = G m + w + T (G = −gamma' Q, T the scaled thermal rows), U = W − F, V = alpha W − A.
    """
    for i in range(LANES):
        mx, my, mz = v[m, i], v[m + 1, i], v[m + 2, i]
        wx, wy, wz = w[0] + v[_TX, i], w[1] + v[_TY, i], w[2] + v[_TZ, i]
        if diag:
            Wx, Wy, Wz = _fma(G[0], mx, wx), _fma(G[4], my, wy), _fma(G[8], mz, wz)
        else:
            Wx = _fma(G[0], mx, _fma(G[1], my, _fma(G[2], mz, wx)))
            Wy = _fma(G[3], mx, _fma(G[4], my, _fma(G[5], mz, wy)))
            Wz = _fma(G[6], mx, _fma(G[7], my, _fma(G[8], mz, wz)))
        Xx, Xy, Xz = _cross_fma(mx, my, mz, _fma(alpha, Wx, -A[0]), _fma(alpha, Wy, -A[1]),
                                _fma(alpha, Wz, -A[2]), Wx - F[0], Wy - F[1], Wz - F[2])
        v[out, i], v[out + 1, i], v[out + 2, i] = _cross_fma(mx, my, mz, Xx, Xy, Xz, 0.0, 0.0, 0.0)


@njit(cache=True, inline="always", error_model="numpy")
def _torque_rows(v: np.ndarray, m: int, out: int, pre: float, c: tuple[float, ...], alpha: float) -> None:
    # compiled
    """Rows out..out+2 += m × (−f p + m × (−a p)) for one Slonczewski term with ε depending on m·p.

    c = (c0, c1, c2, ε', px, py, pz), ε = c0/(c1 + c2 m·p), (a, f) = pre (ε − alpha ε', ε' − alpha ε).
    """
    px, py, pz = c[4], c[5], c[6]
    for i in range(LANES):
        mx, my, mz = v[m, i], v[m + 1, i], v[m + 2, i]
        eps = c[0] / _fma(c[2], _fma(mx, px, _fma(my, py, mz * pz)), c[1])
        a, f = pre * _fma(-alpha, c[3], eps), pre * _fma(-alpha, eps, c[3])
        Xx, Xy, Xz = _cross_fma(mx, my, mz, -a * px, -a * py, -a * pz, -f * px, -f * py, -f * pz)
        v[out, i], v[out + 1, i], v[out + 2, i] = _cross_fma(mx, my, mz, Xx, Xy, Xz, v[out, i], v[out + 1, i],
                                                             v[out + 2, i])


@njit(cache=True, inline="always", error_model="numpy")
def _finish(v: np.ndarray, i: int, mx: float, my: float, mz: float, nx: float, ny: float, nz: float,
            step: float) -> None:  # compiled
    """Normalise the new m of lane i, note a first sign change of m_z, store it."""
    inv = 1.0 / _sqrt(_fma(nx, nx, _fma(ny, ny, nz * nz)))
    nx, ny, nz = nx * inv, ny * inv, nz * inv
    if math.isnan(v[_KCROSS, i]) and v[_SIGN0, i] * nz < 0.0:
        v[_KCROSS, i] = step
        v[_Z0, i] = mz
        v[_Z1, i] = nz
    v[_MX, i] = nx
    v[_MY, i] = ny
    v[_MZ, i] = nz


@njit(cache=True, inline="always", error_model="numpy")
def _constant_torques(J: float, stt: float, sp: np.ndarray, sc: np.ndarray,
                      alpha: float) -> tuple[float, float, float, float, float, float]:  # compiled
    """(Σ f_s p_s, Σ a_s p_s) over the Slonczewski terms with constant ε (c2 = 0) at current J."""
    pre = stt * J
    Fx = Fy = Fz = Ax = Ay = Az = 0.0
    for s in range(sp.shape[0]):
        if sc[s, 2] == 0.0:
            eps = sc[s, 0] / sc[s, 1]
            a, f = pre * (eps - alpha * sc[s, 3]), pre * (sc[s, 3] - alpha * eps)
            Fx, Fy, Fz = Fx + f * sp[s, 0], Fy + f * sp[s, 1], Fz + f * sp[s, 2]
            Ax, Ay, Az = Ax + a * sp[s, 0], Ay + a * sp[s, 1], Az + a * sp[s, 2]
    return Fx, Fy, Fz, Ax, Ay, Az


@njit(cache=True, inline="always", error_model="numpy")
def _varying_torques(v: np.ndarray, m: int, out: int, J: float, stt: float, sp: np.ndarray, sc: np.ndarray,
                     alpha: float) -> None:  # compiled
    """Add the Slonczewski terms whose ε depends on m·p (c2 ≠ 0) to rows out..out+2."""
    if J != 0.0:
        for s in range(sp.shape[0]):
            if sc[s, 2] != 0.0:
                _torque_rows(v, m, out, stt * J, (sc[s, 0], sc[s, 1], sc[s, 2], sc[s, 3], sp[s, 0], sp[s, 1],
                                                  sp[s, 2]), alpha)


@njit(cache=True, error_model="numpy")
def _advance_block(first: int, m: np.ndarray, state: np.ndarray, switch: np.ndarray, sign0: np.ndarray,
                   t0: float, dt: float, J_grid: np.ndarray, Q: np.ndarray, h: np.ndarray, hJ: np.ndarray,
                   g: float, alpha: float, stt: float, sp: np.ndarray, sc: np.ndarray,
                   sigma: float) -> None:  # compiled
    """len(J_grid) − 1 Heun steps of trajectories first … first+LANES−1 (see heun_ensemble).

    The work arrays are allocated here, with constant shapes, so that LLVM sees fixed strides
    and can prove that the rows do not overlap: this is what lets the lane loops vectorise.
    """
    B = m.shape[0]
    v = np.zeros((_ROWS, LANES))
    st = np.empty((4, LANES), dtype=np.uint64)
    raw = np.empty((3, LANES), dtype=np.uint64)
    for i in range(LANES):
        b = min(first + i, B - 1)  # padding lanes copy the last trajectory
        v[_MX, i], v[_MY, i], v[_MZ, i] = m[b, 0], m[b, 1], m[b, 2]
        st[0, i], st[1, i], st[2, i], st[3, i] = state[b, 0], state[b, 1], state[b, 2], state[b, 3]
        v[_SIGN0, i] = sign0[b]
        v[_KCROSS, i] = np.nan if math.isnan(switch[b]) else 0.0
    G = (-g * Q[0, 0], -g * Q[0, 1], -g * Q[0, 2], -g * Q[1, 0], -g * Q[1, 1], -g * Q[1, 2], -g * Q[2, 0],
         -g * Q[2, 1], -g * Q[2, 2])
    diag = G[1] == 0.0 and G[2] == 0.0 and G[3] == 0.0 and G[5] == 0.0 and G[6] == 0.0 and G[7] == 0.0
    n = J_grid.shape[0] - 1
    half = 0.5 * dt
    for k in range(n):
        if sigma > 0.0:
            _thermal(v, st, raw, -g * sigma)
        J1, J2 = J_grid[k], J_grid[k + 1]
        w1 = (-g * (h[0] + J1 * hJ[0]), -g * (h[1] + J1 * hJ[1]), -g * (h[2] + J1 * hJ[2]))
        w2 = (-g * (h[0] + J2 * hJ[0]), -g * (h[1] + J2 * hJ[1]), -g * (h[2] + J2 * hJ[2]))
        F1x, F1y, F1z, A1x, A1y, A1z = _constant_torques(J1, stt, sp, sc, alpha)
        F2x, F2y, F2z, A2x, A2y, A2z = _constant_torques(J2, stt, sp, sc, alpha)
        step = float(k)
        _rate_rows(v, _MX, _AX, G, w1, (F1x, F1y, F1z), (A1x, A1y, A1z), alpha, diag)
        _varying_torques(v, _MX, _AX, J1, stt, sp, sc, alpha)
        for i in range(LANES):
            v[_PX, i] = _fma(dt, v[_AX, i], v[_MX, i])
            v[_PY, i] = _fma(dt, v[_AY, i], v[_MY, i])
            v[_PZ, i] = _fma(dt, v[_AZ, i], v[_MZ, i])
        _rate_rows(v, _PX, _BX, G, w2, (F2x, F2y, F2z), (A2x, A2y, A2z), alpha, diag)
        _varying_torques(v, _PX, _BX, J2, stt, sp, sc, alpha)
        for i in range(LANES):
            mx, my, mz = v[_MX, i], v[_MY, i], v[_MZ, i]
            _finish(v, i, mx, my, mz, _fma(half, v[_AX, i] + v[_BX, i], mx),
                    _fma(half, v[_AY, i] + v[_BY, i], my), _fma(half, v[_AZ, i] + v[_BZ, i], mz), step)
    for i in range(min(LANES, B - first)):
        b = first + i
        m[b, 0], m[b, 1], m[b, 2] = v[_MX, i], v[_MY, i], v[_MZ, i]
        state[b, 0], state[b, 1], state[b, 2], state[b, 3] = st[0, i], st[1, i], st[2, i], st[3, i]
        if math.isnan(switch[b]) and not math.isnan(v[_KCROSS, i]):
            z0, z1 = v[_Z0, i], v[_Z1, i]
            switch[b] = t0 + dt * (v[_KCROSS, i] + z0 / (z0 - z1))


@njit(cache=True, parallel=True, error_model="numpy")
def heun_ensemble(m: np.ndarray, state: np.ndarray, switch: np.ndarray, sign0: np.ndarray, t0: float,
                  dt: float, J_grid: np.ndarray, Q: np.ndarray, h: np.ndarray, hJ: np.ndarray, g: float,
                  alpha: float, stt: float, sp: np.ndarray, sc: np.ndarray, sigma: float) -> None:  # compiled
    """Advance every trajectory len(J_grid) − 1 Heun steps from time t0, in place.

    Parameters
    ----------
    m : (B, 3) float64
        Unit magnetizations (updated).
    state : (B, 4) uint64
        Per-trajectory generator state (updated).
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
        Thermal field standard deviation per component for this dt [A/m] (0: deterministic, and
        no numbers are drawn).
    """
    blocks = (m.shape[0] + LANES - 1) // LANES
    for blk in prange(blocks):
        _advance_block(blk * LANES, m, state, switch, sign0, t0, dt, J_grid, Q, h, hJ, g, alpha, stt, sp, sc,
                       sigma)
