"""Output paths are checked before any work; files are replaced only by complete new ones."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from spintorque.errors import InputError
from spintorque.io import (
    DATASET,
    FIGURE,
    OutputError,
    atomic_path,
    check_output_path,
    write_dataset,
    write_figure,
    write_text,
)

UNWRITABLE = Path("/sys/spintorque-test")  # sysfs refuses new files, to root as well


def test_usable_paths_pass_and_create_nothing(tmp_path):
    check_output_path(None, "--plot", FIGURE)
    check_output_path(tmp_path / "a.png", "--plot", FIGURE)
    check_output_path(tmp_path / "new" / "deeper" / "r.nc", "--output", DATASET)
    check_output_path(tmp_path / "UPPER.PDF", "--plot", FIGURE)
    assert sorted(tmp_path.iterdir()) == []  # the probe file is gone, no directory was made


@pytest.mark.parametrize(("make", "words"), [
    (lambda d: d, ["is a directory", "output.png"]),
    (lambda d: d / "figure", ["no extension", ".png, .svg, .pdf"]),
    (lambda d: d / "figure.gif", ["'.gif'", ".png, .svg, .pdf"]),
    (lambda d: d / "figure.png.txt", ["'.txt'"]),
])
def test_unusable_figure_paths_are_refused_naming_the_flag(tmp_path, make, words):
    with pytest.raises(InputError) as info:
        check_output_path(make(tmp_path), "--plot", FIGURE)
    message = str(info.value)
    assert message.startswith("--plot: ") and "\n" not in message
    for word in words:
        assert word in message


def test_a_parent_that_is_a_file_or_an_unwritable_place_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="is not a directory"):
        check_output_path(blocker / "sub" / "r.nc", "-o", DATASET)
    with pytest.raises(InputError, match="cannot write"):
        check_output_path(UNWRITABLE / "r.nc", "-o", DATASET)


def test_special_files_are_refused(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        check_output_path(fifo, "--plot", FIGURE)


def test_atomic_path_replaces_the_file_only_when_the_write_completes(tmp_path):
    target = tmp_path / "out.json"
    write_text('{"old": true}', target)
    with pytest.raises(RuntimeError, match="half-way"), atomic_path(target) as tmp:
        tmp.write_text('{"new": ')
        raise RuntimeError("killed half-way")
    assert target.read_text() == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left
    write_text('{"new": true}', target)
    assert target.read_text() == '{"new": true}'


def test_a_failing_write_becomes_one_output_error_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "r.nc"
    target.write_bytes(b"previous good file")

    class FullDisk:
        def to_netcdf(self, path: Path) -> None:
            Path(path).write_bytes(b"CDF\x01 partial")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OutputError) as info:
        write_dataset(FullDisk(), target)
    assert "No space left on device" in str(info.value) and "unchanged" in str(info.value)
    assert isinstance(info.value, InputError)  # so the CLI prints it in one line, exit 2
    assert target.read_bytes() == b"previous good file"
    assert [p.name for p in tmp_path.iterdir()] == ["r.nc"]


def test_a_figure_keeps_its_format_and_the_old_file_keeps_its_mode(tmp_path):
    target = tmp_path / "g.svg"
    target.write_text("old")
    target.chmod(0o640)

    class Figure:
        def savefig(self, path: Path, dpi: int, format: str | None) -> None:
            assert Path(path).parent == tmp_path and Path(path).name != "g.svg"
            Path(path).write_text(f"<svg format={format} dpi={dpi}/>")

    write_figure(Figure(), target)
    assert target.read_text() == "<svg format=svg dpi=150/>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_real_figure_is_complete_after_the_atomic_write(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    target = tmp_path / "deeper" / "f.png"
    write_figure(fig, target)
    plt.close(fig)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_interrupt_during_the_write_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    target = tmp_path / "r.nc"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as tmp:
        tmp.write_bytes(b"new, incomplete")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["r.nc"]
