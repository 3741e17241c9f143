"""A current × field sweep of the ``state`` command: the store holds the state codes with CF
flags and the frequencies, equal to the Python API point by point; the P→AP boundary of a
uniaxial cell follows Sun's line."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from spintorque.dynamics.state import STATES, final_states, state_input_from_dict
from spintorque.errors import InputError
from spintorque.sweep import load_sweep, run
from spintorque.tomlfile import read_toml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sweep"
JC0 = 1.519267e12  # Sun's J_c0 of perpendicular_state.toml [A/m²] (thermal.sun_critical_current)
H_K = 3.183099e5  # its anisotropy field [A/m]


def _sweep(tmp_path: Path, axes: str, options: str = 'duration = "3 ns"') -> Path:
    shutil.copy(EXAMPLES / "perpendicular_state.toml", tmp_path / "base.toml")
    path = tmp_path / "sweep.toml"
    path.write_text(f'base = "base.toml"\ncommand = "state"\n[axes]\n{axes}\n[options]\n{options}\n')
    return path


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_state_sweep_stores_codes_with_flags_equal_to_the_api_and_on_sun_line(tmp_path: Path):
    # at h = 0 and h = 0.3 (field along P): 1.1 J_c0 (1 + h) switches, 1.1 J_c0 at h = 0.3 and
    # 0.9 J_c0 at h = 0 do not
    currents = [-1.1 * JC0 * 1.3, -1.1 * JC0, -0.9 * JC0]
    axes = (
        '"conditions.current_density" = { values = ['
        + ", ".join(f'"{J:.6e} A/m^2"' for J in currents)
        + "] }\n"
        f'"state.field" = {{ values = ["0 A/m", "{0.3 * H_K:.6e} A/m"] }}'
    )
    path = _sweep(tmp_path, axes)
    run(load_sweep(path), tmp_path / "out.zarr", workers=1, processes=False)
    ds = xr.open_zarr(tmp_path / "out.zarr").load()
    assert bool(ds.done.all())
    code = ds.state_from_p
    assert code.attrs["flag_meanings"].split() == list(STATES)
    assert list(code.attrs["flag_values"]) == [0, 1, 2, 3]
    assert ds.frequency_from_p.attrs["units"] == "Hz"
    names = np.array(STATES)[ds.state_from_p.values.astype(int)]
    # rows: currents; columns: field 0, 0.3 H_K
    expected = [["AP", "AP"], ["AP", "P"], ["P", "P"]]
    assert names.tolist() == expected
    assert (np.array(STATES)[ds.state_from_ap.values.astype(int)] == "AP").all()  # J < 0 keeps AP
    base = state_input_from_dict(read_toml(tmp_path / "base.toml"))
    for i, j in ((0, 1), (2, 0)):
        J, H = ds["conditions.current_density"].values[i], ds["state.field"].values[j]
        api = final_states(base.model, float(J), duration=3e-9, field=float(H))
        stored = [int(ds.state_from_p[i, j]), int(ds.state_from_ap[i, j])]
        assert [STATES.index(s) for s in api.states] == stored
    # and `spintorque plot` maps the real store
    from typer.testing import CliRunner

    from spintorque.cli import app

    figure = tmp_path / "map.png"
    result = CliRunner().invoke(
        app, ["plot", str(tmp_path / "out.zarr"), "--var", "state_from_p", "-o", str(figure)]
    )
    assert result.exit_code == 0, result.output
    assert figure.stat().st_size > 1000


def test_state_sweep_needs_a_duration_and_refuses_unknown_options(tmp_path: Path):
    axes = '"state.field" = { values = ["0 A/m"] }'
    with pytest.raises(InputError, match=r"options\.duration"):
        load_sweep(_sweep(tmp_path, axes, options="tilt = '2 deg'"))
    with pytest.raises(InputError, match=r"options\.tilt"):
        load_sweep(_sweep(tmp_path, axes, options="duration = '1 ns'\ntilt = '60 deg'"))
    with pytest.raises(InputError, match=r"options\.dt"):
        load_sweep(_sweep(tmp_path, axes, options="duration = '1 ns'\ndt = '1 ps'"))
