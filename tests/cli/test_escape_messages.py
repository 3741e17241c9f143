"""escape: plain, self-consistent messages (issue 14, item 3) and the MRAM retention claim of the
docs (item 2). Each refusal is one line naming the flag as written, exit 2, no traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
YEAR = 365.25 * 86400.0


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spintorque", *args], capture_output=True,
                          text=True, timeout=300, check=False)


def _json(*args: str) -> dict:
    proc = run(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_a_degenerate_well_is_called_marginal_not_unstable_with_a_positive_rate():
    # hard_ratio = −1 cancels the easy axis: a flat direction, |rate| ~ 1e-8 /tau_N (rounding);
    # it read "unstable: its linear relaxation rate is 9.044e-09 /tau_N <= 0"
    from spintorque.thermal import ReducedProblem
    from spintorque.thermal.regime import sphere_landscape

    landscape = sphere_landscape(ReducedProblem(10.0, hard_ratio=-1.0).sphere_model(), (0, 0, 1))
    reason = landscape.reason
    assert landscape.regime == "no barrier" and "marginal" in reason and "unstable" not in reason
    assert "<= 0" not in reason
    # a genuinely unstable state says its growth rate, positive, as a growth rate
    unstable = sphere_landscape(ReducedProblem(10.0, i=1.5, hard_ratio=0.5).sphere_model(),
                                (0, 0, 1))
    assert unstable.regime == "no barrier" and "grows at the rate" in unstable.reason


def test_a_current_ratio_at_h_minus_one_is_refused_in_one_line():
    # i = I/I_c0(h) with I_c0(h) ∝ 1 + h: at h = −1 every finite i was silently the same result
    proc = run("escape", "--sigma", "10", "--reduced-field", "-1", "--current-ratio", "20")
    assert proc.returncode == 2 and proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: --current-ratio: ")
    assert "1 + h" in proc.stderr and "got i = 20" in proc.stderr


@pytest.mark.parametrize("ratio", [-2.0, 0.5, 1.0])
def test_the_api_refuses_a_current_ratio_at_h_minus_one_naming_i(ratio):
    from spintorque.errors import InputError
    from spintorque.thermal import ReducedProblem

    with pytest.raises(InputError, match="1 \\+ h") as error:
        ReducedProblem(10.0, h=-1.0, i=ratio)
    assert error.value.field == "i"


def test_h_minus_one_without_current_is_a_marginal_start_state_and_never_negative_zero():
    from spintorque.thermal.axial import AxialModel
    from spintorque.thermal.regime import axial_landscape

    for model in (AxialModel(10.0, -1.0, 0.0), AxialModel(10.0, -1.0, 20.0),
                  AxialModel(10.0, 0.0, 1.0)):  # (1 + h)(1 − i) = −0.0 for the second
        landscape = axial_landscape(model)
        assert landscape.regime == "no barrier" and "marginal" in landscape.reason
        assert "-0" not in landscape.reason and "<= 0" not in landscape.reason
    beyond = axial_landscape(AxialModel(10.0, 0.0, 1.5)).reason
    assert "unstable" in beyond and "= -0.5 < 0" in beyond and "h_eff" in beyond


def test_overflow_warnings_name_the_json_key_of_the_logarithm_not_an_api_function():
    from spintorque.thermal import ReducedProblem, escape

    result = escape(ReducedProblem(800.0))
    doc = result.to_json_dict()
    text = json.dumps(doc, allow_nan=False) + " ".join(result.messages)
    assert "log_ function" not in text
    assert any("ln_mfpt_over_tau_N (the key of escape --json" in m for m in result.messages)
    assert "ln_mfpt_over_tau_N" in doc["null_reasons"]["mfpt_over_tau_N"]
    assert doc["ln_mfpt_over_tau_N"] == pytest.approx(789.854, abs=1e-3)
    assert result.details["ln_mfpt_over_tau_N"] == doc["ln_mfpt_over_tau_N"]


def test_the_api_names_the_log_function_where_a_value_overflows():
    from spintorque.errors import InputError
    from spintorque.thermal.axial import AxialModel, mean_first_passage_time

    with pytest.raises(InputError, match=r"given by log_mean_first_passage_time\(\.\.\.\)\.log"):
        mean_first_passage_time(AxialModel(800.0))


@pytest.mark.parametrize(("current", "effect"), [(-1e11, "destabilises"), (1e10, "stabilises")])
def test_the_sign_of_the_current_is_stated_against_a_positive_magnitude_j_c0(current, effect):
    # perpendicular.toml: m starts along the polariser (+z), so J < 0 destabilises it; it read
    # "J = -1e+11 A/m² is 2.67 J_c0 (J_c0 = 3.75e+10 A/m²)"
    from spintorque.thermal import PhysicalProblem, escape

    problem = PhysicalProblem.from_file(ROOT / "examples" / "macrospin" / "perpendicular.toml",
                                        current)
    reason = escape(problem).regime_reason
    assert f"{effect} the start state (here J < 0 destabilises it; J_c0 is a magnitude)" in reason
    assert re.search(r"i = -?[0-9.]+, \|J\| = [0-9.]+ J_c0 \(J_c0 = 3\.75e\+10 A/m²\)", reason)
    assert " is 2.67 J_c0" not in reason


@pytest.mark.slow  # the 2D solver on the MRAM cell: ~10 s
def test_the_documented_mram_retention_time_is_what_escape_prints():
    doc = _json("escape", str(ROOT / "examples" / "macrospin" / "in_plane.toml"))
    retention = 1.0 / doc["switching_rate"] / YEAR  # mean dwell time 1/k_fwd (docs' definition)
    assert retention == pytest.approx(25.9, abs=0.1)
    docs = (ROOT / "docs" / "thermal.md").read_text()
    line = next(ln for ln in docs.splitlines() if ln.startswith("spintorque escape examples/"
                                                                "macrospin/in_plane.toml"))
    claimed = float(re.search(r"retention ≈ ([0-9.]+) years", line).group(1))
    assert claimed == pytest.approx(retention, rel=0.03)
    example = (ROOT / "examples" / "macrospin" / "in_plane.toml").read_text()
    assert f"≈ {claimed:g} years" in example and "1/λ1 (≈ 13 years here)" not in example
    assert 1.0 / doc["lambda1"] / YEAR == pytest.approx(12.96, abs=0.05)  # the relaxation time
