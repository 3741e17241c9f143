"""A ``write-error-rate`` sweep: WER with a ``pulse`` dimension [s], equal bit for bit to the
Python API (``problem_from_file`` + ``write_error_rate``) at every point; options checked before
any work, naming the key; the map of one pulse through ``spintorque plot --sel``."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

from spintorque.errors import InputError
from spintorque.sweep import load_sweep, run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CURRENTS = ("3e10 A/m^2", "6e10 A/m^2")
TEMPERATURES = ("300 K", "350 K")
WER = """base = "mtj.toml"
command = "write-error-rate"
[axes]
"conditions.current_density" = {{ values = ["3e10 A/m^2", "6e10 A/m^2"] }}
"conditions.temperature" = {{ values = ["300 K", "350 K"] }}
[options]
{options}
[run]
chunk = 3
"""


def _write(tmp_path: Path, options: str = 'pulse = "2ns:20ns:4"') -> Path:
    shutil.copy(EXAMPLES / "macrospin" / "mtj.toml", tmp_path / "mtj.toml")
    path = tmp_path / "sweep.toml"
    path.write_text(WER.format(options=options))
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wer")
    path = _write(folder, 'pulse = "2ns:20ns:4"\nrtol = 1e-5')
    run(load_sweep(path), folder / "out.zarr", workers=1, processes=False)
    return folder / "out.zarr"


@pytest.mark.slow  # 4 WER points: a few seconds
def test_wer_sweep_equals_the_api_bit_for_bit(store: Path) -> None:
    from spintorque.thermal.wer import problem_from_file, write_error_rate

    ds = xr.open_zarr(store).load()
    J_axis, T_axis = "conditions.current_density", "conditions.temperature"
    assert bool(ds.done.all())
    assert ds.write_error_rate.dims == (J_axis, T_axis, "pulse")
    assert ds.pulse.attrs["units"] == "s" and ds.write_error_rate.attrs["units"] == "1"
    np.testing.assert_array_equal(ds.pulse.values, np.linspace(2e-9, 20e-9, 4))
    assert ds.tau_N.attrs["units"] == "s" and ds.lambda1.attrs["units"] == "1/s"
    assert ds.converged.dtype == bool
    text = (store.parent / "mtj.toml").read_text()
    for k, T in enumerate(TEMPERATURES):
        point = store.parent / "point.toml"
        point.write_text(text.replace('temperature = "300 K"', f'temperature = "{T}"'))
        for j, J in enumerate(CURRENTS):
            problem = problem_from_file(point, [float(J.split()[0])])
            result = write_error_rate(problem, None, ds.pulse.values / problem.tau_N, rtol=1e-5)
            at = ds.isel({J_axis: j, T_axis: k})
            np.testing.assert_array_equal(at.write_error_rate.values, result.write_error_rate[0])
            np.testing.assert_array_equal(
                at.write_error_rate_relative_error.values, result.write_error_rate_error[0]
            )
            np.testing.assert_array_equal(at.converged.values, result.converged[0])
            assert at.current_ratio.item() == result.current_ratio[0]
            assert at.critical_current_density.item() == problem.critical_current_density
            assert at.tau_N.item() == problem.tau_N
            assert at.lambda1.item() == result.lambda1[0] / problem.tau_N
    # invariants on every point: probabilities, falling with the pulse, faster at more current
    wer = ds.write_error_rate.values
    assert np.all((wer > 0) & (wer <= 1)) and np.all(np.diff(wer, axis=-1) < 0)
    assert np.all(wer[1] < wer[0])
    assert bool(ds.converged.all())


@pytest.mark.slow
def test_plot_maps_one_pulse_on_a_log_scale(store: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from spintorque.cli import app

    runner = CliRunner()
    figure = tmp_path / "wer.png"
    result = runner.invoke(
        app, ["plot", str(store), "--var", "write_error_rate", "--sel", "pulse=1e-8", "-o", str(figure)]
    )
    assert result.exit_code == 0, result.output
    assert figure.stat().st_size > 1000 and "pulse = 8e-09 s" in result.output  # the nearest
    result = runner.invoke(app, ["plot", str(store), "--var", "write_error_rate", "--sel", "pulse=14 ns"])
    assert result.exit_code == 0, result.output
    assert "pulse = 1.4e-08 s" in result.output
    result = runner.invoke(app, ["plot", str(store), "--var", "write_error_rate"])
    assert result.exit_code == 2 and "--sel pulse=" in result.stderr
    result = runner.invoke(app, ["plot", str(store), "--var", "write_error_rate", "--sel", "pulse=1e-6"])
    assert result.exit_code == 2 and "--sel" in result.stderr and "2e-09" in result.stderr


def test_the_pulse_forms_give_the_same_lengths(tmp_path: Path) -> None:
    forms = (
        'pulse = "2ns:20ns:4"',
        'pulse = { start = "2 ns", stop = "20 ns", num = 4 }',
        'pulse = { values = ["2 ns", "8 ns", "14 ns", "20 ns"] }',
    )
    pulses = [load_sweep(_write(tmp_path, form)).options["pulse"] for form in forms]
    for other in pulses[1:]:
        np.testing.assert_allclose(other, pulses[0], rtol=1e-15)
    logs = load_sweep(_write(tmp_path, 'pulse = { start = "1 ns", stop = "100 ns", num = 3, scale = "log" }'))
    np.testing.assert_allclose(logs.options["pulse"], [1e-9, 1e-8, 1e-7], rtol=1e-12)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ("rtol = 1e-6", r"options\.pulse: missing"),
        ('pulse = "2ns:20ns"', r"options\.pulse: expected 'START:STOP:COUNT'"),
        ('pulse = "2ns:20 A/m:4"', r"options\.pulse"),
        ('pulse = "20ns:2ns:4"', r"options\.pulse: .*strictly increasing"),
        ('pulse = "-1ns:2ns:4"', r"options\.pulse: .*>= 0"),
        ("pulse = { values = [] }", r"options\.pulse: .*non-empty"),
        ("pulse = 3", r"options\.pulse: give"),
        ('pulse = "2ns:20ns:4"\nwidth = 1', r"options\.width: unknown option; allowed: max_cells, method"),
        ('pulse = "2ns:20ns:4"\nrtol = 2', r"options\.rtol: must lie in \(0, 1\)"),
        ('pulse = "2ns:20ns:4"\nmax_cells = 100', r"options\.max_cells: must be an integer from 256"),
        ('pulse = "2ns:20ns:4"\nmethod = "fast"', r"options\.method: must be one of auto"),
    ],
)
def test_bad_options_are_refused_naming_the_key(tmp_path: Path, options: str, words: str) -> None:
    with pytest.raises(InputError, match=words) as caught:
        load_sweep(_write(tmp_path, options))
    assert str(caught.value).startswith(str(tmp_path / "sweep.toml"))  # the sweep file's key


def test_a_current_the_solver_cannot_take_is_refused_before_any_work(tmp_path: Path) -> None:
    path = _write(tmp_path)
    path.write_text(path.read_text().replace('"6e10 A/m^2"', '"1e30 A/m^2"'))
    with pytest.raises(InputError, match=r'axes\."conditions\.current_density": at 1e\+30 A/m\^2'):
        load_sweep(path)


def test_changed_options_make_another_sweep(tmp_path: Path) -> None:
    first = load_sweep(_write(tmp_path)).fingerprint()
    assert load_sweep(_write(tmp_path, 'pulse = "2ns:20ns:5"')).fingerprint() != first
    assert load_sweep(_write(tmp_path, 'pulse = "2ns:20ns:4"\nrtol = 1e-7')).fingerprint() != first
    assert load_sweep(_write(tmp_path, 'pulse = "2ns:20ns:4"  # the same')).fingerprint() == first


def test_the_example_sweep_file_loads(sweep_file: Callable[..., Path]) -> None:
    sweep = load_sweep(EXAMPLES / "sweep" / "write_error_rate.toml")
    assert sweep.command.name == "write-error-rate" and sweep.shape == (6, 4)
    assert sweep.layout()[1]["pulse"].units == "s"


def test_options_a_non_axial_magnet_cannot_take_are_refused(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "macrospin" / "in_plane.toml", tmp_path / "mtj.toml")  # not axial
    path = tmp_path / "sweep.toml"
    for options, words in (
        ('pulse = "2ns:20ns:4"\nnu = 0.1', r"options\.nu: .*axially symmetric magnets only"),
        ('pulse = "2ns:20ns:4"\nmethod = "chain"', r"options\.method: .*not axially symmetric"),
    ):
        path.write_text(WER.format(options=options))
        with pytest.raises(InputError, match=words) as caught:
            load_sweep(path)
        assert str(caught.value).startswith(str(path))


def test_a_time_dependent_current_is_refused(tmp_path: Path) -> None:
    from dataclasses import replace

    from spintorque.sweep.commands import COMMANDS

    sweep = load_sweep(_write(tmp_path))
    run = sweep.description((0, 0))
    pulsed = replace(run, conditions=replace(run.conditions, current_density=lambda t: 3e10))
    with pytest.raises(InputError, match=r"conditions\.current_density: .*constant current density"):
        COMMANDS["write-error-rate"].layout(pulsed, sweep.options)


def test_the_sweep_builds_its_problem_with_the_public_api(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # one construction for files and sweep points (issue 14: the sweep had a copy of it)
    import spintorque.thermal.wer as wer
    from spintorque.magnet.io import load_macrospin
    from spintorque.sweep.commands import COMMANDS

    sweep = load_sweep(_write(tmp_path))
    point = sweep.description((1, 0))
    calls: list[tuple[Any, ...]] = []
    public = wer.problem_from_run

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return public(*args, **kwargs)

    monkeypatch.setattr(wer, "problem_from_run", spy)
    COMMANDS["write-error-rate"].layout(point, sweep.options)
    assert len(calls) == 1 and calls[0][0] is point
    np.testing.assert_array_equal(calls[0][1], [point.conditions.current_density])
    # and the API on a loaded file is problem_from_file, field for field
    path = tmp_path / "mtj.toml"
    by_run = public(load_macrospin(path), [3e10, 6e10])
    by_file = wer.problem_from_file(path, [3e10, 6e10])
    assert by_run.model == by_file.model and by_run.tau_N == by_file.tau_N
    np.testing.assert_array_equal(by_run.current_ratio, by_file.current_ratio)
    np.testing.assert_array_equal(by_run.current_density, by_file.current_density)
    assert by_run.critical_current_density == by_file.critical_current_density


def test_problem_from_run_names_its_errors_by_the_caller_s_fields() -> None:
    from spintorque.magnet.io import load_macrospin
    from spintorque.thermal.wer import problem_from_run

    in_plane = load_macrospin(EXAMPLES / "macrospin" / "in_plane.toml")
    with pytest.raises(InputError, match=r"^nu: .*axially symmetric magnets only; this file is not"):
        problem_from_run(in_plane, [1e11], nu=0.1)
    with pytest.raises(InputError, match=r"^options\.nu: .*the base file is not"):
        problem_from_run(in_plane, [1e11], nu=0.1, label="the base file", fields={"nu": "options.nu"})
    mtj = load_macrospin(EXAMPLES / "macrospin" / "mtj.toml")
    with pytest.raises(InputError, match=r"^x\.toml: --current: J = 1e\+20 A/m²") as caught:
        problem_from_run(mtj, [1e20], source="x.toml", fields={"current_density": "--current"})
    assert caught.value.source == "x.toml"


def test_a_point_runs_on_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweep parallelises over its points (Dask): each point's write_error_rate is asked for
    one worker, so the 2D and harmonic paths do not fork inside a sweep worker."""
    from dataclasses import replace

    import spintorque.thermal.wer as wer
    from spintorque.magnet.io import load_macrospin
    from spintorque.sweep.commands import _wer

    asked: dict[str, Any] = {}

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.update(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr(wer, "write_error_rate", spy)
    loaded = load_macrospin(EXAMPLES / "macrospin" / "in_plane.toml")
    point = replace(loaded, conditions=replace(loaded.conditions, current_density=-3e11))
    options = {"pulse": np.array([1e-9]), "nu": 0.0, "rtol": 1e-6, "max_cells": 1024, "method": "harmonics"}
    with pytest.raises(RuntimeError, match="stop here"):
        _wer(point, None, options)
    assert asked["workers"] == 1 and asked["method"] == "harmonics"
