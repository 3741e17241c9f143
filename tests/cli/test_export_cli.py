"""The export-torque command: paste-ready lines per code, strict JSON, one-line refusals."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from spintorque.cli import app
from tests.cli.test_transport_edges import strict

NAMES = {
    "mumax3": (
        "Pol = ",
        "Lambda = ",
        "EpsilonPrime = ",
        "FixedLayer = vector(0, 0, 1)",
        "FreeLayerThickness = 3e-09",
        "J = vector(0, 0, 1e+11)",
    ),
    "oommf": ("Specify Oxs_SpinXferEvolve", "  P ", "  Lambda ", "  eps_prime ", "  J 1e+11", "  mp {0 0 1}"),
    "cmtj": (
        "Layer.createSTTLayer(",
        "SlonczewskiSpacerLayerParameter=",
        "spinPolarisation=",
        "thickness=3e-09",
        "setReferenceLayer(CVector(0, 0, 1))",
        "constantDriver(1e+11)",
    ),
}


@pytest.mark.parametrize("fmt", sorted(NAMES))
def test_each_format_writes_its_codes_parameter_names(wavy, fmt):
    result = CliRunner().invoke(app, ["export-torque", str(wavy), "--layer", "F2", "--format", fmt])
    assert result.exit_code == 0, result.output
    for text in NAMES[fmt]:
        assert text in result.stdout
    assert "torque residual: max" in result.stdout and "least-squares fit" in result.stdout


def test_json_is_strict_and_names_the_fit(wavy):
    result = CliRunner().invoke(
        app, ["export-torque", str(wavy), "--layer", "F1", "--format", "oommf", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = strict(result.stdout)
    assert isinstance(doc, dict)
    assert doc["polarizer_layer"] == "F2" and doc["current_sign"] == -1.0
    assert doc["current_density_A_per_m2"] == -1e11 and doc["Lambda"] >= 1.0
    assert 0 < doc["residual"]["rms_relative"] <= doc["residual"]["max_relative"]
    assert any(line.startswith("  P ") for line in doc["lines"])


@pytest.mark.parametrize(("flag", "value"), [("--layer", "N"), ("--format", "vampire")])
def test_bad_layer_or_format_is_one_line_naming_the_flag(wavy, flag, value):
    args = {"--layer": "F2", "--format": "mumax3", flag: value}
    result = CliRunner().invoke(app, ["export-torque", str(wavy), *[x for kv in args.items() for x in kv]])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0]
