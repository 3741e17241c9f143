"""The SIMD block kernel: every code path against the NumPy backend, lanes independent of blocks, RNG."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spintorque.dynamics import kernel, run_stochastic, seed_sequence, seed_states
from spintorque.magnet import (
    Conditions,
    Demag,
    FieldLike,
    Macrospin,
    MacrospinModel,
    Slonczewski,
    Uniaxial,
    Zeeman,
)

# Tilted axis: Q has off-diagonal entries. Two Slonczewski terms: the general per-term path, one with
# Lambda = 1 (constant epsilon) and one with Lambda != 1.
TILTED = MacrospinModel(
    Macrospin(1e6, 2e-9, 2e-16, 0.05, initial=(0.2, 0.1, 1.0)),
    Uniaxial(6e5, (0.3, 0.1, 1.0)) + Demag((0.1, 0.2, 0.7)) + Zeeman((2e3, -1e3, 1e4)),
    Slonczewski(0.6, polarizer=(0, 0, 1))
    + Slonczewski(0.3, Lambda=1.5, epsilon_prime=0.05, polarizer=(1, 0, 0), name="slon2")
    + FieldLike(0.1, (0, 1, 0)))
LAMBDA_ONE = MacrospinModel(Macrospin(1e6, 2e-9, 2e-16, 0.05, initial=(0.1, 0.0, 1.0)),
                            Uniaxial(6e5) + Demag((0, 0, 1)), Slonczewski(0.6, polarizer=(0, 0, -1)))
PULSE = Conditions(lambda t: 4e11 if t < 6e-11 else 0.0, 300.0)


def _run(model, conditions, backend, trajectories=19, **kw):
    return run_stochastic(model, conditions, duration=1.5e-10, dt=1e-12, trajectories=trajectories,
                          seed=3, save_every=30, backend=backend, **kw)


def test_every_kernel_path_agrees_with_the_numpy_backend():
    for model in (TILTED, LAMBDA_ONE):  # 19 trajectories: a padded last block
        compiled = _run(model, PULSE, "numba")
        reference = _run(model, PULSE, "numpy")
        np.testing.assert_allclose(compiled.m.values, reference.m.values, atol=1e-12)
        np.testing.assert_allclose(compiled.switching_time.values, reference.switching_time.values,
                                   rtol=1e-9, equal_nan=True)


def test_a_trajectory_gives_the_same_bits_in_any_block_position():
    big = _run(LAMBDA_ONE, PULSE, "numba", trajectories=40)
    for size in (1, 17, 33):
        np.testing.assert_array_equal(_run(LAMBDA_ONE, PULSE, "numba", trajectories=size).m.values,
                                      big.m.values[:size])


def test_each_lane_draws_its_own_stream_including_the_rare_slow_ziggurat_path():
    """40 trajectories x 60 steps: ~30 normals need the scalar completion; every lane's result and
    final generator state equal its own run alone and the state ``draw_normals`` reaches."""
    B, steps = 40, 60
    params = {"Q": np.diag([0.0, 0.0, 4e5]), "h": np.zeros(3), "hJ": np.zeros(3), "g": 2.2e5,
              "alpha": 0.1, "stt": 0.0, "sp": np.zeros((0, 3)), "sc": np.zeros((0, 4))}
    m0 = np.tile([0.0, 0.6, 0.8], (B, 1))
    state0 = seed_states(seed_sequence(9), B)

    def advance(rows):
        m, state = m0[rows].copy(), state0[rows].copy()
        switch, sign0 = np.full(len(rows), np.nan), np.ones(len(rows))
        kernel.heun_ensemble(m, state, switch, sign0, 0.0, 1e-12, np.zeros(steps + 1), sigma=3e4, **params)
        return m, state

    together = advance(np.arange(B))
    for b in range(B):
        alone = advance(np.array([b]))
        for x, y in zip(alone, together, strict=True):
            np.testing.assert_array_equal(x[0], y[b])
    state = state0.copy()
    xi = np.empty((B, steps, 3))
    kernel.draw_normals(state, xi)
    np.testing.assert_array_equal(state, together[1])
    _, ratio, _ = kernel.ziggurat_tables()
    rejected = sum(((r >> 1) & (2**52 - 1)) * 2.0**-52 >= ratio[r >> 54]
                   for s in state0 for r in _xoshiro256plus([int(w) for w in s], 3 * steps))
    assert rejected >= 10  # the slow path was exercised (the first tries alone: a lower bound)


def _xoshiro256plus(s, n):
    """n outputs of xoshiro256+ from state s, in Python integers (an independent implementation)."""
    mask = 2**64 - 1
    for _ in range(n):
        yield (s[0] + s[3]) & mask
        t = (s[1] << 17) & mask
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = ((s[3] << 45) | (s[3] >> 19)) & mask


def test_ziggurat_strips_have_equal_areas_and_close_at_the_top():
    x, ratio, f = kernel.ziggurat_tables()
    r = x[1]
    v = x[0] * f[1]  # base strip: width x_0 at height f(r)
    tail = math.sqrt(math.pi / 2) * math.erfc(r / math.sqrt(2))
    assert v == pytest.approx(r * f[1] + tail, rel=1e-14)
    areas = x[1:-1] * (f[2:] - f[1:-1])  # strip k >= 1: width x_k, from f(x_k) to f(x_{k+1})
    np.testing.assert_allclose(areas, v, rtol=1e-9)
    assert abs(f[-2] + v / x[-2] - 1.0) < 1e-13  # the top strip ends at f = 1
    assert np.all(np.diff(x[1:]) < 0) and np.all((ratio[:-1] > 0) & (ratio[:-1] < 1)) and ratio[-1] == 0.0
    assert 1.0 - ratio.mean() < 0.005  # fast path: > 99.5 % of draws
