"""Zero-field steady precession exists for an asymmetric valve whose g2 changes sign, not for a
symmetric one (issue 4; the torque is the exact diffusive torque of the transport solver)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import spintorque as st
from spintorque.analogy import explain
from spintorque.dynamics.analysis import precession, precession_sweep
from spintorque.dynamics.deterministic import integrate
from spintorque.magnet.io import load_macrospin
from spintorque.magnet.torque import DiffusiveTorque, Torques

WAVY = Path(__file__).parents[2] / "examples" / "macrospin" / "wavy_valve.toml"


@pytest.mark.slow
def test_asymmetric_valve_precesses_steadily_at_zero_field_and_symmetric_valve_does_not():
    run = load_macrospin(WAVY)
    stack = run.model.torques["diffusive"].stack
    assert explain(stack).layer_with_sign_change == "F2"  # the wavy torque
    # J > 0: electrons from Co into Py: P and AP both unstable -> a steady orbit; measured over
    # 10-15 ns and over 15-20 ns of one run it is the same (a limit cycle, not a slow transient)
    ds = integrate(run.model, replace(run.conditions, current_density=1.5e11), duration=20e-9,
                   samples=4001, rtol=1e-8, atol=1e-10)
    windows = [ds.isel(time=slice(2000, 3001)), ds.isel(time=slice(3000, 4001))]
    spans = [float(np.ptp(w.m.isel(trajectory=0).sel(component="z").values)) for w in windows]
    freqs = [abs(precession(w, skip=0.0).frequency) for w in windows]
    assert spans[0] > 0.5  # a large-angle orbit
    assert abs(spans[1] / spans[0] - 1) < 1e-3
    assert freqs[0] > 1e9 and abs(freqs[1] / freqs[0] - 1) < 1e-2
    # the same magnet in a symmetric Co/Cu/Co valve: no sign change, and no steady orbit —
    # J > 0 keeps the parallel state, J < 0 switches it to the antiparallel one
    co = stack.layer("F1").material
    symmetric = st.Stack(tuple(replace(layer, material=co) if layer.name == "F2" else layer
                               for layer in stack.layers))
    assert explain(symmetric).layer_with_sign_change is None
    model = replace(run.model, torques=Torques((DiffusiveTorque(symmetric, "F2"),)))
    sweep = precession_sweep(model, run.conditions, [1.5e11, -1.5e11], 60e-9, sample_step=30e-12)
    np.testing.assert_array_equal(sweep.frequency.values, [0.0, 0.0])
    assert np.all(sweep.mz_range.values < 1e-6)
