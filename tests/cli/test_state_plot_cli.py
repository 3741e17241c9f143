"""``spintorque state`` (final states from P and AP) and ``spintorque plot`` (maps of 2D sweeps)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from spintorque.cli import app
from spintorque.dynamics.state import STATES, state_attrs

EXAMPLES = Path(__file__).parents[2] / "examples"
BASE = EXAMPLES / "sweep" / "perpendicular_state.toml"
runner = CliRunner()


def test_state_json_reports_both_starts_and_switches_p_above_sun_current():
    # J_c0 = 1.52e12 A/m^2 for this cell: -1.8e12 switches P to AP, the AP start stays
    result = runner.invoke(
        app, ["state", str(BASE), "--current", "-1.8e12 A/m^2", "--duration", "3ns", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["from_p"]["state"] == "AP" and doc["from_ap"]["state"] == "AP"
    assert doc["field"] == 0.0 and doc["axis"] == [0.0, 0.0, 1.0]
    # a field along P of 0.3 H_K raises the threshold above 1.8e12: P stays
    result = runner.invoke(
        app,
        [
            "state",
            str(BASE),
            "--current",
            "-1.8e12 A/m^2",
            "--field",
            "9.55e4 A/m",
            "--duration",
            "3ns",
            "--json",
        ],
    )
    assert json.loads(result.stdout)["from_p"]["state"] == "P"


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--current", "1e30 A/m^2"], "--current"),
        (["--field", "3 m"], "--field"),
        (["--duration", "-1ns"], "--duration"),
    ],
)
def test_state_bad_flags_are_one_line_errors_naming_the_flag(args: list[str], flag: str):
    result = runner.invoke(app, ["state", str(BASE), *args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and flag in lines[0]


def _store(path: Path, dims: int = 2) -> Path:
    J = np.linspace(-3e12, 3e12, 5)
    H = np.linspace(-1e5, 1e5, 3)
    coords = {"conditions.current_density": ("conditions.current_density", J, {"units": "A/m^2"})}
    shape: tuple[int, ...] = (5,)
    if dims == 2:
        coords["state.field"] = ("state.field", H, {"units": "A/m"})
        shape = (5, 3)
    names = tuple(coords)
    codes = np.zeros(shape)
    codes[:2] = 1
    codes[-1] = 2
    ds = xr.Dataset(
        {
            "state_from_p": (names, codes, state_attrs("final state from the P start")),
            "write_error_rate": (names, 10.0 ** -np.arange(codes.size).reshape(shape), {"units": "1"}),
            "g2": (names, np.ones(shape), {"units": "1"}),
            "torque": ((*names, "layer"), np.ones((*shape, 2)), {"units": "J/m^2"}),
            "done": (names, np.ones(shape, dtype=bool)),
        },
        coords=coords,
        attrs={"command": "state"},
    )
    ds.to_zarr(path, zarr_format=2)
    return path


@pytest.mark.parametrize("var", ["state_from_p", "write_error_rate", "g2"])
def test_plot_writes_a_map_of_a_2d_sweep(tmp_path: Path, var: str):
    store = _store(tmp_path / "out.zarr")
    result = runner.invoke(app, ["plot", str(store), "--var", var, "-o", str(tmp_path / "map.png")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "map.png").stat().st_size > 1000


def test_plot_map_uses_state_colours_with_a_legend_and_a_log_scale_for_wer(tmp_path: Path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.colors import LogNorm

    from spintorque.plotting.sweep import STATE_COLOURS, plot_sweep_map

    ds = xr.open_zarr(_store(tmp_path / "out.zarr")).load()
    ax = plot_sweep_map(ds, "state_from_p")
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["P", "AP", "precession"]  # the states present, in code order
    assert set(STATE_COLOURS) == set(STATES)
    assert ax.get_xlabel() == "conditions.current_density [A/m^2]" and ax.get_ylabel() == "state.field [A/m]"
    ax = plot_sweep_map(ds, "write_error_rate")
    assert isinstance(ax.collections[0].norm, LogNorm)


def test_plot_refuses_an_unknown_variable_a_1d_store_and_extra_dimensions(tmp_path: Path):
    store = _store(tmp_path / "out.zarr")
    result = runner.invoke(app, ["plot", str(store), "--var", "g3"])
    assert result.exit_code == 2 and "--var" in result.stderr and "g2" in result.stderr
    result = runner.invoke(app, ["plot", str(store), "--var", "torque"])
    assert result.exit_code == 2 and "--var" in result.stderr and "layer" in result.stderr
    line = _store(tmp_path / "line.zarr", dims=1)
    result = runner.invoke(app, ["plot", str(line), "--var", "g2"])
    assert result.exit_code == 2 and "1 swept dimension" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(app, ["plot", str(tmp_path), "--var", "g2"])
    assert result.exit_code == 2 and "not a sweep store" in result.stderr
