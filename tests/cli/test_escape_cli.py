"""`spintorque escape`: flags refused with a file, physical overrides, strict JSON in every regime,
one-line errors (run in-process through typer's CliRunner)."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spintorque.cli import app
from spintorque.thermal import REGIMES
from tests.thermal.test_escape import mtj

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples" / "macrospin"
LEGACY_REDUCED = {"sigma", "reduced_field", "current_ratio", "nu", "alpha", "lambda1_tau_N",
                  "integral_relaxation_time_over_tau_N", "mfpt_over_tau_N", "effective_barrier_kT",
                  "brown_lambda1_tau_N", "units", "solver"}
LEGACY_PHYSICAL = {"sigma", "reduced_field", "current_ratio", "nu", "tau_N", "anisotropy_field",
                   "critical_current_density", "lambda1", "integral_relaxation_time", "mfpt",
                   "units", "solver"}
NEW = {"regime", "regime_reason", "method", "converged", "error_estimate", "null_reasons",
       "closed_forms", "warnings"}


def escape(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["escape", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def strict(text: str) -> dict:
    def refuse(constant: str) -> None:
        raise AssertionError(f"not strict JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


def assert_one_line_error(code: int, err: str, word: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and word in lines[0], err
    assert "Traceback" not in err


def explained(doc: dict) -> bool:
    """Every null among the reported values has a reason (the input alpha may be null)."""
    return all(key in doc["null_reasons"] for key, value in doc.items()
               if value is None and key != "alpha")


@pytest.mark.parametrize(("flag", "value"), [
    ("--sigma", "3"), ("--current-ratio", "0.5"), ("--reduced-field", "0.1"), ("--alpha", "0.1"),
    ("--hard-ratio", "2"), ("--polarizer-angle", "10"),
])
def test_reduced_unit_flags_are_refused_with_a_file(flag, value):
    code, _, err = escape(EXAMPLES / "thermal.toml", flag, value)
    assert_one_line_error(code, err, f"error: {flag}:")
    assert "either" in err


def test_current_and_temperature_overrides_agree_with_an_edited_file(tmp_path):
    base = tmp_path / "mtj.toml"
    base.write_text(mtj(tmp_path, 0.0).read_text())
    edited = tmp_path / "edited.toml"
    edited.write_text(mtj(tmp_path, 2e10).read_text().replace('"300 K"', '"350 K"'))
    code, out, err = escape(base, "--current", "2e6 A/cm^2", "--temperature", "350 K", "--json")
    assert code == 0, err
    overridden = strict(out)
    code, out, err = escape(edited, "--json")
    assert code == 0, err
    from_file = strict(out)
    # the provenance differs, as it must: other input text, other arguments
    assert overridden.pop("provenance")["input_files"] != from_file.pop("provenance")["input_files"]
    assert overridden == from_file
    assert overridden["current_density"] == pytest.approx(2e10, rel=1e-15)
    assert overridden["temperature"] == 350.0 and overridden["units"]["mfpt"] == "s"
    assert set(overridden) >= LEGACY_PHYSICAL | NEW
    assert overridden["regime"] in REGIMES and overridden["lambda1"] > 0
    assert overridden["current_ratio"] == pytest.approx(
        2e10 / overridden["critical_current_density"], rel=1e-14)


def test_physical_flags_need_a_file_and_units():
    assert_one_line_error(*escape("--sigma", "10", "--current", "1e10 A/m^2")[::2], "--current")
    assert_one_line_error(*escape("--sigma", "10", "--temperature", "300 K")[::2], "--temperature")
    code, _, err = escape(EXAMPLES / "thermal.toml", "--current", "5e10")
    assert_one_line_error(code, err, "--current")
    assert "missing unit" in err
    code, _, err = escape(EXAMPLES / "thermal.toml", "--temperature", "0 K")
    assert_one_line_error(code, err, "--temperature")
    assert "T > 0 K" in err


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_json_is_strict_on_a_grid_of_reduced_inputs_in_every_regime():
    seen = set()
    for sigma, i, h in itertools.product(("0.5", "40"), ("-1", "0.5", "0.99", "1", "1.5", "5"),
                                         ("-1.5", "0", "0.5")):
        code, out, err = escape("--sigma", sigma, "--current-ratio", i, "--reduced-field", h,
                                "--json")
        assert code == 0, err
        doc = strict(out)
        assert doc["converged"], (sigma, i, h, doc)
        assert doc["lambda1_tau_N"] > 0 and doc["mfpt_over_tau_N"] > 0
        assert set(doc) >= LEGACY_REDUCED | NEW and doc["regime"] in REGIMES
        assert explained(doc), (sigma, i, h, doc)
        assert (doc["effective_barrier_kT"] is None) == (doc["regime"] in ("no barrier",
                                                                            "single well"))
        if doc["regime"] != "thermally activated":
            assert doc["brown_lambda1_tau_N"] is None
        seen.add(doc["regime"])
    assert seen == set(REGIMES)


@pytest.mark.parametrize(("args", "word"), [
    (["--sigma", "-1"], "--sigma"),
    (["--sigma", "5", "--alpha", "0"], "--alpha"),
    (["--sigma", "5", "--solver", "bogus"], "--solver"),
    (["--sigma", "5", "--current-ratio", "1", "--nu", "-2"], "--nu"),
    (["--sigma", "5", "--hard-ratio", "2", "--solver", "axial"], "--solver"),
    (["--sigma", "5000", "--current-ratio", "0.5"], "sigma"),
    ([str(EXAMPLES / "in_plane.toml"), "--nu", "0.5"], "nu"),
    ([str(EXAMPLES / "in_plane.toml"), "--solver", "1d"], "in_plane.toml"),
    ([], "either"),
])
def test_bad_input_is_one_line_and_exit_2(args, word):
    code, _, err = escape(*args)
    assert_one_line_error(code, err, word)


def twice(tmp_path: Path, damping: str) -> Path:
    """The shape of the original examples/macrospin/perpendicular.toml: a Slonczewski and a
    diffusive torque for the same fixed layer (the spin torque counted twice)."""
    shutil.copy(EXAMPLES / "valve.toml", tmp_path / "valve.toml")
    path = tmp_path / "twice.toml"
    text = mtj(tmp_path, 1e11).read_text().replace('thickness = "1.3 nm"', 'thickness = "1.5 nm"')
    path.write_text(text.replace("damping = 0.01", f"damping = {damping}")
                    + '\n[[torque]]\ntype = "diffusive"\nstack = "valve.toml"\nfree_layer = "F2"\n')
    return path


def test_a_file_counting_the_torque_twice_gives_flagged_numbers_or_one_line(tmp_path):
    path = twice(tmp_path, "0.1")
    code, out, err = escape(path, "--json")
    if code == 0:
        doc = strict(out)
        assert explained(doc) and doc["regime"] in REGIMES
        assert doc["converged"] or doc["warnings"]
    else:
        assert_one_line_error(code, err, str(path))


def test_a_solver_failure_on_such_a_file_is_one_line_in_physical_units(tmp_path, monkeypatch):
    from spintorque.errors import InputError
    from spintorque.thermal.sphere import escape2d

    def singular(*args, **kwargs):
        raise InputError("absorbing", "the killed generator is singular")
    monkeypatch.setattr(escape2d, "escape_2d", singular)
    path = twice(tmp_path, "0.01")
    code, _, err = escape(path)
    assert_one_line_error(code, err, f"{path}: torque: at J = 1e+11 A/m² and T = 300 K")
    assert "counted twice" in err and "slonczewski, diffusive" in err


def test_the_text_output_names_method_regime_and_units():
    code, out, err = escape(EXAMPLES / "thermal.toml")
    assert code == 0, err
    text = " ".join(out.split())  # rich wraps at the terminal width, wherever the path ends
    assert "method axial" in text and "regime: critical" in text and "1/s" in text
    code, out, err = escape("--sigma", "40", "--current-ratio", "1.2")
    assert code == 0, err
    text = " ".join(out.split())
    assert "no barrier" in text and "effective barrier: none" in text
