"""Plot of the angular magnetoresistance RA(θ), with RA_P, RA_AP, extrema and torque zeros."""

from __future__ import annotations

from typing import Any

import numpy as np

MOHM_UM2 = 1e-15
"""1 mΩ·µm² in Ω·m² (the plotted unit)."""


def plot_magnetoresistance(result: Any, ax: Any = None) -> Any:
    """RA(θ) [mΩ·µm²] from :func:`spintorque.transport.magnetoresistance.magnetoresistance`.

    Dashed lines mark RA_P and RA_AP, dots the interior extrema of RA(θ), and dotted vertical
    lines the angles where a torque changes sign (in a sink/F1/N/F2/sink valve they coincide
    with the extrema exactly).

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.0), constrained_layout=True)
    theta = np.degrees(result.theta)
    ax.plot(theta, result.resistance_area / MOHM_UM2, color="C0", label="RA(θ)")
    ax.axhline(result.resistance_area_parallel / MOHM_UM2, color="C2", ls="--", lw=0.8, label="RA_P")
    ax.axhline(result.resistance_area_antiparallel / MOHM_UM2, color="C3", ls="--", lw=0.8, label="RA_AP")
    if result.extremum_angles.size:
        from spintorque.transport.magnetoresistance import resistance_area_at

        values = resistance_area_at(result.stack, result.rotate, result.extremum_angles)
        ax.plot(np.degrees(result.extremum_angles), values / MOHM_UM2, "o", color="k", label="RA extremum")
    for k, (name, zeros) in enumerate(result.torque_zero_angles.items()):
        for j, z in enumerate(zeros):
            ax.axvline(
                np.degrees(z),
                color=f"C{4 + k}",
                ls=":",
                lw=1.2,
                label=f"torque on {name} = 0" if j == 0 else None,
            )
    ax.set_xlabel(f"θ of {result.rotate} [deg]")
    ax.set_ylabel("RA [mΩ·µm²]")
    ratio = result.gmr_ratio
    if ratio is not None:
        ax.set_title(f"GMR ratio AΔR/RA_P = {ratio:.3%}", fontsize=9)
    ax.legend(fontsize=8)
    return ax
