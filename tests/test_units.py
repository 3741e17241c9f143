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


# --- the small parser against pint ---------------------------------------------------------------

def _templates() -> list[tuple[str, str]]:
    """Strings over every prefix and symbol of the small parser, with the kind each one is."""
    from spintorque.units import _PREFIXES

    prefixes = ["", *_PREFIXES]
    out: list[tuple[str, str]] = []
    for p in prefixes:
        for q in ("", "n"):
            out += [(f"{p}m", "length"), (f"{p}s", "time"), (f"{p}K", "temperature"),
                    (f"{p}rad", "angle"), (f"{p}deg", "angle"), (f"{p}m^2", "area"),
                    (f"{p}A/{q}m^2", "current_density"), (f"{p}A*{q}m**-2", "current_density"),
                    (f"{p}A / {q}m", "field"), (f"{p}Ohm*{q}m", "resistivity"),
                    (f"{p}ohm * {q}m", "resistivity"), (f"{p}Ω*{q}m", "resistivity"),
                    (f"{p}V/{q}A*m", "resistivity"), (f"{p}Ohm*{q}m^2", "resistance_area"),
                    (f"{p}J/{q}m^3", "energy_density"), (f"{p}T*{q}A/m", "energy_density"),
                    (f"{p}g/{q}m/s^2", "energy_density")]
    return out


def test_the_small_parser_agrees_with_pint_on_every_prefix_and_symbol(rng):
    from spintorque.units import _KINDS, _quick_si, registry

    ureg = registry()
    values = [repr(float(v)) for v in rng.choice([-1, 1], 40) * 10 ** rng.uniform(-30, 30, 40)]
    values += ["5", "2.1", "+0.5", ".25", "3.", "1e11", "7E-3", "0"]
    checked = 0
    for unit, kind in _templates():
        for value in values[checked % 16::16]:
            text = f"{value} {unit}"
            quick = _quick_si(text, kind)
            assert quick is not None, text
            reference = float(ureg.Quantity(text.replace("^", "**")).to(_KINDS[kind][0]).magnitude)
            assert quick == pytest.approx(reference, rel=2e-15, abs=0.0), text
            checked += 1
    assert checked > 2000


@pytest.mark.parametrize(("text", "kind"), [
    ("5 nanometer", "length"), ("1 inch", "length"), ("2 m m", "area"), ("1 mT", "field"),
    ("1 kg", "length"), ("3 degC", "temperature"), ("1 rad*m", "length"), ("2 ms^1.5", "time"),
])
def test_other_strings_are_left_to_pint_unchanged(text, kind):
    from spintorque.units import _KINDS, _quick_si, registry

    assert _quick_si(text, kind) is None
    try:
        reference = float(registry().Quantity(text).to(_KINDS[kind][0]).magnitude)
    except Exception:
        with pytest.raises(InputError):
            to_si(text, kind, "f")
    else:
        assert to_si(text, kind, "f") == reference


@pytest.mark.parametrize(("text", "message"), [
    ("10**10**10 nm", "repeated powers"), ("10^10^10 nm", "repeated powers"),
    ("(10**10)**10 nm", "plain numbers"), ("10**1000 nm", "plain numbers"),
    ("1" * 300 + " nm", "303 characters"), ("1e999 nm", "finite"), ("5 nm^13", "wrong unit"),
])
def test_strings_that_would_not_evaluate_in_bounded_time_are_refused(text, message):
    with pytest.raises(InputError, match=message):
        to_si(text, "length", "layers[0].thickness")


def test_integers_beyond_the_float_range_are_refused():
    with pytest.raises(InputError, match="expected a number"):
        to_float(10**400, "spin_asymmetry")
