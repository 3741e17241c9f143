r"""Compiled stochastic LLG: Heun (Stratonovich) steps for an ensemble of macrospins, and its RNG.

Random numbers
--------------
Each trajectory owns a xoshiro256+ generator (Blackman & Vigna 2018), four uint64 words seeded
from ``np.random.SeedSequence(entropy, spawn_key=(i,))`` (:func:`spintorque.dynamics.stochastic.
seed_states`), and turns uniforms into normals by Marsaglia's polar method, keeping the second
normal of each pair as a "spare" (NaN when none). A trajectory's numbers therefore depend only on
the seed and its index: not on the number of threads, the ensemble size or the chunking.

Step (one trajectory, explicit Landau–Lifshitz form, ``docs/dynamics.md``)
-------------------------------------------------------------------------
``H = Q m + h + J(t) h_J + H_th``, ``H_th = sigma ξ`` with ξ three standard normals held fixed over
the step (sigma² = 2 alpha k_B T / (gamma0 mu0 Ms V dt)),

``f(m) = −gamma'[m×H + alpha m×(m×H)] + Σ_s c J/(1+alpha²)[(ε_s − alpha ε'_s) m×(p_s×m)
+ (ε'_s − alpha ε_s) p_s×m]``, gamma' = gamma0/(1+alpha²), ε_s = a_s/(b_s + c_s m·p_s),

``m̃ = m + dt f(m; t_k)``, ``m ← normalise(m + dt/2 [f(m; t_k) + f(m̃; t_{k+1})])``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

_TWO_M52 = 2.0**-52
U64 = np.uint64


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
def _gauss_pair(s0: U64, s1: U64, s2: U64, s3: U64) -> tuple[float, float, U64, U64, U64, U64]:
    # compiled
    """Two independent standard normals (Marsaglia's polar method) and the new state."""
    while True:
        r1, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
        r2, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
        u = float(r1 >> np.uint64(11)) * _TWO_M52 - 1.0  # [-1, 1)
        v = float(r2 >> np.uint64(11)) * _TWO_M52 - 1.0
        q = u * u + v * v
        if 0.0 < q < 1.0:
            f = math.sqrt(-2.0 * math.log(q) / q)
            return u * f, v * f, s0, s1, s2, s3


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


@njit(cache=True, inline="always", error_model="numpy")
def _rate(mx: float, my: float, mz: float, Hx: float, Hy: float, Hz: float, J: float, g: float,
          alpha: float, stt: float, sp: np.ndarray, sc: np.ndarray) -> tuple[float, float, float]:
    # compiled
    """Explicit LL rate at m for the total field H and current J; see the module docstring."""
    cx = my * Hz - mz * Hy
    cy = mz * Hx - mx * Hz
    cz = mx * Hy - my * Hx
    dx = -g * (cx + alpha * (my * cz - mz * cy))
    dy = -g * (cy + alpha * (mz * cx - mx * cz))
    dz = -g * (cz + alpha * (mx * cy - my * cx))
    if J != 0.0:
        for s in range(sp.shape[0]):
            px, py, pz = sp[s, 0], sp[s, 1], sp[s, 2]
            eps = sc[s, 0] / (sc[s, 1] + sc[s, 2] * (mx * px + my * py + mz * pz))
            epp = sc[s, 3]
            pre = stt * J
            a = pre * (eps - alpha * epp)
            f = pre * (epp - alpha * eps)
            qx = py * mz - pz * my  # p × m
            qy = pz * mx - px * mz
            qz = px * my - py * mx
            dx += a * (my * qz - mz * qy) + f * qx
            dy += a * (mz * qx - mx * qz) + f * qy
            dz += a * (mx * qy - my * qx) + f * qz
    return dx, dy, dz


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
    n = J_grid.shape[0] - 1
    for b in prange(m.shape[0]):
        mx, my, mz = m[b, 0], m[b, 1], m[b, 2]
        s0, s1, s2, s3 = state[b, 0], state[b, 1], state[b, 2], state[b, 3]
        spr = spare[b]
        sw = switch[b]
        for k in range(n):
            if sigma > 0.0:
                a, c, d, s0, s1, s2, s3, spr = _gauss3(s0, s1, s2, s3, spr)
                tx, ty, tz = sigma * a, sigma * c, sigma * d
            else:
                tx, ty, tz = 0.0, 0.0, 0.0
            J1 = J_grid[k]
            Hx = Q[0, 0] * mx + Q[0, 1] * my + Q[0, 2] * mz + h[0] + J1 * hJ[0] + tx
            Hy = Q[1, 0] * mx + Q[1, 1] * my + Q[1, 2] * mz + h[1] + J1 * hJ[1] + ty
            Hz = Q[2, 0] * mx + Q[2, 1] * my + Q[2, 2] * mz + h[2] + J1 * hJ[2] + tz
            d1x, d1y, d1z = _rate(mx, my, mz, Hx, Hy, Hz, J1, g, alpha, stt, sp, sc)
            px, py, pz = mx + dt * d1x, my + dt * d1y, mz + dt * d1z
            J2 = J_grid[k + 1]
            Hx = Q[0, 0] * px + Q[0, 1] * py + Q[0, 2] * pz + h[0] + J2 * hJ[0] + tx
            Hy = Q[1, 0] * px + Q[1, 1] * py + Q[1, 2] * pz + h[1] + J2 * hJ[1] + ty
            Hz = Q[2, 0] * px + Q[2, 1] * py + Q[2, 2] * pz + h[2] + J2 * hJ[2] + tz
            d2x, d2y, d2z = _rate(px, py, pz, Hx, Hy, Hz, J2, g, alpha, stt, sp, sc)
            nx = mx + 0.5 * dt * (d1x + d2x)
            ny = my + 0.5 * dt * (d1y + d2y)
            nz = mz + 0.5 * dt * (d1z + d2z)
            inv = 1.0 / math.sqrt(nx * nx + ny * ny + nz * nz)
            nx, ny, nz = nx * inv, ny * inv, nz * inv
            if math.isnan(sw) and sign0[b] * nz < 0.0:
                sw = t0 + dt * (k + mz / (mz - nz))
            mx, my, mz = nx, ny, nz
        m[b, 0], m[b, 1], m[b, 2] = mx, my, mz
        state[b, 0], state[b, 1], state[b, 2], state[b, 3] = s0, s1, s2, s3
        spare[b] = spr
        switch[b] = sw
