"""Shared pieces of the input-fuzzing tests: a TOML writer, mutations of parsed input files, and
the check that a command either succeeded with finite strict JSON or failed with the project's
own one-line error (exit 2).

Mutations start from the shipped examples: delete a key, rename it (a typo, a case slip, random
text), replace a value by junk (random text and numbers, huge, negative, NaN, inf, empty,
unit-mismatched strings, unit-parser attacks, wrong types), add a key, duplicate an entry of an
array of tables; and, on the text, duplicate or drop a line (duplicate tables, broken syntax).
"""

from __future__ import annotations

import copy
import json
import math
import os
import traceback
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as hs

settings.register_profile("inputs-fast", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.filter_too_much])
settings.register_profile("inputs-long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.filter_too_much])
LONG = os.environ.get("SPINTORQUE_TEST_PROFILE", "fast") == "long"
PROFILE = settings.get_profile("inputs-long" if LONG else "inputs-fast")


def examples(count: int) -> settings:
    """The profile with ``count`` draws in the fast profile (the long profile keeps its 2000)."""
    return PROFILE if LONG else settings(PROFILE, max_examples=count)


# --- a TOML writer (inline tables and arrays only: any parsed document round-trips) ---------------
def _key(key: str) -> str:
    return json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON's escapes are TOML basic-string escapes
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def to_toml(data: Mapping[str, Any]) -> str:
    """A TOML document whose parse is ``data`` (top-level keys as ``key = value`` lines)."""
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in data.items())


# --- junk values ---------------------------------------------------------------------------------
UNITS = ["nm", "m", "um", "K", "mK", "A/m^2", "A/m", "J/m^3", "deg", "rad", "uOhm*cm", "Ohm*m",
         "s", "ns", "ps", "nm^2", "m^2", "T", "V", "kg", "", "furlong", "nm/s", "1/nm"]
ATTACKS = ["10**10**10 nm", "10^10^10 K", "9**99 nm", "99999999999999999999**100 nm",
           "(10**10)**10 nm", "1e400 nm", "1e-400 nm", "nan nm", "inf K", "-inf A/m^2",
           "1 nm**(1/2)", "nm", "-0 nm", "0x10 nm", "1_000 nm", "1e11 A/m^2 * 1e11", "", " ",
           "sink", "Co", "Cu", "Py", "ferromagnet", "normal", "uniaxial", "zeeman", "slonczewski",
           "1 nm" * 60, "\u00b5Ohm", "30 deg", "1e11 A/m^2", "5e5 J/m^3", "300 K", "2 nm"]
_text = hs.text(hs.characters(exclude_categories=("Cs",)), max_size=12)
_numbers = hs.one_of(
    hs.integers(-(10**6), 10**6), hs.integers(-(2**70), 2**70),
    hs.just(10**400), hs.just(-(10**400)),
    hs.floats(allow_nan=True, allow_infinity=True),
    hs.sampled_from([0.0, -0.0, -1.0, 1.0, 0.5, 1e308, -1e308, 5e-324, 1e200, 1e-200, 1e20, 2.0]),
)
_with_unit = hs.tuples(_numbers, hs.sampled_from(UNITS)).map(lambda p: f"{p[0]} {p[1]}".strip())
scalars = hs.one_of(_text, _numbers, _with_unit, hs.sampled_from(ATTACKS), hs.booleans())
junk = hs.one_of(
    scalars,
    hs.lists(scalars, max_size=4),
    hs.lists(_numbers, min_size=3, max_size=3),
    hs.dictionaries(hs.sampled_from(["theta", "phi", "material", "type", "x"]), scalars,
                    max_size=3),
)


def _typo(word: str, draw: hs.DrawFn) -> str:
    if not word:
        return "x"
    i = draw(hs.integers(0, len(word) - 1))
    kind = draw(hs.sampled_from(["drop", "double", "swap", "case", "text"]))
    if kind == "drop":
        return word[:i] + word[i + 1:] or "x"
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap" and len(word) > 1:
        j = min(i + 1, len(word) - 1)
        chars = list(word)
        chars[i], chars[j] = chars[j], chars[i]
        return "".join(chars)
    if kind == "case":
        return word.swapcase()
    return draw(_text)


def _locations(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every (container path, key or index) in a parsed document."""
    out = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) \
        else ()
    for key, child in items:
        out.append((*path, key))
        out.extend(_locations(child, (*path, key)))
    return out


def _parent(doc: Any, location: tuple[Any, ...]) -> Any:
    node = doc
    for key in location[:-1]:
        node = node[key]
    return node


@hs.composite
def mutated(draw: hs.DrawFn, document: Mapping[str, Any], most: int = 3) -> dict[str, Any]:
    """``document`` with 1 to ``most`` random mutations."""
    doc = copy.deepcopy(dict(document))
    for _ in range(draw(hs.integers(1, most))):
        places = _locations(doc)
        if not places:
            doc[draw(_text)] = draw(junk)
            continue
        location = draw(hs.sampled_from(places))
        parent, key = _parent(doc, location), location[-1]
        operation = draw(hs.sampled_from(["delete", "rename", "junk", "junk", "add", "duplicate"]))
        if operation == "delete":
            del parent[key]
        elif operation == "rename" and isinstance(parent, dict):
            new = _typo(key, draw)
            parent[new] = parent.pop(key)
        elif operation == "add" and isinstance(parent, dict):
            parent[draw(hs.one_of(_text, hs.just(_typo(key, draw))))] = draw(junk)
        elif operation == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[key] = draw(junk)
    return doc


@hs.composite
def mutated_text(draw: hs.DrawFn, text: str) -> str:
    """``text`` with a line duplicated, dropped or cut (duplicate tables, broken syntax)."""
    lines = text.splitlines()
    i = draw(hs.integers(0, len(lines) - 1))
    operation = draw(hs.sampled_from(["duplicate", "drop", "cut", "header"]))
    if operation == "duplicate":
        lines.insert(i, lines[i])
    elif operation == "drop":
        del lines[i]
    elif operation == "cut":
        lines[i] = lines[i][: draw(hs.integers(0, len(lines[i])))]
    else:  # a table header again further down
        headers = [line for line in lines if line.startswith("[")] or ["[current]"]
        lines.insert(i, draw(hs.sampled_from(headers)))
    return "\n".join(lines) + "\n"


# --- the outcome ---------------------------------------------------------------------------------
def _refuse_constant(name: str) -> float:
    raise AssertionError(f"non-strict JSON constant {name}")


def _assert_finite(node: Any, where: str = "$") -> None:
    if isinstance(node, float):
        assert math.isfinite(node), where
    elif isinstance(node, dict):
        for key, value in node.items():
            _assert_finite(value, f"{where}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            _assert_finite(value, f"{where}[{k}]")


def assert_clean_outcome(result: Any, json_output: bool = True) -> None:
    """Exit 0 with strict, finite JSON on stdout, or exit 2 with one ``error:`` line."""
    context = result.output
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        context += "".join(traceback.format_exception(*result.exc_info))
    assert "Traceback" not in result.output, context
    if result.exit_code == 0:
        if json_output:
            _assert_finite(json.loads(result.stdout, parse_constant=_refuse_constant))
        return
    assert result.exit_code == 2, context
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), context
    assert result.stdout == "", context
