r"""Efficiency functions g1(θ), g2(θ) over many angles in one vectorised call.

The seed's eq. (1): ``T1 = −(ħ/2e) J g1 m1×(m2×m1)``, ``T2 = (ħ/2e) J g2 m2×(m1×m2)``, with θ the
angle between m1 and m2. At exactly collinear configurations (θ = 0 or π) eq. (1) is 0 = 0 · g;
there we return the limit, from a Richardson extrapolation of g at δ and δ/2 away from
collinearity (g is even in the deviation; the error is O(δ⁴) plus rounding of order ε/δ, about
1e-11 with δ = 1e-5 rad).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError
from spintorque.geometry import cross
from spintorque.stack import Stack
from spintorque.transport.solver import solve

if TYPE_CHECKING:
    import xarray as xr

FloatArray = NDArray[np.float64]

LIMIT_STEP = 1e-5
"""Deviation δ [rad] used for the collinear limit of g."""


def rotated_magnetizations(stack: Stack, rotate: str, theta: ArrayLike) -> FloatArray:
    """Ferromagnet directions (B, n_F, 3) with layer ``rotate`` at polar angles theta [rad].

    The azimuth of the rotated layer is kept from the stack (0 if it points along ±z); the other
    ferromagnets keep their directions.
    """
    index = stack.index(rotate)
    layer = stack.layers[index]
    if not layer.is_ferromagnet:
        raise InputError("rotate", f"layer {rotate!r} is not a ferromagnet")
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    if theta.ndim != 1 or not np.all(np.isfinite(theta)):
        raise InputError("angles", "must be a 1D array of finite angles")
    m = np.asarray(layer.magnetization)
    phi = np.arctan2(m[1], m[0]) if np.hypot(m[0], m[1]) > 0 else 0.0
    ferro = stack.ferromagnets
    out = np.empty((theta.size, len(ferro), 3))
    for k, f in enumerate(ferro):
        if f.name == rotate:
            sin = np.sin(theta)
            out[:, k, 0], out[:, k, 1], out[:, k, 2] = sin * np.cos(phi), sin * np.sin(phi), \
                np.cos(theta)
        else:
            out[:, k, :] = f.magnetization
    return out


BLOCK = 1 << 16
"""Configurations solved per call: bounds memory and keeps the working set in cache."""


def _g(stack: Stack, mags: FloatArray) -> tuple[FloatArray, FloatArray]:
    unit = stack.with_current_density(1.0)
    g1, g2 = np.empty(len(mags)), np.empty(len(mags))
    for start in range(0, len(mags), BLOCK):
        block = slice(start, start + BLOCK)
        g = solve(unit, mags[block]).efficiency
        g1[block], g2[block] = g["g1"], g["g2"]
    return g1, g2


def _tilted(m_fixed: FloatArray, m_moved: FloatArray, delta: float) -> FloatArray:
    """m_moved turned by delta away from the line of m_fixed (any perpendicular direction)."""
    axis = cross(m_fixed, m_moved)
    small = np.linalg.norm(axis, axis=-1) < 1e-300
    helper = np.where(np.abs(m_fixed[..., :1]) < 0.9, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
    axis = np.where(small[..., None], cross(m_fixed, helper), axis)
    perp = cross(axis, m_moved)
    perp /= np.linalg.norm(perp, axis=-1, keepdims=True)
    return np.cos(delta) * m_moved + np.sin(delta) * perp


def efficiency_of(stack: Stack, magnetizations: FloatArray) -> tuple[FloatArray, FloatArray]:
    """g1, g2 for a batch of ferromagnet directions (B, 2, 3), collinear limits included.

    Where m1 ∥ m2 the value is the limit θ → 0 (or π): F2 is tilted by δ and δ/2 away from F1's
    line and g is Richardson-extrapolated (module docstring).
    """
    mags = np.asarray(magnetizations, dtype=float)
    if mags.ndim != 3 or mags.shape[1] != 2:
        raise InputError("magnetizations", "need shape (B, 2, 3) for a two-ferromagnet stack")
    g1, g2 = _g(stack, mags)
    collinear = ~np.isfinite(g1) | ~np.isfinite(g2)
    if np.any(collinear):
        estimates = []
        for step in (LIMIT_STEP, LIMIT_STEP / 2):
            tilted = mags[collinear].copy()
            tilted[:, 1] = _tilted(tilted[:, 0], tilted[:, 1], step)
            estimates.append(_g(stack, tilted))
        (a1, a2), (b1, b2) = estimates
        g1[collinear] = (4.0 * b1 - a1) / 3.0
        g2[collinear] = (4.0 * b2 - a2) / 3.0
    return g1, g2


def efficiency(stack: Stack, rotate: str, theta: ArrayLike) -> xr.Dataset:
    """g1 and g2 of a two-ferromagnet stack as layer ``rotate`` turns through polar angles θ.

    Parameters
    ----------
    stack : Stack
        Must contain exactly two ferromagnetic layers (leads may be ferromagnetic too).
    rotate : str
        Name of the layer whose polar angle (from +z) is set; its azimuth is kept.
    theta : array_like
        Polar angles [rad].

    Returns
    -------
    xarray.Dataset
        ``g1``, ``g2`` (dimensionless) over coordinate ``theta`` [rad], with ``theta_deg`` and the
        angle ``angle_between`` of m1 and m2 [rad]. g does not depend on J.

    Examples
    --------
    >>> import numpy as np
    >>> from spintorque import Stack, Layer, Ferromagnet, NormalMetal, efficiency
    >>> co = Ferromagnet("Co", 7.5e-8, 0.46, 59e-9); cu = NormalMetal("Cu", 0.6e-8, 500e-9)
    >>> s = Stack((Layer("F1", co, 8e-9, (0, 0, 1)), Layer("N", cu, 10e-9),
    ...            Layer("F2", co, 8e-9, (0, 0, 1))))
    >>> ds = efficiency(s, "F2", np.radians([0, 90, 180]))
    >>> bool((ds.g2 > 0).all())
    True
    """
    import xarray as xr  # imported here: a plain solve starts without it

    ferro = [f.name for f in stack.ferromagnets]
    if len(ferro) != 2:
        raise InputError("efficiency",
                         f"g1, g2 need exactly two ferromagnetic layers, found {len(ferro)}")
    mags = rotated_magnetizations(stack, rotate, theta)
    g1, g2 = efficiency_of(stack, mags)
    m1, m2 = mags[:, 0], mags[:, 1]
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    between = np.arctan2(np.linalg.norm(cross(m1, m2), axis=-1), np.sum(m1 * m2, axis=-1))
    attrs = {"units": "1"}
    return xr.Dataset(
        {"g1": ("theta", g1, {**attrs, "long_name": f"efficiency g1 ({ferro[0]})"}),
         "g2": ("theta", g2, {**attrs, "long_name": f"efficiency g2 ({ferro[1]})"})},
        coords={"theta": ("theta", theta, {"units": "rad", "long_name": f"polar angle of {rotate}"}),
                "theta_deg": ("theta", np.degrees(theta), {"units": "deg"}),
                "angle_between": ("theta", between, {"units": "rad",
                                                     "long_name": "angle between m1 and m2"})},
        attrs={"rotated_layer": rotate, "ferromagnets": ferro},
    )
