"""Regression tests for the audit of the thermal & switching commands (flag ranges, help text,
comma lists, σ = 0): each failed before its fix."""

from __future__ import annotations

import re

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
