"""Fixtures shared by the command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "co_cu_py.toml"


@pytest.fixture
def wavy(tmp_path: Path) -> Path:
    """The example Co/Cu/Py valve (g2 changes sign at small angles) with F2 along +z, like F1."""
    text = EXAMPLE.read_text().replace(
        'magnetization = { theta = "30 deg", phi = "0 deg" }', "magnetization = [0, 0, 1]"
    )
    path = tmp_path / "wavy.toml"
    path.write_text(text)
    return path
