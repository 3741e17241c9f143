"""Every CLI command and every bad-input case, run as a subprocess."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import spintorque as st
from tests.test_stack import BASE

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "co_cu_py.toml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spintorque", *args], capture_output=True,
                          text=True, timeout=300, check=False)


def test_solve_json_matches_the_library_and_the_contract(tmp_path):
    out = tmp_path / "r.nc"
    proc = run("solve", str(EXAMPLE), "--json", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    result = st.solve(st.load_stack(EXAMPLE))
    assert [i["left"] for i in doc["interfaces"]] == ["left_lead", "F1", "N", "F2"]
    np.testing.assert_allclose(doc["interfaces"][2]["spin_accumulation"],
                               result.spin_accumulation[2], rtol=1e-15)
    f2 = next(layer for layer in doc["layers"] if layer["name"] == "F2")
    np.testing.assert_allclose(f2["torque"], result.torque("F2"), rtol=1e-15)
    assert doc["efficiency"]["g2"] == pytest.approx(float(result.efficiency["g2"]), rel=1e-15)
    assert doc["resistance_area"] > doc["spin_resistance_area"] > 0
    assert out.stat().st_size > 0


def test_solve_prints_a_readable_summary():
    proc = run("solve", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert "torque" in proc.stdout and "efficiency g1" in proc.stdout


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_efficiency_json_and_plot(tmp_path):
    plot = tmp_path / "g.png"
    proc = run("efficiency", str(EXAMPLE), "--rotate", "F2", "--angles", "0:180:19", "--json",
               "--plot", str(plot))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["angles_deg"][0] == 0 and doc["angles_deg"][-1] == 180
    assert len(doc["efficiency"]["F1"]) == 19 and len(doc["efficiency"]["F2"]) == 19
    expected = st.efficiency(st.load_stack(EXAMPLE), "F2", np.radians(doc["angles_deg"]))
    np.testing.assert_allclose(doc["efficiency"]["F2"], expected.g2.values, rtol=1e-15)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_profile_and_materials_commands(tmp_path):
    plot = tmp_path / "p.png"
    assert run("profile", str(EXAMPLE), "--plot", str(plot)).returncode == 0
    assert plot.stat().st_size > 0
    proc = run("materials", "--json")
    assert proc.returncode == 0
    assert {"Co", "Cu", "Py", "Pt"} <= set(json.loads(proc.stdout)["materials"])
    table = run("materials")
    assert table.returncode == 0 and "Co" in table.stdout


@pytest.mark.parametrize(("edit", "words"), [
    (('material = "MyCu"', 'material = "Unobtainium"'), ["layers[1].material", "unknown"]),
    (('thickness = "10 nm"', 'thickness = "10"'), ["layers[1].thickness", "missing unit"]),
    (('thickness = "10 nm"', 'thickness = "-3 nm"'), ["layers[1].thickness", "1e-12 m <= d"]),
    (("spin_asymmetry = 0.46", "spin_asymmetry = -1.2"), ["spin_asymmetry", "-1 < beta < 1"]),
    (("magnetization = [0, 0, 1]", "magnetization = [0, 0, 0]"), ["magnetization", "non-zero"]),
    (("[[layers]]", "[[nolayers]]"), ["nolayers"]),
    (("[current]", "[current"), ["malformed TOML"]),
])
def test_bad_input_is_one_line_exit_2_no_traceback(tmp_path, edit, words):
    path = tmp_path / "bad.toml"
    path.write_text(BASE.replace(*edit, 1))
    proc = run("solve", str(path), "--json")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr and proc.stdout == ""
    assert str(path) in lines[0]
    for word in words:
        assert word in lines[0]


def test_empty_stack_is_an_error(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text('[current]\ndensity = "1e11 A/m^2"\n')
    proc = run("solve", str(path))
    assert proc.returncode == 2 and "empty" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("args", "word"), [
    (["--rotate", "N", "--angles", "0:90:3"], "not a ferromagnet"),
    (["--rotate", "F9", "--angles", "0:90:3"], "no layer named"),
    (["--rotate", "F2", "--angles", "0:90"], "START:STOP:COUNT"),
])
def test_efficiency_bad_arguments(args, word):
    proc = run("efficiency", str(EXAMPLE), *args)
    assert proc.returncode == 2 and word in proc.stderr and "Traceback" not in proc.stderr


def test_explain_json_has_the_contract_keys():
    proc = run("explain", str(EXAMPLE), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["layer_with_sign_change"] == "F2"
    assert 0 < doc["zero_torque_angle_deg"] < 90
    assert doc["g2_negative_above_p2_over_p1"] > 1 > doc["g1_negative_below_p2_over_p1"]
    assert doc["p2_over_p1"] > doc["g2_negative_above_p2_over_p1"]


@pytest.mark.slow
def test_hodograph_and_signmap_write_figures(tmp_path):
    figure = tmp_path / "h.svg"
    proc = run("hodograph", str(EXAMPLE), "-o", str(figure))
    assert proc.returncode == 0, proc.stderr
    assert figure.read_text().lstrip().startswith("<?xml")
    sign = tmp_path / "s.png"
    proc = run("signmap", str(EXAMPLE), "--vary", "F2.thickness=1nm:8nm:8", "--angles",
               "0:90:10", "-o", str(sign), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert len(doc["g2"]) == 8 and len(doc["g2"][0]) == 10
    assert sign.stat().st_size > 0


@pytest.mark.parametrize(("args", "word"), [
    (["signmap", str(EXAMPLE), "--vary", "F2.thickness=1:8nm:8"], "missing unit"),
    (["signmap", str(EXAMPLE), "--vary", "F2.color=1nm:8nm:8"], "PARAM"),
    (["hodograph", str(EXAMPLE), "-o", "figure.gif"], ".png"),
])
def test_analogy_commands_reject_bad_arguments(args, word):
    proc = run(*args)
    assert proc.returncode == 2 and word in proc.stderr and "Traceback" not in proc.stderr


def test_escape_json_matches_the_library():
    from spintorque.thermal import AxialModel, mean_first_passage_time, smallest_eigenvalue

    proc = run("escape", "--sigma", "20", "--reduced-field", "0.1", "--current-ratio", "0.3",
               "--alpha", "0.01", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    model = AxialModel(20.0, 0.1, 0.3)
    assert doc["lambda1_tau_N"] == pytest.approx(smallest_eigenvalue(model), rel=1e-14)
    top = -(0.1 - 0.3 * 1.1)  # the transition surface z* = −h_eff = 0.23 > 0
    target = min(0.0, top)  # the MFPT goes to the later of m·u = 0 and z*: the separatrix
    assert target == 0.0
    assert doc["mfpt_target_m_dot_u"] == pytest.approx(target, abs=1e-15)
    assert doc["mfpt_over_tau_N"] == pytest.approx(mean_first_passage_time(model, 1.0, target),
                                                   rel=1e-14)
    assert doc["integral_relaxation_time_over_tau_N"] > 0


@pytest.mark.parametrize(("args", "word"), [
    (["escape", "--sigma", "-1"], "sigma"),
    (["escape", "--sigma", "5", "--alpha", "0"], "--alpha"),
])
def test_escape_rejects_bad_parameters(args, word):
    proc = run(*args)
    assert proc.returncode == 2 and word in proc.stderr and "Traceback" not in proc.stderr


MACROSPIN = ROOT / "examples" / "macrospin" / "thermal.toml"


@pytest.mark.slow
def test_dynamics_writes_an_ensemble_and_switching_reports_statistics(tmp_path):
    import xarray as xr

    out = tmp_path / "run.nc"
    proc = run("dynamics", str(MACROSPIN), "--duration", "0.2ns", "--dt", "1ps",
               "--trajectories", "3", "--seed", "7", "--save-every", "10ps", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    ds = xr.load_dataset(out)
    assert ds.m.dims == ("trajectory", "time", "component") and ds.sizes["time"] == 21
    assert ds.time.attrs.get("units") == "s"
    np.testing.assert_allclose(np.linalg.norm(ds.m.values, axis=-1), 1.0, atol=1e-12)
    proc = run("switching", str(MACROSPIN), "--current", "0 A/m^2", "--duration", "0.2ns",
               "--trajectories", "4", "--seed", "7", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert 0 <= doc["switched_fraction"] <= 1 and doc["macrospin_steps_per_second"] > 0
    bad = run("dynamics", str(MACROSPIN), "--duration", "1ns", "--dt", "1", "-o", str(out))
    assert bad.returncode == 2 and "--dt" in bad.stderr


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_escape_from_a_macrospin_file_is_in_seconds():
    from spintorque.magnet.io import load_macrospin
    from spintorque.thermal import mean_first_passage_time
    from spintorque.thermal.axial.physical import axial_reduction

    proc = run("escape", str(MACROSPIN), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    reduction = axial_reduction(*vars(load_macrospin(MACROSPIN)).values())
    assert doc["mfpt"] == pytest.approx(
        mean_first_passage_time(reduction.model) * reduction.tau_N, rel=1e-14)
    assert doc["units"]["mfpt"] == "s" and doc["sigma"] == pytest.approx(3.0, rel=1e-4)
    both = run("escape", str(MACROSPIN), "--sigma", "3")
    assert both.returncode == 2 and "either" in both.stderr


@pytest.mark.slow
def test_escape_uses_the_2d_solver_off_the_axis_and_agrees_with_1d_on_it():
    axial = json.loads(run("escape", "--sigma", "10", "--current-ratio", "0.3", "--json").stdout)
    forced = run("escape", "--sigma", "10", "--current-ratio", "0.3", "--solver", "2d", "--alpha",
                 "0.5", "--json")
    assert forced.returncode == 0, forced.stderr
    doc = json.loads(forced.stdout)
    assert doc["solver"] == "2d" and doc["converged"] and axial["solver"] == "1d"
    for key in ("lambda1_tau_N", "integral_relaxation_time_over_tau_N", "mfpt_over_tau_N"):
        assert doc[key] == pytest.approx(axial[key], rel=1e-7)
        assert doc[key + "_relative_error"] < 1e-6
    tilted = json.loads(run("escape", "--sigma", "10", "--current-ratio", "0.3", "--polarizer-angle",
                            "40", "--json").stdout)
    assert tilted["solver"] == "2d" and tilted["lambda1_tau_N"] != pytest.approx(
        doc["lambda1_tau_N"], rel=1e-2)
    bad = run("escape", "--sigma", "10", "--hard-ratio", "2", "--solver", "1d")
    assert bad.returncode == 2 and "--solver" in bad.stderr


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_escape_of_an_in_plane_magnet_file_runs_the_2d_solver_in_seconds():
    proc = run("escape", str(ROOT / "examples" / "macrospin" / "in_plane.toml"), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["solver"] == "2d" and doc["grid_family"] == "planar" and doc["converged"]
    assert doc["units"]["lambda1"] == "1/s"
    assert doc["well"] == pytest.approx([1.0, 0.0, 0.0], abs=1e-8)
    assert 1e7 < 1.0 / doc["lambda1"] < 1e10  # a retention time of the order of years


@pytest.mark.slow
def test_escape_low_damping_limit_matches_the_library_and_the_1d_solver_on_the_axis():
    from spintorque.thermal.energy import diffusion as ed
    from spintorque.thermal.sphere.model import uniaxial_model

    axial = json.loads(run("escape", "--sigma", "10", "--current-ratio", "0.3", "--json").stdout)
    proc = run("escape", "--sigma", "10", "--current-ratio", "0.3", "--solver", "energy", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["solver"] == "energy" and doc["separatrix_energy_loss_per_orbit_kT"] is None
    for key in ("lambda1_tau_N", "integral_relaxation_time_over_tau_N", "mfpt_over_tau_N"):
        assert doc[key] == pytest.approx(axial[key], rel=1e-9)  # orbit averaging exact on the axis
    assert doc["effective_barrier_kT"] == pytest.approx(10 * 0.7**2, rel=1e-9)
    # an in-plane layer with an easy plane and a current, at low damping
    proc = run("escape", "--sigma", "30", "--hard-ratio", "8", "--current-ratio", "2",
               "--alpha", "0.0001", "--solver", "energy", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    model = uniaxial_model(30.0, alpha=1e-12, easy_axis=(0, 0, 1), hard_axis=(1, 0, 0), hard_ratio=8.0,
                           current_ratio=2.0)
    problem = ed.energy_diffusion(model, (0, 0, 1))
    assert doc["mfpt_over_tau_N"] == pytest.approx(ed.mean_first_passage_time(problem), rel=1e-12)
    assert doc["well_instability_ratio"] == pytest.approx(2.0 / 5.0, rel=1e-9)  # i/(1 + kappa/2)
    assert doc["separatrix_energy_loss_per_orbit_kT"] == pytest.approx(
        1e-4 * 8 * 30 * math.sqrt(8), rel=1e-9)
    # δ = 0.068 k_BT per separatrix turn under a spin torque off the axis: the model error of
    # the limit is not predicted there (the zero-current turnover factor 1.24 is no bound), so
    # the result cannot be called converged and says so (issue 14)
    assert doc["model_error"] is None and "not predicted" in doc["null_reasons"]["model_error"]
    assert doc["model_error_zero_current_factor"] == pytest.approx(
        ed.turnover_factor(1e-4 * 8 * 30 * math.sqrt(8)), rel=1e-12)
    assert doc["converged"] is False and "2D sphere solver" in proc.stderr
    loud = run("escape", "--sigma", "30", "--hard-ratio", "8", "--alpha", "0.1", "--solver", "energy")
    assert loud.returncode == 0 and "per turn on the separatrix" in loud.stderr


@pytest.mark.slow
def test_fit_activation_reports_the_supported_law_and_draws_the_fit(tmp_path):
    data = ROOT / "examples" / "activation" / "solver_dwell_times.csv"
    figure = tmp_path / "fit.png"
    proc = run("fit-activation", str(data), "--law", "all", "-o", str(figure), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["best_law"] == "quadratic" and doc["supported"]
    assert set(doc["fits"]) == {"linear", "quadratic", "temperature"}
    assert doc["fits"]["linear"]["tau0_fixed"] is True
    assert figure.stat().st_size > 0
    bad = run("fit-activation", str(data), "--law", "cubic")
    assert bad.returncode == 2 and "--law" in bad.stderr


@pytest.mark.slow
def test_precession_command_reports_frequency_and_amplitude_per_current():
    wavy = ROOT / "examples" / "macrospin" / "wavy_valve.toml"
    proc = run("precession", str(wavy), "--currents", "0:1.5e11:2", "--duration", "2ns", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["current_density"] == [0.0, 1.5e11]
    assert len(doc["frequency"]) == 2 and doc["units"]["frequency"] == "Hz"
    bad = run("precession", str(wavy), "--currents", "0:1e11")
    assert bad.returncode == 2 and "--currents" in bad.stderr
