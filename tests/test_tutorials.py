"""Every tutorial script (docs/tutorials/*.py) runs, and each has its page in the site."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
TUTORIALS = ROOT / "docs" / "tutorials"
SCRIPTS = sorted(TUTORIALS.glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_tutorial_script_runs_and_its_checks_hold(script):
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip(), "a tutorial prints what it shows"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_tutorial_page_includes_its_script(script):
    page = script.with_suffix(".md")
    assert page.exists(), f"{page.name} missing"
    assert f'--8<-- "{script.name}"' in page.read_text(encoding="utf-8")
    assert f"]({page.name})" in (TUTORIALS / "index.md").read_text(encoding="utf-8")


def test_there_are_tutorials():
    assert len(SCRIPTS) >= 5
