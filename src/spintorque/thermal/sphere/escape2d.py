r"""Converged escape quantities of the 2D problem: a grid family chosen from the energy landscape,
several grids, and extrapolation to zero step with an error estimate.

Two families (``docs/thermal.md``):

* **axial-like** (the probability is not confined to a plane): polar axis through the starting
  well, N uniform rings (one centred on the barrier surface m·u = 0) of N cells;
* **planar** (a strong easy plane, e.g. an in-plane film, where the hard-axis energy exceeds the
  barrier): polar axis along the hard axis, rings crowded towards the film plane
  (:meth:`SphereGrid.equator_refined`), N rings of 4N cells, azimuth turned so that a column of
  cell centres lies on the barrier surface m·u = 0 and one on the well.

λ1 and the integral relaxation time have errors even in the step (powers 2, 4, 6); the first
passage to the ring or column of centres also has odd powers (2, 3, 4). The step of the
family is proportional to 1/N.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError
from spintorque.thermal.sphere import solvers as sphere
from spintorque.thermal.sphere.chain import build_chain
from spintorque.thermal.sphere.grid import SphereGrid, unit_vector
from spintorque.thermal.sphere.model import SphereModel

FloatArray = NDArray[np.float64]

DEFAULT_SIZES = {"axial-like": (65, 81, 97, 113, 129), "planar": (33, 41, 49, 57, 65)}
"""Grid sizes N of each family (odd): axial-like N rings × N azimuthal cells, planar N rings ×
4N cells. At sigma = 40 they give λ1 to ~1e-8 (``benchmarks/thermal.py``)."""

CONVERGED = 1e-3
"""Largest relative error estimate reported as converged (see ``docs/thermal.md``, "Limits")."""

PLANAR_STRETCH = 4.0
"""Crowding of the rings towards the film plane in the planar family (spacing ×0.15 there)."""


@dataclass(frozen=True)
class Converged:
    """A quantity extrapolated to zero grid step, with its error estimate and the raw values.

    ``asymptotic`` says whether the raw values approach their limit as the square of the step,
    the premise of the extrapolation and of its error estimate: the ratios of successive
    differences match those of 1/N² within 20 % on the three finest grids.
    """

    value: float
    error: float
    values: tuple[float, ...]
    asymptotic: bool = True

    @property
    def relative_error(self) -> float:
        return self.error / abs(self.value) if self.value else math.inf


def _second_order(sizes: tuple[int, ...], values: list[float]) -> bool:
    n = np.asarray(sizes[-4:], dtype=float)
    v = np.asarray(values[-4:], dtype=float)
    dv, dh = np.diff(v), np.diff(1.0 / n**2)
    if np.any(dv == 0.0):
        return bool(np.all(np.abs(dv) <= 1e-13 * np.abs(v).max()))
    observed = dv[:-1] / dv[1:]
    expected = dh[:-1] / dh[1:]
    return bool(np.all(np.abs(observed / expected - 1.0) < 0.2))


@dataclass(frozen=True)
class Escape2D:
    """λ1, integral relaxation time of m·u and MFPT from the well u to m·u = 0 [tau_N units]."""

    lambda1: Converged
    integral_relaxation_time: Converged
    mfpt: Converged
    family: str
    sizes: tuple[int, ...]

    @property
    def converged(self) -> bool:
        """All three quantities in the asymptotic regime with error estimates below
        :data:`CONVERGED`. Not met at low damping under a non-conservative torque, where the
        precession is upwinded on the grid scale (``docs/thermal.md``, "Limits")."""
        quantities = (self.lambda1, self.integral_relaxation_time, self.mfpt)
        return all(q.asymptotic and q.relative_error < CONVERGED for q in quantities)


def _fibonacci(n: int = 4000) -> FloatArray:
    k = np.arange(n) + 0.5
    z = 1.0 - 2.0 * k / n
    phi = math.pi * (1.0 + math.sqrt(5.0)) * k
    r = np.sqrt(1.0 - z * z)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=-1)


def _refine(model: SphereModel, start: FloatArray, sign: float) -> FloatArray:
    """Local minimum (sign +1) or maximum (sign −1) of U next to ``start`` (Nelder–Mead in
    spherical angles about a frame in which ``start`` lies on the equator, away from the poles)."""
    from scipy.optimize import minimize

    e3 = np.array([0.0, 0.0, 1.0]) if abs(start[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    e1 = start
    e2 = np.cross(e3, e1)
    e2 /= np.linalg.norm(e2)
    e3 = np.cross(e1, e2)

    def direction(angles: FloatArray) -> FloatArray:
        t, p = angles
        return np.asarray(math.cos(t) * math.cos(p) * e1 + math.cos(t) * math.sin(p) * e2
                          + math.sin(t) * e3)

    def energy(angles: FloatArray) -> float:
        return sign * float(model.potential(direction(angles)))
    best = minimize(energy, [0.0, 0.0], method="Nelder-Mead",
                    options={"xatol": 1e-12, "fatol": 1e-15, "maxiter": 4000})
    return direction(best.x) if energy(best.x) <= energy(np.zeros(2)) else start


def well_direction(model: SphereModel, near: ArrayLike) -> FloatArray:
    """The energy minimum of the well containing direction ``near`` (the best of 4000
    near-uniform sample directions within 60° of it, refined by a local minimisation)."""
    v = unit_vector(near, "initial")
    points = _fibonacci()
    close = points[points @ v > 0.5]
    return _refine(model, close[int(np.argmin(model.potential(close)))], 1.0)


def _rotate(v: FloatArray, axis: FloatArray, angle: float) -> FloatArray:
    return np.asarray(v * math.cos(angle) + np.cross(axis, v) * math.sin(angle)
                      + axis * float(axis @ v) * (1.0 - math.cos(angle)))


def grid_family(model: SphereModel, well: ArrayLike) -> tuple[str, Callable[[int], SphereGrid]]:
    """The family name and a function n → SphereGrid for ``model`` started in ``well``."""
    u = unit_vector(well, "well")
    points = _fibonacci()
    U = np.asarray(model.potential(points), dtype=float)
    hard = _refine(model, points[int(np.argmax(U))], -1.0)
    hard = hard - float(hard @ u) * u
    if np.linalg.norm(hard) > 1e-6:
        hard = hard / np.linalg.norm(hard)
        plane = np.abs(points @ hard) < 0.05
        barrier = float(U[plane].max() - model.potential(u))
        lift = float(model.potential(hard) - U[plane].max())
        if barrier > 0 and lift > barrier:
            def planar(n: int) -> SphereGrid:
                # n odd: a ring of centres on the film plane (the well, the saddles); the
                # azimuth is turned so that columns of centres lie on u and on m·u = 0
                dphi = 2.0 * math.pi / (4 * n)
                return SphereGrid.equator_refined(n, 4 * n, PLANAR_STRETCH, axis=hard,
                                                  reference=_rotate(u, hard, -0.5 * dphi))
            return "planar", planar
    reference = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])

    def axial(n: int) -> SphereGrid:
        # n odd: the middle ring is centred on m·u = 0; steps π/n and 2π/n
        return SphereGrid.with_ring_at(0.5 * math.pi, n // 2, n // 2, n, axis=u, reference=reference)
    return "axial-like", axial


def escape_2d(model: SphereModel, well: ArrayLike = (0.0, 0.0, 1.0),
              sizes: tuple[int, ...] | None = None) -> Escape2D:
    """Escape rate, relaxation time and first passage of the 2D problem, extrapolated.

    Parameters
    ----------
    model : SphereModel
    well : array_like
        Direction u of the starting well (the first passage is from u to the surface m·u = 0).
    sizes : tuple of int
        Odd grid sizes N of the family (at least 3, ascending; default :data:`DEFAULT_SIZES`).
    """
    family, make = grid_family(model, well)
    sizes = sizes if sizes is not None else DEFAULT_SIZES[family]
    if len(sizes) < 3 or list(sizes) != sorted(set(sizes)) or any(n % 2 == 0 or n < 5 for n in sizes):
        raise InputError("sizes", "need at least three ascending odd grid sizes >= 5")
    u = unit_vector(well, "well")
    lam, tau, first = [], [], []
    for n in sizes:
        grid = make(n)
        chain = build_chain(model, grid)
        lam.append(sphere.smallest_eigenvalue(chain, start=grid.centres @ u))
        tau.append(sphere.integral_relaxation_time(chain, observable=grid.centres @ u))
        first.append(float(sphere.mean_first_passage_time(chain, absorbing=lambda m: m @ u <= 1e-9,
                                                          start=u)))

    def converged(values: list[float], powers: tuple[int, ...] | None = None) -> Converged:
        value, error = sphere.extrapolate(sizes, values, powers)
        return Converged(value, error, tuple(values), _second_order(sizes, values))

    odd = tuple(range(2, len(sizes) + 1))
    return Escape2D(converged(lam), converged(tau), converged(first, odd), family, tuple(sizes))
