"""The diffusive torque tabulated versus m·p matches the exact transport solution to its stated
error at directions it was not built on, and is refused where the stack has two fixed axes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from spintorque.dynamics.tabulated import DEFAULT_RTOL, TabulatedTorque, tabulate, tabulate_torques
from spintorque.errors import InputError
from spintorque.magnet.io import load_macrospin
from spintorque.magnet.torque import DiffusiveTorque, Torques
from spintorque.stack import Stack

EXAMPLE = Path(__file__).parents[2] / "examples" / "macrospin" / "perpendicular_diffusive.toml"


@pytest.fixture(scope="module")
def diffusive():
    run = load_macrospin(EXAMPLE)
    table_model, notes = tabulate_torques(run.model)
    return run.model, table_model, notes


def test_the_table_matches_the_exact_torque_at_fresh_directions_within_its_stated_error(diffusive):
    exact_model, table_model, notes = diffusive
    exact, table = exact_model.torques["diffusive"], table_model.torques["diffusive"]
    assert isinstance(table, TabulatedTorque) and 0 < table.error <= DEFAULT_RTOL
    assert "Chebyshev degree" in notes[0]
    m = np.random.default_rng(99).normal(size=(40, 3))
    m = np.vstack([m / np.linalg.norm(m, axis=1, keepdims=True), [[0, 0, 1], [0, 0, -1], [1, 0, 0]]])
    T_exact = np.array([exact.torque_per_area(row, 1.0) for row in m])
    T_table = table.torque_per_area(m, 1.0)
    scale = np.max(np.linalg.norm(T_exact, axis=1))
    assert scale > 0 and np.max(np.linalg.norm(T_table - T_exact, axis=1)) <= 2 * table.error * scale
    assert np.all(T_table[-3:-1] == 0.0)  # collinear: no torque, exactly
    # the rate on one direction (floats) is the vectorised rate, which is the exact one's
    magnet = exact_model.magnet
    one = np.array([table.rate(row, 2e11, magnet) for row in m])
    np.testing.assert_allclose(one, table.rate(m, 2e11, magnet), rtol=0, atol=1e-13 * np.abs(one).max())
    ref = exact.rate(m, 2e11, magnet)
    norm = np.linalg.norm
    assert np.max(norm(one - ref, axis=1)) <= 2 * table.error * np.max(norm(ref, axis=1))


def test_a_stack_with_two_non_collinear_fixed_layers_is_not_tabulated_and_stays_exact(diffusive):
    exact_model, _, _ = diffusive
    term = exact_model.torques["diffusive"]
    stack = term.unit_stack
    f1 = stack.layer("F1")
    spacer = stack.layer("N")
    layers = (
        replace(f1, name="F0", magnetization=(1.0, 0.0, 0.0)),
        replace(spacer, name="N0"),
        *stack.layers,
    )
    tilted = DiffusiveTorque(Stack(layers, stack.left, stack.right), "F2")
    with pytest.raises(InputError, match="not collinear"):
        tabulate(tilted)
    model, notes = tabulate_torques(replace(exact_model, torques=Torques((tilted,))))
    assert isinstance(model.torques["diffusive"], DiffusiveTorque) and "exact" in notes[0]


def test_antiparallel_fixed_layers_are_collinear_and_tabulated(diffusive):
    exact_model, _, _ = diffusive
    stack = exact_model.torques["diffusive"].unit_stack
    layers = (
        replace(stack.layer("F1"), name="F0", magnetization=(0.0, 0.0, -1.0)),
        replace(stack.layer("N"), name="N0"),
        *stack.layers,
    )
    table = tabulate(DiffusiveTorque(Stack(layers, stack.left, stack.right), "F2"))
    assert table.error <= DEFAULT_RTOL and table.polarizer == (0.0, 0.0, -1.0)
