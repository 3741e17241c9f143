"""Unusable output paths and seeds are refused before any work; writes never destroy a good file;
units survive the terminal; the command line starts without the heavy libraries."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spintorque.cli import app
from spintorque.cli.app import check_seed, escape_units

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "co_cu_py.toml"
MACROSPIN = ROOT / "examples" / "macrospin" / "thermal.toml"
MISSING = "no-such-input.toml"  # the output is checked first, so the input is never opened
UNWRITABLE = Path("/sys/spintorque-test")  # sysfs refuses new files, to root as well

# (command line before the output path, flag, an allowed extension)
OUTPUT_COMMANDS = [
    (["solve", MISSING, "--output"], "--output", ".nc"),
    (["efficiency", MISSING, "--rotate", "F2", "--angles", "0:90:3", "--plot"], "--plot", ".png"),
    (["profile", MISSING, "--plot"], "--plot", ".svg"),
    (["hodograph", MISSING, "-o"], "--output", ".pdf"),
    (["signmap", MISSING, "--vary", "F2.thickness=1nm:8nm:4", "-o"], "--output", ".png"),
    (["dynamics", MISSING, "--duration", "1ns", "--dt", "1ps", "-o"], "--output", ".nc"),
    (["fit-activation", "no-such-data.csv", "-o"], "--output", ".png"),
]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output  # output holds stderr too (every click version)


@pytest.mark.parametrize(("head", "flag", "suffix"), OUTPUT_COMMANDS,
                         ids=[c[0][0] for c in OUTPUT_COMMANDS])
@pytest.mark.parametrize("bad", ["directory", "extension", "unwritable"])
def test_unusable_output_paths_are_refused_in_one_line_before_any_work(tmp_path, head, flag,
                                                                       suffix, bad):
    path = {"directory": tmp_path, "extension": tmp_path / "out.gif",
            "unwritable": UNWRITABLE / f"out{suffix}"}[bad]
    code, output = invoke(*head, str(path))
    assert code == 2, output
    assert output.startswith(f"error: {flag}: ") and output.count("\n") == 1, output
    assert {"directory": "is a directory", "extension": "'.gif'",
            "unwritable": "cannot write"}[bad] in output
    assert list(tmp_path.iterdir()) == []


def test_plot_into_a_directory_no_longer_writes_a_file_beside_it(tmp_path):
    figures = tmp_path / "figures"
    figures.mkdir()
    code, output = invoke("profile", str(EXAMPLE), "--plot", str(figures))
    assert code == 2 and "is a directory" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]  # no figures.png


@pytest.mark.parametrize("seed", ["-1", str(2**63), str(10**30)])
@pytest.mark.parametrize("command", [
    ["dynamics", str(MACROSPIN), "--duration", "10ps", "--dt", "1ps", "-o", "x.nc"],
    ["switching", str(MACROSPIN), "--current", "0 A/m^2", "--duration", "10ps"],
], ids=["dynamics", "switching"])
def test_seeds_outside_0_to_2_63_are_refused(tmp_path, command, seed):
    command = [str(tmp_path / c) if c == "x.nc" else c for c in command]
    code, output = invoke(*command, "--seed", seed)
    assert code == 2 and output.startswith("error: --seed: ") and output.count("\n") == 1
    assert "2**63" in output and not (tmp_path / "x.nc").exists()


def test_the_largest_seed_and_none_are_accepted():
    assert check_seed(2**63 - 1) == 2**63 - 1 and check_seed(0) == 0 and check_seed(None) is None


def test_version_is_the_installed_distribution_version():
    code, output = invoke("--version")
    assert code == 0 and output == f"spintorque {version('spintorque')}\n"
    import spintorque

    assert spintorque.__version__ == version("spintorque")


def test_units_in_tables_and_help_survive_the_terminal(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short name: the title line is not wrapped
    Path("co[cu]py.toml").write_text(EXAMPLE.read_text())  # brackets in a name are not markup
    code, output = invoke("solve", "co[cu]py.toml")
    assert code == 0, output
    for text in ("x [nm]", "mu_s [µV]", "torque [J/m²]", "co[cu]py.toml"):
        assert text in output
    assert "[deg]" in invoke("escape", "--help")[1]
    assert "[Hz]" in invoke("precession", "--help")[1]


def test_escape_units_keeps_only_the_project_styles():
    assert escape_units("[bold]x [nm][/bold] [/] [red]y[/red] \\[s]") == \
        "[bold]x \\[nm][/bold] [/] [red]y[/red] \\[s]"
    assert escape_units("θ [deg], [A/m²], [s]") == "θ \\[deg], [A/m²], \\[s]"
    assert escape_units("[bold red]!![/bold red] [bold nm]") == "[bold red]!![/bold red] \\[bold nm]"


def test_a_failed_dataset_write_keeps_the_previous_file(tmp_path, monkeypatch):
    import xarray as xr

    out = tmp_path / "r.nc"
    assert invoke("solve", str(EXAMPLE), "--output", str(out))[0] == 0
    good = out.read_bytes()

    def full_disk(self: xr.Dataset, path: Path, *args: object, **kwargs: object) -> None:
        Path(path).write_bytes(good[: len(good) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(xr.Dataset, "to_netcdf", full_disk)
    code, output = invoke("solve", str(EXAMPLE), "--output", str(out))
    assert code == 2 and "No space left on device" in output and output.count("\n") == 1
    assert out.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["r.nc"]


def test_a_failed_figure_write_keeps_the_previous_file(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    plot = tmp_path / "g.png"
    plot.write_bytes(b"previous figure")

    def fails_half_way(self: Figure, path: Path, **kwargs: object) -> None:
        Path(path).write_bytes(b"\x89PNG half")
        raise RuntimeError("renderer died")

    monkeypatch.setattr(Figure, "savefig", fails_half_way)
    with pytest.raises(RuntimeError, match="renderer died"):
        CliRunner().invoke(app, ["efficiency", str(EXAMPLE), "--rotate", "F2", "--angles",
                                 "0:90:3", "--plot", str(plot)], catch_exceptions=False)
    assert plot.read_bytes() == b"previous figure"
    assert [p.name for p in tmp_path.iterdir()] == ["g.png"]


KILLED_DURING_WRITE = '''
import os, signal, sys
from pathlib import Path
import xarray as xr

def killed(self, path, *args, **kwargs):
    Path(path).write_bytes(b"CDF half a file")
    os.kill(os.getpid(), signal.SIGKILL)

xr.Dataset.to_netcdf = killed
sys.argv = ["spintorque", "solve", sys.argv[1], "--output", sys.argv[2]]
from spintorque.cli import main
main()
'''


def test_kill_9_during_the_write_leaves_the_previous_file(tmp_path):
    out = tmp_path / "r.nc"
    out.write_bytes(b"previous good dataset")
    proc = subprocess.run([sys.executable, "-c", KILLED_DURING_WRITE, str(EXAMPLE), str(out)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == -9, proc.stderr[-2000:]
    assert out.read_bytes() == b"previous good dataset"
    leftovers = [p.name for p in tmp_path.iterdir() if p != out]
    assert len(leftovers) == 1 and leftovers[0].startswith(".r.nc.")  # hidden, never the file


HEAVY = ("numpy", "scipy", "xarray", "pandas", "matplotlib", "numba", "pint")
LOADED = ("import sys; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(%r)), "
          "allow_nan=False))")


def _loaded_after(code: str) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", "import json\n" + code + "\n" + LOADED % (HEAVY,)],
                          capture_output=True, text=True, timeout=300, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded: list[str] = json.loads(proc.stdout.splitlines()[-1])
    return loaded


def test_importing_the_package_and_the_command_line_loads_no_heavy_library():
    assert _loaded_after("import spintorque, spintorque.cli") == []


def test_a_small_solve_loads_only_numpy_of_the_heavy_libraries():
    code = ("import contextlib, io, sys\n"
            "from spintorque.cli import main\n"
            f"sys.argv = ['spintorque', 'solve', {str(EXAMPLE)!r}]\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    main()")
    assert set(_loaded_after(code)) <= {"numpy"}
