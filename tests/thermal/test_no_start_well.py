"""The WER family refuses h <= −1 in the library too (audit D5): its start state, the Boltzmann
distribution of the start well at zero current (THERMAL.md §6), does not exist there."""

from __future__ import annotations

import pytest

from spintorque.errors import InputError
from spintorque.thermal import AxialModel, ReducedProblem, escape
from spintorque.thermal.wer import WERProblem, current_for_target, read_disturb, write_error_rate


@pytest.mark.parametrize("h", [-1.5, -1.0, -1.0 - 1e-12])
@pytest.mark.parametrize("method", ["auto", "chain", "sphere"])
def test_write_error_rate_refuses_a_field_that_removes_the_start_well(h, method):
    with pytest.raises(InputError, match="no start well at zero current") as refused:
        write_error_rate(AxialModel(40.0, h), [0.0, 0.5], [0.01], method=method)
    assert refused.value.field == "h" and "need h > -1" in refused.value.message


def test_read_disturb_target_and_a_problem_refuse_it_too():
    import numpy as np

    model = AxialModel(40.0, -1.5)
    for call in (lambda: read_disturb(model, [0.5], [0.01]),
                 lambda: current_for_target(model, 1e-6, [1.0]),
                 lambda: write_error_rate(WERProblem(model, np.array([2.0])), None, [1.0])):
        with pytest.raises(InputError, match="no start well at zero current") as refused:
            call()
        assert refused.value.field == "h"


def test_just_above_minus_one_is_still_computed():
    r = write_error_rate(AxialModel(20.0, -0.99), [0.5], [0.01], max_cells=256)
    assert 0.0 < r.write_error_rate[0, 0] <= 1.0


def test_escape_notes_that_below_minus_one_a_positive_current_stabilises():
    result = escape(ReducedProblem(40.0, -1.5, 3.0))  # h_eff = 0: barrier sigma
    assert result.regime == "thermally activated" and result.effective_barrier_kT == 40.0
    assert any("i > 0 stabilises m_z = +1" in m for m in result.messages)
    assert result.converged  # a note about the problem, not about the numbers
    assert not any("stabilises" in m for m in escape(ReducedProblem(40.0, -0.5, 0.5)).messages)
