"""``efficiency --json``: each g list is written once, under the ferromagnet it belongs to."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

import spintorque as st

EXAMPLE = Path(__file__).parents[2] / "examples" / "co_cu_py.toml"


def _lists_of_length(value: object, n: int) -> int:
    if isinstance(value, dict):
        return sum(_lists_of_length(v, n) for v in value.values())
    if isinstance(value, list):
        return int(len(value) == n) + sum(_lists_of_length(v, n) for v in value)
    return 0


def test_efficiency_json_writes_each_angle_list_once():
    n = 7
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "spintorque",
            "efficiency",
            str(EXAMPLE),
            "--rotate",
            "F2",
            "--angles",
            f"0:180:{n}",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    # angles_deg, angle_between_deg, and one g list per ferromagnet: nothing twice
    assert _lists_of_length(doc, n) == 4
    assert "g1" not in doc and "g2" not in doc
    assert doc["ferromagnets"] == ["F1", "F2"]
    expected = st.efficiency(st.load_stack(EXAMPLE), "F2", np.radians(doc["angles_deg"]))
    np.testing.assert_allclose(doc["efficiency"]["F1"], expected.g1.values, rtol=1e-15)
    np.testing.assert_allclose(doc["efficiency"]["F2"], expected.g2.values, rtol=1e-15)
