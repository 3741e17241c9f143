"""Random command-line arguments on the shipped examples (hypothesis): every draw either succeeds
with finite strict JSON or is refused with exit 2 and one ``error:`` line, never a traceback;
an error about a flag names the flag as the user wrote it.

``SPINTORQUE_TEST_PROFILE=long`` runs 2000 draws per test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as hs
from typer.testing import CliRunner

from spintorque.cli import app
from spintorque.errors import InputError
from spintorque.limits import parse
from tests.cli.mutations import ATTACKS, UNITS, assert_clean_outcome, examples

ROOT = Path(__file__).parents[2]
STACK = str(ROOT / "examples" / "co_cu_py.toml")
MAGNET = str(ROOT / "examples" / "macrospin" / "thermal.toml")

_number = hs.one_of(hs.integers(-(10**30), 10**30).map(str),
                    hs.floats(allow_nan=True, allow_infinity=True).map(repr),
                    hs.sampled_from(["0", "-0", "1", "90", "1e308", "1e-320", "nan", "inf", "",
                                     "1" + "0" * 400, "0x10", "1_0"]))
_text = hs.text(hs.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=15)
_ranges = hs.one_of(hs.tuples(_number, _number, _number).map(":".join), _text,
                    hs.tuples(_number, _number).map(":".join))
_quantity = hs.one_of(hs.tuples(_number, hs.sampled_from(UNITS)).map(" ".join),
                      hs.sampled_from(ATTACKS), _text)
_layer = hs.one_of(hs.sampled_from(["F1", "N", "F2", "f2", "F3", ""]), _text)


def small_or_refused(duration: str, dt: str, trajectories: str) -> bool:
    """False for a valid run of more than 2e4 steps (valid and slow: not this test's subject)."""
    try:
        T = parse(duration, "duration", "--duration")
        step = 1e-13 if dt == "auto" else parse(dt, "time_step", "--dt")
    except InputError:
        return True
    return not trajectories.lstrip("-").isdigit() or max(int(trajectories), 1) * T / step <= 2e4


def run(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert_clean_outcome(result)
    if result.exit_code == 2:
        flags = [a for a in args if a.startswith("--") and a != "--json"]
        line = result.stderr
        named = any(line.startswith(f"error: {flag}") or f"'{flag}'" in line for flag in flags)
        assert named or STACK in line or MAGNET in line, (args, line)


@examples(25)
@given(rotate=_layer, angles=_ranges)
def test_efficiency_rotate_and_angles(rotate, angles):
    run("efficiency", STACK, "--rotate", rotate, "--angles", angles, "--json")


@examples(15)
@given(points=hs.one_of(hs.integers(-5, 3000).map(str), _text, _number,
                        hs.integers(min_value=10**7 + 1).map(str)))
@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_profile_points(points):
    run("profile", STACK, "--points", points, "--json")


@examples(15)
@given(layer=_layer, parameter=hs.sampled_from(["thickness", "spin_diffusion_length",
                                                  "spin_asymmetry", "magnetization", ""]),
       start=hs.one_of(_quantity, _number), stop=hs.one_of(_quantity, _number),
       count=hs.one_of(hs.integers(-3, 6).map(str), _number), angles=_ranges,
       key=hs.sampled_from(["g1", "g2", "g3"]))
def test_signmap_vary_and_angles(layer, parameter, start, stop, count, angles, key):
    run("signmap", STACK, "--vary", f"{layer}.{parameter}={start}:{stop}:{count}",
        "--angles", angles, "--efficiency", key, "--json")


@examples(15)
@given(duration=_quantity, dt=hs.one_of(_quantity, hs.just("auto")), current=_quantity,
       temperature=_quantity,
       trajectories=hs.one_of(hs.integers(-2, 3).map(str), hs.sampled_from(["", "2.5", "x"])))
def test_switching_time_current_and_temperature_flags(duration, dt, current, temperature,
                                                      trajectories):
    assume(small_or_refused(duration, dt, trajectories))
    run("switching", MAGNET, "--current", current, "--duration", duration, "--dt", dt,
        "--temperature", temperature, "--trajectories", trajectories, "--seed", "1", "--json")
