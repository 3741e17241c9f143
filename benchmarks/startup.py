"""Start-up time of the command line and the package (printed, never asserted).

Times, over several runs each, the whole process of

* ``spintorque --help``                       (target: under 0.3 s),
* ``spintorque solve examples/co_cu_py.toml`` (target: under 0.6 s),
* ``python -c "import spintorque"``,

as wall-clock time (min and median) and CPU time (user + sys, median; steadier than wall time on
a shared machine), then the import-time breakdown of the first two from ``python -X importtime``,
summed per top-level package (self times, so the rows add up to the total).

Usage: ``python benchmarks/startup.py [--runs N] [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "co_cu_py.toml"


def _command_line() -> list[str]:
    """The installed console script beside this interpreter (what users run), else ``-m``."""
    script = Path(sys.executable).parent / "spintorque"
    return [str(script)] if script.exists() else [sys.executable, "-m", "spintorque"]


def _timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one run of ``argv`` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _import_breakdown(argv: list[str], rows: int) -> list[tuple[str, float]]:
    """Self import time [s] per top-level package for one run of ``argv`` under -X importtime."""
    proc = subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, cwd=ROOT, env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
    totals: dict[str, float] = defaultdict(float)
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        totals[name.strip().split(".")[0]] += int(self_us) * 1e-6
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return [("(all imports)", sum(totals.values())), *ranked[:rows]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command")
    parser.add_argument("--quick", action="store_true", help="one run each, short breakdown")
    args = parser.parse_args()
    runs = 1 if args.quick else max(1, args.runs)
    cli = _command_line()
    cases = {
        "spintorque --help": [*cli, "--help"],
        "spintorque solve examples/co_cu_py.toml": [*cli, "solve", str(EXAMPLE)],
        'python -c "import spintorque"': [sys.executable, "-c", "import spintorque"],
    }
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}; {runs} run(s) each{'' if args.quick else ' after a warm-up run'}")
    print(f"{'command':44s} {'wall min':>9s} {'wall med':>9s} {'CPU med':>9s}  [s]")
    for label, argv in cases.items():
        if not args.quick:
            _timed(argv)  # warm-up: byte-code and numba caches, the OS file cache
        walls, cpus = zip(*(_timed(argv) for _ in range(runs)), strict=True)
        print(f"{label:44s} {min(walls):9.3f} {statistics.median(walls):9.3f} "
              f"{statistics.median(cpus):9.3f}")
    for label in ("spintorque --help", "spintorque solve examples/co_cu_py.toml"):
        argv = cases[label]
        if argv[0] != sys.executable:  # run the console script's module under this interpreter
            argv = [sys.executable, "-m", "spintorque", *argv[1:]]
        print(f"\nimport time of `{label}` by top-level package (self times):")
        for name, seconds in _import_breakdown(argv, 5 if args.quick else 12):
            print(f"  {name:28s} {seconds * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
