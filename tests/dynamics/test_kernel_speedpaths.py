"""The SIMD block kernel: every code path against the NumPy backend, lanes independent of blocks, RNG."""

from __future__ import annotations

import math

import numpy as np

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


def test_blocks_with_and_without_spares_mixed_give_each_lanes_own_numbers():
    B = 21
    params = {"Q": np.diag([0.0, 0.0, 4e5]), "h": np.zeros(3), "hJ": np.zeros(3), "g": 2.2e5,
              "alpha": 0.1, "stt": 0.0, "sp": np.zeros((0, 3)), "sc": np.zeros((0, 4))}
    m0 = np.tile([0.0, 0.6, 0.8], (B, 1))
    state0 = seed_states(seed_sequence(9), B)
    spare0 = np.where(np.arange(B) % 3 == 0, 0.7, np.nan)  # some lanes hold a spare normal

    def advance(rows):
        m, state, spare = m0[rows].copy(), state0[rows].copy(), spare0[rows].copy()
        switch, sign0 = np.full(len(rows), np.nan), np.ones(len(rows))
        kernel.heun_ensemble(m, state, spare, switch, sign0, 0.0, 1e-12, np.zeros(26), sigma=3e4, **params)
        return m, state, spare

    together = advance(np.arange(B))
    for b in range(B):
        alone = advance(np.array([b]))
        for x, y in zip(alone, together, strict=True):
            np.testing.assert_array_equal(x[0], y[b])


def test_log_and_sincos_kernels_are_accurate_to_an_ulp():
    rng = np.random.default_rng(1)
    u = np.concatenate([rng.random(20_000), 2.0 ** -rng.uniform(0, 52, 20_000), [1.0, 2.0**-52]])
    for x in u:
        exact = math.log(x)
        assert abs(kernel._log(x) - exact) <= math.ulp(exact) + 1e-300
    for x in rng.uniform(-math.pi / 4, math.pi / 4, 20_000):
        s, c = kernel._sincos(x)
        assert abs(s - math.sin(x)) <= math.ulp(math.sin(x))
        assert abs(c - math.cos(x)) <= math.ulp(math.cos(x))
