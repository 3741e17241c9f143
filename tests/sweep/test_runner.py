"""A sweep gives the numbers of the Python API point by point, resumes, and refuses other sweeps."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from spintorque.errors import InputError
from spintorque.stack import load_stack, spherical
from spintorque.sweep import load_sweep, point_seed, run
from spintorque.transport import solve


def _run(path: Path, store: Path, **options: object) -> object:
    # one worker thread in this process: a quick cluster for tests (the CLI tests use processes)
    return run(load_sweep(path), store, workers=1, processes=False, **options)


def test_sweep_equals_the_api_point_by_point(sweep_file: Callable[..., Path], tmp_path: Path) -> None:
    path = sweep_file()
    summary = _run(path, tmp_path / "out.zarr")
    ds = xr.open_zarr(tmp_path / "out.zarr").load()
    assert summary.computed == ds.done.size == 40 and bool(ds.done.all())
    base = load_stack(tmp_path / "co_cu_py.toml")
    d_axis, t_axis, j_axis = "layers.F2.thickness", "layers.F2.magnetization.theta", "current.density"
    assert ds[d_axis].attrs["units"] == "m" and ds[t_axis].attrs["units"] == "rad"
    assert ds.torque.dims == (d_axis, t_axis, j_axis, "layer", "component")
    for i, j, k in itertools.product(range(4), range(5), range(2)):
        d, theta, J = ds[d_axis].values[i], ds[t_axis].values[j], ds[j_axis].values[k]
        stack = (
            base.with_thickness("F2", d)
            .with_current_density(J)
            .with_magnetization("F2", spherical(theta, 0.0))
        )
        result = solve(stack)
        point = ds.isel({d_axis: i, t_axis: j, j_axis: k})
        assert point.resistance_area.item() == float(result.resistance_area)
        assert point.spin_resistance_area.item() == float(result.spin_resistance_area)
        np.testing.assert_array_equal(point.torque.values, result.torques)
        for key, value in result.efficiency.items():
            np.testing.assert_array_equal(point[key].values, value)


def test_provenance_is_in_the_attributes(sweep_file: Callable[..., Path], tmp_path: Path) -> None:
    path = sweep_file()
    _run(path, tmp_path / "out.zarr")
    attrs = xr.open_zarr(tmp_path / "out.zarr").attrs
    assert attrs["sweep_file_text"] == path.read_text()
    assert attrs["base_file_text"] == (tmp_path / "co_cu_py.toml").read_text()
    assert attrs["command"] == "solve" and attrs["spintorque_version"]
    assert "SeedSequence" in attrs["seed_rule"]


def test_a_rerun_computes_only_missing_points_with_the_same_numbers(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    import zarr

    path = sweep_file(chunk=10)
    store = tmp_path / "out.zarr"
    _run(path, store)
    before = xr.open_zarr(store).load()
    group = zarr.open_group(str(store), mode="r+")
    group["done"][1:3] = False  # as if the run had stopped before these blocks
    group["torque"][1:3] = np.nan
    summary = _run(path, store)
    assert (summary.computed, summary.already_done, summary.blocks) == (20, 20, 2)
    xr.testing.assert_equal(xr.open_zarr(store).load(), before)
    assert _run(path, store).computed == 0


def test_another_sweep_into_the_same_store_is_refused(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    path = sweep_file()
    store = tmp_path / "out.zarr"
    _run(path, store)
    other = sweep_file(path.read_text().replace('"1e10 A/m^2"', '"3e10 A/m^2"'), name="other.toml")
    with pytest.raises(InputError, match=r"different sweep.*--force"):
        _run(other, store)
    assert xr.open_zarr(store)["current.density"].values[0] == 1e10
    _run(other, store, force=True)
    assert xr.open_zarr(store)["current.density"].values[0] == 3e10


def test_a_directory_that_is_not_a_sweep_store_is_never_overwritten(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "data.zarr").mkdir()
    (tmp_path / "data.zarr" / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not a sweep store"):
        _run(sweep_file(), tmp_path / "data.zarr", force=True)
    assert (tmp_path / "data.zarr" / "keep.txt").read_text() == "mine"


def test_point_seeds_are_the_children_of_spawn() -> None:
    children = np.random.SeedSequence(12345).spawn(7)
    for k, child in enumerate(children):
        assert point_seed(12345, k).generate_state(4).tolist() == child.generate_state(4).tolist()


def test_escape_sweep_over_a_macrospin_file(sweep_file: Callable[..., Path], tmp_path: Path) -> None:
    from spintorque.magnet.io import load_macrospin
    from spintorque.thermal import escape

    path = sweep_file(
        'base = "mtj.toml"\ncommand = "escape"\n[axes]\n'
        '"conditions.temperature" = { values = ["300 K", "350 K"] }\n'
    )
    _run(path, tmp_path / "out.zarr")
    ds = xr.open_zarr(tmp_path / "out.zarr").load()
    text = (tmp_path / "mtj.toml").read_text()
    for k, T in enumerate(("300 K", "350 K")):
        (tmp_path / "point.toml").write_text(text.replace('temperature = "300 K"', f'temperature = "{T}"'))
        result = escape(load_macrospin(tmp_path / "point.toml"))
        assert ds.lambda1.values[k] == result.lambda1
        assert ds.mfpt.values[k] == result.mfpt
        assert bool(ds.converged.values[k]) == result.converged
    assert ds.lambda1.attrs["units"] == "1/s"


SWITCHING = """base = "mtj.toml"
command = "switching"
[axes]
"conditions.current_density" = { values = ["1e11 A/m^2", "3e11 A/m^2"] }
[options]
duration = "3 ns"
trajectories = 8
[run]
seed = 7
chunk = 1
"""


@pytest.mark.slow
def test_a_stochastic_sweep_uses_the_spawned_seed_of_each_point(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    from dataclasses import replace

    from spintorque.dynamics.switching import run_switching
    from spintorque.dynamics.timestep import suggested_time_step
    from spintorque.magnet.io import load_macrospin

    _run(sweep_file(SWITCHING), tmp_path / "out.zarr")
    ds = xr.open_zarr(tmp_path / "out.zarr").load()
    magnet = load_macrospin(tmp_path / "mtj.toml")
    children = np.random.SeedSequence(7).spawn(2)
    for k, J in enumerate((1e11, 3e11)):
        conditions = replace(magnet.conditions, current_density=J)
        dt = suggested_time_step(magnet.model, conditions, 3e-9)
        result = run_switching(
            magnet.model, conditions, duration=3e-9, dt=dt, trajectories=8, seed=children[k]
        )
        assert ds.probability.values[k] == result.probability
        assert ds.median_switching_time.values[k] == result.quantiles((0.5,))[0.5][0]
    assert ds.probability.attrs["units"] == "1" and ds.attrs["seed"] == "7"


def test_switching_options_are_checked_before_any_work(sweep_file: Callable[..., Path]) -> None:
    with pytest.raises(InputError, match=r"options\.duration: missing"):
        load_sweep(sweep_file(SWITCHING.replace('duration = "3 ns"\n', "")))
    with pytest.raises(InputError, match=r"options\.trajectories"):
        load_sweep(sweep_file(SWITCHING.replace("trajectories = 8", "trajectories = 0")))
    with pytest.raises(InputError, match=r"options\.start: must be 'auto', 'thermal' or 'initial'"):
        load_sweep(sweep_file(SWITCHING.replace("trajectories = 8", "trajectories = 8\nstart = 'pole'")))
    with pytest.raises(InputError, match=r"options\.duration: 'solve' takes no options"):
        load_sweep(
            sweep_file(
                SWITCHING.replace("mtj.toml", "co_cu_py.toml")
                .replace("switching", "solve")
                .replace("conditions.current_density", "current.density")
            )
        )


def test_the_switching_start_mode_enters_the_fingerprint(sweep_file: Callable[..., Path]) -> None:
    # the default start became thermal at T > 0: a store begun with the other mode is not resumed
    default = load_sweep(sweep_file(SWITCHING))
    text = SWITCHING.replace("trajectories = 8", "trajectories = 8\nstart = 'initial'")
    initial = load_sweep(sweep_file(text))
    assert default.options["start"] == "auto" and initial.options["start"] == "initial"
    assert default.fingerprint() != initial.fingerprint()


def test_magnetoresistance_sweep_equals_the_api_point_by_point(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    from spintorque.transport.magnetoresistance import magnetoresistance

    _run(sweep_file(command="magnetoresistance"), tmp_path / "mr.zarr")
    ds = xr.open_zarr(tmp_path / "mr.zarr").load()
    assert bool(ds.done.all()) and ds.gmr_ratio.attrs["units"] == "1"
    base = load_stack(tmp_path / "co_cu_py.toml")
    d_axis, t_axis = "layers.F2.thickness", "layers.F2.magnetization.theta"
    for i, j in itertools.product(range(4), range(5)):
        d, theta = ds[d_axis].values[i], ds[t_axis].values[j]
        stack = base.with_thickness("F2", d).with_magnetization("F2", spherical(theta, 0.0))
        mr = magnetoresistance(stack, "F2", np.array([theta]))
        point = ds.isel({d_axis: i, t_axis: j, "current.density": 0})
        assert point.resistance_area_parallel.item() == mr.resistance_area_parallel
        assert point.resistance_area_antiparallel.item() == mr.resistance_area_antiparallel
        assert point.gmr_ratio.item() == mr.gmr_ratio
        # RA at the file's angle is the same solve as the command's RA(θ) at that angle
        assert point.resistance_area.item() == pytest.approx(mr.resistance_area[0], rel=1e-14)
    # the collinear states bound RA(θ) of this valve, and AΔR does not depend on the current
    assert bool((ds.resistance_area_antiparallel >= ds.resistance_area).all())
    np.testing.assert_array_equal(
        ds.delta_resistance_area.isel({"current.density": 0}).values,
        ds.delta_resistance_area.isel({"current.density": 1}).values,
    )
