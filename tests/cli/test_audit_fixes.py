"""Regression tests for the audit of the thermal & switching commands (flag ranges, help text,
comma lists, σ = 0): each failed before its fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spintorque.cli import app


def _help(*command: str) -> str:
    out = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"}).output
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", out).split())


def test_wer_help_states_the_auto_damping_rule() -> None:
    """--method auto: harmonics for 0.05 <= α < 0.2, energy diffusion below 0.05 (docs/wer.md)."""
    text = _help("write-error-rate")
    assert "energy diffusion at damping < 0.2" not in text
    assert "the harmonic path if every damping is at least 0.05" in text
    assert "energy diffusion below 0.05" in text


@pytest.mark.parametrize(("extra", "flag", "words"), [
    (["--reduced-field", "1e300"], "--reduced-field", ["|h| <= 5e+05"]),
    (["--reduced-field", "-1e300"], "--reduced-field", ["|h| <= 5e+05"]),
    (["--current-ratio", "1e300"], "--current-ratio", ["|i| <= 5e+05"]),
    (["--hard-ratio", "1", "--reduced-field", "1e300"], "--reduced-field", ["|h| <= 5e+05"]),
    (["--hard-ratio", "1", "--current-ratio", "-1e300"], "--current-ratio", ["|i| <= 5e+05"]),
    (["--hard-ratio", "1e300"], "--hard-ratio", ["|hard_ratio| <= 5e+05"]),
    (["--hard-ratio", "-1e300"], "--hard-ratio", ["|hard_ratio| <= 5e+05"]),
    (["--polarizer-angle", "1e300"], "--polarizer-angle", ["[−360, 360] deg"]),
    (["--hard-ratio", "1", "--polarizer-angle", "-1e300"], "--polarizer-angle", ["[−360, 360] deg"]),
])
def test_escape_out_of_range_flags_name_themselves(extra: list[str], flag: str,
                                                   words: list[str]) -> None:
    """Each escape flag out of range is refused in one line naming that flag and its range."""
    result = CliRunner().invoke(app, ["escape", "--sigma", "20", *extra, "--json"])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert line.startswith(f"error: {flag}:"), line
    assert "\n" not in line
    for word in words:
        assert word in line


MTJ = str(Path(__file__).parents[2] / "examples" / "macrospin" / "mtj.toml")


@pytest.mark.parametrize(("args", "flag"), [
    (["--sigma", "60", "--current-ratio", "1.5,", "--pulse", "0:1:5"], "--current-ratio"),
    (["--sigma", "60", "--current-ratio", ",1.5", "--pulse", "0:1:5"], "--current-ratio"),
    (["--sigma", "60", "--current-ratio", "1.5,,2", "--pulse", "0:1:5"], "--current-ratio"),
    ([MTJ, "--current", "1e11, A/m^2", "--pulse", "1ns:2ns:2"], "--current"),
    ([MTJ, "--current", "1e11,,2e11 A/m^2", "--pulse", "1ns:2ns:2"], "--current"),
])
def test_comma_lists_with_empty_items_are_refused(args: list[str], flag: str) -> None:
    """'1.5,' ran as '1.5' without a word; an empty item is refused in one line naming the flag."""
    result = CliRunner().invoke(app, ["write-error-rate", *args, "--json"])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert line.startswith(f"error: {flag}:") and "empty items" in line and "\n" not in line


@pytest.mark.parametrize("command", [
    ["escape", "--sigma", "0", "--current-ratio", "5"],
    ["escape", "--sigma", "0", "--current-ratio", "-20", "--hard-ratio", "1"],
    ["write-error-rate", "--sigma", "0", "--current-ratio", "0,1.5", "--pulse", "0:1:3"],
])
def test_a_current_ratio_without_a_barrier_is_refused(command: list[str]) -> None:
    """σ = 0: I_c0 ∝ σ(1 + h) = 0, so i = I/I_c0 is undefined (i = 0, 5, −20 gave identical λ1)."""
    result = CliRunner().invoke(app, [*command, "--json"])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert line.startswith("error: --current-ratio:") and "at sigma = 0" in line and "\n" not in line


def test_switching_refuses_a_sample_interval_longer_than_the_window() -> None:
    magnet = str(Path(__file__).parents[2] / "examples" / "macrospin" / "perpendicular.toml")
    result = CliRunner().invoke(app, ["switching", magnet, "--current", "-1e11 A/m^2", "--duration",
                                      "3ns", "--trajectories", "20", "--seed", "1", "--sample-every",
                                      "5ns", "--json"])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert line.startswith("error: --sample-every: must be in (0, 3e-10 s]") and "\n" not in line
