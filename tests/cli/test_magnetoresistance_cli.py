"""The magnetoresistance command: the JSON contract, files written, and one-line refusals."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from spintorque.cli import app
from tests.cli.test_transport_edges import strict


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_json_has_the_contract_keys_in_si_units(wavy):
    result = invoke("magnetoresistance", str(wavy), "--rotate", "F2", "--angles", "0:180:181", "--json")
    assert result.exit_code == 0, result.output
    doc = strict(result.stdout)
    assert isinstance(doc, dict)
    assert len(doc["angles_deg"]) == len(doc["resistance_area"]) == 181
    assert doc["resistance_area"][0] == pytest.approx(doc["resistance_area_parallel"], rel=1e-14)
    assert doc["resistance_area"][-1] == pytest.approx(doc["resistance_area_antiparallel"], rel=1e-14)
    assert doc["delta_resistance_area"] == pytest.approx(
        doc["resistance_area_antiparallel"] - doc["resistance_area_parallel"]
    )
    assert doc["gmr_ratio"] == pytest.approx(doc["delta_resistance_area"] / doc["resistance_area_parallel"])
    assert doc["units"]["resistance_area"] == "ohm*m^2"
    (extremum,) = doc["resistance_area_extremum_angles_deg"]
    (zero,) = doc["torque_zero_angles_deg"]["F2"]
    assert extremum == pytest.approx(zero, abs=1e-7)


def test_plot_and_dataset_are_written(wavy, tmp_path):
    import xarray as xr

    png, nc = tmp_path / "r.png", tmp_path / "r.nc"
    result = invoke(
        "magnetoresistance",
        str(wavy),
        "--rotate",
        "F2",
        "--angles",
        "0:180:37",
        "--plot",
        str(png),
        "--output",
        str(nc),
    )
    assert result.exit_code == 0, result.output
    assert png.stat().st_size > 1000
    with xr.open_dataset(nc) as ds:
        assert ds.resistance_area.attrs["units"] == "ohm*m^2"
        assert ds.sizes["theta"] == 37
    assert "RA minimum" in result.stdout and "torque on F2 changes sign" in result.stdout


@pytest.mark.parametrize("name", ["N", "F9"])
def test_a_bad_rotate_name_is_one_line_naming_the_flag(wavy, name):
    result = invoke("magnetoresistance", str(wavy), "--rotate", name, "--angles", "0:180:5")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--rotate" in lines[0] and "F1, F2" in lines[0]


def test_a_bad_output_path_is_refused_before_any_work(wavy, tmp_path):
    result = invoke(
        "magnetoresistance",
        str(wavy),
        "--rotate",
        "F2",
        "--angles",
        "0:180:5",
        "--output",
        str(tmp_path / "r.txt"),
    )
    assert result.exit_code == 2 and "--output" in result.stderr
    result = invoke("magnetoresistance", str(wavy), "--rotate", "F2", "--angles", "0:180")
    assert result.exit_code == 2 and "--angles" in result.stderr
