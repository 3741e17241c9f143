"""The 2D solver's convergence decision (thermal/sphere/escape2d.py, Converged.asymptotic): a
false "not converged" where the higher powers of the step are not negligible, and no false
"converged" (a value is flagged converged only where its extrapolation has settled)."""

from __future__ import annotations

import numpy as np
import pytest

from spintorque.thermal import ReducedProblem, escape
from spintorque.thermal.sphere.escape2d import _second_order, _settles, from_logs

SIZES = (65, 81, 97, 113, 129)


def _values(c2: float, c4: float, c6: float = 0.0) -> list[float]:
    h = 1.0 / np.asarray(SIZES, dtype=float)
    return list(1.0 + c2 * h**2 + c4 * h**4 + c6 * h**6)


def test_a_small_second_order_term_next_to_the_fourth_is_asymptotic() -> None:
    values = _values(1e-3, -40.0, 2e4)
    assert not _second_order(SIZES, values)  # the old test alone: "not in the 1/N² regime"
    assert _settles(SIZES, values, None)
    assert from_logs(SIZES, list(np.log(values))).asymptotic


@pytest.mark.parametrize("values", [
    list(1.0 + 0.3 / np.sqrt(np.asarray(SIZES, dtype=float))),  # an order below 2: not settled
    [1.0, 1.0 + 2e-4, 1.0 - 1e-4, 1.0 + 3e-4, 1.0],  # noise: limits jump
    _values(1.0, -2e4, 5e8),  # far from asymptotic: steps do not shrink
])
def test_a_sequence_that_has_not_settled_is_not_asymptotic(values: list[float]) -> None:
    assert not _second_order(SIZES, values)
    assert not _settles(SIZES, values, None)
    assert not from_logs(SIZES, list(np.log(values))).asymptotic


def test_sigma_2_hard_ratio_1_is_converged_and_agrees_with_harmonics() -> None:
    """It read converged: false with estimates 6e-13, 7e-13, 6e-11 (λ1 raw-difference ratios
    0.77 and 0.87 of 1/N²'s); λ1 agrees with the harmonic expansion to 9e-14."""
    problem = ReducedProblem(2.0, 0.0, 0.0, alpha=1.0, hard_ratio=1.0)
    grids = escape(problem, "sphere")
    assert grids.converged and grids.messages == ()
    reference = escape(problem, "harmonics")
    assert grids.lambda1_tau_N == pytest.approx(reference.lambda1_tau_N, rel=1e-11)
