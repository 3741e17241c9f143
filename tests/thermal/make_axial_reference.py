"""Regenerate ``axial_reference.json``: mpmath references on the regime grid of issue 14.

Run from the repository root (takes tens of minutes on one core)::

    python -m tests.thermal.make_axial_reference          # everything
    python -m tests.thermal.make_axial_reference --fill   # only the missing λ1 entries

Grid: sigma 0.5 … 200, i −2 … 10 (with 1 and 1 ± 1e-6), h −1.5 … 1.5. For each point the MFPT
from z = 1 to z = 0 (ln, closed-form inner integral, 40 digits) and, where the Legendre matrix
stays below ~1500 rows, λ1 (ln; certified smallest non-zero root of the banded determinant, at
two truncations and precisions that must agree to 1e-12; else null). The solver's own value is
used only to place the ±1e-6 bracket and the precision.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import mpmath as mp

from spintorque.thermal.axial.fokker_planck import AxialModel, log_smallest_eigenvalue
from tests.thermal import axial_reference as ref

SIGMAS = (0.5, 2.0, 10.0, 40.0, 100.0, 200.0)
CURRENTS = (-2.0, -0.5, 0.0, 0.5, 0.9, 1.0 - 1e-6, 1.0, 1.0 + 1e-6, 1.5, 3.0, 10.0)
FIELDS = (-1.5, -0.9, 0.0, 0.5, 1.5)
MAX_ROWS = 1500
OUT = Path(__file__).with_name("axial_reference.json")


def point(sigma: float, h: float, i: float) -> dict[str, float | None]:
    log_T = float(mp.log(ref.mfpt(sigma, h, i)))
    size = int(1.5 * (sigma + abs(float(ref._b(sigma, h, i))))) + 80
    log_lam: float | None = None
    if size <= MAX_ROWS:
        guess = math.exp(log_smallest_eigenvalue(AxialModel(sigma, h, i)).log)
        first = ref.smallest_eigenvalue(sigma, h, i, guess, size)
        second = ref.smallest_eigenvalue(sigma, h, i, guess, int(1.25 * size) + 40, 15)
        if first is not None and second is not None and abs(first / second - 1) < 1e-12:
            log_lam = float(mp.log(second))
    return {"sigma": sigma, "h": h, "i": i, "log_mfpt": log_T, "log_lambda1": log_lam}


def fill() -> None:
    """Recompute only the missing λ1 entries of the existing table (with the current solver's
    value as the bracket centre)."""
    rows = json.loads(OUT.read_text())
    for row in rows:
        b = abs(float(ref._b(row["sigma"], row["h"], row["i"])))
        if row["log_lambda1"] is None and int(1.5 * (row["sigma"] + b)) + 80 <= MAX_ROWS:
            row["log_lambda1"] = point(row["sigma"], row["h"], row["i"])["log_lambda1"]
            print(row, flush=True)
    OUT.write_text(json.dumps(rows, indent=0, allow_nan=False) + "\n")


def main() -> None:
    if "--fill" in sys.argv:
        fill()
        return
    rows = []
    for sigma in SIGMAS:
        for h in FIELDS:
            for i in CURRENTS:
                rows.append(point(sigma, h, i))
                print(rows[-1], flush=True)
    OUT.write_text(json.dumps(rows, indent=0, allow_nan=False) + "\n")
    print(f"wrote {len(rows)} points to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
