"""Size and time of ``efficiency --json`` for 2e5 angles: the document as written now (each g list
once, under ``efficiency``) against the earlier one (g1/g2 also at the top level), same process.

    python benchmarks/efficiency_json.py [--quick]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

import spintorque as st
from spintorque.cli.transport import _finite_or_none
from spintorque.provenance import record

EXAMPLE = Path(__file__).parents[1] / "examples" / "co_cu_py.toml"


def best_of(repeat: int, func) -> tuple[float, int]:
    best, size = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(func())
        best = min(best, time.perf_counter() - start)
    return best, size


def main() -> None:
    n = 20_000 if "--quick" in sys.argv else 200_000
    degrees = np.linspace(0.0, 180.0, n)
    start = time.perf_counter()
    ds = st.efficiency(st.load_stack(EXAMPLE), "F2", np.radians(degrees))
    sweep = time.perf_counter() - start
    names = ds.attrs["ferromagnets"]

    def document(duplicate: bool) -> str:
        g1, g2 = _finite_or_none(ds.g1.values), _finite_or_none(ds.g2.values)
        doc = {
            "angles_deg": degrees.tolist(),
            "rotated": "F2",
            "angle_between_deg": np.degrees(ds["angle_between"].values).tolist(),
            "efficiency": {names[0]: g1, names[1]: g2},
            "ferromagnets": list(names),
        }
        if duplicate:
            doc.update(g1=g1, g2=g2)
        else:
            doc["provenance"] = record()
        return json.dumps(doc, allow_nan=False)

    old_t, old_size = best_of(3, lambda: document(True))
    new_t, new_size = best_of(3, lambda: document(False))
    print(f"{n} angles: sweep {sweep:.2f} s")
    print(f"earlier document (g1/g2 twice): {old_size / 1e6:.2f} MB, {old_t:.3f} s to build+dump")
    print(f"document now (once, +provenance): {new_size / 1e6:.2f} MB, {new_t:.3f} s to build+dump")
    print(f"ratio now/earlier: size {new_size / old_size:.3f}, time {new_t / old_t:.3f}")


if __name__ == "__main__":
    main()
