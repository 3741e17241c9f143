"""Plots of transport results: profiles mu_s(x), j_s(x) with layer shading, and g1(θ), g2(θ)."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from spintorque.stack import Stack

_F_COLOR = "#f4d6a0"
_N_COLOR = "#dbe8f5"


def _shade_layers(ax: Any, stack: Stack, scale: float, x: Any = None) -> None:
    edges = stack.interfaces * scale
    if x is not None:  # semi-infinite leads, drawn where the samples reach into them
        for lead, lo, hi in ((stack.left, float(np.min(x)) * scale, edges[0]),
                             (stack.right, edges[-1], float(np.max(x)) * scale)):
            if hi > lo and lead.material is not None:
                ax.axvspan(lo, hi, color=_F_COLOR if lead.material.is_ferromagnet else _N_COLOR,
                           alpha=0.35, lw=0)
                ax.text(0.5 * (lo + hi), 1.0, f"{lead.material.name} lead",
                        transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=8)
    for layer, x0, x1 in zip(stack.layers, edges[:-1], edges[1:], strict=True):
        ax.axvspan(x0, x1, color=_F_COLOR if layer.is_ferromagnet else _N_COLOR, alpha=0.6, lw=0)
        ax.text(0.5 * (x0 + x1), 1.0, layer.name, transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=8)


def plot_profiles(result: Any, points: int = 400, axes: Any = None, x: Any = None) -> Any:
    """Components of mu_s(x) [µV] and j_s(x) [A/m²] through the stack, layers shaded.

    Parameters
    ----------
    result : TransportResult
        An unbatched result.
    points : int
        Number of sample points across the stack.
    axes : sequence of two matplotlib Axes, optional
    x : array_like, optional
        Positions [m]; may extend into semi-infinite leads. Default: the stack, ``points`` samples.

    Returns
    -------
    numpy.ndarray of two Axes
    """
    import matplotlib.pyplot as plt

    stack: Stack = result.stack
    if x is None:
        x = np.linspace(0.0, stack.interfaces[-1], points)
    x = np.union1d(np.asarray(x, dtype=float), stack.interfaces)
    ds: xr.Dataset = result.profile(x)
    if axes is None:
        _, axes = plt.subplots(2, 1, sharex=True, figsize=(6.4, 5.6), constrained_layout=True)
    nm = 1e9
    for ax, name, scale, unit in ((axes[0], "spin_accumulation", 1e6, "µV"),
                                  (axes[1], "spin_current", 1.0, "A/m²")):
        _shade_layers(ax, stack, nm, x)
        for c, style in zip(("x", "y", "z"), ("-", "--", ":"), strict=True):
            values = ds[name].sel(component=c).values * scale
            ax.plot(x * nm, values, style, label=f"{c}")
        ax.axhline(0.0, color="k", lw=0.5)
        label = ds[name].attrs["long_name"]
        ax.set_ylabel(f"{label} [{unit}]")
        ax.legend(loc="best", fontsize=8, title="component")
    axes[1].set_xlabel("x [nm]")
    axes[0].set_title(f"J = {stack.current_density:.3g} A/m² (electrons flow towards +x)",
                      fontsize=9, pad=14)
    return np.asarray(axes)


def plot_efficiency(ds: xr.Dataset, ax: Any = None) -> Any:
    """g1(θ) and g2(θ) from :func:`spintorque.efficiency`, with the negative region shaded."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.0), constrained_layout=True)
    theta = ds["theta_deg"].values
    for key, color in (("g1", "C0"), ("g2", "C3")):
        values = ds[key].values
        ax.plot(theta, values, color=color, label=ds[key].attrs.get("long_name", key))
        ax.fill_between(theta, values, 0.0, where=values < 0, color=color, alpha=0.2)
    ax.axhline(0.0, color="k", lw=0.6)
    ax.set_xlabel(f"θ of {ds.attrs.get('rotated_layer', '')} [deg]")
    ax.set_ylabel("efficiency g (dimensionless)")
    ax.legend()
    return ax
