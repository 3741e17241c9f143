"""Read disturb at short times and the WER of a field beyond the anisotropy field (h <= −1), the
two cases where the start distribution, cut at z = 0, leaves a thin layer at the cut (issue 14),
against an independent time evolution: finite volumes uniform in z (not in θ), Gauss-quadrature
masses and resistances, the dense matrix exponential (not uniformisation), Richardson over three
grids."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.polynomial import legendre as leg
from scipy.integrate import quad
from scipy.linalg import expm

from spintorque.errors import InputError
from spintorque.thermal import AxialModel
from spintorque.thermal.wer import read_disturb, write_error_rate
from spintorque.thermal.wer.chain import EQUATOR_GRADING, theta_edges

_X, _W = leg.leggauss(12)


def _cell_integrals(f, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    t = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * _X[None, :]
    return 0.5 * (b - a) * (f(t) @ _W)


def _evolved_mass(sigma: float, h: float, i: float, times: np.ndarray, a: float, b: float,
                  cells: int, switched: bool) -> np.ndarray:
    """Unnormalised mass on one side at ``times`` of the density started as e^{σz² + 2σhz} on
    0 < z <= b (reflecting ends a, b; cells uniform in z, z = 0 an edge)."""
    bias = 2 * sigma * (h - i * (1 + h))

    def U(z: np.ndarray) -> np.ndarray:  # THERMAL.md §6
        return -sigma * z * z - bias * z
    edges = np.linspace(a, b, cells + 1)
    assert np.any(edges == 0.0)
    centres = 0.5 * (edges[1:] + edges[:-1])
    shift = float(U(centres).min())
    mass = _cell_integrals(lambda z: np.exp(-(U(z) - shift)), edges[:-1], edges[1:])
    resistance = _cell_integrals(lambda z: 2 * np.exp(U(z) - shift) / (1 - z * z), centres[:-1],
                                 centres[1:])
    start = np.where(edges[:-1] >= 0, _cell_integrals(lambda z: np.exp(sigma * z * z
                                                                        + 2 * sigma * h * z),
                                                      edges[:-1], edges[1:]), 0.0)
    rate_up, rate_down = 1 / (resistance * mass[:-1]), 1 / (resistance * mass[1:])
    Q = np.diag(np.concatenate([-rate_up, [0.0]]) + np.concatenate([[0.0], -rate_down]))
    Q += np.diag(rate_up, -1) + np.diag(rate_down, 1)
    side = centres < 0 if switched else centres > 0
    return np.array([float((expm(Q * t) @ start)[side].sum()) for t in times])


def _reference(sigma, h, i, times, a, b, cells, switched):
    coarse, medium, fine = (_evolved_mass(sigma, h, i, times, a, b, n, switched)
                            for n in (cells, 2 * cells, 4 * cells))
    first = (4 * medium - coarse) / 3, (4 * fine - medium) / 3
    best = (16 * first[1] - first[0]) / 15
    Z = quad(lambda z: math.exp(sigma * z * z + 2 * sigma * h * z), 0, 1, epsabs=0,
             epsrel=1e-13)[0]
    return best / Z, np.abs(best - first[1]) / best


def test_the_graded_cells_refine_the_cut_and_keep_the_poles():
    uniform, graded = theta_edges(512), theta_edges(512, EQUATOR_GRADING)
    assert np.count_nonzero(graded == 0.0) == 1 and graded[0] == -1 and graded[-1] == 1
    c, eps = EQUATOR_GRADING
    norm = c + (1 - c) * (1 - eps * 0.5 * math.sqrt(math.pi) * math.erf(1 / eps))  # φ(1) unscaled

    def at_cut(e: np.ndarray) -> float:
        return float(np.diff(e)[np.searchsorted(e, 0.0)])
    assert at_cut(graded) / at_cut(uniform) == pytest.approx(c / norm, rel=2e-2)  # 1/18

    def at_pole(e: np.ndarray) -> float:  # the last θ step
        return math.acos(e[-2])
    assert at_pole(graded) / at_pole(uniform) == pytest.approx(1 / norm, rel=2e-2)  # 9 % coarser


@pytest.mark.slow
def test_short_read_disturb_reaches_1e6_and_h_below_minus_1_is_refused():
    # read disturb, sigma = 40, i = 0.3: the leak through the cut (1e-18); the reference on
    # |z| <= 0.4 (beyond, the start density is 13 diffusion lengths away at t = 1e-3)
    times = np.array([1e-4, 1e-3])
    ref, ref_error = _reference(40.0, 0.0, 0.3, times, -0.4, 0.4, 400, switched=True)
    assert np.all(ref_error < 1e-6)
    got = read_disturb(AxialModel(40.0), [0.3], times, max_cells=1024)
    error = np.abs(got.switching_probability[0] / ref - 1)
    # measured 4e-8 and 9e-10 (6e-6 and 2e-7 at 512 cells; 2e-2 and 1e-4 on cells uniform in θ)
    assert np.all(error < 1e-6), error
    assert np.all(error <= 3 * got.switching_probability_error[0] + 1e-6)
    # WER at h = −1.2: the field alone reverses the cell, so the start state (the Boltzmann
    # distribution of the start well at zero current, THERMAL.md §6) does not exist: refused
    with pytest.raises(InputError, match="no start well at zero current"):
        write_error_rate(AxialModel(20.0, -1.2), [0.0], np.array([1e-3, 1e-2]), max_cells=1024)
