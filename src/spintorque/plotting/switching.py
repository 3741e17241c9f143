"""Plot of an ensemble's switching probability versus time, judged by geometry."""

from __future__ import annotations

from typing import Any

import numpy as np

from spintorque.dynamics.switching import SwitchingResult


def plot_switching(result: SwitchingResult, ax: Any = None, points: int = 201) -> Any:
    """P(t) [1] versus t [ns] over [0, T − settle], with its ±1 binomial standard error band
    √(P(1 − P)/N) and the median switching time where it exists; returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.4), constrained_layout=True)
    times, curve = result.probability_curve(points)
    error = np.sqrt(curve * (1.0 - curve) / result.trajectories)
    ax.fill_between(times * 1e9, curve - error, curve + error, step="post", alpha=0.3,
                    label="±1 standard error")
    ax.step(times * 1e9, curve, where="post", color="k",
            label=f"switched fraction (N = {result.trajectories})")
    median, _ = result.quantiles((0.5,))[0.5]
    if median is not None:
        ax.axvline(median * 1e9, ls="--", color="0.5", label=f"median {median * 1e9:.3g} ns")
    ax.set_xlabel("time [ns]")
    ax.set_ylabel("switching probability P(t)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"settled at m·u < −{result.criterion.threshold:g} for "
                 f"{result.criterion.settle * 1e9:.3g} ns", fontsize=9)
    ax.legend(fontsize=8)
    return ax
