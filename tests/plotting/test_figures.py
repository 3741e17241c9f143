"""Figures render with Agg and draw the data they are given (line data, not pixels)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import spintorque as st
from spintorque.analogy import hodograph, ring_forces, sign_map
from spintorque.plotting import plot_efficiency, plot_hodograph, plot_profiles, plot_sign_map
from tests.conftest import spherical


@pytest.fixture
def result(co, cu, py):
    stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 6e-9),
                      st.Layer("F2", py, 3e-9, spherical(0.5))), current_density=1e11)
    return st.solve(stack)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_profile_figure_draws_the_exact_profile(result, tmp_path):
    axes = plot_profiles(result, points=50)
    line = axes[0].lines[2]  # z component of mu_s, in µV
    x = line.get_xdata() * 1e-9
    expected = result.profile(x).spin_accumulation.sel(component="z").values * 1e6
    np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-12, atol=1e-18)
    axes[0].figure.savefig(tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 1000


def test_efficiency_figure_draws_g1_and_g2(result, tmp_path):
    ds = st.efficiency(result.stack, "F2", np.radians(np.linspace(0, 180, 37)))
    ax = plot_efficiency(ds)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), ds.g1.values)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), ds.g2.values)
    ax.figure.savefig(tmp_path / "g.png")


def test_hodograph_figure_draws_folded_curves_and_rods(result, tmp_path):
    hodo = hodograph(result, points_per_layer=20)
    axes = plot_hodograph(hodo, ring_forces(result), names=list(result.stack.names))
    spacer = axes[0].lines[1]
    np.testing.assert_allclose(spacer.get_xdata(), hodo.mu_2d[hodo.layer == 1, 0] * 1e6)
    np.testing.assert_allclose(spacer.get_ydata(), hodo.mu_2d[hodo.layer == 1, 1] * 1e6)
    rods = [ln for ln in axes[0].lines if ln.get_linestyle() == "--"]
    assert len(rods) == 2
    labels = [t for t in axes[0].texts if t.get_text().startswith("m(")]
    arrows = [t for t in axes[0].texts if t.get_text() == ""]
    assert len(labels) == 2
    assert len(arrows) == 3 * len(ring_forces(result))  # source, elastic, tensions per ring
    axes[0].figure.savefig(tmp_path / "h.svg")


def test_sign_map_shades_where_g2_is_negative(result, tmp_path):
    ds = sign_map(result.stack, "F2", "thickness", np.linspace(0.5e-9, 6e-9, 12),
                  np.radians(np.linspace(0, 90, 19)))
    assert np.isfinite(ds.g2).all()
    ax = plot_sign_map(ds)
    assert ax.get_xlabel().startswith("F2.thickness")
    ax.figure.savefig(tmp_path / "s.pdf")
    # the shaded region is exactly the negative set: g2 < 0 at small angles, > 0 past 90°
    assert (ds.g2.isel(theta=0) < 0).any() and (ds.g2.isel(theta=-1) > 0).all()


def test_sign_map_over_p2_over_p1_uses_the_asymmetry_axis(result):
    ds = sign_map(result.stack, "F2", "spin_asymmetry", np.linspace(0.05, 0.9, 10),
                  np.radians(np.linspace(0, 90, 10)))
    ax = plot_sign_map(ds)
    assert ax.get_xlabel() == "p2/p1"
    np.testing.assert_allclose(ds.p2_over_p1, np.linspace(0.05, 0.9, 10) / 0.46)


def test_activation_figure_draws_data_and_each_fitted_law():
    from spintorque.plotting import plot_activation
    from spintorque.thermal.fits import LAWS, ActivationData, fit_activation

    current = np.linspace(0, 0.8e-3, 12)
    tau = 1e-9 * np.exp(LAWS["quadratic"](current, 40.0, 1e-3))
    data = ActivationData(current, tau, 0.05 * tau)
    fits = [fit_activation(data, law) for law in LAWS]
    ax = plot_activation(data, fits)
    assert len(ax.lines) >= 3
    quadratic = next(line for line in ax.lines if line.get_label().startswith("quadratic"))
    x = quadratic.get_xdata()
    np.testing.assert_allclose(quadratic.get_ydata(), fits[1].lifetime(x), rtol=1e-12)
    assert ax.get_yscale() == "log"
