r"""Angular magnetoresistance RA(θ) of a two-ferromagnet stack, batched over angles.

One ferromagnet (``rotate``) turns through polar angles θ (azimuth kept, as in
:func:`spintorque.efficiency`); the resistance-area product of the layers,
``RA = Σ rho d + Σ_F (p/2)(mu_R − mu_L)·m / J`` (TRANSPORT.md §7), is read from one batched solve.
RA_P and RA_AP are the values with the turning layer parallel and antiparallel to the other
ferromagnet, AΔR = RA_AP − RA_P and the GMR ratio is AΔR / RA_P (the "optimistic" CPP-GMR
definition). Units: RA in Ω·m², angles in rad.

**Extremum and torque zero.** The spin-coupled RA is −S/J² at the minimum of the functional S
(TRANSPORT.md §6), so by the envelope theorem its derivative with respect to the turning
direction m only sees where m enters S: the end values mu_face·m of the adjacent layers. That
gives, for a transparent stack,

.. math:: \frac{d\,RA}{d\theta} = \sum_{\rm faces} \mu_{\rm face}\,
          \boldsymbol\tau_{\rm face}\cdot\partial_\theta\mathbf m,

with mu_face the spin accumulation per unit J along m at each face and τ_face that face's part
of the spin-current jump Δj_s/J. For the seed's sink/F1/N/F2/sink valve this reduces (closed
form, :mod:`spintorque.analytic.magnetoresistance`) to ``dRA/dθ = sinθ g1 g2 / B``: an interior
extremum of RA(θ) lies **exactly** where g1 or g2 vanishes — in a wavy valve, at the zero of the
torque. Both are found here independently (the extremum from RA alone, by a root of a finite-
difference derivative; the torque zeros from g1, g2 alone) so the coincidence is a check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from spintorque.errors import InputError
from spintorque.geometry import cross
from spintorque.stack import Stack
from spintorque.transport.efficiency import efficiency_of, rotated_magnetizations
from spintorque.transport.solver import solve

if TYPE_CHECKING:
    import xarray as xr

FloatArray = NDArray[np.float64]

DERIVATIVE_STEP = 1e-3
"""Step h [rad] of the fourth-order central difference used for dRA/dθ."""
BLOCK = 1 << 16
"""Configurations per solve call: bounds memory for long sweeps."""
FLAT = 1e-9
"""|dRA/dθ| below FLAT × its largest value on the grid counts as zero (rounding)."""


@dataclass(frozen=True)
class Magnetoresistance:
    """RA(θ) of a two-ferromagnet stack as layer ``rotate`` turns (SI: Ω·m², rad).

    Attributes
    ----------
    stack : Stack
    rotate : str
        The turning ferromagnet.
    theta : ndarray
        Polar angles of ``rotate`` from +z [rad].
    angle_between : ndarray
        Angle between the two ferromagnets [rad].
    resistance_area, spin_resistance_area : ndarray
        Total RA (bulk Σ rho d of the layers + spin-coupled part) and the spin-coupled part
        [Ω·m²] at each θ.
    resistance_area_parallel, resistance_area_antiparallel : float
        RA with ``rotate`` parallel / antiparallel to the other ferromagnet [Ω·m²].
    extremum_angles : ndarray
        Interior extrema of RA(θ) on the swept range [rad], refined; ``extremum_kinds`` says
        "minimum" or "maximum" for each.
    torque_zero_angles : dict
        Ferromagnet name → angles [rad] where its efficiency (g1 or g2) changes sign.
    """

    stack: Stack
    rotate: str
    theta: FloatArray
    angle_between: FloatArray
    resistance_area: FloatArray
    spin_resistance_area: FloatArray
    resistance_area_parallel: float
    resistance_area_antiparallel: float
    extremum_angles: FloatArray
    extremum_kinds: tuple[str, ...]
    torque_zero_angles: dict[str, FloatArray] = field(default_factory=dict)

    @property
    def delta_resistance_area(self) -> float:
        """AΔR = RA_AP − RA_P [Ω·m²]."""
        return self.resistance_area_antiparallel - self.resistance_area_parallel

    @property
    def gmr_ratio(self) -> float | None:
        """AΔR / RA_P (dimensionless); None when RA_P is not positive (no ratio exists)."""
        if not self.resistance_area_parallel > 0.0:
            return None
        return self.delta_resistance_area / self.resistance_area_parallel

    def to_json_dict(self) -> dict[str, Any]:
        """The ``spintorque magnetoresistance --json`` document (SI units)."""
        ratio = self.gmr_ratio
        doc: dict[str, Any] = {
            "angles_deg": np.degrees(self.theta).tolist(),
            "rotated": self.rotate,
            "ferromagnets": [f.name for f in self.stack.ferromagnets],
            "angle_between_deg": np.degrees(self.angle_between).tolist(),
            "resistance_area": self.resistance_area.tolist(),
            "spin_resistance_area": self.spin_resistance_area.tolist(),
            "resistance_area_parallel": self.resistance_area_parallel,
            "resistance_area_antiparallel": self.resistance_area_antiparallel,
            "delta_resistance_area": self.delta_resistance_area,
            "gmr_ratio": ratio,
            "resistance_area_extremum_angles_deg": np.degrees(self.extremum_angles).tolist(),
            "resistance_area_extremum_kinds": list(self.extremum_kinds),
            "torque_zero_angles_deg": {
                name: np.degrees(a).tolist() for name, a in self.torque_zero_angles.items()
            },
            "resistance_area_min_angle_deg": float(
                np.degrees(self.theta[int(np.argmin(self.resistance_area))])
            ),
            "resistance_area_max_angle_deg": float(
                np.degrees(self.theta[int(np.argmax(self.resistance_area))])
            ),
            "units": {"resistance_area": "ohm*m^2", "angles": "deg", "gmr_ratio": "1"},
        }
        if ratio is None:
            doc["gmr_ratio_undefined"] = "RA_P is not positive: the ratio AΔR/RA_P does not exist"
        return doc

    def to_dataset(self) -> xr.Dataset:
        """RA(θ) as an :class:`xarray.Dataset` with units and provenance in attributes."""
        import xarray as xr

        from spintorque.results import provenance

        ohm = {"units": "ohm*m^2"}
        attrs = provenance(self.stack, solver="exact layer elements, batched over angles")
        attrs.update(
            {
                "rotated_layer": self.rotate,
                "resistance_area_parallel": self.resistance_area_parallel,
                "resistance_area_antiparallel": self.resistance_area_antiparallel,
                "delta_resistance_area": self.delta_resistance_area,
                "resistance_area_extremum_angles_rad": self.extremum_angles.tolist(),
                "resistance_area_extremum_kinds": ",".join(self.extremum_kinds),
            }
        )
        ratio = self.gmr_ratio
        if ratio is not None:
            attrs["gmr_ratio"] = ratio
        for name, angles in self.torque_zero_angles.items():
            attrs[f"torque_zero_angles_rad_{name}"] = angles.tolist()
        return xr.Dataset(
            {
                "resistance_area": (
                    "theta",
                    self.resistance_area,
                    {**ohm, "long_name": "resistance-area product RA"},
                ),
                "spin_resistance_area": (
                    "theta",
                    self.spin_resistance_area,
                    {**ohm, "long_name": "spin-coupled RA"},
                ),
            },
            coords={
                "theta": (
                    "theta",
                    self.theta,
                    {"units": "rad", "long_name": f"polar angle of {self.rotate}"},
                ),
                "theta_deg": ("theta", np.degrees(self.theta), {"units": "deg"}),
                "angle_between": (
                    "theta",
                    self.angle_between,
                    {"units": "rad", "long_name": "angle between m1 and m2"},
                ),
            },
            attrs=attrs,
        )


def _ferromagnet_pair(stack: Stack, rotate: str) -> tuple[list[str], int]:
    ferro = [f.name for f in stack.ferromagnets]
    if len(ferro) != 2:
        raise InputError(
            "magnetoresistance", f"RA_P and RA_AP need exactly two ferromagnetic layers, found {len(ferro)}"
        )
    layer = stack.layers[stack.index(rotate)] if rotate in stack.names else None
    if layer is None or not layer.is_ferromagnet:
        raise InputError(
            "rotate", f"{rotate!r} is not a ferromagnetic layer; choose one of {', '.join(ferro)}"
        )
    return ferro, ferro.index(rotate)


def resistance_areas(stack: Stack, rotate: str, theta: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Total and spin-coupled RA [Ω·m²] with layer ``rotate`` at polar angles θ [rad].

    Batched solves in blocks of :data:`BLOCK` angles (bounded memory). The total is the solver's
    own ``resistance_area``, so whatever it includes (interface terms too) is swept.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    total, spin = np.empty(theta.size), np.empty(theta.size)
    for start in range(0, theta.size, BLOCK):
        block = slice(start, start + BLOCK)
        result = solve(stack, rotated_magnetizations(stack, rotate, theta[block]))
        total[block] = result.resistance_area
        spin[block] = result.spin_resistance_area
    return total, spin


def resistance_area_at(stack: Stack, rotate: str, theta: ArrayLike) -> FloatArray:
    """Total RA [Ω·m²] with layer ``rotate`` at polar angles θ [rad] (:func:`resistance_areas`)."""
    return resistance_areas(stack, rotate, theta)[0]


def resistance_slope(stack: Stack, rotate: str, theta: ArrayLike, h: float = DERIVATIVE_STEP) -> FloatArray:
    """dRA/dθ [Ω·m²/rad] by a fourth-order central difference (error ~h⁴ RA⁽⁵⁾, rounding ~ε RA/h)."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    offsets = np.array([-2.0, -1.0, 1.0, 2.0]) * h
    weights = np.array([1.0, -8.0, 8.0, -1.0]) / (12.0 * h)
    values = resistance_area_at(stack, rotate, (theta[:, None] + offsets).ravel())
    return np.asarray(values.reshape(theta.size, 4) @ weights)


def _sign_change_roots(
    theta: FloatArray, values: FloatArray, tol: float, refine: Any
) -> list[tuple[float, float]]:
    """(angle, sign before) where ``values`` changes sign on the grid; |v| <= tol counts as 0."""
    signs = np.where(np.abs(values) <= tol, 0.0, np.sign(values))
    nonzero = np.nonzero(signs)[0]
    roots = []
    for i, j in pairwise(nonzero):
        if signs[i] == signs[j]:
            continue
        if j > i + 1:  # zero(s) on grid points between: the root is on the grid
            roots.append((float(theta[(i + j) // 2]), float(signs[i])))
        else:
            roots.append((float(refine(theta[i], theta[j])), float(signs[i])))
    return roots


def _extrema(stack: Stack, rotate: str, theta: FloatArray) -> tuple[FloatArray, tuple[str, ...]]:
    if theta.size < 3:
        return np.array([]), ()
    grid = np.sort(theta)
    slope = resistance_slope(stack, rotate, grid)
    scale = float(np.max(np.abs(slope)))
    if scale == 0.0:
        return np.array([]), ()

    def refine(a: float, b: float) -> float:
        return float(brentq(lambda t: resistance_slope(stack, rotate, [t])[0], a, b, xtol=1e-13, rtol=1e-13))

    # interior only: an extremum at the ends of the swept range is its edge, not a turning point
    roots = [
        (r, before)
        for r, before in _sign_change_roots(grid, slope, FLAT * scale, refine)
        if grid[0] < r < grid[-1]
    ]
    kinds = tuple("minimum" if before < 0 else "maximum" for _, before in roots)
    return np.array([r for r, _ in roots]), kinds


def _torque_zeros(
    stack: Stack, rotate: str, theta: FloatArray, ferro: list[str], moving: int
) -> dict[str, FloatArray]:
    grid = np.sort(theta)

    def g(t: ArrayLike) -> FloatArray:
        g1, g2 = efficiency_of(stack, rotated_magnetizations(stack, rotate, t), moving)
        return np.stack([g1, g2], axis=-1)

    values = g(grid)
    out: dict[str, FloatArray] = {}
    for k, name in enumerate(ferro):
        column = values[:, k]
        ok = np.isfinite(column)
        if not np.any(ok):
            out[name] = np.array([])
            continue

        def refine(a: float, b: float, k: int = k) -> float:
            return float(brentq(lambda t: g([t])[0, k], a, b, xtol=1e-13, rtol=1e-13))

        roots = _sign_change_roots(grid[ok], column[ok], 0.0, refine)
        out[name] = np.array([r for r, _ in roots])
    return out


def collinear_resistance_areas(stack: Stack, rotate: str | None = None) -> tuple[float, float]:
    """RA_P and RA_AP [Ω·m²]: layer ``rotate`` (default the second ferromagnet) set parallel,
    then antiparallel, to the other ferromagnet, whose direction is kept."""
    _, moving = _ferromagnet_pair(stack, ferro_name(stack, 1) if rotate is None else rotate)
    other = np.asarray(stack.ferromagnets[1 - moving].magnetization)
    pair = np.empty((2, 2, 3))
    pair[:, 1 - moving] = other
    pair[0, moving], pair[1, moving] = other, -other
    ra_p, ra_ap = (float(v) for v in np.asarray(solve(stack, pair).resistance_area))
    return ra_p, ra_ap


def ferro_name(stack: Stack, k: int) -> str:
    """The name of ferromagnet k of the stack (its own refusal if there are not two)."""
    ferro = [f.name for f in stack.ferromagnets]
    if len(ferro) != 2:
        _ferromagnet_pair(stack, "")
    return ferro[k]


def magnetoresistance(stack: Stack, rotate: str, theta: ArrayLike) -> Magnetoresistance:
    """RA(θ), RA_P, RA_AP, AΔR, the GMR ratio, RA extrema and torque zeros as ``rotate`` turns.

    Parameters
    ----------
    stack : Stack
        Exactly two ferromagnetic layers (leads may be anything).
    rotate : str
        The ferromagnet whose polar angle (from +z) is set; its azimuth is kept.
    theta : array_like
        Polar angles [rad], 1D.

    Returns
    -------
    Magnetoresistance

    Examples
    --------
    >>> import numpy as np
    >>> from spintorque import Stack, Layer, Ferromagnet, NormalMetal
    >>> co = Ferromagnet("Co", 7.5e-8, 0.46, 59e-9); cu = NormalMetal("Cu", 0.6e-8, 500e-9)
    >>> s = Stack((Layer("F1", co, 8e-9, (0, 0, 1)), Layer("N", cu, 10e-9),
    ...            Layer("F2", co, 8e-9, (0, 0, 1))))
    >>> mr = magnetoresistance(s, "F2", np.radians([0, 90, 180]))
    >>> bool(mr.resistance_area[0] < mr.resistance_area[1] < mr.resistance_area[2])
    True
    """
    ferro, moving = _ferromagnet_pair(stack, rotate)
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    total, spin = resistance_areas(stack, rotate, theta)
    other = np.asarray(stack.ferromagnets[1 - moving].magnetization)
    ra_p, ra_ap = collinear_resistance_areas(stack, rotate)
    m = rotated_magnetizations(stack, rotate, theta)[:, moving]
    c = np.clip(m @ other, -1.0, 1.0)
    between = np.arctan2(np.linalg.norm(cross(m, np.broadcast_to(other, m.shape)), axis=-1), c)
    extrema, kinds = _extrema(stack, rotate, theta)
    zeros = _torque_zeros(stack, rotate, theta, ferro, moving)
    return Magnetoresistance(
        stack=stack,
        rotate=rotate,
        theta=theta,
        angle_between=between,
        resistance_area=total,
        spin_resistance_area=spin,
        resistance_area_parallel=ra_p,
        resistance_area_antiparallel=ra_ap,
        extremum_angles=extrema,
        extremum_kinds=kinds,
        torque_zero_angles=zeros,
    )
