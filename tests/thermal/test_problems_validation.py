"""The escape problem descriptions refuse what the reduced units cannot mean (thermal/problems.py,
thermal/axial/model.py): a current ratio without a barrier, out-of-range 2D parameters."""

from __future__ import annotations

import math

import pytest

from spintorque.errors import InputError
from spintorque.thermal import AxialModel, ReducedProblem, escape


@pytest.mark.parametrize("i", [5.0, -20.0, 1e-9])
@pytest.mark.parametrize("hard_ratio", [0.0, 1.0])
def test_a_current_ratio_at_sigma_zero_is_refused(i: float, hard_ratio: float) -> None:
    """i = I/I_c0 with I_c0 ∝ sigma (1 + h): at sigma = 0 every i gave the same λ1, silently."""
    with pytest.raises(InputError, match="at sigma = 0 there is no anisotropy barrier") as error:
        ReducedProblem(0.0, i=i, hard_ratio=hard_ratio)
    assert error.value.field == "i"
    with pytest.raises(InputError, match="means nothing"):
        AxialModel(0.0, 0.0, i)


def test_sigma_zero_without_a_current_is_still_free_diffusion() -> None:
    assert escape(ReducedProblem(0.0)).regime == "no barrier"
    assert AxialModel(0.0, 0.3).sigma == 0.0


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"h": 1e300}, "h"), ({"i": -1e300}, "i"), ({"h": 3e5, "i": 2.0}, "h"),
    ({"i": 1e300, "hard_ratio": 1.0}, "i"), ({"hard_ratio": -1e300}, "hard_ratio"),
    ({"polarizer_angle": 7.0}, "polarizer_angle"),
])
def test_out_of_range_parameters_name_their_field(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(InputError) as error:
        ReducedProblem(20.0, **kwargs)
    assert error.value.field == field


def test_in_range_parameters_are_kept() -> None:
    ReducedProblem(20.0, h=0.3, i=2.0, hard_ratio=5e5, polarizer_angle=2.0 * math.pi)
