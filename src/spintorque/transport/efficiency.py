r"""Efficiency functions g1(θ), g2(θ) over many angles in one vectorised call.

The seed's eq. (1): ``T1 = −(ħ/2e) J g1 m1×(m2×m1)``, ``T2 = (ħ/2e) J g2 m2×(m1×m2)``, with θ the
angle between m1 and m2. At exactly collinear configurations (θ = 0 or π) eq. (1) is 0 = 0 · g;
there we return the limit θ → 0 (or π) as one ferromagnet turns away from the other's line.

**The collinear limit.** When every magnetization (both layers, ferromagnetic leads) lies on one
line, the problem is uniaxial and g depends on θ only through cos θ: ``g(θ) = g(0) + O(θ²)``,
where the θ² coefficient is at most of order Gs/G (the transverse stiffness of the thinnest layer
over the softest one, < 1e15 over the documented range). We evaluate the torque/sin θ at
θ = δ = 1e-20 rad in a canonical frame where the axis is exactly +z and the tilt exactly in the
xz plane: there the transverse (x) parts of every node vector are computed from exact zeros and
keep full relative accuracy, so ``torque/sin δ`` is accurate to rounding (~1e-15) and the
O(δ²·Gs/G) < 1e-25 truncation is invisible. (A Richardson extrapolation at δ ~ 1e-5 in the
user's frame would lose ε/δ ~ 1e-11 to the rounding of the tilted direction.)

The limit does not exist (NaN, with a reason from :func:`collinear_limit`) when

* the turning layer touches another ferromagnet (the other layer or a ferromagnetic lead): the
  contact becomes a pinned, vanishing-spacer contact for any θ ≠ 0, whose spin current, hence
  the torque on both sides, grows as 1/θ (docs/conventions.md);
* a ferromagnetic lead is not on the line of m1, m2: its transverse spin current exerts a torque
  at θ = 0 on the first magnet it reaches, whose g diverges; the problem is then not uniaxial,
  and no limit is computed for either g.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError
from spintorque.geometry import cross
from spintorque.results import provenance
from spintorque.stack import COLLINEAR_TOLERANCE, Lead, Stack
from spintorque.transport.solver import solve

if TYPE_CHECKING:
    import xarray as xr

FloatArray = NDArray[np.float64]

COLLINEAR_TILT = 1e-20
"""Tilt δ [rad] at which g is evaluated for its collinear limit (module docstring)."""


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
    g1, g2, _ = _g_and_f(stack, mags, field_like=False)
    return g1, g2


def _g_and_f(stack: Stack, mags: FloatArray, field_like: bool
             ) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """g1, g2 and, if asked, f1, f2 (2, B) from the same solves (none collinear)."""
    unit = stack.with_current_density(1.0)
    g1, g2 = np.empty(len(mags)), np.empty(len(mags))
    f = np.empty((2, len(mags))) if field_like else None
    for start in range(0, len(mags), BLOCK):
        block = slice(start, start + BLOCK)
        result = solve(unit, mags[block])
        g = result.projected_efficiency()
        g1[block], g2[block] = g["g1"], g["g2"]
        if f is not None:
            fl = result.field_like_efficiency()
            f[0, block], f[1, block] = fl["g1"], fl["g2"]
    return g1, g2, f


FIELD_LIKE_UNDEFINED = ("m1 and m2 are collinear: the field-like direction m1 x m2 does not "
                        "exist, and f1, f2 are not defined there")
"""Why f1, f2 are NaN at collinear angles (``f1_undefined`` / ``f2_undefined``)."""




def _collinear(m1: FloatArray, m2: FloatArray) -> NDArray[np.bool_]:
    return np.linalg.norm(cross(m1, m2), axis=-1) <= COLLINEAR_TOLERANCE


def _divergent(stack: Stack, moving: int) -> dict[str, str]:
    """Reasons why g1 / g2 have no collinear limit, from the contacts of the turning layer."""
    L = len(stack.layers)
    i1, i2 = (i for i, layer in enumerate(stack.layers) if layer.is_ferromagnet)
    turning = (i1, i2)[moving]
    name = stack.layers[turning].name
    reasons: dict[str, str] = {}
    if i2 == i1 + 1:
        text = (f"{stack.layers[i1].name} and {stack.layers[i2].name} touch: at any angle their "
                "contact pins mu_s = 0 and both torques grow as 1/theta, so g diverges at "
                "theta -> 0 and pi")
        return {"g1": text, "g2": text}
    for lead, edge in ((stack.left, 0), (stack.right, L - 1)):
        if lead.magnetization is not None and turning == edge:  # see _touches
            reasons[("g1", "g2")[moving]] = (
                f"{name} touches a ferromagnetic lead: turning it pins their contact and its "
                "torque grows as 1/theta, so its g diverges at theta -> 0 and pi")
    return reasons


def collinear_limit(stack: Stack, magnetizations: ArrayLike,
                    moving: int = 1) -> tuple[FloatArray, FloatArray, dict[str, str]]:
    """The θ → 0 (or π) limits of g1, g2 for collinear configurations (module docstring).

    Parameters
    ----------
    stack : Stack
        Exactly two ferromagnetic layers.
    magnetizations : array_like, shape (B, 2, 3)
        Collinear (parallel or antiparallel) directions of F1 and F2.
    moving : {0, 1}
        Which ferromagnet turns away from the other's line (0: F1, 1: F2); the limit depends
        on it only where a ferromagnetic lead touches one of them.

    Returns
    -------
    g1, g2 : ndarray, shape (B,)
        The limits (dimensionless); NaN where they do not exist.
    reasons : dict
        ``"g1"`` / ``"g2"`` → why that limit does not exist (keys absent where it does).
    """
    mags = np.asarray(magnetizations, dtype=float)
    mags = mags / np.linalg.norm(mags, axis=-1, keepdims=True)
    fixed = mags[:, 1 - moving]
    sign = np.where(np.sum(mags[:, 0] * mags[:, 1], axis=-1) < 0, -1.0, 1.0)
    g1, g2 = np.full(len(mags), np.nan), np.full(len(mags), np.nan)
    structural = _divergent(stack, moving)
    reasons = dict(structural)
    leads = (stack.left, stack.right)
    lead_signs = np.zeros((len(mags), 2))
    off_line = np.zeros(len(mags), dtype=bool)
    for k, lead in enumerate(leads):
        if lead.magnetization is not None:
            m = np.asarray(lead.magnetization)
            off_line |= ~_collinear(fixed, m)
            lead_signs[:, k] = np.where(fixed @ m < 0, -1.0, 1.0)
    if np.any(off_line):
        text = ("a ferromagnetic lead is not on the line of m1 and m2: the torque on the "
                "magnet its transverse spin current reaches does not vanish at theta = 0 (that "
                "g diverges), and collinear limits are not computed for such configurations")
        reasons.setdefault("g1", text)
        reasons.setdefault("g2", text)
    # canonical frame: the fixed magnet along +z, the tilt in the xz plane, leads along ±z
    tilted = np.zeros_like(mags)
    tilted[:, 1 - moving] = (0.0, 0.0, 1.0)
    tilted[:, moving, 0] = np.sin(COLLINEAR_TILT)
    tilted[:, moving, 2] = sign * np.cos(COLLINEAR_TILT)
    # a ferromagnetic lead touching the turning layer: for any θ ≠ 0 their contact is pinned,
    # mu_s = 0, and the lead then acts on the rest exactly as an ideal sink would; the 1e-20 tilt
    # is below the collinearity tolerance, so it is given the sink directly
    sinks = [lead.magnetization is not None and _touches(stack, moving, side)
             for side, lead in enumerate(leads)]
    for pattern in {tuple(row) for row in lead_signs[~off_line]}:
        cases = ~off_line & np.all(lead_signs == pattern, axis=-1)
        canon = _with_lead_axes(stack, pattern, sinks)
        a, b = _g(canon, tilted[cases])
        g1[cases], g2[cases] = a, b
    for key, values in (("g1", g1), ("g2", g2)):
        if key in structural:
            values[:] = np.nan  # off-line cases are NaN already: never computed
    return g1, g2, reasons


def _touches(stack: Stack, moving: int, side: int) -> bool:
    """Whether ferromagnet ``moving`` (0: F1, 1: F2) is the layer next to lead ``side``."""
    ferro = [i for i, layer in enumerate(stack.layers) if layer.is_ferromagnet]
    return ferro[moving] == (0 if side == 0 else len(stack.layers) - 1)


def _with_lead_axes(stack: Stack, signs: tuple[float, ...], sinks: list[bool]) -> Stack:
    """A copy whose ferromagnetic leads point along ±z (signs per lead), or are sinks."""
    leads = []
    for lead, sign, sink in zip((stack.left, stack.right), signs, sinks, strict=True):
        if sink:
            lead = Lead()
        elif lead.magnetization is not None:
            lead = Lead(lead.material, (0.0, 0.0, float(sign)))
        leads.append(lead)
    return Stack(stack.layers, left=leads[0], right=leads[1],
                 current_density=stack.current_density,
                 interface_elements=stack.interface_elements)


def efficiency_of(stack: Stack, magnetizations: FloatArray,
                  moving: int = 1) -> tuple[FloatArray, FloatArray]:
    """g1, g2 for a batch of ferromagnet directions (B, 2, 3), collinear limits included.

    Where m1 ∥ m2 the value is the limit θ → 0 (or π) as ferromagnet ``moving`` (0: F1, 1: F2)
    turns (:func:`collinear_limit`); NaN where that limit does not exist
    (:func:`efficiency_with_reasons` says why).
    """
    g1, g2, _ = efficiency_with_reasons(stack, magnetizations, moving)
    return g1, g2


def efficiency_with_reasons(stack: Stack, magnetizations: FloatArray, moving: int = 1
                            ) -> tuple[FloatArray, FloatArray, dict[str, str]]:
    """:func:`efficiency_of` plus the reasons (``"g1"``/``"g2"`` → text) for any NaN."""
    mags = np.asarray(magnetizations, dtype=float)
    if mags.ndim != 3 or mags.shape[1] != 2:
        raise InputError("magnetizations", "need shape (B, 2, 3) for a two-ferromagnet stack")
    g1, g2, reasons, _ = _efficiencies(stack, mags, moving, field_like=False)
    return g1, g2, reasons


def _efficiencies(stack: Stack, mags: FloatArray, moving: int, field_like: bool
                  ) -> tuple[FloatArray, FloatArray, dict[str, str], FloatArray | None]:
    """g1, g2, their reasons and (if asked) f1, f2 (2, B), NaN where m1 ∥ m2."""
    collinear = _collinear(mags[:, 0], mags[:, 1])
    g1, g2 = np.full(len(mags), np.nan), np.full(len(mags), np.nan)
    f = np.full((2, len(mags)), np.nan) if field_like else None
    reasons: dict[str, str] = {}
    if np.any(~collinear):
        g1[~collinear], g2[~collinear], f_apart = _g_and_f(stack, mags[~collinear], field_like)
        if f is not None and f_apart is not None:
            f[:, ~collinear] = f_apart
    if np.any(collinear):
        g1[collinear], g2[collinear], reasons = collinear_limit(stack, mags[collinear], moving)
    return g1, g2, reasons, f


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
        angle ``angle_between`` of m1 and m2 [rad]. g does not depend on J. At collinear angles
        the θ → 0, π limit as ``rotate`` turns; where it does not exist g is NaN and the
        attribute ``g1_undefined`` / ``g2_undefined`` says why.

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
    moving = ferro.index(rotate)
    field_like = any(i.mixing_conductance is not None for i in stack.interface_elements)
    g1, g2, reasons, f = _efficiencies(stack, mags, moving, field_like)
    m1, m2 = mags[:, 0], mags[:, 1]
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    between = np.arctan2(np.linalg.norm(cross(m1, m2), axis=-1), np.sum(m1 * m2, axis=-1))
    attrs = {"units": "1"}
    variables = {"g1": ("theta", g1, {**attrs, "long_name": f"efficiency g1 ({ferro[0]})"}),
                 "g2": ("theta", g2, {**attrs, "long_name": f"efficiency g2 ({ferro[1]})"})}
    if f is not None:
        for k in (0, 1):
            variables[f"f{k + 1}"] = ("theta", f[k], {
                **attrs, "long_name": f"field-like efficiency f{k + 1} ({ferro[k]})"})
            if np.any(np.isnan(f[k])):
                reasons[f"f{k + 1}"] = FIELD_LIKE_UNDEFINED
    return xr.Dataset(
        variables,
        coords={"theta": ("theta", theta, {"units": "rad", "long_name": f"polar angle of {rotate}"}),
                "theta_deg": ("theta", np.degrees(theta), {"units": "deg"}),
                "angle_between": ("theta", between, {"units": "rad",
                                                     "long_name": "angle between m1 and m2"})},
        attrs={"rotated_layer": rotate, "ferromagnets": ferro,
               **{f"{key}_undefined": text for key, text in reasons.items()},
               **provenance(stack, solver="exact layer elements, efficiency sweep")},
    )
