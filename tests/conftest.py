"""Shared fixtures: seeded rng, floating-point errors raised, and standard stacks."""

from __future__ import annotations

import os
from collections.abc import Iterator

# two pytest workers on two cores: a multi-threaded BLAS would oversubscribe them, and its
# spinning threads make the many small triangular solves of the ring elimination ~20x slower
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pytest

import spintorque as st


@pytest.fixture(autouse=True)
def _float_errors_raise() -> Iterator[None]:
    # Underflow to zero is expected (thick layers: Gs = G/sinh(d/l) -> 0); everything else raises.
    with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
        yield


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261121)


@pytest.fixture
def co() -> st.Ferromagnet:
    return st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)


@pytest.fixture
def py() -> st.Ferromagnet:
    return st.Ferromagnet.from_resistivity("Py", 15e-8, 0.73, 5.5e-9)


@pytest.fixture
def cu() -> st.NormalMetal:
    return st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)


def spherical(theta: float, phi: float = 0.0) -> tuple[float, float, float]:
    return (np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta))
