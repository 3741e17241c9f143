"""Stack files: unknown keys in any table are refused with the allowed keys and the closest one;
values outside their physical range are refused with the range; the ends of every range solve
to finite numbers."""

from __future__ import annotations

import copy
import math
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

import spintorque as st
from spintorque.errors import InputError
from spintorque.stack import STACK_SCHEMA, stack_from_dict
from spintorque.units import to_si

EXAMPLE = Path(__file__).parents[1] / "examples" / "co_cu_py.toml"
BASE = tomllib.loads(EXAMPLE.read_text())


def edited(path: tuple, value: object) -> dict:
    doc = copy.deepcopy(BASE)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def renamed(path: tuple, new: str) -> dict:
    doc = copy.deepcopy(BASE)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[new] = node.pop(path[-1])
    return doc


def refusal(doc: dict) -> str:
    with pytest.raises(InputError) as info:
        stack_from_dict(doc, "co_cu_py.toml")
    message = str(info.value)
    assert "\n" not in message and message.startswith("co_cu_py.toml: ")
    return message


@pytest.mark.parametrize(("path", "typo", "expected"), [
    (("leads", "left"), "lft", "co_cu_py.toml: leads.lft: unknown key (allowed: left, right); "
                               "did you mean 'left'?"),
    (("current", "density"), "densty", "current.densty: unknown key (allowed: density); "
                                       "did you mean 'density'?"),
    (("layers",), "layer", "layer: unknown key (allowed: current, database_interfaces, interfaces, "
                           "layers, leads, materials); did you mean 'layers'?"),
    (("layers", 1, "thickness"), "thicknes", "layers[1].thicknes: unknown key (allowed: "
                                             "magnetization, material, name, thickness); did you "
                                             "mean 'thickness'?"),
    (("materials", "MyCo", "spin_asymmetry"), "spin_assymetry",
     "materials.MyCo.spin_assymetry: unknown key for a ferromagnet material"),
    (("layers", 2, "magnetization", "phi"), "ph", "layers[2].magnetization.ph: unknown key "
                                                  "(allowed: phi, theta); did you mean 'phi'?"),
])
def test_a_typo_in_any_table_is_refused_with_the_allowed_keys_and_a_suggestion(path, typo,
                                                                               expected):
    assert expected in refusal(renamed(path, typo))


def test_a_typo_in_leads_no_longer_turns_the_lead_into_a_sink():
    doc = renamed(("leads", "right"), "rigth")
    doc["leads"]["rigth"] = "Cu"
    assert "did you mean 'right'?" in refusal(doc)


def test_a_lead_table_refuses_unknown_keys_and_a_normal_metal_magnetization():
    message = refusal(edited(("leads", "right"), {"material": "Co", "magnetisation": [0, 0, 1]}))
    assert "leads.right.magnetisation: unknown key" in message and "'magnetization'" in message
    message = refusal(edited(("leads", "right"), {"material": "Cu", "magnetization": [0, 0, 1]}))
    assert "leads.right.magnetization: not allowed: Cu is a normal metal" in message


def test_a_case_slip_is_suggested():
    assert "did you mean 'density'?" in refusal(renamed(("current", "density"), "Density"))


def test_interfaces_are_accepted_as_they_are_and_must_be_an_array_of_tables():
    doc = copy.deepcopy(BASE)
    doc["interfaces"] = [{"between": ["F1", "N"], "resistance_area": "0.5 fOhm*m^2"}]
    assert stack_from_dict(doc).names == ("F1", "N", "F2")
    doc["interfaces"] = {"between": ["F1", "N"]}
    assert "interfaces: must be an array" in refusal(doc)


def test_every_schema_table_is_a_set_of_names():
    assert set(STACK_SCHEMA) >= {"top level", "current", "leads", "lead", "layer", "angles"}
    assert all(isinstance(keys, frozenset) and keys for keys in STACK_SCHEMA.values())


@pytest.mark.parametrize(("path", "value", "words"), [
    (("layers", 0, "thickness"), "1e299 m", ["layers[0].thickness", "1e-12 m <= d <= 0.01 m",
                                             "'1e299 m'"]),
    (("layers", 0, "thickness"), "1e-400 nm", ["1e-12 m <= d"]),
    (("materials", "MyCu", "spin_diffusion_length"), "2 m", ["l_sf <= 0.01 m"]),
    (("materials", "MyCu", "resistivity"), "1e30 Ohm*m", ["rho <= 1 Ω·m"]),
    (("materials", "MyCo", "spin_asymmetry"), 1e300, ["-1 < beta < 1"]),
    (("current", "density"), "1e21 A/m^2", ["current.density", "J <= 1e+20 A/m²"]),
    (("layers", 2, "magnetization"), {"theta": "1e30 deg"}, ["layers[2].magnetization.theta",
                                                             "two turns"]),
    (("layers", 0, "thickness"), 10**400, ["missing unit", "...("]),
    (("layers", 0, "magnetization"), [10**400, 0, 1], ["must be 3 numbers"]),
    (("layers", 0, "name"), 7, ["layers[0].name: must be a non-empty string"]),
    (("layers", 0, "thickness"), "99999999999999999999**100 nm", ["out of the float range"]),
])
def test_values_outside_their_range_are_refused_with_the_range(path, value, words):
    message = refusal(edited(path, value))
    for word in words:
        assert word in message, message
    assert len(message) < 300


def test_an_exponent_tower_is_refused_at_once():
    start = time.perf_counter()
    message = refusal(edited(("layers", 0, "thickness"), "10**10**10 nm"))
    assert "repeated powers" in message and time.perf_counter() - start < 1.0


@pytest.mark.parametrize("thickness", ["1e-12 m", "1e-2 m"])
@pytest.mark.parametrize("length", ["1e-12 m", "1e-2 m"])
@pytest.mark.parametrize("rho", ["1e-12 Ohm*m", "1 Ohm*m"])
def test_the_ends_of_the_ranges_solve_to_finite_numbers(thickness, length, rho):
    doc = copy.deepcopy(BASE)
    doc["current"]["density"] = "-1e20 A/m^2"
    doc["layers"][1]["thickness"] = thickness
    doc["materials"]["MyCu"].update(resistivity=rho, spin_diffusion_length=length)
    doc["materials"]["MyCo"]["spin_asymmetry"] = 0.999999
    result = st.solve(stack_from_dict(doc))
    for values in (result.spin_accumulation, result.torques, result.resistance_area):
        assert np.all(np.isfinite(values))


def test_huge_and_tiny_vector_components_normalise_without_overflow():
    stack = stack_from_dict(edited(("layers", 0, "magnetization"), [1e308, 1e308, 0]))
    assert stack.layers[0].magnetization == pytest.approx((math.sqrt(0.5), math.sqrt(0.5), 0))
    stack = stack_from_dict(edited(("layers", 0, "magnetization"), [5e-324, 0, 0]))
    assert stack.layers[0].magnetization == (1.0, 0.0, 0.0)


def test_an_integer_power_beyond_the_float_range_is_not_called_a_wrong_unit():
    with pytest.raises(InputError, match="out of the float range"):
        to_si("99999999999999999999**100 nm", "length", "f")
