"""Final states of the T = 0 dynamics: Sun's critical line of a uniaxial macrospin, the wavy
valve's precession, and the classification and labelling of the result."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from spintorque.analytic.dynamics import anisotropy_field
from spintorque.analytic.thermal import sun_critical_current
from spintorque.dynamics.analysis import precession_sweep
from spintorque.dynamics.state import (
    STATES,
    _classify,
    _frame,
    classify_window,
    final_states,
    reference_axis,
    state_input_from_dict,
    with_axial_field,
)
from spintorque.errors import InputError
from spintorque.magnet import Conditions, Macrospin, MacrospinModel, Slonczewski, Uniaxial, Zeeman
from spintorque.magnet.io import load_macrospin

EXAMPLES = Path(__file__).parents[2] / "examples" / "macrospin"
# a uniaxial perpendicular cell with a collinear polarizer (Λ = 1: constant efficiency, Sun's
# case); strong damping keeps τ_D = (1+α²)/(α γ0 H_K) = 36 ps short, so that a few ns suffice
MS, D, DIAMETER, ALPHA, K, P = 1e6, 1.5e-9, 40e-9, 0.5, 2e5, 0.6
MAGNET = Macrospin.disk(MS, D, DIAMETER, damping=ALPHA)
MODEL = MacrospinModel(MAGNET, Uniaxial(K, (0, 0, 1)), Slonczewski(P, polarizer=(0, 0, 1)))
H_K = anisotropy_field(K, MS)


def sun_density(h: float) -> float:
    """Sun's critical current density [A/m²] at the reduced field h along the start state (the
    closed form for the current, thermal.sun_critical_current, divided by the area)."""
    return sun_critical_current(ALPHA, P, MS, MAGNET.area * D, H_K, h * H_K) / MAGNET.area


def test_zero_field_p_switches_to_ap_just_above_sun_critical_current_and_not_just_below():
    Jc = sun_density(0.0)
    below = final_states(MODEL, -0.95 * Jc, duration=4e-9, field=0.0)
    above = final_states(MODEL, -1.05 * Jc, duration=4e-9, field=0.0)
    assert below.states == ("P", "AP")  # J < 0 pushes m from p: the AP start is stabilised
    assert above.states == ("AP", "AP")
    # and the AP start at J > 0, whose threshold is the same J_c0 at zero field
    assert final_states(MODEL, 0.95 * Jc, duration=4e-9, field=0.0).states == ("P", "AP")
    assert final_states(MODEL, 1.05 * Jc, duration=4e-9, field=0.0).states == ("P", "P")


def test_a_field_along_p_raises_the_p_to_ap_current_and_lowers_the_ap_to_p_current():
    h = 0.3
    # J_c(P→AP) = J_c0 (1 + h): 1.1 J_c0 switches at h = 0, not at h = 0.3
    assert final_states(MODEL, -1.1 * sun_density(0.0), duration=6e-9, field=h * H_K).states[0] == "P"
    # J_c(AP→P) = J_c0 (1 − h): the field is −h along the AP start
    assert final_states(MODEL, 1.06 * sun_density(-h), duration=6e-9, field=h * H_K).states[1] == "P"
    assert final_states(MODEL, 0.94 * sun_density(-h), duration=6e-9, field=h * H_K).states[1] == "AP"


@pytest.mark.slow
@pytest.mark.parametrize("h", [-0.3, 0.0, 0.3])
def test_bisected_p_to_ap_boundary_lies_on_sun_line_ic0_times_one_plus_h(h: float):
    low, high = 0.8, 1.25  # in units of J_c0 (1 + h); P stays at 0.8 and switches at 1.25
    Jc = sun_density(h)
    assert final_states(MODEL, -low * Jc, duration=20e-9, field=h * H_K).states[0] == "P"
    assert final_states(MODEL, -high * Jc, duration=20e-9, field=h * H_K).states[0] == "AP"
    for _ in range(5):
        mid = 0.5 * (low + high)
        state = final_states(MODEL, -mid * Jc, duration=20e-9, field=h * H_K).states[0]
        low, high = (low, mid) if state == "AP" else (mid, high)
    # the bracket is 1.4 % wide; the finite run delays a switch just above threshold by ~1 %
    assert 0.97 < low < high < 1.03, (h, low, high)


@pytest.mark.slow
def test_wavy_valve_precesses_steadily_from_both_starts_with_a_frequency():
    run = load_macrospin(EXAMPLES / "wavy_valve.toml")
    rest = final_states(run.model, 0.0, duration=5e-9)
    assert rest.states == ("P", "AP") and rest.frequencies == (None, None)
    J = 0.5e11
    result = final_states(run.model, J, duration=20e-9)
    assert result.states == ("precession", "precession")
    f_p, f_ap = result.frequencies
    assert f_p is not None and f_ap is not None and 1e9 < f_p < 1e11 and 1e9 < f_ap < 1e11
    # the orbit reached from near P is the one precession_sweep finds from the file's start
    # (0.2 rad from +z): the same frequency, measured by its own sampling of its own run
    sweep = precession_sweep(run.model, run.conditions, [J], 20e-9)
    assert abs(float(sweep.frequency[0]) / f_p - 1) < 1e-2


def test_wavy_valve_at_rest_stays_p_and_ap_and_precesses_under_current():
    run = load_macrospin(EXAMPLES / "wavy_valve.toml")
    assert final_states(run.model, 0.0, duration=2e-9).states == ("P", "AP")
    result = final_states(run.model, 0.5e11, duration=8e-9)
    assert result.states == ("precession", "precession")
    assert all(f is not None and f > 1e9 for f in result.frequencies)


def test_classify_tells_a_static_state_a_decaying_orbit_a_steady_orbit_and_a_transient():
    u = np.array([0.0, 0.0, 1.0])
    frame = _frame(u)
    t = np.linspace(0, 1e-9, 2001)
    w = 2 * np.pi * 5e9

    def cone(angle: np.ndarray) -> np.ndarray:
        return np.stack([np.sin(angle) * np.cos(w * t), np.sin(angle) * np.sin(w * t), np.cos(angle)], axis=1)

    assert _classify(cone(np.full(t.size, 1e-6)), frame, 0.5)[0] == "P"
    assert _classify(-cone(np.full(t.size, 1e-6)), frame, 0.5)[0] == "AP"
    assert _classify(cone(0.3 * np.exp(-t / 2e-10)), frame, 0.5)[0] == "P"  # relaxing to P
    assert _classify(cone(np.full(t.size, 1.2)), frame, 0.5)[0] == "precession"
    assert _classify(cone(np.linspace(0.2, 2.5, t.size)), frame, 0.5)[0] == "other"  # leaving P
    assert _classify(cone(np.full(t.size, 1e-7) + 1.4), frame, 0.5)[0] == "precession"
    canted = np.tile([math.sin(1.4), 0.0, math.cos(1.4)], (t.size, 1))
    assert _classify(canted, frame, 0.5)[0] == "other"  # static, but neither P nor AP


@settings(max_examples=40, deadline=None)
@given(
    theta=st.floats(0.0, math.pi),
    phi=st.floats(0.0, 2 * math.pi),
    cone=st.floats(0.3, 1.3),
    frequency=st.floats(1e9, 2e10),
)
def test_classification_and_frequency_do_not_depend_on_the_axis_direction(theta, phi, cone, frequency):
    u = np.array([math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi), math.cos(theta)])
    frame = _frame(u)
    t = np.arange(4096) * 5e-12  # 20.48 ns, 100 samples per ns
    w = 2 * np.pi * frequency
    local = np.stack(
        [math.sin(cone) * np.cos(w * t), math.sin(cone) * np.sin(w * t), np.full(t.size, math.cos(cone))],
        axis=1,
    )
    orbit = local @ frame  # the cone about u, in the lab frame
    state, f = classify_window(t, orbit, u)
    assert state == "precession" and f is not None
    # FFT bin 49 MHz; the parabolic peak alone is off by up to 0.05 bin (2e-3 here), the phase
    # drift of the demodulated orbit brings it to a few 1e-6 (300 random cones: 3.3e-6)
    assert abs(f / frequency - 1) < 2e-5
    assert classify_window(t, np.tile(u, (t.size, 1)), u) == ("P", None)
    assert classify_window(t, np.tile(-u, (t.size, 1)), u) == ("AP", None)


def test_reference_axis_points_along_the_fixed_layer():
    down = MacrospinModel(MAGNET, Uniaxial(K, (0, 0, 1)), Slonczewski(P, polarizer=(0, 0, -1)))
    np.testing.assert_allclose(reference_axis(down)[0], [0, 0, -1], atol=1e-12)
    np.testing.assert_allclose(reference_axis(MODEL)[0], [0, 0, 1], atol=1e-12)
    wavy = load_macrospin(EXAMPLES / "wavy_valve.toml")  # diffusive: F1 along +z
    axis, source = reference_axis(wavy.model)
    np.testing.assert_allclose(axis, [0, 0, 1], atol=1e-12)
    assert "fixed layer" in source


def test_field_override_replaces_the_zeeman_terms_by_one_field_along_u():
    run = load_macrospin(EXAMPLES / "perpendicular.toml")  # has Zeeman (0, 0, 1e4)
    model = with_axial_field(run.model, -2e4, reference_axis(run.model)[0])
    zeeman = model.energy.of_type(Zeeman)
    assert len(zeeman) == 1 and zeeman[0].field == (0.0, 0.0, -2e4)
    assert model.energy.names.count("uniaxial") == 1 and "demag" in model.energy


def test_result_dataset_has_cf_flags_and_json_is_strict():
    result = final_states(MODEL, 0.0, duration=1e-9, field=1e4)
    ds = result.to_dataset()
    assert ds.state.attrs["flag_meanings"].split() == list(STATES)
    assert ds.state.attrs["flag_values"] == [0, 1, 2, 3]
    assert ds.state.values.tolist() == [0, 1] and bool(np.isnan(ds.frequency).all())
    assert isinstance(ds, xr.Dataset) and list(ds.start.values) == ["P", "AP"]
    doc = json.loads(json.dumps(result.to_json_dict(), allow_nan=False))
    assert doc["from_p"]["state"] == "P" and doc["from_p"]["frequency_hz"] is None
    assert doc["from_p"]["frequency_reason"]


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"duration": -1e-9}, "--duration"),
        ({"duration": 1e-9, "tilt": 0.0}, "tilt"),
        ({"duration": 1e-9, "threshold": 1.0}, "threshold"),
        ({"duration": 1e-9, "field": 2e9}, "--field"),
        ({"duration": 1e-9, "window": 0.0}, "window"),
        ({"duration": 1.0}, "--duration"),
    ],
)
def test_bad_arguments_are_refused_naming_them(kwargs: dict, flag: str):
    with pytest.raises(InputError) as info:
        final_states(MODEL, 0.0, **kwargs)
    assert info.value.field == flag


def test_state_table_gives_the_field_and_refuses_unknown_keys():
    data = {
        "magnet": {
            "saturation_magnetization": "1e6 A/m",
            "thickness": "1.5 nm",
            "diameter": "40 nm",
            "damping": 0.5,
            "initial": [0, 0, 1],
        },
        "energy": [{"type": "uniaxial", "K": "2e5 J/m^3", "axis": [0, 0, 1]}],
        "state": {"field": "2 kA/m"},
    }
    assert state_input_from_dict(data).field == 2000.0
    data["state"] = {"feild": "2 kA/m"}
    with pytest.raises(InputError, match=r"state\.feild"):
        state_input_from_dict(data)
    assert Conditions().temperature == 0.0
