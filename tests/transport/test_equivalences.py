"""The same physics reached by different descriptions or code paths gives the same numbers."""

from __future__ import annotations

import numpy as np
import pytest

import spintorque as st
from tests.conftest import spherical


def _valve(co, cu, py, theta=0.8, spacer=(("N", 12e-9),)):
    layers = [st.Layer("F1", co, 6e-9, (0, 0, 1))]
    layers += [st.Layer(name, cu, d) for name, d in spacer]
    layers += [st.Layer("F2", py, 3e-9, spherical(theta, 0.4))]
    return st.Stack(tuple(layers), current_density=1e11)


@pytest.mark.parametrize("split", [0.5, 1e-6, 1 - 1e-6])
def test_splitting_a_normal_layer_changes_nothing(co, cu, py, split):
    whole = st.solve(_valve(co, cu, py))
    parts = st.solve(_valve(co, cu, py, spacer=(("Na", split * 12e-9),
                                                ("Nb", (1 - split) * 12e-9))))
    np.testing.assert_allclose(parts.spin_accumulation[[0, 1, 3, 4]], whole.spin_accumulation,
                               rtol=1e-12, atol=1e-12 * np.abs(whole.spin_accumulation).max())
    np.testing.assert_allclose(parts.torques[[0, 3]], whole.torques[[0, 2]], rtol=1e-11,
                               atol=1e-11 * np.abs(whole.torques).max())
    x = np.linspace(0, 21e-9, 50)
    np.testing.assert_allclose(parts.profile(x).spin_accumulation, whole.profile(x).spin_accumulation,
                               rtol=1e-11, atol=1e-11 * np.abs(whole.spin_accumulation).max())


def test_splitting_a_ferromagnet_into_collinear_halves_changes_nothing(co, cu, py):
    whole = st.solve(_valve(co, cu, py))
    halves = st.Stack((st.Layer("F1a", co, 2e-9, (0, 0, 1)), st.Layer("F1b", co, 4e-9, (0, 0, 1)),
                       *_valve(co, cu, py).layers[1:]), current_density=1e11)
    split = st.solve(halves)
    np.testing.assert_allclose(split.spin_accumulation[[0, 2, 3, 4]], whole.spin_accumulation,
                               rtol=1e-12, atol=1e-12 * np.abs(whole.spin_accumulation).max())
    np.testing.assert_allclose(split.torques[0] + split.torques[1], whole.torques[0], rtol=1e-11)


def test_general_and_line_kernels_agree(co, cu, py, rng):
    stack = _valve(co, cu, py)
    mags = rng.normal(size=(50, 2, 3))
    a = st.solve(stack, mags, kernel="general")
    b = st.solve(stack, mags, kernel="lines")
    np.testing.assert_allclose(a.mu_unit, b.mu_unit, rtol=1e-13, atol=1e-13 * np.abs(a.mu_unit).max())
    np.testing.assert_allclose(a.delta_unit, b.delta_unit, rtol=1e-13,
                               atol=1e-13 * np.abs(a.delta_unit).max())


def test_batched_solve_equals_one_solve_per_configuration(co, cu, py, rng):
    stack = st.Stack((st.Layer("N0", cu, 3e-9), st.Layer("F1", co, 6e-9, (0, 0, 1)),
                      st.Layer("N1", cu, 5e-9), st.Layer("N2", cu, 4e-9),
                      st.Layer("F2", py, 3e-9, (1, 0, 0)), st.Layer("F3", co, 2e-9, (0, 1, 0))),
                     left=st.Lead(cu), right=st.Lead(co, (0, 0, -1)), current_density=-4e10)
    mags = rng.normal(size=(20, 3, 3))
    mags[3, 2] = mags[3, 1]  # one case where F2/F3 touch collinearly, the rest pinned
    batch = st.solve(stack, mags)
    for k in range(len(mags)):
        single = st.solve(stack, mags[k])
        # a few ulps: numpy may normalise a batch of vectors in a different summation order
        # (errors measured against each array's largest entry, not per small component)
        np.testing.assert_allclose(batch.spin_accumulation[k], single.spin_accumulation, rtol=0,
                                   atol=1e-14 * np.abs(single.spin_accumulation).max())
        np.testing.assert_allclose(batch.torques[k], single.torques, rtol=0,
                                   atol=1e-14 * np.abs(single.torques).max())
    assert batch.rank[3, 5] == 1 and batch.rank[0, 5] == 0  # node 5: the F2/F3 contact


@pytest.mark.parametrize("m2", [(0.0, 0.0, 1.0), spherical(0.9), (0.0, 0.0, -1.0)])
def test_vanishing_spacer_limit_matches_touching_ferromagnets(co, py, cu, m2):
    # F/N/F with d_N -> 0 tends to the F/F contact: pinned mu = 0 for θ ≠ 0, a shared node at θ = 0.
    touching = st.solve(st.Stack((st.Layer("F1", co, 6e-9, (0, 0, 1)), st.Layer("F2", py, 3e-9, m2)),
                                 current_density=1e11))
    thin = st.solve(st.Stack((st.Layer("F1", co, 6e-9, (0, 0, 1)), st.Layer("N", cu, 1e-16),
                              st.Layer("F2", py, 3e-9, m2)), current_density=1e11))
    scale = co.polarization * 1e11 / co.spin_conductance  # unpinned accumulation scale [V]
    theta = np.arccos(np.clip(m2[2], -1, 1))
    np.testing.assert_allclose(touching.spin_accumulation[[0, 1, 2]],
                               thin.spin_accumulation[[0, 1, 3]], atol=1e-7 * scale)
    np.testing.assert_allclose(touching.torques, thin.torques[[0, 2]], rtol=1e-6,
                               atol=1e-7 * np.abs(thin.torques).max() + 1e-30)
    if 0 < theta < np.pi:
        assert np.linalg.norm(touching.spin_accumulation[1]) == 0.0
        assert np.linalg.norm(touching.torques[1]) > 0


def test_ultrathin_spacer_pins_mu_only_for_noncollinear_magnets(co, py, cu):
    # The singular d_N -> 0 limit (TRANSPORT.md §7): for θ ≠ 0 the spin-coupled resistance of a
    # sink/F/N/F/sink valve vanishes in proportion to d_N (mu pinned to 0 at the spacer); at
    # θ = 0 it tends to the finite value of the collinear F/F contact.
    def ra(theta: float, d: float) -> float:
        stack = st.Stack((st.Layer("F1", co, 6e-9, (0, 0, 1)), st.Layer("N", cu, d),
                          st.Layer("F2", py, 3e-9, spherical(theta))))
        return float(st.solve(stack).spin_resistance_area)
    touching = float(st.solve(st.Stack((st.Layer("F1", co, 6e-9, (0, 0, 1)),
                                        st.Layer("F2", py, 3e-9, (0, 0, 1))))).spin_resistance_area)
    assert ra(0.0, 1e-15) == pytest.approx(touching, rel=1e-6, abs=0)
    assert ra(0.5, 1e-13) / ra(0.5, 1e-15) == pytest.approx(100.0, rel=1e-3)
    assert ra(0.5, 1e-15) < 1e-6 * touching
