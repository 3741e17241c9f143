"""Two-free-layer files: the example loads with SI values; bad input names the role and field."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest

from spintorque.errors import InputError
from spintorque.magnet import Demag, Uniaxial, coupled_from_dict, load_coupled
from spintorque.tomlfile import read_toml

EXAMPLES = Path(__file__).parents[2] / "examples" / "macrospin"
EXAMPLE = EXAMPLES / "coupled_valve.toml"


def test_example_loads_both_layers_with_si_values():
    run = load_coupled(EXAMPLE)
    first, second = run.system.layers
    assert run.system.names == ("F1", "F2")
    assert first.magnet.thickness == pytest.approx(8e-9) and second.magnet.thickness == pytest.approx(1.5e-9)
    assert first.magnet.area == pytest.approx(math.pi * (20e-9) ** 2)
    assert second.magnet.initial[2] == pytest.approx(math.cos(math.radians(170)))
    assert first.energy["uniaxial"] == Uniaxial(1.5e6, (0, 0, 1))
    assert second.energy["demag"] == Demag((0, 0, 1))
    assert run.conditions.current_density == pytest.approx(2e11) and run.conditions.temperature == 0.0


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d["second"]["magnet"].update(thickness="2 nm"), "second.magnet.thickness"),
    (lambda d: d["first"]["energy"][0].update(K="1 A/m"), "first.energy[0].K"),
    (lambda d: d["second"].update(layer="N"), "second.layer"),
    (lambda d: d["second"].update(layer="F1"), "second.layer"),
    (lambda d: d["first"].update(colour="red"), "first.colour"),
    (lambda d: d["first"]["magnet"].pop("damping"), "first.magnet.damping"),
    (lambda d: d["second"].update(torque=[{"type": "diffusive", "stack": "valve.toml", "free_layer": "F2"}]),
     "second.torques.diffusive"),
    (lambda d: d.pop("second"), "second"),
    (lambda d: d.update(stack=3), "stack"),
    (lambda d: d.update(magnet={}), "magnet"),
])
def test_bad_files_name_the_role_and_field(edit, field):
    data = copy.deepcopy(read_toml(EXAMPLE))
    edit(data)
    with pytest.raises(InputError) as error:
        coupled_from_dict(data, base=EXAMPLES, source="pair.toml")
    assert error.value.field == field
    assert error.value.source == "pair.toml"
