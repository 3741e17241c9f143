"""Mutated macrospin and two-free-layer files (hypothesis): every draw either loads into a model
whose LLG rate and suggested time step are finite, or is refused with one :class:`InputError`
line naming the file; a few draws go through ``spintorque switching --json`` end to end.

Starts from the shipped files in ``examples/macrospin``; mutations in ``tests/cli/mutations.py``.
``SPINTORQUE_TEST_PROFILE=long`` runs 2000 draws per test.
"""

from __future__ import annotations

import math
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as hs
from typer.testing import CliRunner

from spintorque.cli import app
from spintorque.dynamics.llg import llg_rate
from spintorque.dynamics.timestep import suggested_time_step
from spintorque.errors import InputError
from spintorque.magnet.io import macrospin_from_dict
from spintorque.magnet.pair_io import coupled_from_dict
from tests.cli.mutations import assert_clean_outcome, examples, mutated, to_toml

FOLDER = Path(__file__).parents[2] / "examples" / "macrospin"
SINGLE = ["perpendicular", "mtj", "thermal", "in_plane", "perpendicular_diffusive", "wavy_valve"]
DOCUMENTS = [tomllib.loads((FOLDER / f"{name}.toml").read_text()) for name in SINGLE]
COUPLED = tomllib.loads((FOLDER / "coupled_valve.toml").read_text())
SOURCE = "mutated.toml"


def assert_one_line_naming_a_file(error: InputError) -> None:
    message = str(error)
    assert "\n" not in message and len(message) < 600, message
    assert error.source is not None, message  # this file, or the stack file it names


@examples(60)
@given(data=hs.data())
def test_mutated_macrospin_files_give_a_finite_model_or_one_line(data):
    document = data.draw(mutated(data.draw(hs.sampled_from(DOCUMENTS))))
    try:
        run = macrospin_from_dict(document, FOLDER, SOURCE)
    except InputError as error:
        assert_one_line_naming_a_file(error)
        return
    m0 = np.array(run.model.magnet.initial)
    J = run.conditions.current_at(0.0)
    assert np.all(np.isfinite(llg_rate(run.model, m0, J)))
    try:
        dt = suggested_time_step(run.model, run.conditions, 1e-9)
    except InputError as error:  # nothing precesses: no field and no torque
        assert "\n" not in str(error)
    else:
        assert math.isfinite(dt) and dt > 0


@examples(25)
@given(data=hs.data())
def test_mutated_two_layer_files_load_or_fail_in_one_line(data):
    document = data.draw(mutated(COUPLED))
    try:
        run = coupled_from_dict(document, FOLDER, SOURCE)
    except InputError as error:
        assert_one_line_naming_a_file(error)
        return
    system = run.system
    assert system.names == (system.first.layer, system.second.layer)
    torque = system.torque_per_area(system.initial(), run.conditions.current_at(0.0))
    assert np.all(np.isfinite(torque))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz-macrospin")
    for stack in ("valve.toml", "wavy_stack.toml"):  # named by the diffusive examples
        shutil.copy(FOLDER / stack, path / stack)
    return path


@examples(4)
@given(data=hs.data())
def test_mutated_macrospin_files_through_switching(folder, data):
    path = folder / "mutated.toml"
    path.write_text(to_toml(data.draw(mutated(data.draw(hs.sampled_from(DOCUMENTS[:4]))))))
    result = CliRunner().invoke(app, ["switching", str(path), "--current", "-1e11 A/m^2",
                                      "--duration", "20ps", "--dt", "1ps", "--trajectories", "2",
                                      "--seed", "1", "--json"])
    assert_clean_outcome(result)
