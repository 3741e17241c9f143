"""Figures. matplotlib is imported lazily, inside each function; each takes results, returns Axes."""

from spintorque.plotting.analogy import plot_hodograph, plot_sign_map
from spintorque.plotting.magnetoresistance import plot_magnetoresistance
from spintorque.plotting.switching import plot_switching
from spintorque.plotting.thermal import plot_activation
from spintorque.plotting.transport import plot_efficiency, plot_profiles
from spintorque.plotting.wer import plot_target_current, plot_wer

__all__ = [
    "plot_activation",
    "plot_efficiency",
    "plot_hodograph",
    "plot_magnetoresistance",
    "plot_profiles",
    "plot_sign_map",
    "plot_switching",
    "plot_target_current",
    "plot_wer",
]
