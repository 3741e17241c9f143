"""The RA(θ) figure draws the curve, RA_P/RA_AP, the extremum and the torque zero."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

import spintorque as st
from spintorque.plotting import plot_magnetoresistance
from spintorque.transport.magnetoresistance import magnetoresistance


def test_figure_marks_the_extremum_at_the_torque_zero(co, py, cu, tmp_path):
    stack = st.Stack(
        (st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 10e-9), st.Layer("F2", py, 3e-9, (0, 0, 1)))
    )
    mr = magnetoresistance(stack, "F2", np.radians(np.linspace(0, 180, 91)))
    ax = plot_magnetoresistance(mr)
    curve = ax.lines[0]
    np.testing.assert_allclose(curve.get_ydata(), mr.resistance_area / 1e-15)
    labels = [line.get_label() for line in ax.lines]
    assert "RA extremum" in labels and "torque on F2 = 0" in labels
    marker = ax.lines[labels.index("RA extremum")]
    vline = ax.lines[labels.index("torque on F2 = 0")]
    assert np.degrees(mr.extremum_angles[0]) == marker.get_xdata()[0]
    assert abs(vline.get_xdata()[0] - marker.get_xdata()[0]) < 1e-6
    ax.figure.savefig(tmp_path / "r.png")
    plt.close(ax.figure)
