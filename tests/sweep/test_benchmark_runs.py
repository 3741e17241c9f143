"""benchmarks/sweep.py stays runnable (speed is measured there, never asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.slow
def test_sweep_benchmark_runs_in_quick_mode() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "sweep.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "vs with_*" in proc.stdout and "speed-up 1 -> 2 workers" in proc.stdout
    assert "parallel efficiency" in proc.stdout and "usable cores" in proc.stdout
    assert "load average 1/5/15 min before" in proc.stdout
