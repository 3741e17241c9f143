"""Numbers quoted in the docs, recomputed (audit D8: docs/thermal.md quoted MFPT = e^987.16 at
sigma = 500, h = 0.5, the MFPT to the separatrix of before the target became min(0, z*))."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[1] / "docs"


def test_the_quoted_log_mfpt_beyond_double_range_is_the_escape_apis():
    from spintorque.thermal import ReducedProblem, escape

    text = " ".join((DOCS / "thermal.md").read_text().split())
    quoted = re.search(r"sigma = 500, h = 0\.5: MFPT = e\^([0-9.]+) tau_N", text)
    assert quoted is not None
    result = escape(ReducedProblem(500.0, 0.5))
    assert result.mfpt_over_tau_N is None  # beyond double range: null with its logarithm
    assert float(quoted.group(1)) == pytest.approx(result.details["ln_mfpt_over_tau_N"], abs=0.005)
