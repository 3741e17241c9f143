"""The kernel's ziggurat normals: their distribution against the standard normal, explicitly."""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from spintorque.dynamics import kernel, seed_sequence, seed_states

N_TRAJ, N_GROUPS = 8, 125_000  # 3 million normals


def _normals(seed: int = 2024) -> np.ndarray:
    state = seed_states(seed_sequence(seed), N_TRAJ)
    out = np.empty((N_TRAJ, N_GROUPS, 3))
    kernel.draw_normals(state, out)
    return out


def test_ziggurat_normals_pass_ks_and_match_the_moments():
    """KS against Phi (p > 1e-3) and mean, variance, skewness, excess kurtosis within 5 standard
    errors (SE for n normals: 1, sqrt 2, sqrt 6, sqrt 24 over sqrt n)."""
    x = _normals().ravel()
    n = x.size
    assert stats.kstest(x, "norm").pvalue > 1e-3
    se = np.array([1.0, math.sqrt(2.0), math.sqrt(6.0), math.sqrt(24.0)]) / math.sqrt(n)
    measured = np.array([x.mean(), x.var() - 1.0, stats.skew(x), stats.kurtosis(x)])
    assert np.all(np.abs(measured) < 5 * se), measured / se


def test_tail_and_wedge_regions_have_the_normal_probabilities():
    """Counts in bins covering the slow paths (wedges near 0 and at moderate |x|, the tail beyond
    r = 4.04) against Phi: chi-square p > 1e-3; every trajectory's stream is used."""
    x = np.abs(_normals(7).ravel())
    edges = np.array([0.0, 0.05, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, kernel._ZIG_R, 4.3, 4.6, np.inf])
    counts, _ = np.histogram(x, edges)
    expected = x.size * 2.0 * np.diff(special.ndtr(edges))
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert stats.chi2.sf(chi2, len(counts) - 1) > 1e-3, (counts, expected)
    assert counts[-3:].sum() > 50  # the tail beyond r was sampled


def test_components_and_successive_groups_are_uncorrelated():
    xi = _normals(3)
    n = xi.shape[0] * xi.shape[1]
    flat = xi.reshape(-1, 3)
    corr = np.corrcoef(flat.T)[np.triu_indices(3, 1)]
    assert np.all(np.abs(corr) < 5 / math.sqrt(n))
    lag = np.corrcoef(xi[:, :-1].ravel(), xi[:, 1:].ravel())[0, 1]
    assert abs(lag) < 5 / math.sqrt(n)
    assert abs(np.corrcoef(flat[:, 0] ** 2, flat[:, 1] ** 2)[0, 1]) < 5 / math.sqrt(n)
