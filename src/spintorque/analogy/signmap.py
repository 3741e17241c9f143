"""Maps of g1, g2 over (a stack parameter, θ): where each torque is negative."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from spintorque.analogy.signchange import relative_configurations
from spintorque.errors import InputError
from spintorque.materials import Ferromagnet, Material
from spintorque.results import provenance
from spintorque.stack import Stack
from spintorque.transport.efficiency import efficiency_with_reasons

PARAMETERS = ("thickness", "spin_asymmetry", "spin_diffusion_length")


def vary(stack: Stack, layer: str, parameter: str, value: float) -> Stack:
    """A copy of ``stack`` with one parameter of one layer changed (SI units).

    ``thickness`` [m]; ``spin_asymmetry`` (ferromagnets; rho* is kept); ``spin_diffusion_length``
    [m] of that layer's material.
    """
    i = stack.index(layer)
    current = stack.layers[i]
    material: Material
    if parameter == "thickness":
        return stack.with_thickness(layer, value)
    if parameter == "spin_asymmetry":
        if not isinstance(current.material, Ferromagnet):
            raise InputError("--vary", f"{layer!r} is not a ferromagnet")
        material = replace(current.material, spin_asymmetry=value)
    elif parameter == "spin_diffusion_length":
        material = replace(current.material, spin_diffusion_length=value)
    else:
        raise InputError("--vary", f"unknown parameter {parameter!r}; allowed: {PARAMETERS}")
    layers = list(stack.layers)
    layers[i] = replace(current, material=material)
    return replace(stack, layers=tuple(layers))


def sign_map(stack: Stack, layer: str, parameter: str, values: ArrayLike,
             theta: ArrayLike) -> xr.Dataset:
    """g1, g2 of a two-ferromagnet stack over (parameter value, θ between m1 and m2).

    Parameters
    ----------
    stack : Stack
    layer, parameter : str
        What to vary (see :func:`vary`).
    values : array_like
        Parameter values (SI).
    theta : array_like
        Angles between m1 and m2 [rad].

    Returns
    -------
    xarray.Dataset
        ``g1``, ``g2`` over dims (``value``, ``theta``), plus ``p2_over_p1`` along ``value``.
        NaN marks values that do not exist (p2/p1 at p1 = 0; a diverging collinear limit of g);
        the attributes ``g1_undefined``, ``g2_undefined``, ``p2_over_p1_undefined`` say why.
    """
    values = np.asarray(values, dtype=float)
    theta = np.asarray(theta, dtype=float)
    if len(stack.ferromagnets) != 2:
        raise InputError("signmap", "needs exactly two ferromagnetic layers")
    g1 = np.empty((values.size, theta.size))
    g2 = np.empty_like(g1)
    ratio = np.empty(values.size)
    undefined: dict[str, str] = {}
    for k, value in enumerate(values):
        varied = vary(stack, layer, parameter, float(value))
        g1[k], g2[k], reasons = efficiency_with_reasons(varied,
                                                        relative_configurations(varied, theta))
        undefined.update({f"{key}_undefined": text for key, text in reasons.items()})
        f1, f2 = varied.ferromagnets
        p1 = f1.material.polarization
        if p1 != 0:
            ratio[k] = f2.material.polarization / p1
        else:
            ratio[k] = np.nan
            undefined["p2_over_p1_undefined"] = (
                f"p1 = 0 ({f1.name} is unpolarized) at some values: the ratio does not exist")
    unit = "1" if parameter == "spin_asymmetry" else "m"
    return xr.Dataset(
        {"g1": (("value", "theta"), g1, {"units": "1", "long_name": "efficiency g1"}),
         "g2": (("value", "theta"), g2, {"units": "1", "long_name": "efficiency g2"}),
         "p2_over_p1": ("value", ratio, {"units": "1"})},
        coords={"value": ("value", values, {"units": unit,
                                             "long_name": f"{layer}.{parameter}"}),
                "theta": ("theta", theta, {"units": "rad", "long_name": "angle between m1, m2"})},
        attrs={"layer": layer, "parameter": parameter, **undefined,
               **provenance(stack, solver="exact layer elements, sign map")},
    )
