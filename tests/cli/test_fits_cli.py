"""fit-activation on a file that is not a CSV text: one line naming the file, exit 2."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spintorque", *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "content",
    [
        np.random.default_rng(13).integers(0, 256, 4096, dtype=np.uint8).tobytes(),  # random bytes
        b"current,dwell_time\n1e-4,\x002e-3\n2e-4,1e-3\n",  # UTF-8 with NUL
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)),  # an image header
    ],
    ids=["random-bytes", "nul-bytes", "png"],
)
def test_fit_activation_refuses_a_binary_file_in_one_line_naming_it(tmp_path, content):
    data = tmp_path / "data.csv"
    data.write_bytes(content)
    proc = run("fit-activation", str(data), "--json")
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(f"error: {data}: file: not a")
