"""``spintorque sweep``: bad input refused before any work, and no work lost to a kill -9.

The kill tests run the real command in a subprocess (and, for the cluster, the real
``dask scheduler`` and ``dask worker`` commands on 127.0.0.1) and compare the store bit for bit
with an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from spintorque.sweep import load_sweep, run

BIN = Path(sys.executable).parent
BIG = """base = "co_cu_py.toml"
command = "solve"
[axes]
"layers.F2.thickness" = { start = "1 nm", stop = "10 nm", num = 40 }
"layers.F2.magnetization.theta" = { start = "0 deg", stop = "180 deg", num = 50 }
[run]
chunk = 10
"""


def sweep_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "spintorque", "sweep", *map(str, args)]


def test_a_bad_axis_fails_in_one_line_before_any_work(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    path = sweep_file(sweep_file().read_text().replace("layers.F2.thickness", "layers.F7.thickness"))
    done = subprocess.run(
        sweep_command(path, "-o", tmp_path / "out.zarr"), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and 'axes."layers.F7.thickness"' in done.stderr
    assert not (tmp_path / "out.zarr").exists()


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["-o", "out.nc"], "must be a directory ending in .zarr"),
        (["-o", "out.zarr", "--workers", "0"], "--workers: must be from 1"),
        (["-o", "out.zarr", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
        (["-o", "out.zarr", "--scheduler", "127.0.0.1"], "expected tcp://HOST:PORT"),
    ],
)
def test_bad_flags_fail_in_one_line(
    sweep_file: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    words: str,
) -> None:
    from typer.testing import CliRunner

    from spintorque.cli import app

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["sweep", str(sweep_file()), *flags])
    assert result.exit_code == 2
    assert words in result.output and result.output.count("\n") == 1


def _closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_scheduler_fails_fast_in_one_line_and_leaves_no_store(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from spintorque.cli import app

    address = f"tcp://127.0.0.1:{_closed_port()}"
    store = tmp_path / "out.zarr"
    start = time.monotonic()
    result = CliRunner().invoke(app, ["sweep", str(sweep_file()), "-o", str(store), "--scheduler", address])
    elapsed = time.monotonic() - start
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1
    assert "--scheduler" in result.stderr and address in result.stderr
    assert elapsed < 5.0, f"took {elapsed:.1f} s"  # (Dask's own connect waited 20 s)
    assert not store.exists()
    assert not list(tmp_path.glob(".out.zarr.*"))  # nor a half-made one


def test_check_scheduler_reports_a_silent_address_after_its_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from spintorque.errors import InputError
    from spintorque.sweep.runner import check_scheduler

    def silent(address: tuple[str, int], timeout: float) -> socket.socket:
        raise TimeoutError  # what create_connection raises where nothing answers in time

    monkeypatch.setattr(socket, "create_connection", silent)
    with pytest.raises(
        InputError, match=r"--scheduler: cannot connect to tcp://10\.0\.0\.1:8786: no answer within 3 s"
    ):
        check_scheduler("tcp://10.0.0.1:8786")
    with pytest.raises(InputError, match="expected tcp://HOST:PORT"):
        check_scheduler("tcp://127.0.0.1:99999")


@pytest.mark.slow
def test_json_summary_and_a_resume_that_finds_everything_done(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    path, store = sweep_file(), tmp_path / "out.zarr"
    first = subprocess.run(
        sweep_command(path, "-o", store, "--workers", "1", "--json"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    summary = json.loads(first.stdout)
    assert (summary["points"], summary["computed"], summary["workers"]) == (40, 40, 1)
    again = subprocess.run(
        sweep_command(path, "-o", store, "--json"), capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(again.stdout)["already_done"] == 40


def _done(store: Path) -> int:
    import zarr

    try:
        return int(np.sum(zarr.open_group(str(store), mode="r")["done"][...]))
    except Exception:  # the store is still being created
        return 0


def _wait_for_progress(store: Path, process: subprocess.Popen[bytes], total: int) -> int:
    """Block until some but not all points are done; returns how many are."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = _done(store)
        if done > 0:
            return done
        assert process.poll() is None, "the sweep ended before any point was written"
        time.sleep(0.02)
    raise AssertionError("no point was written within 120 s")


def _reference(path: Path, store: Path) -> xr.Dataset:
    run(load_sweep(path), store, workers=1, processes=False)
    return xr.open_zarr(store).load()


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_gives_the_uninterrupted_numbers(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    path, store = sweep_file(BIG), tmp_path / "killed.zarr"
    process = subprocess.Popen(
        sweep_command(path, "-o", store, "--workers", "1"), start_new_session=True, stdout=subprocess.DEVNULL
    )
    try:
        done = _wait_for_progress(store, process, 2000)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # its orphaned worker processes too
    assert 0 < done < 2000, f"{done} points done when killed"
    rerun = subprocess.run(
        sweep_command(path, "-o", store, "--workers", "1", "--json"),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    summary = json.loads(rerun.stdout)
    assert summary["already_done"] >= done and summary["computed"] == 2000 - summary["already_done"]
    xr.testing.assert_equal(xr.open_zarr(store).load(), _reference(path, tmp_path / "ref.zarr"))


@pytest.mark.slow
def test_a_cluster_that_loses_a_worker_completes_with_the_same_numbers(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    path, store = sweep_file(BIG), tmp_path / "cluster.zarr"
    address_file = tmp_path / "scheduler.json"
    dask = str(BIN / "dask")
    started: list[subprocess.Popen[bytes]] = []
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    try:
        started.append(
            subprocess.Popen(
                [
                    dask,
                    "scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--no-dashboard",
                    "--scheduler-file",
                    str(address_file),
                ],
                **quiet,
            )
        )
        for _ in range(2):
            started.append(
                subprocess.Popen(
                    [
                        dask,
                        "worker",
                        "--scheduler-file",
                        str(address_file),
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--no-dashboard",
                        "--host",
                        "127.0.0.1",
                    ],
                    **quiet,
                )
            )
        deadline = time.monotonic() + 60
        while not address_file.exists() or not address_file.read_text().strip():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        address = json.loads(address_file.read_text())["address"]
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        sweep = subprocess.Popen(
            sweep_command(path, "-o", store, "--scheduler", address, "--json"),
            stdout=subprocess.PIPE,
            text=True,
        )
        done = _wait_for_progress(store, sweep, 2000)
        os.kill(started[1].pid, signal.SIGKILL)  # one worker dies mid-sweep
        out, _ = sweep.communicate(timeout=300)
        assert sweep.returncode == 0
        assert 0 < done < 2000 and json.loads(out)["computed"] == 2000
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    xr.testing.assert_equal(xr.open_zarr(store).load(), _reference(path, tmp_path / "ref.zarr"))
