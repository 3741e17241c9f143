r"""Finite-volume cells on the unit sphere in polar coordinates (θ, φ) about a chosen axis.

Cell (k, j) covers θ ∈ [t_k, t_{k+1}], φ ∈ [φ_j, φ_{j+1}] with φ_j = 2πj/N_φ; the first and last
rings touch the poles. The grid is orthogonal, so the two-point flux between neighbouring cells
is consistent (``docs/thermal.md``, "The 2D problem"). Ring k is the set of cells with index k;
the Fokker–Planck solver eliminates the problem ring by ring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError

FloatArray = NDArray[np.float64]


def unit_vector(v: ArrayLike, name: str) -> FloatArray:
    """v/|v| for a finite non-zero 3-vector; else an InputError naming ``name``."""
    a = np.asarray(v, dtype=float)
    norm = float(np.linalg.norm(a)) if a.shape == (3,) else 0.0
    if not (norm > 0 and math.isfinite(norm)):
        raise InputError(name, f"must be a non-zero finite 3-vector, got {v!r}")
    return np.asarray(a / norm)


@dataclass(frozen=True, eq=False)
class SphereGrid:
    """Polar grid on the unit sphere.

    Parameters
    ----------
    theta_edges : array_like
        Ring boundaries t_0 = 0 < t_1 < ... < t_N = π [rad].
    n_phi : int
        Number of equal azimuthal cells (>= 1).
    axis : array_like
        Polar axis (θ = 0), normalised.
    reference : array_like
        Direction of φ = 0; its component along ``axis`` is removed.
    """

    theta_edges: FloatArray
    n_phi: int
    axis: FloatArray = field(default_factory=lambda: np.array([0.0, 0.0, 1.0]))
    reference: FloatArray = field(default_factory=lambda: np.array([1.0, 0.0, 0.0]))

    def __post_init__(self) -> None:
        t = np.asarray(self.theta_edges, dtype=float)
        if t.ndim != 1 or t.size < 3 or t[0] != 0.0 or abs(t[-1] - math.pi) > 1e-15 \
                or not np.all(np.diff(t) > 0):
            raise InputError("theta_edges", "need at least 2 rings, increasing from 0 to π")
        t = t.copy()
        t[-1] = math.pi
        if int(self.n_phi) != self.n_phi or self.n_phi < 1:
            raise InputError("n_phi", f"must be an integer >= 1, got {self.n_phi!r}")
        axis = unit_vector(self.axis, "axis")
        ref = np.asarray(self.reference, dtype=float)
        ref = ref - float(ref @ axis) * axis
        if float(np.linalg.norm(ref)) < 1e-9:
            raise InputError("reference", "must not be parallel to the polar axis")
        object.__setattr__(self, "theta_edges", t)
        object.__setattr__(self, "n_phi", int(self.n_phi))
        object.__setattr__(self, "axis", axis)
        object.__setattr__(self, "reference", ref / np.linalg.norm(ref))

    @classmethod
    def uniform(cls, n_theta: int, n_phi: int, axis: ArrayLike = (0, 0, 1),
                reference: ArrayLike = (1, 0, 0)) -> SphereGrid:
        """Equal steps π/n_theta in θ."""
        return cls(np.linspace(0.0, math.pi, int(n_theta) + 1), n_phi, np.asarray(axis, float),
                   np.asarray(reference, float))

    @classmethod
    def equator_refined(cls, n_theta: int, n_phi: int, stretch: float, axis: ArrayLike = (0, 0, 1),
                        reference: ArrayLike = (1, 0, 0)) -> SphereGrid:
        """Rings crowded towards the equator θ = π/2: t = π/2 + (π/2) sinh(β s)/sinh β, s uniform.

        A smooth map of a uniform grid (so the error still falls as the square of the step and
        Richardson extrapolation applies); the spacing at the equator is β/sinh β of the uniform
        one. For in-plane magnets, whose probability lives near the film plane.
        """
        if not (math.isfinite(stretch) and stretch > 0):
            raise InputError("stretch", f"must be > 0, got {stretch!r}")
        s = np.linspace(-1.0, 1.0, int(n_theta) + 1)
        t = 0.5 * math.pi * (1.0 + np.sinh(stretch * s) / math.sinh(stretch))
        t[0], t[-1] = 0.0, math.pi
        return cls(t, n_phi, np.asarray(axis, float), np.asarray(reference, float))

    @classmethod
    def with_ring_at(cls, theta: float, n_above: int, n_below: int, n_phi: int,
                     axis: ArrayLike = (0, 0, 1), reference: ArrayLike = (1, 0, 0)) -> SphereGrid:
        """Uniform steps on either side such that ring ``n_above`` is centred exactly on θ = theta.

        First passages to the cone θ = theta are then second-order accurate: that ring is the
        absorbing surface (its centres lie on it).
        """
        if not (0.0 < theta < math.pi):
            raise InputError("theta", f"must lie in (0, π), got {theta!r}")
        if n_above < 1 or n_below < 1:
            raise InputError("n_above", "need at least one ring on each side")
        h = theta / (n_above + 0.5)
        if (n_above + 1) * h >= math.pi:
            raise InputError("theta", "too close to π for this many rings above it")
        upper = np.arange(n_above + 2) * h
        lower = np.linspace(upper[-1], math.pi, n_below + 1)[1:]
        return cls(np.concatenate([upper, lower]), n_phi, np.asarray(axis, float),
                   np.asarray(reference, float))

    # -- geometry -------------------------------------------------------------------------------
    @property
    def n_theta(self) -> int:
        return int(self.theta_edges.size - 1)

    @property
    def shape(self) -> tuple[int, int]:
        return self.n_theta, self.n_phi

    @property
    def dphi(self) -> float:
        return 2.0 * math.pi / self.n_phi

    @cached_property
    def theta_centres(self) -> FloatArray:
        t = self.theta_edges
        return np.asarray(0.5 * (t[1:] + t[:-1]))

    @cached_property
    def phi_edges(self) -> FloatArray:
        """φ_j for j = 0 .. N_φ − 1 (the edge 2π is φ_0 again)."""
        return np.asarray(np.arange(self.n_phi) * self.dphi)

    @cached_property
    def phi_centres(self) -> FloatArray:
        return np.asarray((np.arange(self.n_phi) + 0.5) * self.dphi)

    @cached_property
    def areas(self) -> FloatArray:
        """Solid angle of each cell [sr], shape (N_θ, N_φ); they sum to 4π."""
        band = np.cos(self.theta_edges[:-1]) - np.cos(self.theta_edges[1:])
        return np.asarray(np.repeat(band[:, None] * self.dphi, self.n_phi, axis=1))

    @cached_property
    def _frame(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        e3 = self.axis
        e1 = self.reference
        return e1, np.cross(e3, e1), e3

    def direction(self, theta: ArrayLike, phi: ArrayLike) -> FloatArray:
        """Unit vectors m at (θ, φ), shape (..., 3)."""
        e1, e2, e3 = self._frame
        t, p = np.broadcast_arrays(np.asarray(theta, float), np.asarray(phi, float))
        st = np.sin(t)[..., None]
        return np.asarray(st * np.cos(p)[..., None] * e1 + st * np.sin(p)[..., None] * e2
                          + np.cos(t)[..., None] * e3)

    def e_theta(self, theta: ArrayLike, phi: ArrayLike) -> FloatArray:
        e1, e2, e3 = self._frame
        t, p = np.broadcast_arrays(np.asarray(theta, float), np.asarray(phi, float))
        ct = np.cos(t)[..., None]
        return np.asarray(ct * np.cos(p)[..., None] * e1 + ct * np.sin(p)[..., None] * e2
                          - np.sin(t)[..., None] * e3)

    def e_phi(self, phi: ArrayLike) -> FloatArray:
        e1, e2, _ = self._frame
        p = np.asarray(phi, float)
        return np.asarray(-np.sin(p)[..., None] * e1 + np.cos(p)[..., None] * e2)

    @cached_property
    def centres(self) -> FloatArray:
        """Cell centres m, shape (N_θ, N_φ, 3)."""
        return self.direction(self.theta_centres[:, None], self.phi_centres[None, :])

    @cached_property
    def corners(self) -> FloatArray:
        """Cell corners m at (t_k, φ_j), shape (N_θ + 1, N_φ, 3)."""
        return self.direction(self.theta_edges[:, None], self.phi_edges[None, :])

    def cell_of(self, m: ArrayLike) -> tuple[int, int]:
        """Indices (k, j) of the cell containing direction m."""
        v = unit_vector(m, "m")
        e1, e2, e3 = self._frame
        theta = math.acos(max(-1.0, min(1.0, float(v @ e3))))
        phi = math.atan2(float(v @ e2), float(v @ e1)) % (2.0 * math.pi)
        k = int(np.searchsorted(self.theta_edges, theta, side="right") - 1)
        return min(max(k, 0), self.n_theta - 1), min(int(phi / self.dphi), self.n_phi - 1)
