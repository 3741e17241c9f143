r"""The thermal start of an ensemble: the zero-current Boltzmann state of the start well.

Before a write, a device at temperature T sits in its start well in thermal equilibrium. That is
the start state of the write-error rate (THERMAL.md §6,
:func:`spintorque.thermal.wer.problem_from_file`): the Boltzmann density of the zero-current
energy restricted to the start side of the separatrix,

.. math:: p(\mathbf m) \propto \exp\!\big(-E(\mathbf m)\,V/k_BT\big) \quad\text{on}\quad
          \mathbf m\cdot\mathbf u > 0,

with u the switching axis (:func:`spintorque.dynamics.switching.switching_axis`, the easy axis
oriented to ``magnet.initial``) and E the energy density of the energy terms (no current: no
torque). :func:`thermal_start` draws from it exactly, by rejection sampling.

The envelope (a proven bound, not an approximation)
--------------------------------------------------
All energy terms are quadratic, so in units of k_BT, U(m) = E V/k_BT = −½ m·A m − a·m with
A = μ0 Ms V Q/k_BT (Q symmetrised) and a = μ0 Ms V h/k_BT (``Energy.quadratic_form``). The start
hemisphere is mapped onto the disk |x| ≤ √2 of the plane ⊥ u by Lambert's azimuthal equal-area
projection about u,

.. math:: \mathbf m(\mathbf x) = (1 - r^2/2)\,\mathbf u + \kappa\,\mathbf x, \qquad
          \kappa = \sqrt{1 - r^2/4},\ r = |\mathbf x|,

whose Jacobian is 1 (dΩ = dx₁dx₂; r is the chord |m − u|), so the target density on the disk is
exp(−ΔU(x)), ΔU = U(m(x)) − U(u). Where u is an eigenvector of A (A u = α u; always so for an easy
axis), with P = α − A on the plane, a = a_u u + a_⊥,

.. math:: \Delta U = \tfrac12\kappa^2\,\mathbf x\cdot P\mathbf x + \tfrac12 a_u r^2
          - \kappa\,\mathbf a_\perp\cdot\mathbf x,

exactly. On the disk κ² ∈ [½, 1] and 0 ≤ 1 − κ ≤ r²/(4(1 + 1/√2)), r ≤ √2, hence

.. math:: \Delta U \ge \tfrac12\,\mathbf x\cdot\Lambda\mathbf x - \mathbf a_\perp\cdot\mathbf x,
          \qquad \Lambda = \tfrac12 P_+ + P_- + \big(a_u - 2c\,|\mathbf a_\perp|\big) I,\quad
          c = \frac{\sqrt2}{4 + 2\sqrt2},

P₊, P₋ the positive and negative parts of P. Where Λ ≥ 1 (a well narrower than the disk) the
proposal is the Gaussian exp(−½ x·Λx + a_⊥·x) (mean Λ⁻¹a_⊥), a draw outside the disk is
rejected, and one inside is accepted with probability exp(−ΔU + ½ x·Λx − a_⊥·x) ≤ 1. Without a
field across u the Gaussian is √2 wider than the well in each direction and about half of the
draws are kept (0.50–0.58 measured for barriers of 5 to 300 k_BT). Otherwise the proposal is
uniform on the disk, accepted with probability exp(−(ΔU − F)) with F the minimum of the bound
over the disk (or, where u is not an eigenvector of A, the cruder F = −½λ_max(A) − |a| − U(u)).

The cells envelope (tilted and reversed wells)
----------------------------------------------
A field across u tilts the well's bottom away from u and the term −κ a_⊥·x wrecks the Gaussian
bound (kept: 7e-5 of the draws at σ = KV/k_BT = 58 and 0.3 H_K across, none of 4e5 at 0.5 H_K);
a reversed field puts the density against the equator, where the uniform envelope keeps 1–5 %.
The cells envelope instead bounds ΔU from below on squares of the disk by Taylor's theorem. On
|x| ≤ R = 1.6 (κ ≥ κ₀ = 0.6; m(x) stays a unit vector for every |x| < 2) the second derivative of
ΔU∘m along any unit v is, with g = ∇U = −(A′m + a) in R³ and A′ = A − cI (c mid-spectrum; on the
sphere U changes by a constant only), ∂²m/∂x_i∂x_j = −δ_ij u − (x_jδ_ik + x_kδ_ij + x_iδ_jk)/(4κ)
e_k − x_ix_jx_k/(16κ³) e_k and |∂m/∂x| ≤ 1/κ (radial 1/κ, azimuthal κ),

.. math:: |v\cdot\nabla^2\Delta U\,v| \le M_2 = \frac{\|A'\|}{\kappa_0^2}
          + \big(\|A'\| + |\mathbf a|\big)\Big(1 + \frac{3R}{4\kappa_0} + \frac{R^3}{16\kappa_0^3}\Big).

On a square of side h and centre c (every point within h/√2 of c, inside |x| ≤ R), with
d = x − c and g_c = ∇ΔU(c): ΔU(x) ≥ ΔU(c) + g_c·d − M₂h²/4. A square inside the disk proposes
from exp(−g_c·d) (a truncated exponential per axis, exactly) and accepts with probability
exp(ΔU(c) + g_c·d − M₂h²/4 − ΔU(x)) ∈ [e^{−M₂h²/2}, 1]; a square across the circle |x| = √2
proposes uniformly, rejects draws outside the disk, and accepts with exp(L − ΔU(x)),
L = ΔU(c) − |g_c|h/√2 − M₂h²/4. Squares start at h = √2/8 and are split in four while their
exponent's spread (M₂h²/2, or √2|g_c|h + M₂h²/2 across the circle) exceeds 0.7 and their
envelope mass is above e^{−30} of the total (at most 2·10⁵ squares: past that the
envelope stays exact, only less tight). A square is picked with probability ∝ its mass.
The Gaussian or uniform envelope is kept where its acceptance, estimated against the cells'
midpoint sum, is ≥ 1/4 or better than the cells'; else the cells are used. Measured acceptance
of the cells (10⁵ draws): σ = 58 with 0.3 / 0.5 / 0.8 / 0.9 H_K across 0.75 / 0.72 / 0.90 /
0.89, 0.6 H_K reversed 0.76; σ = 300 at 0.5 H_K across 0.90, 0.9 H_K reversed 0.79; σ = 3 at 0.9
H_K across 0.70; σ = 30 at 0.7 H_K reversed 0.72 (the uniform envelope: 0.025). Where the
older envelopes are kept they keep 0.27–0.77 (σ = 1 at 0.5 H_K across, uniform: 0.27; a tilted
in-plane well, Gaussian: 0.35; σ = 5 at 0.6 H_K reversed, uniform: 0.30). Every acceptance
probability of every envelope is checked to be ≤ 1 (up to rounding) as it is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.constants import k_B, mu0
from spintorque.errors import InputError
from spintorque.magnet.model import MacrospinModel

FloatArray = NDArray[np.float64]

START_MODES = ("thermal", "initial")
"""Values of ``start``: the restricted Boltzmann state, or every trajectory at ``magnet.initial``."""

START_SPAWN_KEY = (0, 0)
"""Appended to the ensemble seed's spawn key for the stream of the start states (two entries:
never one of the trajectories' noise streams, whose keys add one entry, (i,))."""

MAX_PROPOSALS = 10**8
"""Most proposals one call draws before it refuses (the chosen envelope kept ≥ 0.27 of them in
every case measured, module docstring; this only stops a pathological file from running
forever)."""

_C = math.sqrt(2.0) / (4.0 + 2.0 * math.sqrt(2.0))


@dataclass(frozen=True)
class ThermalStart:
    """Directions drawn from the restricted Boltzmann state (module docstring).

    Attributes
    ----------
    m : ndarray (N, 3)
        Unit vectors, each with m·u > 0.
    axis : ndarray (3,)
        u, the start well's direction.
    proposal : str
        ``"gaussian"`` or ``"uniform"`` (the envelope used).
    acceptance : float
        Accepted / proposed draws.
    """

    m: FloatArray
    axis: FloatArray
    proposal: str
    acceptance: float

    @property
    def mean_angle(self) -> float:
        """Mean angle between m and u [rad]."""
        return mean_angle(self.m, self.axis)


def mean_angle(m: ArrayLike, axis: ArrayLike) -> float:
    """Mean of arccos(m·u) over the rows of m [rad] (u unit)."""
    p = np.clip(np.asarray(m, dtype=float) @ np.asarray(axis, dtype=float), -1.0, 1.0)
    return float(np.mean(np.arccos(p)))


def start_generator(seq: np.random.SeedSequence) -> np.random.Generator:
    """The generator of an ensemble's start states: its seed with :data:`START_SPAWN_KEY` appended."""
    child = np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, *START_SPAWN_KEY),
                                   pool_size=seq.pool_size)
    return np.random.default_rng(child)


def _plane(u: FloatArray) -> FloatArray:
    """(3, 2): an orthonormal basis of the plane ⊥ u."""
    helper = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = np.cross(u, helper)
    e1 /= np.linalg.norm(e1)
    return np.column_stack([e1, np.cross(u, e1)])


@dataclass(frozen=True)
class _Envelope:
    A: FloatArray
    a: FloatArray
    u: FloatArray
    E: FloatArray          # plane basis (3, 2)
    gaussian: bool
    Lam: FloatArray        # (2, 2), Gaussian case
    b: FloatArray          # a_⊥ in the plane basis
    floor: float           # uniform case: lower bound of ΔU on the disk

    def delta_u(self, m: FloatArray) -> FloatArray:
        """ΔU = U(m) − U(u) [k_BT]."""
        um = -0.5 * np.einsum("ni,ij,nj->n", m, self.A, m) - m @ self.a
        uu = -0.5 * float(self.u @ self.A @ self.u) - float(self.a @ self.u)
        return np.asarray(um - uu)

    def point(self, x: FloatArray) -> FloatArray:
        r2 = np.sum(x * x, axis=1)
        kappa = np.sqrt(np.maximum(1.0 - 0.25 * r2, 0.0))
        m = (1.0 - 0.5 * r2)[:, None] * self.u + kappa[:, None] * (x @ self.E.T)
        return np.asarray(m / np.linalg.norm(m, axis=1, keepdims=True))

    def propose(self, rng: np.random.Generator, n: int) -> tuple[FloatArray, FloatArray]:
        """n draws x on the plane and the log of their acceptance probability (−inf outside)."""
        if self.gaussian:
            mean = np.linalg.solve(self.Lam, self.b)
            chol = np.linalg.cholesky(np.linalg.inv(self.Lam))
            x = mean + rng.standard_normal((n, 2)) @ chol.T
            bound = 0.5 * np.einsum("ni,ij,nj->n", x, self.Lam, x) - x @ self.b
        else:
            r = math.sqrt(2.0) * np.sqrt(rng.random(n))
            phi = 2.0 * math.pi * rng.random(n)
            x = np.column_stack([r * np.cos(phi), r * np.sin(phi)])
            bound = np.full(n, self.floor)
        inside = np.sum(x * x, axis=1) < 2.0   # z = 1 − r²/2 > 0: strictly on the start side
        log_p = np.full(n, -math.inf)
        if np.any(inside):
            log_p[inside] = bound[inside] - self.delta_u(self.point(x[inside]))
        if np.any(log_p > 1e-9 * (1.0 + np.abs(bound))):
            raise RuntimeError("thermal_start: the envelope does not dominate the density "
                               f"(log ratio {float(log_p.max()):.3g} > 0); this is a bug")
        return x, log_p


def _envelope(A: FloatArray, a: FloatArray, u: FloatArray) -> _Envelope:
    E = _plane(u)
    alpha = float(u @ A @ u)
    scale = float(np.max(np.abs(A))) + abs(alpha) + 1e-300
    b = E.T @ a
    a_u = float(a @ u)
    if np.linalg.norm(A @ u - alpha * u) > 1e-12 * scale:
        floor = -0.5 * float(np.linalg.eigvalsh(A)[-1]) - float(np.linalg.norm(a)) + 0.5 * alpha + a_u
        return _Envelope(A, a, u, E, False, np.eye(2), b, min(floor, 0.0))
    P = alpha * np.eye(2) - E.T @ A @ E
    w, V = np.linalg.eigh(0.5 * (P + P.T))
    Lam = (V * np.where(w > 0.0, 0.5 * w, w)) @ V.T + (a_u - 2.0 * _C * float(np.linalg.norm(b))) * np.eye(2)
    lam = float(np.linalg.eigvalsh(Lam)[0])
    if lam >= 1.0:
        return _Envelope(A, a, u, E, True, Lam, b, 0.0)
    # min over r in [0, √2] of ½ λ r² − |b| r, a lower bound of ½ x·Λx − b·x on the disk
    nb = float(np.linalg.norm(b))
    candidates = [0.0, lam - math.sqrt(2.0) * nb]
    if lam > 0.0 and nb / lam < math.sqrt(2.0):
        candidates.append(-nb * nb / (2.0 * lam))
    return _Envelope(A, a, u, E, False, Lam, b, min(candidates))


_R = 1.6
"""Radius in the Lambert plane within which the Taylor bound :func:`_curvature_bound` holds
(κ ≥ 0.6); every cell's segment from its centre lies inside it."""

_SLACK = 0.7
"""A cell is split while the spread of its acceptance exponent exceeds this (and it matters)."""

_MAX_CELLS = 200_000


def _curvature_bound(A: FloatArray, a: FloatArray) -> float:
    """M₂ ≥ the largest |v·∇²ΔU(x)v| (|v| = 1) over |x| ≤ R of ΔU∘m (module docstring)."""
    w = np.linalg.eigvalsh(A)
    # on the sphere A → A − cI changes U by a constant only: take c mid-spectrum, ‖A − cI‖ least
    norm_a = 0.5 * float(w[-1] - w[0])
    grad = norm_a + float(np.linalg.norm(a))
    k = math.sqrt(1.0 - _R * _R / 4.0)
    return norm_a / k**2 + grad * (1.0 + 3.0 * _R / (4.0 * k) + _R**3 / (16.0 * k**3))


def _log_box(g: FloatArray, w: FloatArray) -> FloatArray:
    """log ∫_{−w}^{w} exp(−g t) dt, elementwise."""
    ag = np.abs(g)
    k = 2.0 * ag * w
    small = k < 1e-12
    safe = np.where(small, 1.0, ag)
    out = ag * w + np.log(-np.expm1(-np.where(small, 1.0, k))) - np.log(safe)
    return np.asarray(np.where(small, np.log(2.0 * w), out))


def _box_draw(g: FloatArray, w: FloatArray, p: FloatArray) -> FloatArray:
    """t in [−w, w] with density ∝ exp(−g t), by inversion of the uniform p ∈ [0, 1)."""
    ag = np.abs(g)
    k = 2.0 * ag * w
    small = k < 1e-12
    safe = np.where(small, 1.0, ag)
    e = -np.log1p(p * np.expm1(-np.where(small, 1.0, k))) / safe   # in [0, 2w], rate |g|
    t = np.where(g >= 0.0, -w + e, w - e)
    return np.asarray(np.where(small, -w + 2.0 * w * p, np.clip(t, -w, w)))


@dataclass(frozen=True)
class _Cells:
    """The piecewise envelope on squares of the Lambert disk about u (module docstring)."""

    base: _Envelope
    c: FloatArray        # (K, 2) centres
    h: FloatArray        # (K,) sides
    d0: FloatArray       # ΔU at the centres
    g: FloatArray        # (K, 2) ∇ΔU at the centres
    tilted: FloatArray   # (K,) bool: inside the disk, the linearised envelope
    log_c: FloatArray    # (K,) the log envelope's constant part
    cum: FloatArray      # cumulative cell probabilities
    curv: float
    estimate: float      # the expected acceptance, ∑ midpoint masses / ∑ envelope masses
    log_target: float    # log of the midpoint estimate of ∫ exp(−ΔU) over the disk

    def propose(self, rng: np.random.Generator, n: int) -> tuple[FloatArray, FloatArray]:
        k = np.minimum(np.searchsorted(self.cum, rng.random(n) * self.cum[-1], side="right"),
                       self.cum.size - 1)
        half = 0.5 * self.h[k]
        p = rng.random((n, 2))
        g = self.g[k]
        tilt = self.tilted[k]
        gt = np.where(tilt[:, None], g, 0.0)
        d = _box_draw(gt, half[:, None], p)
        x = self.c[k] + d
        # a lower bound of ΔU: tilted cells ΔU(c) + g·d − M₂h²/4, the others a constant
        bound = self.log_c[k] + np.sum(gt * d, axis=1)
        inside = np.sum(x * x, axis=1) < 2.0
        log_p = np.full(n, -math.inf)
        if np.any(inside):
            log_p[inside] = bound[inside] - self.base.delta_u(self.base.point(x[inside]))
        if np.any(log_p > 1e-9 * (1.0 + np.abs(bound))):
            raise RuntimeError("thermal_start: the envelope does not dominate the density "
                               f"(log ratio {float(log_p.max()):.3g} > 0); this is a bug")
        return x, log_p

    def point(self, x: FloatArray) -> FloatArray:
        return self.base.point(x)


def _gradient(base: _Envelope, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """ΔU and its gradient in the Lambert plane at the rows of x (|x| < 2)."""
    r2 = np.sum(x * x, axis=1)
    kappa = np.sqrt(1.0 - 0.25 * r2)
    X = x @ base.E.T
    m = (1.0 - 0.5 * r2)[:, None] * base.u + kappa[:, None] * X
    grad = -(m @ base.A + base.a)   # ∇U in R³ (A symmetric)
    gu = grad @ base.u
    gp = grad @ base.E               # plane components
    gx = np.sum(grad * X, axis=1)
    # ∂m/∂x_i = −x_i u + κ e_i − x_i X/(4κ)
    g2 = -x * gu[:, None] + kappa[:, None] * gp - x * (gx / (4.0 * kappa))[:, None]
    return base.delta_u(m), np.asarray(g2)


def _cells(base: _Envelope) -> _Cells:
    curv = _curvature_bound(base.A, base.a)
    n0 = 16
    h0 = 2.0 * math.sqrt(2.0) / n0
    s = -math.sqrt(2.0) + h0 * (np.arange(n0) + 0.5)
    c = np.stack(np.meshgrid(s, s, indexing="ij"), axis=-1).reshape(-1, 2)
    h = np.full(c.shape[0], h0)
    while True:
        near = np.linalg.norm(np.maximum(np.abs(c) - 0.5 * h[:, None], 0.0), axis=1)
        far = np.linalg.norm(np.abs(c) + 0.5 * h[:, None], axis=1)
        keep = near < math.sqrt(2.0)
        c, h, near, far = c[keep], h[keep], near[keep], far[keep]
        tilted = far < math.sqrt(2.0)
        d0, g = _gradient(base, c)
        gn = np.linalg.norm(g, axis=1)
        tail = 0.25 * curv * h * h            # ½ M₂ |d|² ≤ M₂ h²/4 on a square of side h
        slack = np.where(tilted, 2.0 * tail, 2.0 * (gn * h / math.sqrt(2.0) + tail))
        log_c = np.where(tilted, d0 - tail, d0 - gn * h / math.sqrt(2.0) - tail)
        log_mass = -log_c + np.where(tilted, np.sum(_log_box(np.where(tilted[:, None], g, 0.0),
                                                             0.5 * h[:, None]), axis=1),
                                     2.0 * np.log(h))
        top = float(log_mass.max())
        split = (slack > _SLACK) & (log_mass > top + math.log(float(np.sum(np.exp(log_mass - top)))) - 30.0)
        if not np.any(split) or c.shape[0] + 3 * int(split.sum()) > _MAX_CELLS:
            break
        q = 0.25 * h[split][:, None]
        kids = [c[split] + q * np.array(o) for o in ((-1, -1), (-1, 1), (1, -1), (1, 1))]
        c = np.concatenate([c[~split], *kids])
        h = np.concatenate([h[~split], *(4 * [0.5 * h[split]])])
    mass = np.exp(log_mass - top)
    # midpoint estimate of the target's mass (boundary cells: about half inside) over the envelope's
    mid = np.exp(-d0 - top + np.where(tilted, np.sum(_log_box(g, 0.5 * h[:, None]), axis=1),
                                      2.0 * np.log(h) + math.log(0.5)))
    return _Cells(base, c, h, d0, g, tilted, log_c, np.cumsum(mass), curv,
                  float(np.sum(mid) / np.sum(mass)), top + math.log(float(np.sum(mid))))


def _log_mass(envelope: _Envelope) -> float:
    """log ∫ exp(−bound) of the Gaussian or uniform envelope."""
    if envelope.gaussian:
        mean = np.linalg.solve(envelope.Lam, envelope.b)
        return (math.log(2.0 * math.pi) - 0.5 * math.log(float(np.linalg.det(envelope.Lam)))
                + 0.5 * float(envelope.b @ mean))
    return math.log(2.0 * math.pi) - envelope.floor


def _choose(A: FloatArray, a: FloatArray, u: FloatArray) -> tuple[_Envelope | _Cells, str]:
    """The Gaussian or uniform envelope where it keeps ≥ 1/4 of its draws (estimated) or more than
    the cells would; else the cells."""
    base = _envelope(A, a, u)
    cells = _cells(base)
    old = math.exp(min(cells.log_target - _log_mass(base), 0.0))
    if old >= 0.25 or old >= cells.estimate:
        return base, "gaussian" if base.gaussian else "uniform"
    return cells, "cells"



def reduced_energy(model: MacrospinModel, temperature: float,
                   field: str = "start") -> tuple[FloatArray, FloatArray]:
    """(A, a) with E V/k_BT = −½ m·A m − a·m (dimensionless; module docstring), T [K] > 0
    (refused otherwise, naming ``field``)."""
    if not (math.isfinite(temperature) and temperature > 0.0):
        raise InputError(field, f"a thermal start needs a temperature > 0 K, got {temperature!r} K")
    magnet = model.magnet
    Q, h = model.energy.quadratic_form(magnet)
    scale = mu0 * magnet.saturation_magnetization * magnet.volume / (k_B * temperature)
    return scale * 0.5 * (Q + Q.T), scale * np.asarray(h, dtype=float)


def thermal_start(model: MacrospinModel, temperature: float, trajectories: int,
                  rng: np.random.Generator, axis: ArrayLike | None = None,
                  field: str = "start") -> ThermalStart:
    r"""Draw ``trajectories`` directions from exp(−E(m)V/k_BT) restricted to m·u > 0, exactly.

    Parameters
    ----------
    model : MacrospinModel
        The magnet; only its energy terms enter (the zero-current state).
    temperature : float
        T [K], > 0 (refused otherwise, naming ``field``).
    trajectories : int
        Number of directions N >= 1.
    rng : numpy.random.Generator
        The stream (for an ensemble, :func:`start_generator` of its seed).
    axis : array_like, optional
        u (default :func:`spintorque.dynamics.switching.switching_axis` of the model, the axis
        the write-error rate uses).
    field : str
        The name of the caller's start option, named by a refusal (``"--start"`` for the
        switching CLI, ``"options.start"`` for a sweep).

    Returns
    -------
    ThermalStart
        The directions (N, 3), u, the envelope and its acceptance (module docstring).
    """
    if not (isinstance(trajectories, int | np.integer) and trajectories >= 1):
        raise InputError("--trajectories", f"must be an integer >= 1, got {trajectories!r}")
    if axis is None:
        from spintorque.dynamics.switching import switching_axis

        u, _ = switching_axis(model)
    else:
        u = np.asarray(axis, dtype=float)
        if u.shape != (3,) or not np.all(np.isfinite(u)) or np.linalg.norm(u) == 0.0:
            raise InputError("axis", f"must be 3 finite numbers, not all 0, got {axis!r}")
    u = u / np.linalg.norm(u)
    A, a = reduced_energy(model, temperature, field)
    envelope, proposal = _choose(A, a, u)
    n = int(trajectories)
    kept: list[FloatArray] = []
    have, proposed, accepted = 0, 0, 0
    batch = max(64, 2 * n)
    while have < n:
        if proposed >= MAX_PROPOSALS:
            raise InputError(field, f"the thermal start kept {accepted} of {proposed} proposals "
                             f"(needs {n}): the start well is too unlike its envelope; set "
                             f"{field} to initial")
        x, log_p = envelope.propose(rng, batch)
        take = np.log(rng.random(batch)) < log_p
        proposed += batch
        accepted += int(take.sum())
        if np.any(take):
            kept.append(envelope.point(x[take]))
            have += int(take.sum())
        rate = max(accepted, 1) / proposed
        batch = int(min(max(64, 1.2 * (n - have) / rate + 16), 4_000_000))
    m = np.concatenate(kept)[:n]
    return ThermalStart(np.ascontiguousarray(m), u, proposal, accepted / proposed)


T0_NOTE = ("the temperature is 0 K: there is no thermal state, so every trajectory starts at "
           "magnet.initial (start 'initial')")
"""Why a default start at T = 0 is ``"initial"``."""


def resolve_start(start: str | None, temperature: float,
                  field: str = "--start") -> tuple[str, str | None]:
    """The start mode to use and a note: None means ``"thermal"`` at T > 0 and ``"initial"``
    (with :data:`T0_NOTE`) at T = 0; an explicit ``"thermal"`` at T = 0 is refused (naming
    ``field``, the caller's start option)."""
    if start is None:
        return ("thermal", None) if temperature > 0.0 else ("initial", T0_NOTE)
    if start not in START_MODES:
        raise InputError(field, f"must be one of {', '.join(START_MODES)}, got {start!r}")
    if start == "thermal" and not temperature > 0.0:
        raise InputError(field, "thermal needs a temperature > 0 K (at 0 K there is no "
                         f"thermal state); set {field} to initial or set the temperature")
    return start, None


def start_states(model: MacrospinModel, temperature: float, seq: np.random.SeedSequence,
                 trajectories: int, start: str, field: str = "start") -> FloatArray | None:
    """The (N, 3) start directions of an ensemble seeded by ``seq``, or None for ``"initial"``
    (each trajectory at ``magnet.initial``). The thermal ones come from :func:`start_generator`
    of the seed, drawn for the whole ensemble at once, so they are the same for any chunking.
    A refusal names ``field``, the caller's start option."""
    if start == "initial":
        return None
    if start != "thermal":
        raise InputError(field, f"must be one of {', '.join(START_MODES)}, got {start!r}")
    return thermal_start(model, temperature, trajectories, start_generator(seq), field=field).m
