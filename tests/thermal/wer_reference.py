"""An independent reference for the axial WER and read disturb (THERMAL.md §6; issue 14).

Written apart from ``spintorque.thermal.wer``: finite volumes uniform in θ on other grid sizes
(3·2^k cells, not 64·2^k; no grading towards z = 0; cells uniform in z would spoil the regular
h² series at the poles), z = 0 an edge; cell masses ∫ e^{−U} dz and resistances
∫ 2 e^{U}/(1 − z²) dz between centres by 12-point Gauss–Legendre, in log space with a
per-interval shift (no overflow at large sigma); the generator Q acts on the cell masses p (not
on p/√π). Its propagator is built from nonnegative pieces only (the only way a probability of
1e-200 keeps its relative accuracy): a Taylor series of e^{τ(Q + ΛI)} with τΛ = 1/4 and 40
terms (plain matrix products, no Horner, no symmetric rank-k update), repeated squaring by
``@``, and a Taylor step on the vector for the remainder of each time. Richardson over three
grids N, 2N, 4N (error in h², h⁴) in log space; the last step is its error estimate.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import legendre as leg
from scipy.special import logsumexp

_X, _W = leg.leggauss(12)
TERMS = 40


def _log_cell_integrals(log_f, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    t = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * _X[None, :]
    values = log_f(t)
    top = values.max(axis=1)
    return top + np.log(0.5 * (b - a) * (np.exp(values - top[:, None]) @ _W))


def side_masses(sigma: float, h: float, i: float, times: np.ndarray, cells: int):
    """Masses on z > 0 and z < 0 at ``times`` [tau_N] on ``cells`` cells (even)."""
    bias = 2.0 * sigma * (h - i * (1.0 + h))
    edges = -np.cos(np.linspace(0.0, np.pi, cells + 1))  # uniform in θ: a regular h² series
    edges[0], edges[cells // 2], edges[-1] = -1.0, 0.0, 1.0
    centres = 0.5 * (edges[1:] + edges[:-1])

    def U(z):  # THERMAL.md §6, the pulse's potential
        return -sigma * z * z - bias * z

    log_mass = _log_cell_integrals(lambda z: -U(z), edges[:-1], edges[1:])
    log_res = _log_cell_integrals(
        lambda z: U(z) + math.log(2.0) - np.log1p(-z * z), centres[:-1], centres[1:]
    )
    up = np.exp(-log_res - log_mass[:-1])  # rate k → k+1 [1/tau_N]
    down = np.exp(-log_res - log_mass[1:])  # rate k+1 → k
    out = np.concatenate([up, [0.0]]) + np.concatenate([[0.0], down])
    # P0 ∝ e^{σ z² + 2σ h z} on z > 0 (zero current), normalised there
    log_p0 = _log_cell_integrals(lambda z: sigma * z * z + 2 * sigma * h * z, edges[:-1], edges[1:])
    plus = centres > 0
    log_p0 = np.where(plus, log_p0 - logsumexp(log_p0[plus]), -np.inf)
    p0 = np.exp(log_p0)

    Lam = float(out.max())
    tau = 0.25 / Lam
    A = np.diag(Lam - out) + np.diag(down, 1) + np.diag(up, -1)  # Q + Λ I >= 0, column k: from k
    A *= tau
    term = np.eye(cells)
    E = term.copy()
    for k in range(1, TERMS + 1):
        term = (A @ term) / k
        E += term
    E *= math.exp(-0.25)  # e^{τ Q}
    steps = np.asarray(times, dtype=float) / tau
    whole = np.floor(steps).astype(np.int64)
    frac = steps - whole
    top_bit = int(whole.max()).bit_length() if whole.size else 0
    P = p0[:, None] * np.ones(steps.size)[None, :]
    # the remainder: e^{frac τ Q} on the vectors (Taylor, shifted, positive)
    term = P.copy()
    V = P.copy()
    for k in range(1, TERMS + 1):
        term = (A @ term) * (frac[None, :] / k)
        V += term
    V *= np.exp(-0.25 * frac)[None, :]
    ladder = E
    for bit in range(top_bit):
        cols = ((whole >> bit) & 1) == 1
        if cols.any():
            V[:, cols] = ladder @ V[:, cols]
        if bit + 1 < top_bit:
            ladder = ladder @ ladder
    return V[plus].sum(axis=0), V[~plus].sum(axis=0), 8 * 2.2e-16 * (whole + TERMS)


def reference(sigma: float, h: float, i: float, times: np.ndarray, cells: int = 192):
    """(WER, read disturb, their relative error estimates) at ``times``, Richardson over cells,
    2·cells, 4·cells (values and estimates in log space; the estimate includes the rounding)."""
    runs = [side_masses(sigma, h, i, times, n) for n in (cells, 2 * cells, 4 * cells)]
    out = []
    for side in (0, 1):
        with np.errstate(divide="ignore"):
            L = [np.log(r[side]) for r in runs]
        first = [(4 * L[1] - L[0]) / 3, (4 * L[2] - L[1]) / 3]
        best = (16 * first[1] - first[0]) / 15
        out.append(np.exp(best))
        out.append(np.expm1(np.abs(best - first[1])) + runs[2][2])
    return out[0], out[2], out[1], out[3]
