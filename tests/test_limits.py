"""The physical ranges of input quantities: their semantics and their table in the docs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from spintorque.errors import InputError
from spintorque.limits import RANGES, check, parse

DOCS = (Path(__file__).parents[1] / "docs" / "stack-files.md").read_text()


@pytest.mark.parametrize("name", list(RANGES))
def test_every_range_is_finite_ordered_and_listed_in_the_docs(name):
    allowed = RANGES[name]
    assert math.isfinite(allowed.low) and math.isfinite(allowed.high) and allowed.low < allowed.high
    row = f"| `{name}` | {allowed.describe().replace('|', chr(92) + '|')} | {allowed.why} |"
    assert row in DOCS


@pytest.mark.parametrize("name", list(RANGES))
def test_the_ends_are_in_unless_open_and_beyond_them_is_out(name):
    allowed = RANGES[name]
    assert allowed.contains(allowed.low) != allowed.open_low
    assert allowed.contains(allowed.high) != allowed.open_high
    span = allowed.high - allowed.low
    for outside in (allowed.low - 1e-3 * span, allowed.high + 1e-3 * span, math.nan, math.inf):
        if not (allowed.zero and outside == 0.0):
            assert not allowed.contains(outside)


def test_zero_kelvin_is_allowed_but_not_a_femtokelvin():
    assert check(0.0, "temperature", "T") == 0.0
    with pytest.raises(InputError, match=r"0 K or 1e-06 K <= T <= 10000 K"):
        check(1e-15, "temperature", "T")


def test_parse_converts_once_and_names_the_field_and_the_input_as_written():
    assert parse("8 nm", "thickness", "layers[0].thickness") == pytest.approx(8e-9)
    assert parse(0.5, "damping", "magnet.damping") == 0.5
    with pytest.raises(InputError) as info:
        parse("1e299 m", "thickness", "layers[0].thickness")
    assert str(info.value) == ("layers[0].thickness: must be 1e-12 m <= d <= 0.01 m (a picometre "
                               "(below one atomic layer) to a centimetre), got '1e299 m'")
