"""Maps of a two-dimensional sweep store (``spintorque plot``): one variable over the two axes.

State codes (a variable with ``flag_values`` and ``flag_meanings``, e.g. ``state_from_p``) are
drawn in fixed colours, one per state, with a legend; WER-like variables (a name ending in
``error_rate``) on a logarithmic colour scale (values <= 0 left blank); others on a linear one.
Axes and colour bar are labelled with the coordinates' and variable's ``units``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

STATE_COLOURS = {"P": "#2166ac", "AP": "#b2182b", "precession": "#1b9e77", "other": "#bdbdbd"}
"""Colour of each state name; a name not listed is drawn grey."""


def _label(array: Any, name: str) -> str:
    units = array.attrs.get("units")
    return f"{name} [{units}]" if units not in (None, "", "1") else name


def _unit(array: Any) -> str:
    units = array.attrs.get("units")
    return f" {units}" if units not in (None, "", "1") else ""


def is_log_variable(name: str) -> bool:
    """Whether a variable is drawn on a logarithmic colour scale (WER-like)."""
    return name.endswith("error_rate")


def plot_sweep_map(ds: Any, var: str, ax: Any = None) -> Any:
    """Map of ``ds[var]`` over the store's two swept dimensions (first axis on x).

    Parameters
    ----------
    ds : xarray.Dataset
        A sweep store (``xarray.open_zarr``) with exactly two swept dimensions.
    var : str
        A variable of ``ds`` with exactly those two dimensions (other dimensions selected first,
        ``ds.sel(pulse=1e-8, method="nearest")``: their values go into the title).
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm
    from matplotlib.patches import Patch

    data = ds[var]
    ydim, xdim = data.dims[1], data.dims[0]
    x = np.asarray(ds[xdim].values, dtype=float)
    y = np.asarray(ds[ydim].values, dtype=float)
    values = np.asarray(data.values, dtype=float).T  # (y, x)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.8), constrained_layout=True)
    meanings = data.attrs.get("flag_meanings")
    if meanings is not None and "flag_values" in data.attrs:
        names = str(meanings).split()
        codes = [int(v) for v in data.attrs["flag_values"]]
        cmap = ListedColormap([STATE_COLOURS.get(n, "#999999") for n in names])
        bounds = BoundaryNorm([c - 0.5 for c in codes] + [codes[-1] + 0.5], cmap.N)
        ax.pcolormesh(x, y, np.ma.masked_invalid(values), cmap=cmap, norm=bounds, shading="nearest")
        present = {int(v) for v in values[np.isfinite(values)].ravel()}
        handles = [
            Patch(color=STATE_COLOURS.get(n, "#999999"), label=n)
            for c, n in zip(codes, names, strict=True)
            if c in present
        ]
        ax.legend(handles=handles, loc="best", fontsize=8, framealpha=0.85)
    else:
        shown = np.ma.masked_invalid(values)
        norm: Any = None
        if is_log_variable(var):
            shown = np.ma.masked_less_equal(shown, 0.0)
            finite = shown.compressed()
            if finite.size:
                norm = LogNorm(vmin=float(finite.min()), vmax=float(finite.max()))
        mesh = ax.pcolormesh(x, y, shown, norm=norm, shading="nearest")
        ax.figure.colorbar(mesh, ax=ax, label=_label(data, var))
    ax.set_xlabel(_label(ds[xdim], xdim))
    ax.set_ylabel(_label(ds[ydim], ydim))
    picked = [  # the values --sel chose of the other dimensions (scalar coordinates)
        f"{name} = {float(c.values):.6g}{_unit(c)}" if c.dtype.kind in "fiu" else f"{name} = {c.values}"
        for name, c in data.coords.items()
        if c.ndim == 0
    ]
    title = data.attrs.get("long_name") or var
    ax.set_title(title + (f"\n({', '.join(picked)})" if picked else ""), fontsize=9)
    return ax
