"""`spintorque dynamics`: a run killed with SIGKILL and resumed gives the numbers of an
uninterrupted run; a checkpoint made with other inputs is refused; outputs too large for memory
and --save-every off the --dt grid are refused before any work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

ROOT = Path(__file__).parents[2]
THERMAL = ROOT / "examples" / "macrospin" / "thermal.toml"
ARGS = (
    "dynamics",
    str(THERMAL),
    "--duration",
    "2ns",
    "--dt",
    "1ps",
    "--save-every",
    "10ps",
    "--trajectories",
    "48",
    "--chunk",
    "1",
    "--seed",
    "7",
)


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "spintorque", *args]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=300, check=False)


def load(path: Path) -> xr.Dataset:
    with xr.open_dataset(path) as ds:
        return ds.load()


@pytest.mark.slow
def test_a_run_killed_with_sigkill_resumes_to_the_numbers_of_an_uninterrupted_run(tmp_path):
    full = tmp_path / "full.nc"
    done = run(*ARGS, "-o", str(full))
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "full.nc.partial").exists()  # removed once the output is written

    killed = tmp_path / "killed.nc"
    partial = tmp_path / "killed.nc.partial"
    proc = subprocess.Popen(
        command(*ARGS, "-o", str(killed)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(partial.glob("chunk-*.nc"))) < 3:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list(partial.glob("chunk-*.nc")))
    assert proc.returncode == -signal.SIGKILL and not killed.exists()
    assert 3 <= finished < 48  # killed mid-run, with chunks on disk

    again = run(*ARGS, "-o", str(killed))  # without --resume: the unfinished run is not lost
    assert again.returncode == 2 and "--resume" in again.stderr and again.stderr.count("\n") == 1
    resumed = run(*ARGS, "-o", str(killed), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{finished} of 48 chunks from the checkpoint" in resumed.stdout.replace("\n", "")
    a, b = load(full), load(killed)
    assert np.array_equal(a["m"].values, b["m"].values)
    assert np.array_equal(a["switching_time"].values, b["switching_time"].values, equal_nan=True)
    # when and how each was run differ (the provenance record); everything else is identical
    run_record = ("created", "command")
    assert {k: a.attrs[k] for k in run_record} != {k: b.attrs[k] for k in run_record}
    for ds in (a, b):
        for key in run_record:
            del ds.attrs[key]
    assert a.identical(b) and not partial.exists()


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_resume_refuses_a_checkpoint_made_with_other_inputs_naming_them(tmp_path):
    from spintorque.cli.dynamics import _inputs
    from spintorque.dynamics.checkpoint import Checkpoint
    from spintorque.magnet.io import load_macrospin

    out = tmp_path / "out.nc"
    partial = tmp_path / "out.nc.partial"
    first = [*ARGS[:2], "--duration", "1ps", "--dt", "1ps", "--trajectories", "2", "--seed", "1"]
    macro = load_macrospin(THERMAL)  # the checkpoint of that run, as the command starts it
    inputs = _inputs(THERMAL, macro, macro.conditions, 1e-12, 1e-12, 1, 2, 1, 2)
    Checkpoint(partial, inputs).start()
    other = run(*first[:-1], "2", "-o", str(out), "--resume")
    assert other.returncode == 2 and other.stdout == "" and other.stderr.count("\n") == 1
    assert "--seed '1' then, '2' now" in other.stderr and str(partial) in other.stderr
    ok = run(*first, "-o", str(out), "--resume")
    assert ok.returncode == 0, ok.stderr
    assert load(out).sizes["trajectory"] == 2 and not partial.exists()


def test_an_output_larger_than_memory_is_refused_before_work_naming_a_save_every_that_fits():
    proc = run(
        "dynamics",
        str(THERMAL),
        "--duration",
        "10us",  # 1e10 Heun steps: the most a command takes on, but 240 GB of output
        "--dt",
        "1ps",
        "--trajectories",
        "1000",
        "-o",
        "never.nc",
    )
    assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.count("\n") == 1
    assert "error: --save-every:" in proc.stderr and "use --save-every" in proc.stderr
    suggestion = proc.stderr.split("use --save-every ")[1].split(" (")[0]
    steps = int(proc.stderr.split(" (")[-1].split(" steps)")[0])
    from spintorque.cli.dynamics import _steps

    assert _steps("10us", "1ps", suggestion) == (1e-5, 1e-12, steps)  # a multiple of --dt, as said
    assert not Path("never.nc").exists()


@pytest.mark.parametrize(("save_every", "suggested"), [("150ps", "100ps or 200ps"), ("0.4ps", "1ps")])
def test_save_every_off_the_time_step_grid_is_refused_naming_both_flags(save_every, suggested, tmp_path):
    proc = run(
        "dynamics",
        str(THERMAL),
        "--duration",
        "1ns",
        "--dt",
        "100ps" if save_every == "150ps" else "1ps",
        "--save-every",
        save_every,
        "-o",
        str(tmp_path / "x.nc"),
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "--save-every" in proc.stderr and "--dt" in proc.stderr
    expected = "use 1e-10s or 2e-10s" if save_every == "150ps" else "use 1e-12s"
    assert expected in proc.stderr, (proc.stderr, suggested)
    assert not (tmp_path / "x.nc.partial").exists()


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_a_drawn_seed_is_printed_and_replays_the_run_with_seed(tmp_path):
    short = ("dynamics", str(THERMAL), "--duration", "20ps", "--dt", "1ps", "--trajectories", "2")
    drawn = run(*short, "-o", str(tmp_path / "a.nc"))
    assert drawn.returncode == 0, drawn.stderr
    seed = drawn.stdout.replace("\n", " ").split("seed ")[1].split()[0]
    assert 0 <= int(seed) < 2**52
    again = run(*short, "--seed", seed, "-o", str(tmp_path / "b.nc"))
    assert again.returncode == 0, again.stderr
    assert np.array_equal(load(tmp_path / "a.nc")["m"].values, load(tmp_path / "b.nc")["m"].values)


def test_resume_refuses_a_checkpoint_made_with_another_start_mode(tmp_path):
    from typer.testing import CliRunner

    from spintorque.cli import app
    from spintorque.cli.dynamics import _inputs
    from spintorque.dynamics.checkpoint import Checkpoint
    from spintorque.magnet.io import load_macrospin

    out = tmp_path / "out.nc"
    partial = tmp_path / "out.nc.partial"
    args = [*ARGS[:2], "--duration", "1ps", "--dt", "1ps", "--trajectories", "2", "--seed", "1",
            "-o", str(out), "--resume"]
    macro = load_macrospin(THERMAL)  # a thermal-start run's checkpoint, as the command starts it
    Checkpoint(partial, _inputs(THERMAL, macro, macro.conditions, 1e-12, 1e-12, 1, 2, 1, 2,
                                "thermal")).start()
    other = CliRunner().invoke(app, args)  # --start initial, the default
    assert other.exit_code == 2 and other.stderr.count("\n") == 1, other.stderr
    assert "--start 'thermal' then, 'initial' now" in other.stderr
    bad = CliRunner().invoke(app, [*args, "--start", "hot"])
    assert bad.exit_code == 2 and "--start" in bad.stderr and bad.stderr.count("\n") == 1
    ok = CliRunner().invoke(app, [*args, "--start", "thermal"])
    assert ok.exit_code == 0, ok.stderr
    assert load(out).sizes["trajectory"] == 2 and not partial.exists()
    assert load(out).attrs["option_start"] == "thermal"
