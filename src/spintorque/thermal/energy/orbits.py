r"""Precession orbits U(m) = E of a macrospin and their integrals (for energy diffusion).

At low damping the magnetization runs round a closed orbit of constant energy many times before
damping, spin torque and noise change its energy. The orbits about one extremum x of U form a
*branch*, from U(x) up (or down) to the separatrix energy E_s, where orbits pass through a saddle
(or a circle of critical points) and branches meet.

Each orbit is found in geodesic polar coordinates (r, φ) about x: on the ray
m(r, φ) = cos r x + sin r (cos φ a + sin φ b) the energy rises monotonically from x to the
separatrix (checked), so the orbit is r = r(φ, E). With V = sU (s = +1 about a minimum, −1 about
a maximum) and ∇ the gradient on the sphere, the coarea formula turns every orbit integral
∮ g dl/|∇U| into the periodic integral ∫ g sin r / V_r dφ. This module returns

* Φ(E) = ∫ (1 − cos r) dφ, the area enclosed by the orbit (about x);
* M(E) = ∮ |∇U| dl = ∫ sin r |∇U|²/V_r dφ (> 0): the damping's energy-loss integral;
* W(E) = ∮ w·∇U/|∇U| dl = ∫ sin r (w·∇U)/V_r dφ: the flux of the spin-torque drift w towards
  higher U, i.e. the work done by the torque over one orbit;
* the first and second moments of m over the enclosed area (closed forms along each ray).

Near the separatrix the integrands have corners at the saddles, so the φ quadrature is
Gauss–Legendre on panels graded geometrically towards each saddle's azimuth.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre as leg
from numpy.typing import NDArray

from spintorque.errors import InputError

FloatArray = NDArray[np.float64]
Potential = Callable[[FloatArray], FloatArray]

_STEP = 4e-3
"""Angular step [rad] of the sixth-order central differences (error ~1e-14 of the scale of U)."""
_SIXTH = np.array([-1.0, 9.0, -45.0, 45.0, -9.0, 1.0]) / 60.0
_OFFSETS = np.array([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0])


def tangent_frame(m: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Orthonormal tangent vectors (a, b) at unit vectors m of shape (..., 3), with a × b = m."""
    m = np.asarray(m, dtype=float)
    axis = np.zeros_like(m)
    least = np.argmin(np.abs(m), axis=-1)
    np.put_along_axis(axis, least[..., None], 1.0, axis=-1)
    a = np.cross(axis, m)
    a /= np.linalg.norm(a, axis=-1, keepdims=True)
    return a, np.cross(m, a)


def _along(m: FloatArray, t: FloatArray, s: FloatArray | float) -> FloatArray:
    """The geodesic point at arc length s from m in the tangent direction t."""
    s = np.asarray(s, dtype=float)[..., None]
    return np.asarray(np.cos(s) * m + np.sin(s) * t)


def gradient(potential: Potential, m: FloatArray) -> FloatArray:
    """Surface gradient ∇U at unit vectors m (..., 3): sixth-order differences along geodesics."""
    m = np.asarray(m, dtype=float)
    out = np.zeros_like(m)
    for t in tangent_frame(m):
        points = _along(m[..., None, :], t[..., None, :], _STEP * _OFFSETS)
        out += (np.asarray(potential(points)) @ _SIXTH / _STEP)[..., None] * t
    return out


def _hessian(potential: Potential, m: FloatArray, h: float = 1e-3) -> tuple[FloatArray, FloatArray]:
    """Gradient components and 2×2 Hessian of U in exponential coordinates about m."""
    a, b = tangent_frame(m)

    def at(x: float, y: float) -> FloatArray:
        v = x * a + y * b
        return np.asarray(potential(_along(m, v / max(math.hypot(x, y), 1e-300), math.hypot(x, y))))
    u0 = np.asarray(potential(m))
    ux, uy = at(h, 0) - at(-h, 0), at(0, h) - at(0, -h)
    hxx = (at(h, 0) - 2 * u0 + at(-h, 0)) / h**2
    hyy = (at(0, h) - 2 * u0 + at(0, -h)) / h**2
    hxy = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
    g = np.stack([ux, uy], axis=-1) / (2 * h)
    H = np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)
    return g, H


@dataclass(frozen=True)
class CriticalPoint:
    """A point where ∇U = 0: ``kind`` is "minimum", "maximum", "saddle" or "degenerate"
    (a zero Hessian eigenvalue, e.g. the circle of maxima of an axial magnet)."""

    direction: FloatArray
    energy: float
    kind: str


def fibonacci_sphere(n: int) -> FloatArray:
    """n nearly uniform unit vectors (a Fibonacci lattice)."""
    k = np.arange(n) + 0.5
    z = 1.0 - 2.0 * k / n
    phi = math.pi * (1.0 + math.sqrt(5.0)) * k
    r = np.sqrt(1.0 - z * z)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=-1)


def critical_points(potential: Potential, starts: int = 600) -> list[CriticalPoint]:
    """All critical points of U reached by damped Newton iterations from ``starts`` directions.

    Sorted by energy; points closer than 1e-5 rad are merged (a degenerate circle of critical
    points is returned as several of its points).
    """
    m = fibonacci_sphere(starts)
    U = np.asarray(potential(m), dtype=float)
    scale = 1.0 + float(U.max() - U.min())
    for _ in range(80):
        _, H = _hessian(potential, m)
        a, b = tangent_frame(m)
        full = gradient(potential, m)  # accurate: its zero is the answer, H only steers
        g = np.stack([np.sum(full * a, -1), np.sum(full * b, -1)], axis=-1)
        lam, vec = np.linalg.eigh(H)
        # Newton keeps the sign of the curvature (it must reach saddles and maxima too); the
        # Levenberg term stops it wandering along flat directions (circles of critical points)
        mu = 1e-3 * scale
        step = -np.einsum("nij,nj->ni", vec, np.einsum("nji,nj->ni", vec, g) * lam
                          / (lam * lam + mu * mu))
        length = np.linalg.norm(step, axis=-1)
        step *= np.minimum(1.0, 0.2 / np.maximum(length, 1e-300))[:, None]
        length = np.linalg.norm(step, axis=-1)
        t = (step[:, :1] * a + step[:, 1:] * b) / np.maximum(length, 1e-300)[:, None]
        m = _along(m, t, length)
        m /= np.linalg.norm(m, axis=-1, keepdims=True)
    grad = np.linalg.norm(gradient(potential, m), axis=-1)
    m = m[grad < 1e-8 * scale]
    found: list[CriticalPoint] = []
    for point in m[np.argsort(np.asarray(potential(m)))]:
        if any(float(point @ c.direction) > math.cos(1e-5) for c in found):
            continue
        _, H = _hessian(potential, point[None, :])
        lam = np.linalg.eigvalsh(H[0])
        tol = 1e-6 * scale
        kind = ("minimum" if lam[0] > tol else "maximum" if lam[1] < -tol
                else "saddle" if lam[0] < -tol and lam[1] > tol else "degenerate")
        energy = float(potential(point))
        if kind == "degenerate" and any(c.kind == kind and abs(c.energy - energy) < 1e-9 * scale
                                        for c in found):
            continue  # one representative of a circle of critical points
        found.append(CriticalPoint(point, energy, kind))
    return sorted(found, key=lambda c: c.energy)


RAY_SAMPLES = 512


@dataclass(frozen=True, eq=False)
class Branch:
    """The orbits about one extremum, up to the separatrix.

    Attributes
    ----------
    extremum : ndarray
        The minimum (sign = +1) or maximum (sign = −1) x of U.
    energy, separatrix : float
        U(x) and E_s (dimensionless).
    sign : int
        +1 about a minimum, −1 about a maximum (V = sign·U rises away from x).
    corners : tuple of float
        Azimuths [rad] of the saddles on the separatrix, in the frame (a, b).
    flat : bool
        The separatrix is a circle of critical points (|∇U| = 0 all along it, as for an axial
        magnet) rather than orbits through saddles.
    frame : tuple of ndarray
        Tangent vectors (a, b) at x defining φ.
    """

    extremum: FloatArray
    energy: float
    separatrix: float
    sign: int
    corners: tuple[float, ...]
    frame: tuple[FloatArray, FloatArray]
    flat: bool = False

    @property
    def depth(self) -> float:
        """|E_s − U(x)| [k_BT]."""
        return abs(self.separatrix - self.energy)

    def ray(self, phi: FloatArray, r: FloatArray) -> FloatArray:
        """m(r, φ) = cos r x + sin r (cos φ a + sin φ b), broadcasting φ against r."""
        a, b = self.frame
        d = np.cos(phi)[..., None] * a + np.sin(phi)[..., None] * b
        return np.asarray(np.cos(r)[..., None] * self.extremum + np.sin(r)[..., None] * d)


def _ray_max_below(potential: Potential, x: FloatArray, target: FloatArray, sign: int) -> float:
    """max of V = sign·U on the geodesic from x to target, short of the target itself."""
    angle = math.acos(max(-1.0, min(1.0, float(x @ target))))
    t = target - float(x @ target) * x
    t /= np.linalg.norm(t)
    s = angle * np.linspace(0.0, 1.0, 4001)[:-1]
    return float(np.max(sign * np.asarray(potential(_along(x, t, s)))))


def branch_about(potential: Potential, extremum: CriticalPoint, points: list[CriticalPoint],
                 separatrix: float | None = None) -> Branch:
    """The branch of orbits about ``extremum`` (a minimum or maximum of ``points``).

    The separatrix is the energy of the nearest critical point (in energy) that lies on the
    boundary of the growing orbit: the first one reached by the ray from the extremum without
    crossing its level. If ``separatrix`` is given it is used instead (and checked).
    """
    if extremum.kind not in ("minimum", "maximum"):
        raise InputError("well", f"orbits circle a minimum or a maximum, not a {extremum.kind}")
    sign = 1 if extremum.kind == "minimum" else -1
    U0, x = extremum.energy, extremum.direction
    scale = 1.0 + max(c.energy for c in points) - min(c.energy for c in points)
    frame = tangent_frame(x)
    candidates = [c for c in points if sign * (c.energy - U0) > 1e-9 * scale
                  and c.kind != ("minimum" if sign == 1 else "maximum")]
    candidates.sort(key=lambda c: sign * c.energy)
    on_boundary = [c for c in candidates
                   if _ray_max_below(potential, x, c.direction, sign)
                   < sign * c.energy + 1e-9 * scale]
    if not on_boundary:
        raise InputError("well", "no saddle bounds the orbits about this extremum")
    Es = on_boundary[0].energy if separatrix is None else separatrix
    corners = []
    flat = any(c.kind == "degenerate" and abs(c.energy - Es) < 1e-7 * scale for c in on_boundary)
    for c in on_boundary:
        if c.kind == "saddle" and abs(c.energy - Es) < 1e-7 * scale:
            t = c.direction - float(c.direction @ x) * x
            angle = math.atan2(float(t @ frame[1]), float(t @ frame[0])) % (2 * math.pi)
            corners.append(0.0 if angle > 2 * math.pi - 1e-12 else angle)
    return Branch(np.asarray(x, float), U0, float(Es), sign, tuple(sorted(corners)), frame, flat)


def azimuths(corners: tuple[float, ...], panels: int = 16, order: int = 20,
             levels: int = 14, ratio: float = 0.2) -> tuple[FloatArray, FloatArray]:
    """Quadrature nodes and weights on [0, 2π): Gauss–Legendre panels, graded geometrically
    (``levels`` panels shrinking by ``ratio``) towards each corner azimuth from both sides."""
    breaks = set(np.linspace(0.0, 2 * math.pi, panels + 1)[:-1].tolist())
    for c in corners:
        breaks.add(c)
        for k in range(1, levels + 1):
            d = (math.pi / panels) * ratio ** (levels - k)
            breaks.update({(c - d) % (2 * math.pi), (c + d) % (2 * math.pi)})
    edges = np.array([*sorted(breaks), min(breaks) + 2 * math.pi])
    x, w = leg.leggauss(order)
    lo, hi = edges[:-1, None], edges[1:, None]
    return (np.asarray((0.5 * (lo + hi) + 0.5 * (hi - lo) * x).ravel()),
            np.asarray((0.5 * (hi - lo) * w).ravel()))


def _ray_tops(potential: Potential, branch: Branch, phi: FloatArray) -> FloatArray:
    """For each azimuth, the radius up to which V rises, reaching V_s (checked monotone)."""
    r = np.linspace(0.0, math.pi, RAY_SAMPLES + 1)
    V = branch.sign * np.asarray(potential(branch.ray(phi[:, None], r[None, :])))
    Vs = branch.sign * branch.separatrix
    scale = 1.0 + branch.depth
    falling = np.diff(V, axis=1) < 0
    reach = V[:, 1:] >= Vs
    stop = np.argmax(reach | falling, axis=1)
    if not np.all((reach | falling).any(axis=1)):
        raise InputError("well", "an orbit about the extremum does not close below the separatrix")
    lo, hi = r[stop].copy(), r[stop + 1].copy()
    rows = np.arange(phi.size)
    peaked = falling[rows, stop] & ~reach[rows, stop]
    lo[peaked] = r[np.maximum(stop[peaked] - 1, 0)]
    for _ in range(80):  # golden-section search of the peak on rays that turn over
        if not peaked.any():
            break
        a = lo + 0.381966 * (hi - lo)
        b = lo + 0.618034 * (hi - lo)
        va = branch.sign * np.asarray(potential(branch.ray(phi, a)))
        vb = branch.sign * np.asarray(potential(branch.ray(phi, b)))
        left = va > vb
        hi = np.where(peaked & left, b, hi)
        lo = np.where(peaked & ~left, a, lo)
    top = np.where(peaked, 0.5 * (lo + hi), r[stop + 1])
    vtop = branch.sign * np.asarray(potential(branch.ray(phi, top)))
    if np.any(vtop < Vs - 1e-9 * scale):
        raise InputError("well", "the orbits are not star-shaped about the extremum "
                         "(the energy-diffusion solver needs each ray to rise to the separatrix)")
    return np.asarray(top)


@dataclass(frozen=True)
class OrbitIntegrals:
    """Orbit integrals at energies E (arrays of the shape of E): area Φ, M = ∮|∇U|dl, spin-torque
    work W = ∮ w·n dl, and the area moments ∫ m dA (..., 3) and ∫ m⊗m dA (..., 3, 3)."""

    area: FloatArray
    dissipation: FloatArray
    work: FloatArray
    moment: FloatArray
    second_moment: FloatArray


@dataclass(frozen=True)
class OrbitGeometry:
    """The orbits U = E of one branch sampled at the azimuth quadrature nodes: points m (E, φ, 3),
    gradients ∇U, radii r, directions d (φ, 3), azimuth weights, and the time weight
    sin r / V_r dφ (so that Σ weight·g = ∮ g dl/|∇U|)."""

    energies: FloatArray
    m: FloatArray
    grad: FloatArray
    r: FloatArray
    d: FloatArray
    wphi: FloatArray
    weight: FloatArray
    order: int


def orbit_geometry(potential: Potential, branch: Branch, energies: FloatArray) -> OrbitGeometry:
    """The orbits U = E (E strictly between U(x) and E_s) on the rays of :func:`azimuths`."""
    E = np.asarray(energies, dtype=float)
    order = 20
    phi, wphi = azimuths(branch.corners, order=order)
    top = _ray_tops(potential, branch, phi)
    level = branch.sign * E[:, None]
    lo = np.zeros((E.size, phi.size))
    hi = np.broadcast_to(top, lo.shape).copy()
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        above = branch.sign * np.asarray(potential(branch.ray(phi[None, :], mid))) >= level
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    r = 0.5 * (lo + hi)
    m = branch.ray(phi[None, :], r)
    grad = gradient(potential, m)
    a, b = branch.frame
    d = np.cos(phi)[:, None] * a + np.sin(phi)[:, None] * b
    radial = -np.sin(r)[..., None] * branch.extremum + np.cos(r)[..., None] * d[None]
    Vr = branch.sign * np.sum(grad * radial, axis=-1)
    if np.any(Vr <= 0):
        raise InputError("well", "the energy does not rise along a ray at an orbit")
    return OrbitGeometry(E, m, grad, r, d, wphi, np.sin(r) / Vr * wphi, order)


def orbit_work(geometry: OrbitGeometry, drift: Potential | None) -> FloatArray:
    """W(E) = ∮ w·∇U/|∇U| dl on the sampled orbits (zero without a drift)."""
    if drift is None:
        return np.zeros_like(geometry.energies)
    g = geometry
    return np.asarray(np.sum(g.weight * np.sum(np.asarray(drift(g.m)) * g.grad, axis=-1), axis=-1))


def orbit_integrals(potential: Potential, drift: Potential | None, branch: Branch,
                    energies: FloatArray, geometry: OrbitGeometry | None = None) -> OrbitIntegrals:
    """Φ, M, W and moments of the orbits U = E (E strictly between U(x) and E_s); ``geometry``
    (from :func:`orbit_geometry` at the same energies) skips the orbit tracing."""
    g = orbit_geometry(potential, branch, energies) if geometry is None else geometry
    r, d, wphi, weight, grad = g.r, g.d, g.wphi, g.weight, g.grad
    work = orbit_work(g, drift)
    c, s = np.cos(r), np.sin(r)
    x = branch.extremum
    # closed forms of ∫_0^r (·) sin r' dr' along each ray
    first = ((s * s / 2)[..., None] * x + (r / 2 - np.sin(2 * r) / 4)[..., None] * d)
    cc, cs, ss = (1 - c**3) / 3, s**3 / 3, (2 - 3 * c + c**3) / 3
    xd = np.einsum("i,pj->pij", x, d)
    second = (cc[..., None, None] * np.outer(x, x) + cs[..., None, None] * (xd + xd.swapaxes(-1, -2))
              + ss[..., None, None] * np.einsum("pi,pj->pij", d, d))
    return OrbitIntegrals(area=np.asarray((1.0 - c) @ wphi),
                          dissipation=np.asarray(np.sum(weight * np.sum(grad * grad, axis=-1), -1)),
                          work=np.asarray(work),
                          moment=np.einsum("p,epi->ei", wphi, first),
                          second_moment=np.einsum("p,epij->eij", wphi, second))
