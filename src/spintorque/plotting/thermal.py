"""Plots of activation data and fitted Néel–Brown laws."""

from __future__ import annotations

from typing import Any

import numpy as np

from spintorque.thermal.fits import ActivationData, ActivationFit


def plot_activation(data: ActivationData, fits: list[ActivationFit], ax: Any = None) -> Any:
    """Dwell time [s] (log scale) or switching probability versus current, with fitted laws."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.4), constrained_layout=True)
    current = np.linspace(float(data.current.min()), float(data.current.max()), 300)
    if data.dwell_time is not None:
        ax.errorbar(data.current, data.dwell_time, yerr=data.dwell_time_error, fmt="o", color="k",
                    label="data")
        for fit in fits:
            ax.plot(current, fit.lifetime(current), label=f"{fit.law} (AIC {fit.aic:.1f})")
        ax.set_yscale("log")
        ax.set_ylabel("mean dwell time [s]")
    else:
        assert data.probability is not None and data.pulse_duration is not None
        ax.plot(data.current, data.probability, "o", color="k", label="data")
        pulse = float(np.median(data.pulse_duration))
        for fit in fits:
            ax.plot(current, -np.expm1(-pulse / fit.lifetime(current)),
                    label=f"{fit.law} (AIC {fit.aic:.1f})")
        ax.set_ylabel(f"switching probability (pulse {pulse:.3g} s)")
    ax.set_xlabel("current (as in the data file)")
    ax.legend(fontsize=8)
    return ax
