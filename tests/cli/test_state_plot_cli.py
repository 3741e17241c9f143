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


def _wer_store(path: Path) -> Path:
    J = np.linspace(3e10, 8e10, 4)
    T = np.array([300.0, 350.0])
    pulse = np.array([1e-9, 5e-9, 2e-8])
    names = ("conditions.current_density", "conditions.temperature")
    shape = (4, 2, 3)
    ds = xr.Dataset(
        {
            "write_error_rate": (
                (*names, "pulse"),
                10.0 ** -np.arange(24.0).reshape(shape),
                {"units": "1", "long_name": "write-error rate"},
            ),
            "torque": ((*names, "layer"), np.ones((4, 2, 2)), {"units": "J/m^2"}),
            "done": (names, np.ones((4, 2), dtype=bool)),
        },
        coords={
            names[0]: (names[0], J, {"units": "A/m^2"}),
            names[1]: (names[1], T, {"units": "K"}),
            "pulse": ("pulse", pulse, {"units": "s"}),
            "layer": ("layer", ["F1", "F2"]),
        },
    )
    ds.to_zarr(path, zarr_format=2)
    return path


@pytest.mark.parametrize(
    ("sel", "shown"),
    [
        (["pulse=5e-9"], "pulse = 5e-09 s"),
        (["pulse=4ns"], "pulse = 5e-09 s"),  # nearest, with a unit
        (["pulse = 1.3e-8"], "pulse = 2e-08 s"),
    ],
)
def test_plot_sel_picks_the_nearest_pulse_of_a_wer_store(tmp_path: Path, sel: list[str], shown: str):
    store = _wer_store(tmp_path / "wer.zarr")
    figure = tmp_path / "map.png"
    flags = [f for s in sel for f in ("--sel", s)]
    result = runner.invoke(app, ["plot", str(store), "--var", "write_error_rate", *flags, "-o", str(figure)])
    assert result.exit_code == 0, result.output
    assert shown in result.output and figure.stat().st_size > 1000


def test_plot_sel_maps_the_chosen_slice_on_a_log_scale(tmp_path: Path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.colors import LogNorm

    from spintorque.plotting.sweep import plot_sweep_map

    ds = xr.open_zarr(_wer_store(tmp_path / "wer.zarr")).load()
    ax = plot_sweep_map(ds.sel(pulse=5e-9), "write_error_rate")
    mesh = ax.collections[0]
    assert isinstance(mesh.norm, LogNorm)
    np.testing.assert_array_equal(
        np.ma.getdata(mesh.get_array()).ravel(), ds.write_error_rate.values[:, :, 1].T.ravel()
    )
    assert "pulse = 5e-09 s" in ax.get_title()


def test_plot_sel_on_a_swept_axis_and_on_labels(tmp_path: Path):
    store = _wer_store(tmp_path / "wer.zarr")
    # a label dimension: exactly
    result = runner.invoke(
        app, ["plot", str(store), "--var", "torque", "--sel", "layer=F2", "-o", str(tmp_path / "t.png")]
    )
    assert result.exit_code == 0, result.output
    assert "layer = F2" in result.output
    # selecting a swept axis leaves one: refused
    result = runner.invoke(
        app,
        [
            "plot",
            str(store),
            "--var",
            "write_error_rate",
            "--sel",
            "pulse=1e-9",
            "--sel",
            "conditions.temperature=300",
        ],
    )
    assert result.exit_code == 2 and "1 left after --sel" in result.stderr


@pytest.mark.parametrize(
    ("sel", "words"),
    [
        ([], "--sel pulse=1e-09"),
        (["pulse=1e-6"], "--sel: pulse=1e-6: outside the coordinate, from 1e-09 to 2e-08 s"),
        (["pulse=5 A/m"], "--sel"),
        (["pulse"], "--sel: expected DIM=VALUE"),
        (["width=3"], "--sel: 'width' is not a dimension of 'write_error_rate'"),
        (["pulse=1e-9", "pulse=2e-8"], "selected twice"),
    ],
)
def test_plot_sel_refuses_bad_selections_in_one_line(tmp_path: Path, sel: list[str], words: str):
    store = _wer_store(tmp_path / "wer.zarr")
    flags = [f for s in sel for f in ("--sel", s)]
    result = runner.invoke(app, ["plot", str(store), "--var", "write_error_rate", *flags])
    assert result.exit_code == 2 and words in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(app, ["plot", str(store), "--var", "torque", "--sel", "layer=F3"])
    assert result.exit_code == 2 and "labels: F1, F2" in result.stderr
