"""An independent reference for the axial WER and read disturb (THERMAL.md §6; issue 14).

Written apart from ``spintorque.thermal.wer``: finite volumes on other grids (192·2^(k/2) cells,
not 64·2^(k/2); uniform in θ, or for times up to 0.1 tau_N graded towards the cut of P0 at z = 0
by another smooth map than the library's; cells uniform in z would spoil the regular h² series
at the poles), z = 0 an edge; cell masses ∫ e^{−U} dz and resistances ∫ 2 e^{U}/(1 − z²) dz
between centres by 12-point Gauss–Legendre, in log space with a per-interval shift (no overflow
at large sigma); the generator Q acts on the cell masses p (not on p/√π). Its propagator is
built from nonnegative pieces only (the only way a probability of 1e-200 keeps its relative
accuracy): a Taylor series of e^{τ(Q + ΛI)} with τΛ = 1/4 and 40 terms (plain matrix products,
no Horner, no symmetric rank-k update), repeated squaring by ``@``, and a Taylor step on the
vector for the remainder of each time; no two-state hand-over (its rounding bound grows like t).
Richardson (Neville in h²) over five grids in log space.
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


def edges_graded(cells: int, graded: bool | tuple[float, float]) -> np.ndarray:
    """Edges z = sin ψ, ψ = (π/2) φ(s) on each hemisphere, s uniform; φ(s) = s (uniform in θ), or
    with ``graded`` φ' ∝ c + (1 − c) tanh²(s/ε), c = 0.04, ε = 0.12 (cells 25 times finer at
    z = 0; a smooth map, so the h² series stays regular; not the library's erf map), or with
    ``graded = (c, ε)`` that map with these parameters (a wider layer at the cut)."""
    half = cells // 2
    s = np.linspace(0.0, 1.0, half + 1)
    if graded is not False:
        c, eps = (0.04, 0.12) if graded is True else graded

        def raw(x):
            return c * x + (1 - c) * (x - eps * np.tanh(x / eps))
        s = raw(s) / raw(1.0)
    upper = np.sin(0.5 * np.pi * s)
    upper[0], upper[-1] = 0.0, 1.0
    return np.concatenate([-upper[::-1][:-1], upper])


def _neville_log(masses: list[np.ndarray], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Neville table in x = 1/N² of log ``masses`` (one array per grid, coarse to fine): the
    last diagonal entry and its estimate, the larger change against the two entries before it
    (NaN where a mass underflowed)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        table = [[np.log(masses[0])]]
        for k in range(1, len(masses)):
            row = [np.log(masses[k])]
            for j in range(1, k + 1):
                row.append(row[j - 1] + (row[j - 1] - table[k - 1][j - 1]) / (x[k - j] / x[k] - 1))
            table.append(row)
        best = table[-1][-1]
        est = np.maximum(np.abs(best - table[-1][-2]), np.abs(best - table[-2][-2]))
    return best, est


def side_masses(sigma: float, h: float, i: float, times: np.ndarray, cells: int,
                graded: bool | tuple[float, float] = False):
    """Masses on z > 0 and z < 0 at ``times`` [tau_N] on ``cells`` cells (even)."""
    bias = 2.0 * sigma * (h - i * (1.0 + h))
    edges = edges_graded(cells, graded)
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


SHORT = 0.1
"""Times up to this [tau_N] on the graded cells (the layer at the cut of P0), longer ones uniform."""


def reference(sigma: float, h: float, i: float, times: np.ndarray, cells: int = 192,
              layer: tuple[float, float] | None = None):
    """(WER, read disturb, their relative error estimates) at ``times``: Richardson (Neville in
    h²) over five grids cells·2^(k/2), in log space; the estimate is the larger of the last two
    steps of the table plus the rounding bound. ``layer``: (c, ε) of the graded map for every
    time (see :func:`edges_graded`) instead of the choice by :data:`SHORT`."""
    times = np.asarray(times, dtype=float)
    sizes = [2 * round(cells / 2 * 2 ** (k / 2)) for k in range(5)]
    x = 1.0 / np.array(sizes, dtype=float) ** 2
    out = [np.empty(times.size) for _ in range(4)]
    parts = [(True, times <= SHORT), (False, times > SHORT)] if layer is None else [(layer, times >= 0)]
    for graded, part in parts:
        if not part.any():
            continue
        runs = [side_masses(sigma, h, i, times[part], n, graded) for n in sizes]
        rounding = np.maximum.reduce([r[2] for r in runs])
        for side in (0, 1):
            # an underflowed mass (log 0) makes its table entries NaN: not a reference point
            best, est = _neville_log([r[side] for r in runs], x)
            with np.errstate(invalid="ignore", over="ignore"):
                out[2 * side][part] = np.exp(best)
                out[2 * side + 1][part] = np.expm1(est) + rounding
    return out[0], out[2], out[1], out[3]


# --- Large grids (issue 14: the cut z = 0 at sigma = 200 needs ~5000 cells) --------------------
# Written apart from spintorque.thermal.wer.sparse_propagator/sparse_ladder: the same family of
# positive evolution (uniformisation is the one O(N)-per-step method that is exact in time and
# adds only nonnegative terms), but other grids (1536·2^(k/2), the tanh² map with a wide layer,
# not the library's cells uniform in θ), 12-point quadrature, a uniformisation rate 1.25× the
# largest outflow (another Poisson mixture), scipy's Poisson pmf and survival function (not
# ratios from the mode), plain numpy steps, no hand-over, and its own Richardson table.
WIDE = (0.5, 0.5)
"""(c, ε) of the tanh² map of the large grids: cells ~1.5× finer than uniform in θ at z = 0."""


def _chain(sigma: float, h: float, i: float, cells: int, graded):
    bias = 2.0 * sigma * (h - i * (1.0 + h))
    edges = edges_graded(cells, graded)
    centres = 0.5 * (edges[1:] + edges[:-1])

    def U(z):
        return -sigma * z * z - bias * z

    log_mass = _log_cell_integrals(lambda z: -U(z), edges[:-1], edges[1:])
    log_res = _log_cell_integrals(
        lambda z: U(z) + math.log(2.0) - np.log1p(-z * z), centres[:-1], centres[1:]
    )
    up = np.exp(-log_res - log_mass[:-1])
    down = np.exp(-log_res - log_mass[1:])
    log_p0 = _log_cell_integrals(lambda z: sigma * z * z + 2 * sigma * h * z, edges[:-1], edges[1:])
    plus = centres > 0
    log_p0 = np.where(plus, log_p0 - logsumexp(log_p0[plus]), -np.inf)
    return up, down, np.exp(log_p0), plus


def large_side_masses(sigma: float, h: float, i: float, times: np.ndarray, cells: int,
                      graded=WIDE, max_steps: int = 600_000):
    """Masses on z > 0 and z < 0 at ``times`` on ``cells`` cells by uniformisation on the
    vector: e^{tQ} p0 = Σ_k Pois(k; Λt) P^k p0, P = I + Q/Λ ≥ 0; NaN where more than
    ``max_steps`` steps would be needed. Third value: rounding plus the truncated Poisson weight
    (times the largest possible mass 1) relative to the smaller side."""
    from scipy.stats import poisson

    up, down, p, plus = _chain(sigma, h, i, cells, graded)
    out = np.concatenate([up, [0.0]]) + np.concatenate([[0.0], down])
    Lam = 1.25 * float(out.max())
    diag, up, down = 1.0 - out / Lam, up / Lam, down / Lam
    x = np.asarray(times, dtype=float) * Lam
    last = np.ceil(x + 45.0 * np.sqrt(x) + 80.0).astype(np.int64)
    reachable = last[last <= max_steps]
    steps = int(reachable.max()) if reachable.size else 0
    masses = np.empty((steps + 1, 2))
    masses[0] = p[plus].sum(), p[~plus].sum()
    for k in range(1, steps + 1):
        new = diag * p
        new[1:] += up * p[:-1]
        new[:-1] += down * p[1:]
        p = new
        if k % 32 == 0:
            p[p < 1e-300] = 0.0  # no denormals (their mass is below 1e-300 · cells · steps)
        masses[k] = p[plus].sum(), p[~plus].sum()
    start, switched, est = (np.full(x.size, np.nan) for _ in range(3))
    for j in range(x.size):
        if last[j] > steps:
            continue
        k = np.arange(last[j] + 1)
        w = poisson.pmf(k, x[j])
        s, r = w @ masses[: last[j] + 1]
        smaller = min(v for v in (s, r, 1.0) if v > 0)
        start[j], switched[j] = s, r
        est[j] = poisson.sf(last[j], x[j]) / smaller + 8 * 2.2e-16 * (last[j] + 1) + (
            1e-300 * cells * last[j] / smaller)
    return start, switched, est


def large_reference(sigma: float, h: float, i: float, times: np.ndarray, cells: int = 1536,
                    graded=WIDE, grids: int = 5, max_steps: int = 600_000):
    """(WER, read disturb, their relative error estimates) from :func:`large_side_masses` on
    ``grids`` grids cells·2^(k/2), Richardson (Neville in h²) in log space; the estimate the
    larger of the last two steps of the table plus the evolution's own bound (inf where a grid
    could not reach the time)."""
    times = np.asarray(times, dtype=float)
    sizes = [2 * round(cells / 2 * 2 ** (k / 2)) for k in range(grids)]
    x = 1.0 / np.array(sizes, dtype=float) ** 2
    runs = [large_side_masses(sigma, h, i, times, n, graded, max_steps) for n in sizes]
    bound = np.maximum.reduce([r[2] for r in runs])
    out = []
    for side in (0, 1):
        best, est = _neville_log([r[side] for r in runs], x)
        with np.errstate(invalid="ignore", over="ignore"):
            est = np.where(np.isfinite(est), np.expm1(est) + bound, np.inf)
        out.append((np.exp(best), est))
    return out[0][0], out[1][0], out[0][1], out[1][1]
