"""Figures of the mechanical analogy: folded hodographs with rods, rings, forces; sign maps."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from spintorque.analogy import Hodograph, RingForces


def _arrow(ax: Any, start: np.ndarray, vector: np.ndarray, color: str, label: str | None) -> None:
    ax.annotate("", xy=tuple(start + vector), xytext=tuple(start),
                arrowprops={"arrowstyle": "->", "color": color, "lw": 1.4})
    if label:
        ax.plot([], [], color=color, label=label)


def plot_hodograph(hodo: Hodograph, rings: list[RingForces] | None = None,
                   axes: Any = None, names: list[str] | None = None) -> Any:
    """The folded mu_s hodograph (rods, rings, cords, forces) and the j_s hodograph (jumps).

    Parameters
    ----------
    hodo : Hodograph
        From :func:`spintorque.analogy.hodograph`.
    rings : list of RingForces, optional
        From :func:`spintorque.analogy.ring_forces`; drawn as force arrows at the rings.
    axes : two matplotlib Axes, optional
    names : list of str, optional
        Layer names, for the legend.

    Returns
    -------
    numpy.ndarray of two Axes: mu_s [µV] and j_s [A/m²] hodographs.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 5), constrained_layout=True)
    ax_mu, ax_j = axes
    mu = hodo.mu_2d * 1e6
    span = float(np.abs(mu).max()) or 1.0
    for k in np.unique(hodo.layer):
        sel = hodo.layer == k
        label = names[k] if names is not None else f"layer {k}"
        ax_mu.plot(mu[sel, 0], mu[sel, 1], lw=2, label=label)
        ax_j.plot(hodo.js_2d[sel, 0], hodo.js_2d[sel, 1], "o-", ms=3, lw=2, label=label)
    for name, rod in hodo.rods.items():
        for ax, scale in ((ax_mu, 1.3 * span), (ax_j, 1.3 * float(np.abs(hodo.js_2d).max()))):
            ax.plot([-scale * rod[0], scale * rod[0]], [-scale * rod[1], scale * rod[1]],
                    color="0.6", lw=0.8, ls="--")
            ax.text(scale * rod[0], scale * rod[1], f"m({name})", color="0.4", fontsize=8)
    ring_nodes = [r.node for r in rings] if rings else []
    nodes = hodo.node_mu_2d * 1e6
    ax_mu.plot(nodes[ring_nodes, 0], nodes[ring_nodes, 1], "o", mfc="none", mec="k", ms=9,
               label="rings")
    if rings:
        force_scale = 0.25 * span / max(
            max(np.linalg.norm(r.source), np.linalg.norm(r.tension_left)) for r in rings)
        for r in rings:
            k = r.node
            R = hodo.maps[min(k, len(hodo.maps) - 1)]
            start = nodes[k]
            first = r is rings[0]
            for vector, color, label in ((r.source, "C3", "source p J m"),
                                         (r.elastic, "C2", "elastic reaction"),
                                         (r.tension_left + r.tension_right, "C0", "cord tensions")):
                if np.linalg.norm(vector) > 0:
                    _arrow(ax_mu, start, force_scale * (R @ vector), color,
                           label if first else None)
    for k in range(len(hodo.node_js_2d)):
        left, right = hodo.node_js_2d[k]
        if np.linalg.norm(left - right) > 1e-9 * float(np.abs(hodo.node_js_2d).max()):
            _arrow(ax_j, right, left - right, "C3", "Δj_s (jump)" if k == 1 else None)
    for ax, title, unit in ((ax_mu, "spin accumulation hodograph", "µV"),
                            (ax_j, "spin current hodograph", "A/m²")):
        ax.axhline(0, color="k", lw=0.5)
        ax.axvline(0, color="k", lw=0.5)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_title(f"{title} (folded) [{unit}]", fontsize=10)
        ax.legend(fontsize=8, loc="best")
    return np.asarray(axes)


def plot_sign_map(ds: xr.Dataset, key: str = "g2", ax: Any = None) -> Any:
    """Sign of g (negative shaded) over (parameter, θ) from :func:`spintorque.analogy.sign_map`."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.8), constrained_layout=True)
    value = ds["value"].values
    scale, unit = (1e9, "nm") if ds["value"].attrs.get("units") == "m" else (1.0, "")
    label = ds["value"].attrs.get("long_name", "value")
    if ds.attrs.get("parameter") == "spin_asymmetry":  # the seed's asymmetry axis, p2/p1
        value, scale, label = ds["p2_over_p1"].values, 1.0, "p2/p1"
    theta = np.degrees(ds["theta"].values)
    negative = (ds[key].values < 0).astype(float)
    ax.contourf(value * scale, theta, negative.T, levels=[-0.5, 0.5, 1.5],
                colors=["#ffffff", "#f2b8b8"])
    ax.contour(value * scale, theta, ds[key].values.T, levels=[0.0], colors="C3")
    ax.set_xlabel(f"{label} [{unit}]" if unit else label)
    ax.set_ylabel("θ between m1 and m2 [deg]")
    ax.set_title(f"{key} < 0 shaded", fontsize=10)
    return ax
