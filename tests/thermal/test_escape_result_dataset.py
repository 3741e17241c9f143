"""EscapeResult.to_dataset keeps what the JSON keeps: the logarithms of values beyond double range."""

from __future__ import annotations

import math
import re

from spintorque.thermal import ReducedProblem, escape


def test_an_overflowed_mfpt_keeps_its_logarithm_in_the_dataset() -> None:
    """σ = 500, h = 0.5: MFPT ≈ e^1115 τ_N is null; its null reason names ln_mfpt_over_tau_N,
    which the dataset did not carry."""
    result = escape(ReducedProblem(500.0, 0.5))
    doc = result.to_json_dict()
    ds = result.to_dataset()
    assert doc["mfpt_over_tau_N"] is None and "mfpt" not in ds
    for key, value in doc.items():
        if key.startswith("ln_") and value is not None:
            assert math.isclose(float(ds[key]), value, rel_tol=0, abs_tol=0), key
            assert ds[key].attrs["units"] == "1" and "logarithm" in ds[key].attrs["long_name"]
    assert float(ds["ln_mfpt_over_tau_N"]) > 1000
    for reason in doc["null_reasons"].values():  # every ln_* a reason points to is present
        for name in re.findall(r"\bln_\w+", reason):
            assert name in ds, (name, reason)
