"""The switching, precession and fit-activation commands: geometry-judged switching with its
statistics and seed, the time-step warning, precession sampled to resolve the orbit, and
activation fits that refuse too few points and flag pinned parameters."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from spintorque.constants import gamma0, mu0

ROOT = Path(__file__).parents[2]
IN_PLANE = ROOT / "examples" / "macrospin" / "in_plane.toml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spintorque", *args], capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_in_plane_cell_at_zero_current_does_not_switch_and_the_drawn_seed_replays():
    args = ("switching", str(IN_PLANE), "--current", "0 A/m^2", "--duration", "1ns",
            "--trajectories", "16", "--json")
    first = run(*args)
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)
    assert doc["switched_fraction"] == 0.0 and doc["switched_fraction_standard_error"] is None
    assert "none of the 16" in doc["null_reasons"]["switched_fraction_standard_error"]
    assert doc["switched_fraction_upper_bound_95"] == pytest.approx(1 - 0.05 ** (1 / 16))
    assert doc["criterion"]["axis"] == [1.0, 0.0, 0.0] and doc["criterion"]["axis_source"] == "easy axis"
    assert doc["switched_fraction_interval_95"][0] == 0.0 and doc["switched_fraction_interval_95"][1] > 0
    assert doc["mean_switching_time"] is None and doc["switching_time_quantiles"]["0.5"] is None
    assert "switched" in doc["switching_time_quantile_reasons"]["0.5"]
    curve = doc["switching_probability_versus_time"]
    assert len(curve["time"]) == len(curve["switched_fraction"]) == 101
    assert curve["time"][-1] == pytest.approx(0.9e-9) and set(curve["switched_fraction"]) == {0.0}
    assert doc["seed_given"] is False and isinstance(doc["seed"], int)
    assert doc["warnings"] == [] and "warning" not in first.stderr and doc["dt"] == 5e-13
    replay = run(*args, "--seed", str(doc["seed"]))
    again = json.loads(replay.stdout)
    assert again["seed_given"] is True and again["seed"] == doc["seed"]
    for key in ("switched_fraction", "switching_probability_versus_time", "criterion"):
        assert again[key] == doc[key]


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_switching_statistics_of_a_thermal_cell_and_a_coarse_step_warning():
    thermal = ROOT / "examples" / "macrospin" / "thermal.toml"
    proc = run("switching", str(thermal), "--current", "0 A/m^2", "--duration", "2ns",
               "--trajectories", "40", "--seed", "5", "--dt", "10ps", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    lines = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1 and "dt = 1e-11 s is too coarse" in lines[0] and "use dt <= 1e-12 s" in lines[0]
    assert doc["warnings"] == [lines[0].removeprefix("warning: ")]
    n, p = doc["trajectories"], doc["switched_fraction"]
    assert 0 < p < 1 and doc["switched_count"] == round(p * n)
    assert doc["switched_fraction_standard_error"] == pytest.approx(math.sqrt(p * (1 - p) / n), rel=1e-12)
    quantiles = doc["switching_time_quantiles"]
    known = [quantiles[q] for q in ("0.05", "0.25", "0.5", "0.75", "0.95") if quantiles[q] is not None]
    assert known == sorted(known) and all(0 < t < 2e-9 for t in known)
    curve = doc["switching_probability_versus_time"]["switched_fraction"]
    assert curve[0] == 0.0 and all(b >= a for a, b in itertools.pairwise(curve))
    assert curve[-1] <= p
    bad = run("switching", str(thermal), "--current", "0 A/m^2", "--duration", "1ns",
              "--threshold", "1.5")
    assert bad.returncode == 2 and "--threshold" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.slow
def test_precession_over_100_ns_finds_the_kittel_frequency_above_20_ghz(tmp_path):
    # in-plane film, easy axis x, field along x, no damping: f = gamma0 sqrt(H1 (H1 + Ms))/2π,
    # H1 = H + H_K; 20.8 GHz, which 4001 samples over 100 ns alias to 19.2 GHz
    Ms, K = 1e6, 1e5
    H_K = 2 * K / (mu0 * Ms)
    omega = 2 * math.pi * 20.8e9
    H = (-Ms + math.sqrt(Ms**2 + 4 * (omega / gamma0) ** 2)) / 2 - H_K
    magnet = tmp_path / "kittel.toml"
    magnet.write_text(f"""
[magnet]
saturation_magnetization = "{Ms} A/m"
thickness = "1 nm"
area = "100 nm^2"
damping = 0.0
initial = [{math.cos(1e-3)}, {math.sin(1e-3)}, 0]
[[energy]]
type = "uniaxial"
K = "{K} J/m^3"
axis = [1, 0, 0]
[[energy]]
type = "demag"
factors = [0, 0, 1]
[[energy]]
type = "zeeman"
field = ["{H} A/m", "0 A/m", "0 A/m"]
""")
    proc = run("precession", str(magnet), "--currents", "0:0:1", "--duration", "100ns", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    kittel = gamma0 * math.sqrt((H + H_K) * (H + H_K + Ms)) / (2 * math.pi)
    assert doc["frequency"][0] == pytest.approx(kittel, rel=1e-4) and doc["warnings"] == []
    assert 1 / (doc["sample_step"] * doc["frequency"][0]) >= 10   # samples per period
    coarse = run("precession", str(magnet), "--currents", "0:0:1", "--duration", "10ns",
                 "--sample-step", "25ps", "--json")
    assert coarse.returncode == 0, coarse.stderr
    assert "near the Nyquist frequency" in coarse.stderr and len(json.loads(coarse.stdout)["warnings"]) == 2


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_fit_activation_refuses_fewer_points_than_parameters_naming_the_file(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("current,dwell_time\n1e-4,2e-3\n")
    proc = run("fit-activation", str(one), "--json")
    assert proc.returncode == 2 and proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and str(one) in proc.stderr and "1 data point" in proc.stderr
    two = tmp_path / "two.csv"
    two.write_text("current,dwell_time\n1e-4,2e-3\n2e-4,1e-3\n")
    proc = run("fit-activation", str(two), "--law", "quadratic")
    assert proc.returncode == 2 and str(two) in proc.stderr and "--tau0" in proc.stderr
    # as many points as parameters: an exact fit, whose errors do not exist (null + reason)
    proc = run("fit-activation", str(two), "--law", "linear", "--json")
    assert proc.returncode == 0, proc.stderr
    fit = json.loads(proc.stdout)["fits"]["linear"]
    assert fit["delta_error"] is None and "degree of freedom" in fit["error_reasons"]["delta_error"]
    assert fit["converged"] is True and fit["at_bound"] == []


def test_fit_activation_flags_a_law_pinned_at_a_parameter_bound():
    data = ROOT / "examples" / "activation" / "solver_dwell_times.csv"
    proc = run("fit-activation", str(data), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    temperature = doc["fits"]["temperature"]
    assert temperature["at_bound"] == ["tau0"] and temperature["tau0"] == pytest.approx(1e-15)
    assert temperature["tau0_error"] is None and "bound" in temperature["error_reasons"]["tau0_error"]
    assert any("temperature: tau0 pinned" in line for line in doc["warnings"])
    assert "warning: temperature: tau0 pinned" in proc.stderr
    assert doc["best_law"] == "quadratic" and doc["supported"] is True
    quadratic = doc["fits"]["quadratic"]
    assert quadratic["at_bound"] == [] and quadratic["delta_error"] > 0


def _switching(*args: str):
    from typer.testing import CliRunner

    from spintorque.cli import app

    return CliRunner().invoke(app, ["switching", str(IN_PLANE), "--current", "0 A/m^2",
                                    "--duration", "10ps", "--trajectories", "4", "--seed", "3",
                                    *args])


def test_start_flag_is_validated_in_one_line_naming_it():
    for args in (("--start", "boltzmann"), ("--start", "thermal", "--temperature", "0K")):
        bad = _switching(*args)
        lines = bad.stderr.strip().splitlines()
        assert bad.exit_code == 2 and len(lines) == 1 and "--start" in lines[0], bad.stderr
        assert "Traceback" not in bad.stderr


@pytest.mark.slow  # several in-process runs (the first compiles the kernel)
def test_switching_json_reports_the_start_state_and_its_mean_angle():
    def doc(*args: str) -> dict:
        result = _switching("--json", *args)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"non-strict {c}"))

    thermal = doc()  # 300 K in the file: thermal by default
    assert thermal["start"] == "thermal" and "start_note" not in thermal
    # sigma ≈ 44 and 2σ + demag curvature: a spread of a few degrees about u, not 0
    assert 0.02 < thermal["start_mean_angle_rad"] < 0.3
    assert thermal["units"]["start_mean_angle_rad"] == "rad"
    assert doc("--start", "thermal")["start_mean_angle_rad"] == thermal["start_mean_angle_rad"]
    fixed = doc("--start", "initial")
    assert fixed["start"] == "initial" and fixed["start_mean_angle_rad"] == 0.0  # initial = u
    cold = _switching("--json", "--temperature", "0K")
    assert cold.exit_code == 0, cold.stderr
    cold_doc = json.loads(cold.stdout)
    assert cold_doc["start"] == "initial" and "0 K" in cold_doc["start_note"]
    assert "note:" in cold.stderr and "0 K" in cold.stderr
