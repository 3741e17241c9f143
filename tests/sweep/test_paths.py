"""Field paths address the real keys of a base file, by name or position, and nothing else."""

from __future__ import annotations

import pytest

from spintorque.errors import InputError
from spintorque.sweep.paths import parse_path, resolve, set_value, value_at
from spintorque.tomlfile import read_toml
from tests.sweep.conftest import EXAMPLES

BASE = read_toml(EXAMPLES / "co_cu_py.toml")


def test_named_entry_and_position_reach_the_same_value() -> None:
    by_name = resolve(BASE, parse_path("layers.F2.thickness", "k"), "k")
    by_position = resolve(BASE, parse_path("layers[2].thickness", "k"), "k")
    assert by_name == by_position == ("layers", 2, "thickness")
    assert value_at(BASE, by_name) == "3 nm"


def test_nested_tables_and_materials_resolve() -> None:
    assert value_at(BASE, resolve(BASE, parse_path("layers.F2.magnetization.theta", "k"), "k")) == "30 deg"
    assert value_at(BASE, resolve(BASE, parse_path("materials.MyCo.spin_asymmetry", "k"), "k")) == 0.46


def test_set_value_changes_only_that_field() -> None:
    import copy

    data = copy.deepcopy(BASE)
    set_value(data, ("layers", 0, "thickness"), "1 nm")
    assert data["layers"][0]["thickness"] == "1 nm"
    assert data["layers"][1:] == BASE["layers"][1:]
    assert BASE["layers"][0]["thickness"] == "8 nm"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("layers.F3.thickness", "no entry named 'F3'"),
        ("layers[7].thickness", "[7] is out of range"),
        ("current.voltage", "has no key 'voltage'"),
        ("current", "is a table"),
        ("layers.F1.magnetization.theta", "array of values"),
        ("layers.F2.thickness.x", "not a table"),
        ("layers..thickness", "keys joined by dots"),
    ],
)
def test_a_path_that_names_no_single_value_is_refused(path: str, words: str) -> None:
    with pytest.raises(InputError, match="axis") as caught:
        resolve(BASE, parse_path(path, "axis"), "axis")
    assert words in str(caught.value)
