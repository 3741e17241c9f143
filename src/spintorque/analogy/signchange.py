r"""Sign changes of the spin-transfer torque, explained with the mechanical analogy (seed §3.3).

For two ferromagnets F1, F2 separated by a normal spacer, the torque on F2 is proportional to the
position mu1 of the ring on F1's rod, and the torque on F1 to the ring mu2 on F2's rod (Appendix
II: Δj_s2 = B mu1 m2×(m1×m2), Δj_s1 = B mu2 m1×(m2×m1)). A torque changes sign when the source
force on the *other* ferromagnet, transmitted through the spacer cord, drags this ring through
the origin. The asymmetry thresholds of eq. (15) at θ → 0 are therefore the values of p2/p1 at
which mu1 (for g2) or mu2 (for g1) vanish in the collinear configuration. With rho* held fixed the
node equations are affine in p2, so two collinear solves give each threshold exactly, for any
stack and leads; for the seed's sink/F1/N/F2/sink valve they are A2/B and B/A1.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq

from spintorque.errors import InputError
from spintorque.geometry import cross
from spintorque.materials import Ferromagnet
from spintorque.stack import Stack
from spintorque.transport import efficiency_of, solve

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class SignChange:
    """Result of :func:`explain` (angles in rad; ratios dimensionless)."""

    ferromagnets: tuple[str, str]
    layer_with_sign_change: str | None
    zero_torque_angle: float | None
    g2_negative_above_p2_over_p1: float | None
    g1_negative_below_p2_over_p1: float | None
    p2_over_p1: float | None
    explanation: str

    def to_json_dict(self) -> dict[str, Any]:
        """The ``spintorque explain --json`` document."""
        angle = self.zero_torque_angle
        return {
            "ferromagnets": list(self.ferromagnets),
            "layer_with_sign_change": self.layer_with_sign_change,
            "zero_torque_angle_deg": None if angle is None else float(np.degrees(angle)),
            "g2_negative_above_p2_over_p1": self.g2_negative_above_p2_over_p1,
            "g1_negative_below_p2_over_p1": self.g1_negative_below_p2_over_p1,
            "p2_over_p1": self.p2_over_p1,
            "explanation": self.explanation,
        }


def relative_configurations(stack: Stack, theta: FloatArray) -> FloatArray:
    """Directions (B, n_F, 3): F2 at angle θ from F1, in the plane of the stack's m1 and m2.

    Other ferromagnets keep their directions. If m1 ∥ m2 in the stack, the plane is fixed by
    any direction perpendicular to m1.
    """
    ferro = stack.ferromagnets
    m1 = np.asarray(ferro[0].magnetization)
    m2 = np.asarray(ferro[1].magnetization)
    e = m2 - np.dot(m2, m1) * m1
    if np.linalg.norm(e) < 1e-12:
        e = cross(m1, np.eye(3)[int(np.argmin(np.abs(m1)))])
    e = e / np.linalg.norm(e)
    theta = np.asarray(theta, dtype=float)
    out = np.broadcast_to(np.array([f.magnetization for f in ferro]), (theta.size, len(ferro), 3))
    out = out.copy()
    out[:, 1] = np.cos(theta)[:, None] * m1 + np.sin(theta)[:, None] * e
    return out


def _g(stack: Stack, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
    return efficiency_of(stack, relative_configurations(stack, theta))


def _ring_positions(stack: Stack, i1: int, i2: int, p2: float) -> tuple[float, float]:
    """Collinear (θ = 0) ring positions mu1, mu2 per unit current, F2's beta set to p2."""
    f2 = stack.layers[i2]
    material = f2.material
    assert isinstance(material, Ferromagnet)
    layers = list(stack.layers)
    layers[i2] = replace(f2, material=replace(material, spin_asymmetry=p2),
                         magnetization=stack.layers[i1].magnetization)
    result = solve(replace(stack, layers=tuple(layers), current_density=1.0))
    m1 = np.asarray(stack.layers[i1].magnetization)
    mu = result.spin_accumulation
    return float(np.dot(mu[i1 + 1], m1)), float(np.dot(mu[i2], m1))


def _threshold(stack: Stack, i1: int, i2: int, which: int) -> float | None:
    """p2/p1 at which ring `which` (0: mu1, 1: mu2) passes the origin at θ → 0."""
    p1 = stack.layers[i1].material.polarization
    p2 = stack.layers[i2].material.polarization
    if p1 == 0.0:
        return None
    probe = p2 if p2 != 0.0 else 0.5
    a = _ring_positions(stack, i1, i2, 0.0)[which]
    b = _ring_positions(stack, i1, i2, probe)[which]
    slope = (b - a) / probe
    if slope == 0.0:
        return None
    return float(-a / slope / p1)


def explain(stack: Stack, points: int = 721) -> SignChange:
    """Which torque of a two-ferromagnet stack changes sign, where, and why.

    Parameters
    ----------
    stack : Stack
        Exactly two ferromagnetic layers separated by at least one normal layer.
    points : int
        Angles on (0, π) used to bracket the zero of the torque before refining it.
    """
    ferro = [i for i, layer in enumerate(stack.layers) if layer.is_ferromagnet]
    if len(ferro) != 2:
        raise InputError("explain", f"needs exactly two ferromagnetic layers, found {len(ferro)}")
    i1, i2 = ferro
    if i2 == i1 + 1:
        raise InputError("explain", "the two ferromagnets touch: there is no spacer cord")
    names = (stack.layers[i1].name, stack.layers[i2].name)
    theta = np.pi * (np.arange(points) + 0.5) / points
    g1, g2 = _g(stack, theta)
    layer, angle = None, None
    for key, values, name in (("g1", g1, names[0]), ("g2", g2, names[1])):
        flips = np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)[0]
        if flips.size:
            k = int(flips[0])
            index = 0 if key == "g1" else 1
            angle = float(brentq(lambda t, index=index: _g(stack, np.array([t]))[index][0],
                                 theta[k], theta[k + 1], xtol=1e-14, rtol=1e-14))
            layer = name
            break
    p1 = stack.layers[i1].material.polarization
    p2 = stack.layers[i2].material.polarization
    upper = _threshold(stack, i1, i2, 0)
    lower = _threshold(stack, i1, i2, 1)
    ratio = p2 / p1 if p1 != 0 else None
    text = _explanation(names, layer, angle, ratio, upper, lower, g1[0], g2[0])
    return SignChange(names, layer, angle, upper, lower, ratio, text)


def _explanation(names: tuple[str, str], layer: str | None, angle: float | None,
                 ratio: float | None, upper: float | None, lower: float | None,
                 g1_small: float, g2_small: float) -> str:
    f1, f2 = names
    if layer is None:
        return (f"Neither torque changes sign: p2/p1 = {_fmt(ratio)} lies between the "
                f"thresholds {_fmt(lower)} (g1 < 0 below) and {_fmt(upper)} (g2 < 0 above). "
                f"Both rings stay on the side of the origin their own source forces pull them "
                f"to, so each magnet is pulled towards the other's direction when electrons flow "
                f"from {f1} to {f2}.")
    deg = np.degrees(angle) if angle is not None else float("nan")
    if layer == f2:
        return (f"g2 (torque on {f2}) is negative for θ < {deg:.4g}°: p2/p1 = {_fmt(ratio)} "
                f"exceeds A2/(B cos θ), which is {_fmt(upper)} at θ → 0. The source force "
                f"−p2 J m2 on the ring at the N/{f2} interface, transmitted through the spacer "
                f"cord, drags the ring on {f1}'s rod through the origin to the negative side of "
                f"m1; the cord's tangent at the {f2} ring then passes on the other side of m2, "
                f"the spin-current jump reverses, and {f2} is repelled from {f1}. For θ ≥ 90° "
                f"the force along −m2 has a positive component on m1 and cannot do this.")
    return (f"g1 (torque on {f1}) is negative for θ < {deg:.4g}°: p2/p1 = {_fmt(ratio)} is "
            f"below B cos θ/A1, which is {_fmt(lower)} at θ → 0. The source force p1 J m1 on "
            f"the ring at the {f1}/N interface, transmitted through the spacer cord, drags the "
            f"ring on {f2}'s rod through the origin; the jump at {f1} reverses and {f1} is "
            f"repelled from {f2}.")


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4g}"


def torque_zero_crossings(stack: Stack, rotate: str, theta: FloatArray) -> dict[str, FloatArray]:
    """Angles where each ferromagnet's torque changes sign as layer ``rotate`` turns.

    Layer ``rotate`` takes polar angles θ [rad] (azimuth kept); for every ferromagnet i the signed
    torque τ_i = T_i·(n × m_i), its component that turns m_i about the sweep axis n, is evaluated
    on the grid and its sign changes are refined by root finding.

    Returns
    -------
    dict
        layer name -> array of zero-crossing angles [rad] (possibly empty).
    """
    from spintorque.transport import rotated_magnetizations

    index = stack.index(rotate)
    m = np.asarray(stack.layers[index].magnetization)
    phi = np.arctan2(m[1], m[0]) if np.hypot(m[0], m[1]) > 0 else 0.0
    axis = np.array([-np.sin(phi), np.cos(phi), 0.0])
    ferro = [i for i, layer in enumerate(stack.layers) if layer.is_ferromagnet]

    def signed(t: FloatArray) -> FloatArray:
        mags = rotated_magnetizations(stack, rotate, t)
        result = solve(stack.with_current_density(1.0), mags)
        tpc = result.torque_per_current[:, ferro]
        lever = cross(axis, result.magnetization[:, ferro])
        return np.einsum("bki,bki->bk", tpc, lever)

    theta = np.asarray(theta, dtype=float)
    values = signed(theta)
    out: dict[str, FloatArray] = {}
    for k, i in enumerate(ferro):
        roots = []
        for j in np.nonzero(np.sign(values[:-1, k]) * np.sign(values[1:, k]) < 0)[0]:
            roots.append(brentq(lambda t, k=k: signed(np.array([t]))[0, k],
                                theta[j], theta[j + 1], xtol=1e-14))
        out[stack.layers[i].name] = np.array(roots)
    return out
