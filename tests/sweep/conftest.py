"""Sweep files next to a copy of the shipped Co/Cu/Py example stack."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

GRID = """base = "co_cu_py.toml"
command = "{command}"
[axes]
"layers.F2.thickness" = {{ start = "1 nm", stop = "10 nm", num = 4 }}
"layers.F2.magnetization.theta" = {{ start = "0 deg", stop = "180 deg", num = 5 }}
"current.density" = {{ values = ["1e10 A/m^2", "-2e11 A/m^2"] }}
[run]
chunk = {chunk}
"""


@pytest.fixture
def sweep_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a sweep file (the 4 × 5 × 2 grid unless ``text`` is given); returns its path."""
    shutil.copy(EXAMPLES / "co_cu_py.toml", tmp_path / "co_cu_py.toml")
    shutil.copy(EXAMPLES / "macrospin" / "mtj.toml", tmp_path / "mtj.toml")

    def write(
        text: str | None = None, *, command: str = "solve", chunk: int = 7, name: str = "sweep.toml"
    ) -> Path:
        path = tmp_path / name
        path.write_text(GRID.format(command=command, chunk=chunk) if text is None else text)
        return path

    return write
