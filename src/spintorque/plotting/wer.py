"""The standard MRAM figures: log10 WER versus pulse length per current, and the current needed
for a target WER versus pulse length."""

from __future__ import annotations

from typing import Any

import numpy as np


def plot_wer(result: Any, read_disturb: bool = False, ax: Any = None) -> Any:
    """log10 WER (or read-disturb probability) versus pulse length, one line per current.

    Pulse axis in seconds for a physical problem, else in tau_N; values that underflowed are
    left out.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.4), constrained_layout=True)
    physical = result.pulse_s is not None
    pulses = result.pulse_s if physical else result.pulse
    values = result.switching_probability if read_disturb else result.write_error_rate
    density = result.problem.current_density
    for row, i in enumerate(result.current_ratio):
        y = values[row]
        keep = y > 0
        label = f"J = {density[row]:.3g} A/m²" if density is not None else f"i = {i:.3g}"
        ax.plot(pulses[keep], np.log10(y[keep]), label=label)
    ax.set_xlabel("pulse length [s]" if physical else "pulse length [tau_N]")
    ax.set_ylabel("log10 read-disturb probability" if read_disturb else "log10 write-error rate")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def plot_target_current(found: Any, tau_N: float | None = None, ax: Any = None) -> Any:
    """Current I/I_c0 needed for the target WER versus pulse length (seconds if tau_N given);
    for the 2D search (no I_c0 off the axis) |J| [A/m²]."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.4), constrained_layout=True)
    pulses = found.pulse * tau_N if tau_N is not None else found.pulse
    inside = ~found.outside
    two_d = hasattr(found, "current_density") and not np.isfinite(found.current_ratio).any()
    values = np.abs(found.current_density) if two_d else found.current_ratio
    ax.plot(pulses[inside], values[inside], "o-", ms=3)
    ax.set_xscale("log")
    ax.set_xlabel("pulse length [s]" if tau_N is not None else "pulse length [tau_N]")
    ax.set_ylabel(f"|J| [A/m^2] for WER = {found.target:.3g}" if two_d
                  else f"I / I_c0 for WER = {found.target:.3g}")
    ax.grid(alpha=0.3)
    return ax
