"""Ring forces balance; hodographs fold isometrically and sag with relaxation (seed §3)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import spintorque as st
from spintorque.analogy import hodograph, ring_forces
from tests.conftest import spherical


@pytest.fixture
def noncoplanar(co, py, cu) -> st.Stack:
    return st.Stack(
        (st.Layer("F1", co, 6e-9, spherical(0.3, 0.2)), st.Layer("N1", cu, 7e-9),
         st.Layer("F2", py, 4e-9, spherical(1.2, 2.0)), st.Layer("N2", cu, 3e-9),
         st.Layer("N3", cu, 9e-9), st.Layer("F3", co, 5e-9, spherical(2.5, -1.0))),
        left=st.Lead(cu), right=st.Lead(py, spherical(0.1, 0.0)), current_density=3e11)


def valve(co, cu, f2, theta=0.6, lN=None, dN=10e-9):
    spacer = cu if lN is None else st.NormalMetal("N", cu.resistivity, lN)
    return st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", spacer, dN),
                     st.Layer("F2", f2, 3e-9, spherical(theta))), current_density=1e11)


def test_forces_balance_along_every_rod(co, cu, py, noncoplanar):
    for stack in (valve(co, cu, py), noncoplanar):
        rings = ring_forces(st.solve(stack))
        assert len(rings) >= 2
        for ring in rings:
            assert ring.imbalance <= 1e-12


def test_valve_ring_forces_are_the_seeds_source_and_elastic_reaction(co, cu, py):
    # F1 grounded by a sink: its tension at the ring is p1 J - G̃1 mu1 (eq. 13).
    result = st.solve(valve(co, cu, py))
    ring = ring_forces(result)[0]
    mu1 = float(np.dot(ring.position, [0, 0, 1]))
    G1 = co.spin_conductance / np.tanh(8e-9 / co.spin_diffusion_length)
    np.testing.assert_allclose(ring.source, [0, 0, co.polarization * 1e11], rtol=1e-15)
    np.testing.assert_allclose(ring.elastic, [0, 0, -G1 * mu1], rtol=1e-12,
                               atol=1e-12 * abs(G1 * mu1))


def test_normal_layer_without_relaxation_is_a_straight_cord_and_its_current_a_point(co, cu, py):
    result = st.solve(valve(co, cu, py, lN=1e3))  # l_N = 1 km: no relaxation
    h = hodograph(result, points_per_layer=41)
    inside = h.layer == 1
    mu, js = h.mu[inside], h.js[inside]
    chord = mu[-1] - mu[0]
    off_line = np.linalg.norm(np.cross(mu - mu[0], chord), axis=1) / np.linalg.norm(chord)
    assert off_line.max() <= 1e-9 * np.linalg.norm(chord)
    assert np.ptp(js, axis=0).max() <= 1e-9 * np.abs(js).max()


def _sag(co, cu, py, lN):
    h = hodograph(st.solve(valve(co, cu, py, lN=lN)), points_per_layer=201)
    mu = h.mu_2d[h.layer == 1]
    chord = mu[-1] - mu[0]
    rel = mu - mu[0]
    distance = np.abs(rel[:, 0] * chord[1] - rel[:, 1] * chord[0]) / np.linalg.norm(chord)
    return float(distance.max() / np.linalg.norm(chord))


def test_sag_grows_with_relaxation(co, cu, py):
    sags = [_sag(co, cu, py, lN) for lN in (1e-6, 1e-7, 3e-8, 1e-8)]
    assert all(a < b for a, b in itertools.pairwise(sags))
    # for weak relaxation the relative sag scales as (d/l)²
    assert _sag(co, cu, py, 2e-6) / _sag(co, cu, py, 1e-6) == pytest.approx(0.25, rel=2e-2)


def test_folding_preserves_lengths_and_ring_angles(noncoplanar):
    result = st.solve(noncoplanar)
    h = hodograph(result)
    np.testing.assert_allclose(np.linalg.norm(h.mu_2d, axis=1), np.linalg.norm(h.mu, axis=1),
                               rtol=1e-12, atol=1e-12 * np.abs(h.mu).max())
    np.testing.assert_allclose(np.linalg.norm(h.js_2d, axis=1), np.linalg.norm(h.js, axis=1),
                               rtol=1e-12, atol=1e-12 * np.abs(h.js).max())
    for k, layer in enumerate(noncoplanar.layers):
        R = h.maps[k]
        np.testing.assert_allclose(R @ R.T, np.eye(2), atol=1e-14)
        if layer.is_ferromagnet:
            m = np.asarray(layer.magnetization)
            for side in (0, 1):  # angle between each adjacent cord's current and the rod
                node = k + side
                j3 = (result.spin_current_left if side else result.spin_current_right)[node]
                j2 = h.node_js_2d[node, 1 - side]
                assert np.dot(j2, h.rods[layer.name]) == pytest.approx(np.dot(j3, m), rel=1e-12)
    # the two sides of every node fold to the same point
    for k in range(1, len(noncoplanar.layers)):
        a, b = h.maps[k - 1] @ result.spin_accumulation[k], h.maps[k] @ result.spin_accumulation[k]
        np.testing.assert_allclose(a, b, atol=1e-12 * np.abs(result.spin_accumulation).max())


def test_a_coplanar_stack_folds_onto_itself(co, cu, py):
    stack = st.Stack((st.Layer("F1", co, 6e-9, (0, 0, 1)), st.Layer("N1", cu, 7e-9),
                      st.Layer("F2", py, 4e-9, spherical(1.0)), st.Layer("N2", cu, 3e-9),
                      st.Layer("F3", co, 5e-9, spherical(2.6)), st.Layer("N3", cu, 4e-9)),
                     left=st.Lead(cu), right=st.Lead(cu))
    h = hodograph(st.solve(stack), points_per_layer=15)
    d3 = np.linalg.norm(h.mu[:, None] - h.mu[None], axis=-1)
    d2 = np.linalg.norm(h.mu_2d[:, None] - h.mu_2d[None], axis=-1)
    np.testing.assert_allclose(d2, d3, atol=1e-12 * d3.max())
