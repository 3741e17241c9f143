"""The explorer benchmark stays runnable (its speed is printed there, never asserted here).

Its browser part needs Debian's chromium and chromium-driver, as tests/explorer/test_browser.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.slow
def test_explore_benchmark_runs_in_quick_mode():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "explore.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "update median" in proc.stdout and "update/solve" in proc.stdout
    assert "round trip, figures repainted: median" in proc.stdout  # the browser part ran
