"""Unit strings are parsed once, at the edge, into SI floats."""

from __future__ import annotations

import pytest

from spintorque.errors import InputError
from spintorque.units import to_float, to_si


@pytest.mark.parametrize(("text", "kind", "si"), [
    ("5 nm", "length", 5e-9),
    ("2.1 uOhm*cm", "resistivity", 2.1e-8),
    ("2.1 µΩ·cm".replace("·", "*"), "resistivity", 2.1e-8),
    ("1e11 A/m^2", "current_density", 1e11),
    ("1e7 A/cm^2", "current_density", 1e11),
    ("180 deg", "angle", 3.141592653589793),
    ("0.5 fOhm*m^2", "resistance_area", 0.5e-15),
])
def test_unit_strings_convert_to_si(text, kind, si):
    assert to_si(text, kind, "f") == pytest.approx(si, rel=1e-12)


@pytest.mark.parametrize(("value", "message"), [
    (5, "missing unit"), ("5", "missing unit"), ("5 kg", "wrong unit"),
    ("five nm", "cannot parse"), ("inf nm", "finite"), (True, "expected"),
])
def test_bad_unit_input_names_the_field(value, message):
    with pytest.raises(InputError, match=message) as info:
        to_si(value, "length", "layers[0].thickness")
    assert "layers[0].thickness" in str(info.value)


def test_dimensionless_numbers_reject_nonsense():
    assert to_float("0.5", "beta") == 0.5
    with pytest.raises(InputError, match="beta"):
        to_float("nan", "beta")
