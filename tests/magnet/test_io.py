"""Macrospin files: the shape of issue 4 loads; bad input names the field."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from spintorque.errors import InputError
from spintorque.magnet import (
    Demag,
    DiffusiveTorque,
    Slonczewski,
    Uniaxial,
    Zeeman,
    load_macrospin,
    macrospin_from_dict,
)

EXAMPLES = Path(__file__).parents[2] / "examples" / "macrospin"


def test_issue_example_loads_with_si_values_and_all_terms():
    run = load_macrospin(EXAMPLES / "perpendicular.toml")
    magnet = run.model.magnet
    assert magnet.saturation_magnetization == pytest.approx(1.1e6)
    assert magnet.thickness == pytest.approx(1.5e-9)
    assert magnet.area == pytest.approx(math.pi * (20e-9) ** 2)
    assert run.model.energy["uniaxial"] == Uniaxial(1e6, (0, 0, 1))
    assert run.model.energy["demag"] == Demag((0, 0, 1))
    assert run.model.energy["zeeman"] == Zeeman((0, 0, 1e4))
    assert run.model.torques["slonczewski"] == Slonczewski(0.6, 1.0, 0.0, (0, 0, 1))
    assert len(run.model.torques) == 1  # one torque term per mechanism (no double counting)
    exact = load_macrospin(EXAMPLES / "perpendicular_diffusive.toml")
    diffusive = exact.model.torques["diffusive"]
    assert isinstance(diffusive, DiffusiveTorque) and diffusive.free_layer == "F2"
    assert len(exact.model.torques) == 1 and exact.model.energy == run.model.energy
    assert run.conditions.temperature == 300.0
    assert run.conditions.current_density == pytest.approx(1e11)


def base() -> dict:
    return {"magnet": {"saturation_magnetization": "1e6 A/m", "thickness": "2 nm", "area": "100 nm^2",
                       "damping": 0.1},
            "energy": [{"type": "uniaxial", "K": "1e5 J/m^3", "axis": {"theta": "90 deg"}}]}


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d["magnet"].update(saturation_magnetization=1e6), "magnet.saturation_magnetization"),
    (lambda d: d["magnet"].update(diameter="10 nm"), "magnet.diameter"),
    (lambda d: d["magnet"].pop("damping"), "magnet.damping"),
    (lambda d: d["energy"][0].update(K="1e5 A/m"), "energy[0].K"),
    (lambda d: d["energy"].append({"type": "exchange"}), "energy[1].type"),
    (lambda d: d["energy"].append({"type": "zeeman", "field": ["1 A/m", "2 A/m"]}), "energy[1].field"),
    (lambda d: d["energy"].append({"type": "uniaxial", "K": "1 J/m^3"}), "energy.uniaxial"),
    (lambda d: d.update(torque=[{"type": "slonczewski", "polarizer": [0, 0, 1]}]),
     "torque[0].polarization"),
    (lambda d: d.update(torque=[{"type": "diffusive", "stack": "nowhere.toml", "free_layer": "F2"}]),
     "file"),
    (lambda d: d.update(conditions={"temperature": "-3 K"}), "conditions.temperature"),
    (lambda d: d.update(extra={}), "extra"),
])
def test_bad_input_raises_input_error_naming_the_field(edit, field):
    data = base()
    edit(data)
    with pytest.raises(InputError) as info:
        macrospin_from_dict(data, source="m.toml")
    assert info.value.field == field


def test_stack_path_is_relative_to_the_macrospin_file_and_angles_parse():
    data = base()
    data["magnet"]["thickness"] = "1.5 nm"
    data["torque"] = [{"type": "diffusive", "stack": "valve.toml", "free_layer": "F2"}]
    run = macrospin_from_dict(data, base=EXAMPLES)
    assert run.model.energy["uniaxial"].axis == pytest.approx((1.0, 0.0, 0.0))
    assert run.conditions.temperature == 0.0 and run.conditions.current_density == 0.0
