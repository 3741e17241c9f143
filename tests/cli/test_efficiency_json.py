"""``efficiency --json``: each g list is written once, under the ferromagnet it belongs to."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

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


MIXING = """
[[interfaces]]
between = ["F1", "N"]
resistance_area = "0.51 fOhm*m^2"
spin_asymmetry = 0.77
mixing_conductance = ["0.55e15 S/m^2", "0.02e15 S/m^2"]

[[interfaces]]
between = ["N", "F2"]
resistance_area = "0.51 fOhm*m^2"
spin_asymmetry = 0.77
mixing_conductance = ["0.55e15 S/m^2", "0.03e15 S/m^2"]
"""


def _efficiency_json(path: Path, n: int) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "spintorque", "efficiency", str(path), "--rotate", "F2",
         "--angles", f"0:180:{n}", "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_efficiency_json_gives_field_like_efficiencies_with_a_mixing_conductance(tmp_path):
    path = tmp_path / "mixing.toml"
    path.write_text(EXAMPLE.read_text() + MIXING)
    n = 5
    doc = _efficiency_json(path, n)
    for key in ("angles_deg", "angle_between_deg", "rotated", "ferromagnets", "efficiency"):
        assert key in doc
    field = doc["efficiency_field_like"]
    assert set(field) == {"F1", "F2"}
    # 0 and 180 deg: m1 ∥ m2, no field-like direction: null with the reason
    for name in ("F1", "F2"):
        assert field[name][0] is None and field[name][-1] is None
    assert "f1" in doc["undefined"] and "f2" in doc["undefined"]
    # the inner angles equal the API's field-like efficiency of each solve
    stack = st.load_stack(path)
    for k, theta in enumerate(np.radians(doc["angles_deg"])[1:-1], start=1):
        f2 = (np.sin(theta), 0.0, np.cos(theta))
        f = st.solve(stack.with_magnetization("F2", f2)).field_like_efficiency()
        assert f["g1"] != 0.0 and f["g2"] != 0.0  # Im G↑↓ ≠ 0 gives a field-like torque
        np.testing.assert_allclose(field["F1"][k], f["g1"], rtol=1e-12)
        np.testing.assert_allclose(field["F2"][k], f["g2"], rtol=1e-12)


def test_efficiency_json_has_no_field_like_key_without_a_mixing_conductance():
    doc = _efficiency_json(EXAMPLE, 3)
    assert "efficiency_field_like" not in doc
