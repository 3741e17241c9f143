"""Macrospin and two-free-layer files: unknown keys in any table are refused with the allowed
keys and the closest one; values outside their physical range are refused with the range; the
ends of the ranges give a finite LLG rate."""

from __future__ import annotations

import copy
import itertools
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from spintorque.dynamics.llg import llg_rate
from spintorque.dynamics.timestep import suggested_time_step
from spintorque.errors import InputError
from spintorque.magnet.io import macrospin_from_dict
from spintorque.magnet.pair_io import coupled_from_dict

FOLDER = Path(__file__).parents[2] / "examples" / "macrospin"
BASE = tomllib.loads((FOLDER / "perpendicular.toml").read_text())
COUPLED = tomllib.loads((FOLDER / "coupled_valve.toml").read_text())


def edited(doc: dict, path: tuple, value: object = None, rename: str | None = None) -> dict:
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    if rename is None:
        node[path[-1]] = value
    else:
        node[rename] = node.pop(path[-1])
    return doc


def refusal(doc: dict, coupled: bool = False) -> str:
    with pytest.raises(InputError) as info:
        (coupled_from_dict if coupled else macrospin_from_dict)(doc, FOLDER, "m.toml")
    message = str(info.value)
    assert "\n" not in message and message.startswith("m.toml: ")
    return message


@pytest.mark.parametrize(("path", "typo", "expected"), [
    (("magnet", "damping"), "dampng", "magnet.dampng: unknown key (allowed: area, damping, "
                                      "diameter, initial, saturation_magnetization, thickness); "
                                      "did you mean 'damping'?"),
    (("conditions", "temperature"), "temprature", "conditions.temprature: unknown key"),
    (("energy", 0, "K"), "k", "energy[0].k: unknown key for a uniaxial term (allowed: K, axis, "
                              "name, type); did you mean 'K'?"),
    (("torque", 0, "polarizer"), "polariser", "did you mean 'polarizer'?"),
    (("torque",), "torques", "torques: unknown key (allowed: conditions, energy, magnet, "
                             "torque); did you mean 'torque'?"),
])
def test_a_typo_in_any_table_is_refused_with_a_suggestion(path, typo, expected):
    assert expected in refusal(edited(BASE, path, rename=typo))


def test_an_unknown_term_type_is_refused_with_a_suggestion():
    message = refusal(edited(BASE, ("energy", 0, "type"), "uniaxal"))
    assert "energy[0].type: must be one of 'uniaxial', 'demag', 'zeeman'" in message
    assert "did you mean 'uniaxial'?" in message


def test_a_typo_in_a_two_layer_file_names_the_role():
    assert "first.magnet.dampng: unknown key" in refusal(
        edited(COUPLED, ("first", "magnet", "damping"), rename="dampng"), coupled=True)
    assert "second.lyer: unknown key (allowed: energy, layer, magnet, torque); did you mean " \
           "'layer'?" in refusal(edited(COUPLED, ("second", "layer"), rename="lyer"), coupled=True)


@pytest.mark.parametrize(("path", "value", "words"), [
    (("energy", 0, "K"), "1e200 J/m^3", ["energy[0].K", "K <= 1e+08 J/m³", "'1e200 J/m^3'"]),
    (("conditions", "temperature"), "1e30 K", ["conditions.temperature", "T <= 10000 K"]),
    (("conditions", "temperature"), "1e-300 K", ["0 K or 1e-06 K <= T"]),
    (("conditions", "current_density"), "-1e25 A/m^2", ["J <= 1e+20"]),
    (("magnet", "saturation_magnetization"), "1e-300 A/m", ["1000 A/m <= Ms"]),
    (("magnet", "thickness"), "1e299 m", ["magnet.thickness", "d <= 0.01 m"]),
    (("magnet", "diameter"), "1 m", ["magnet.diameter", "D <= 0.01 m"]),
    (("magnet", "damping"), 1e300, ["magnet.damping", "alpha <= 10"]),
    (("magnet", "damping"), -0.1, ["0 <= alpha"]),
    (("energy", 2, "field"), ["0 A/m", "0 A/m", "1e12 A/m"], ["energy[2].field[2]", "H <= 1e+09"]),
    (("torque", 0, "Lambda"), 1e200, ["torque[0].Lambda", "Lambda <= 1000"]),
    (("torque", 0, "epsilon_prime"), -1e9, ["epsilon' <= 100"]),
    (("magnet", "initial"), {"theta": "1e300 rad"}, ["magnet.initial.theta", "two turns"]),
    (("magnet", "initial"), [10**400, 0, 0], ["magnet.initial", "must be 3 numbers"]),
])
def test_values_outside_their_range_are_refused_with_the_range(path, value, words):
    message = refusal(edited(BASE, path, value))
    for word in words:
        assert word in message, message


def test_an_anisotropy_field_beyond_the_field_range_is_refused():
    doc = edited(edited(BASE, ("energy", 0, "K"), "1e8 J/m^3"),
                 ("magnet", "saturation_magnetization"), "1e3 A/m")
    message = refusal(doc)
    assert "energy[0].K: the anisotropy field 2|K|/(mu0 Ms) = 1.59e+11 A/m" in message


ENDS = {("magnet", "saturation_magnetization"): ["1e3 A/m", "1e7 A/m"],
        ("energy", 0, "K"): ["-1.5e5 J/m^3", "1e8 J/m^3"],
        ("energy", 2, "field"): [["1e9 A/m"] * 3, ["-1e9 A/m", "0 A/m", "0 A/m"]],
        ("magnet", "damping"): [0, 10],
        ("torque", 0, "Lambda"): [1e-3, 1e3],
        ("conditions", "current_density"): ["1e20 A/m^2", "-1e20 A/m^2"]}


@pytest.mark.parametrize("values", list(itertools.product(*ENDS.values())))
def test_the_ends_of_the_ranges_give_a_finite_rate_and_time_step(values):
    doc = BASE
    for path, value in zip(ENDS, values, strict=True):
        doc = edited(doc, path, value)
    try:
        run = macrospin_from_dict(doc, FOLDER, "m.toml")
    except InputError as error:  # only the anisotropy field may rule a corner out
        assert "anisotropy field" in str(error)
        return
    m = np.array([0.6, 0.0, 0.8])
    assert np.all(np.isfinite(llg_rate(run.model, m, run.conditions.current_at(0.0))))
    dt = suggested_time_step(run.model, run.conditions, 1e-9)
    # 2e-20 s at |J| = 1e20 A/m² on Ms = 1e3 A/m: the command line refuses such runs by their
    # step count (tests/cli/test_fuzz_cli_args.py), the time step itself stays a number
    assert math.isfinite(dt) and 0.0 < dt <= 1e-9


def test_a_stack_path_with_a_nul_byte_is_one_line_not_a_traceback():
    doc = copy.deepcopy(tomllib.loads((FOLDER / "perpendicular_diffusive.toml").read_text()))
    doc["torque"][0]["stack"] = "valve\x00.toml"
    with pytest.raises(InputError, match="cannot open") as info:
        macrospin_from_dict(doc, FOLDER, "m.toml")
    assert "\n" not in str(info.value)


def test_an_input_error_is_always_one_line():
    assert str(InputError("f", "first\nsecond", "a.toml")) == "a.toml: f: first second"
