"""An ensemble run in chunks of trajectories gives the numbers of one run, bit for bit; a
checkpoint keeps finished chunks, resumes only with the same inputs, and never half a file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spintorque.dynamics.checkpoint import Checkpoint
from spintorque.dynamics.ensemble import check_memory, chunks, output_bytes, run_ensemble, stored_samples
from spintorque.dynamics.stochastic import run_stochastic
from spintorque.errors import InputError
from spintorque.magnet import Conditions, Macrospin, MacrospinModel, Slonczewski, Uniaxial

MODEL = MacrospinModel(Macrospin(1e6, 2e-9, 1e-16, 0.1, initial=(0.1, 0, 1)), Uniaxial(3e5), Slonczewski(0.4))
HOT = Conditions(temperature=300.0, current_density=-2e11)
RUN = {"duration": 2e-11, "dt": 1e-13, "save_every": 7}


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("chunk", [1, 3, 10])
def test_chunks_join_to_the_numbers_of_one_run_whatever_their_size(backend, chunk):
    seed = np.random.SeedSequence(2026)
    whole = run_stochastic(MODEL, HOT, trajectories=10, seed=seed, backend=backend, **RUN)
    joined, computed = run_ensemble(
        MODEL, HOT, trajectories=10, seed=seed, chunk=chunk, backend=backend, **RUN
    )
    assert computed == len(chunks(10, chunk))
    assert np.array_equal(whole["m"].values, joined["m"].values)
    assert np.array_equal(whole["switching_time"].values, joined["switching_time"].values, equal_nan=True)
    assert joined["trajectory"].values.tolist() == list(range(10))
    assert not np.array_equal(joined["m"].values[0], joined["m"].values[1])  # the noise differs


def test_a_resumed_checkpoint_recomputes_only_the_missing_chunks_and_matches(tmp_path):
    seed = np.random.SeedSequence(5)
    inputs = {"--dt": 1e-13, "--seed": "5"}
    first = Checkpoint(tmp_path / "run.partial", dict(inputs))
    first.start()
    reference, computed = run_ensemble(
        MODEL, HOT, trajectories=9, seed=seed, chunk=2, checkpoint=first, **RUN
    )
    assert computed == 5 and first.done() == [0, 1, 2, 3, 4]
    for index in (1, 4):  # as if the run had been killed before these were written
        (tmp_path / "run.partial" / f"chunk-{index:06d}.nc").unlink()
    (tmp_path / "run.partial" / ".chunk-000001.nc.0123.tmp.nc").write_bytes(b"half a file")
    again = Checkpoint(tmp_path / "run.partial", dict(inputs))
    again.resume()
    assert not list((tmp_path / "run.partial").glob(".*tmp*"))  # the cut-short write is gone
    resumed, computed = run_ensemble(MODEL, HOT, trajectories=9, seed=seed, chunk=2, checkpoint=again, **RUN)
    assert computed == 2
    assert np.array_equal(reference["m"].values, resumed["m"].values)
    again.remove()
    assert not (tmp_path / "run.partial").exists()


def test_resume_refuses_other_inputs_naming_each_and_adopts_a_seed_not_given_again(tmp_path):
    where = tmp_path / "out.nc.partial"
    Checkpoint(where, {"--dt": 1e-12, "--seed": "77", "version": "1"}).start()
    with pytest.raises(InputError, match=r"an unfinished run's checkpoint .* --resume"):
        Checkpoint(where, {"--dt": 1e-12}).start()
    with pytest.raises(InputError, match=r"--dt 1e-12 then, 2e-12 now; version '1' then, '2' now"):
        Checkpoint(where, {"--dt": 2e-12, "--seed": "77", "version": "2"}).resume(adopt=("--seed",))
    adopted = Checkpoint(where, {"--dt": 1e-12, "--seed": None, "version": "1"})
    adopted.resume(adopt=("--seed",))
    assert adopted.inputs["--seed"] == "77"
    (where / "manifest.json").write_text(json.dumps([1, 2]))
    with pytest.raises(InputError, match="not a spintorque checkpoint"):
        Checkpoint(where, {}).resume()
    with pytest.raises(InputError, match="no checkpoint to resume"):
        Checkpoint(tmp_path / "none", {}).resume()


def test_memory_check_counts_every_stored_sample_and_suggests_a_save_every_that_fits():
    assert stored_samples(10, 3) == 1 + 3 + 1 and stored_samples(9, 3) == 4
    assert output_bytes(5, 10, 3) == 5 * 5 * 3 * 8
    assert check_memory(5, 10, 3, 1e-12, budget=600) == 600
    with pytest.raises(InputError, match=r"--save-every 4e-12s \(4 steps\)") as info:
        check_memory(5, 10, 3, 1e-12, budget=599)
    every = int(str(info.value).split("(")[-1].split(" steps")[0])
    assert output_bytes(5, 10, every) <= 599
    with pytest.raises(InputError, match=r"--save-every 2\.1e-06s \(2100000 steps\)"):
        check_memory(1, 10**12, 1, 1e-12, budget=24 * (10**12 // 2023178 + 2))  # 2023178 rounded up
    with pytest.raises(InputError, match="--trajectories"):
        check_memory(10**9, 10, 1, 1e-12, budget=1000)


@pytest.mark.slow  # 2.4 s measured: five ensembles and a checkpoint on disk
def test_thermal_starts_are_drawn_once_per_ensemble_so_chunks_and_resumes_give_the_same_numbers(
        tmp_path):
    from spintorque.dynamics.start import start_states

    seed = np.random.SeedSequence(2026)
    whole, _ = run_ensemble(MODEL, HOT, trajectories=10, seed=seed, chunk=10, start="thermal", **RUN)
    parts, _ = run_ensemble(MODEL, HOT, trajectories=10, seed=seed, chunk=3, start="thermal", **RUN)
    assert np.array_equal(whole["m"].values, parts["m"].values)
    starts = start_states(MODEL, HOT.temperature, seed, 10, "thermal")
    assert starts is not None and np.array_equal(whole["m"].values[:, 0, :], starts)
    assert len({tuple(row) for row in starts}) == 10 and np.all(starts[:, 2] > 0)  # m·u > 0
    assert whole.attrs["option_start"] == "thermal"
    fixed, _ = run_ensemble(MODEL, HOT, trajectories=10, seed=seed, chunk=3, **RUN)
    assert fixed.attrs["option_start"] == "initial"
    np.testing.assert_allclose(fixed["m"].values[:, 0, :],
                               np.broadcast_to(np.array([0.1, 0, 1]) / np.hypot(0.1, 1), (10, 3)))
    # killed after some chunks: the resumed run draws the same starts for the missing ones
    where = tmp_path / "run.partial"
    first = Checkpoint(where, {"--start": "thermal"})
    first.start()
    run_ensemble(MODEL, HOT, trajectories=10, seed=seed, chunk=3, checkpoint=first, start="thermal", **RUN)
    for index in (0, 2):
        (where / f"chunk-{index:06d}.nc").unlink()
    again = Checkpoint(where, {"--start": "thermal"})
    again.resume()
    resumed, computed = run_ensemble(MODEL, HOT, trajectories=10, seed=seed, chunk=3, checkpoint=again,
                                     start="thermal", **RUN)
    assert computed == 2 and np.array_equal(resumed["m"].values, whole["m"].values)
    with pytest.raises(InputError, match=r"--start 'thermal' then, 'initial' now"):
        Checkpoint(where, {"--start": "initial"}).resume()
