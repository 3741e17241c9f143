"""The benchmark script stays runnable (speed itself is measured there, never asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# each runs a benchmark script in a subprocess: left out by `make test-fast`
pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[1]


def test_transport_benchmark_runs_in_quick_mode():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "transport.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "1000-layer" in proc.stdout or "layer" in proc.stdout


def test_thermal_benchmark_runs_in_quick_mode():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "thermal.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "λ1 at sigma = 60" in proc.stdout


def test_dynamics_benchmark_runs_in_quick_mode():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "dynamics.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "macrospin-steps/s" in proc.stdout


def test_startup_benchmark_runs_in_quick_mode():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "startup.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "spintorque --help" in proc.stdout and "(all imports)" in proc.stdout


def test_magnetoresistance_benchmark_runs_in_quick_mode():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "magnetoresistance.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "batched" in proc.stdout and "ratio" in proc.stdout
