"""switching --json: every null has its reason (issue 14: mean_switching_time had none)."""

from __future__ import annotations

import json

import numpy as np

from spintorque.dynamics.switching import SwitchingCriterion, SwitchingResult


def _result(switched_count: int, trajectories: int = 20) -> SwitchingResult:
    t = np.full(trajectories, np.nan)
    t[:switched_count] = 1e-10
    return SwitchingResult(SwitchingCriterion((0, 0, 1), 0.5, 1e-9), np.isfinite(t), t,
                           np.zeros(trajectories, dtype=bool), np.zeros((trajectories, 3)), 1e-8,
                           1e-12, 1e-11, 1, 1, 1.0)


def test_every_top_level_null_has_a_reason_when_nobody_switched():
    doc = _result(0).to_json_dict()
    json.dumps(doc, allow_nan=False)
    assert doc["mean_switching_time"] is None
    assert "none of the 20 trajectories switched" in doc["null_reasons"]["mean_switching_time"]
    assert all(k in doc["null_reasons"] for k, v in doc.items() if v is None)
    some = _result(5).to_json_dict()
    assert some["mean_switching_time"] == 1e-10 and "mean_switching_time" not in some["null_reasons"]
