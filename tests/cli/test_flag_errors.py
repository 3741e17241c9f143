"""Errors about command-line flags name the flag as the user wrote it (not the API parameter),
and flags outside their physical range, or runs too large to finish, are refused before any work."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from spintorque.cli import app

ROOT = Path(__file__).parents[2]
STACK = str(ROOT / "examples" / "co_cu_py.toml")
MAGNET = str(ROOT / "examples" / "macrospin" / "perpendicular.toml")
MTJ = str(ROOT / "examples" / "macrospin" / "mtj.toml")
WAVY = str(ROOT / "examples" / "macrospin" / "wavy_valve.toml")
SWITCH = ["switching", MAGNET, "--current", "1e11 A/m^2", "--trajectories", "2"]


@pytest.mark.parametrize(("args", "start", "words"), [
    (["efficiency", STACK, "--rotate", "F9", "--angles", "0:90:3"], "--rotate", ["'F9'"]),
    (["efficiency", STACK, "--rotate", "N", "--angles", "0:90:3"], "--rotate",
     ["not a ferromagnet"]),
    (["efficiency", STACK, "--rotate", "F2", "--angles", "0:1e300:3"], "--angles", ["720"]),
    (["signmap", STACK, "--vary", "F7.thickness=1nm:2nm:3"], "--vary", ["'F7'"]),
    (["signmap", STACK, "--vary", "F2.thickness=1nm:2e300nm:3"], "--vary", ["d <= 0.01 m"]),
    ([*SWITCH, "--duration", "1.0000001ns", "--dt", "1ps"], "--duration", ["whole number"]),
    ([*SWITCH, "--duration", "1e6 s"], "--duration", ["t <= 1 s"]),
    ([*SWITCH, "--duration", "1ns", "--dt", "1e-30 s"], "--dt", ["1e-18 s <= dt"]),
    ([*SWITCH, "--duration", "1s", "--dt", "1e-18 s"], "--duration", ["Heun steps"]),
    ([*SWITCH, "--duration", "1ns", "--temperature", "1e30 K"], "--temperature", ["T <= 10000 K"]),
    (["switching", MAGNET, "--current", "1e30 A/m^2", "--duration", "1ns"], "--current",
     ["J <= 1e+20"]),
    (["dynamics", MAGNET, "--duration", "1us", "--dt", "1e-15 s", "--trajectories", "2", "-o",
      "never-written.nc"], "--save-every", ["exceeds", "use --save-every"]),
    (["precession", WAVY, "--currents", "0:1e30:3"], "--currents", ["J <= 1e+20"]),
    (["escape", MTJ, "--temperature", "1e30 K"], "--temperature", ["T <= 10000 K"]),
    (["escape", MTJ, "--current", "-1e30 A/m^2"], "--current", ["J <= 1e+20"]),
    (["write-error-rate", MTJ, "--current", "1e30 A/m^2", "--pulse", "1ns:2ns:2"], "--current",
     ["J <= 1e+20"]),
])
def test_flag_errors_name_the_flag_and_come_before_any_work(args, start, words):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert line.startswith(f"error: {start}: ") and "\n" not in line, line
    for word in words:
        assert word in line, line
    assert not Path("never-written.nc").exists()


@pytest.mark.parametrize(("args", "words"), [
    (["profile", STACK, "--points", "abc"], ["'--points'", "integer"]),
    (["solve", STACK, "--bogus"], ["No such option: --bogus"]),
    (["solve"], ["Missing argument"]),
    (["no-such-command"], ["No such command"]),
])
def test_usage_errors_are_one_line_too(args, words):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith("error: ") and "\n" not in line and "--help)" in line, line
    for word in words:
        assert word in line


def test_the_bare_command_still_prints_its_help():
    result = CliRunner().invoke(app, [])
    assert "Usage:" in result.output and "solve" in result.output
