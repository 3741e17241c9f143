"""Figures. matplotlib is imported lazily, inside each function; each takes results and returns Axes."""

from spintorque.plotting.transport import plot_efficiency, plot_profiles

__all__ = ["plot_efficiency", "plot_profiles"]
