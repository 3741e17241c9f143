"""The dense propagator's truncation of e^{τ0 S} (issue 14: side masses down to 1e-175).

At the front of an arriving tail the paths that reach it make many jumps per τ0, so cutting the
uniformisation after 30 jumps was far less accurate there, relative to the tiny side mass, than
the Poisson tail (< 1e-40) it was judged by: 6.6e-10 at R = 5.5e-169 on 256 cells and up to 100 %
on 128 cells, while 6e-14 was reported. The reported bound must cover the error, measured
against the sparse evolution (:mod:`~spintorque.thermal.wer.sparse_propagator`: other code, a
rigorous cut of its own Poisson sum, Λ = 1.25× rather than 2× the largest outflow).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from spintorque.thermal import AxialModel
from spintorque.thermal.wer import propagator
from spintorque.thermal.wer.chain import build_chain
from spintorque.thermal.wer.propagator import start_side_masses
from spintorque.thermal.wer.sparse_propagator import sparse_side_masses

TIMES = np.array([1e-5, 1e-4, 3.16e-4, 1e-3])


@pytest.mark.parametrize(
    ("sigma", "h", "i", "cells"),
    [
        (200.0, 0.5, 0.7, 256),  # 6.6e-10 at t = 1e-4 (R = 5.5e-169) with 30 jumps
        (200.0, 0.5, 1.5, 256),  # 2e-5 at t = 1e-4
        (200.0, 0.5, 1.5, 128),  # 100 % at t = 1e-4 (R = 1.6e-144)
        (100.0, 0.5, 1.5, 128),  # 2e-7 at t = 3.16e-4
        (60.0, 0.0, 1.0, 256),  # no tiny side mass: the 30 jumps suffice
    ],
)
def test_reported_bound_covers_the_truncation_at_an_arriving_tail(sigma, h, i, cells):
    model, start = AxialModel(sigma, h, i).equivalent()[0], AxialModel(sigma, h)
    chain = build_chain(model, cells)
    dense = start_side_masses(chain, start, TIMES)
    sparse = sparse_side_masses(chain, start, TIMES, 10**7)
    assert np.all(np.isfinite(sparse.error))
    for ours, theirs in ((dense.start, sparse.start), (dense.switched, sparse.switched)):
        assert np.all(theirs > 0) and np.all(ours > 0)
        gap = np.abs(ours / theirs - 1)
        assert np.all(gap <= dense.error + sparse.error)
    # and the bound is met, not just reported
    assert np.all(dense.error < 1e-12)


@pytest.mark.parametrize("terms", [30, 60, 148])
def test_poisson_tail_bound_is_a_bound_and_tight(terms):
    # Σ_{k > K} e^{-1/2} 2^{-k}/k!, summed from the far end (40 terms: the rest is < 1e-30 of it)
    log_w = [-0.5 - k * math.log(2.0) - math.lgamma(k + 1.0) for k in range(terms + 1, terms + 41)]
    top = max(log_w)
    exact = top + math.log(sum(math.exp(v - top) for v in reversed(log_w)))
    assert exact <= propagator._log_tail(terms) <= exact + math.log(1.02)
