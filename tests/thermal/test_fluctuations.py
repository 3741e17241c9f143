"""Fluctuation corrections under current: transverse variance and FMR linewidth."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.polynomial import legendre as leg

from spintorque.analytic import critical_current, fmr_linewidth, transverse_variance
from spintorque.dynamics.deterministic import integrate
from spintorque.magnet import Macrospin, MacrospinModel
from spintorque.magnet.energy import Energy, Uniaxial, Zeeman
from spintorque.magnet.model import Conditions
from spintorque.magnet.torque import Slonczewski, Torques
from spintorque.thermal import AxialModel, stationary_density


@pytest.mark.parametrize(("h", "i"), [(0.0, 0.0), (0.0, 0.5), (0.2, 0.3), (0.1, -0.4)])
def test_transverse_variance_of_the_stationary_density_grows_like_one_over_one_minus_i(h, i):
    # ⟨θ²⟩ in the (possibly metastable) +z well — its basin runs from the barrier top
    # z* = -h_eff to the pole — from the stationary density, against the closed form. The
    # closed form is the leading high-barrier term: the relative correction is
    # O(1/s) with s = sigma (1 + h)(1 - i), checked at s = 40 and 80 (a wrong power of 1 - i
    # would be off by a factor 2 at i = 0.5)
    top = -(h - i * (1 + h))

    def variance(sigma: float) -> float:
        model = AxialModel(sigma, h, i)
        x, w = leg.leggauss(400)
        z = top + (1 - top) * 0.5 * (x + 1)
        density = stationary_density(model, z)
        return float(np.sum(w * density * np.arccos(z) ** 2) / np.sum(w * density))
    scales = (40.0, 80.0)
    ratios = [variance(scale / ((1 + h) * (1 - i))) / float(
        transverse_variance(scale / ((1 + h) * (1 - i)), i, h)) for scale in scales]
    for ratio, scale in zip(ratios, scales, strict=True):
        assert 0 < ratio - 1 <= 3.0 / scale
    assert (ratios[1] - 1) < (ratios[0] - 1) / 1.6  # the deviation shrinks like 1/s


def test_fmr_linewidth_narrows_like_one_minus_i_in_the_llg_equation():
    # small-angle relaxation of the perpendicular macrospin with a collinear Slonczewski torque
    # (polariser along -z: J > 0 destabilises +z); the decay rate of θ is half the linewidth
    Ms, d, area, alpha, K, H = 1e6, 2e-9, 1e-15, 0.02, 8e5, 5e4
    H_K = 2 * K / (4e-7 * np.pi * Ms)
    magnet = Macrospin(Ms, d, area, alpha, initial=(np.sin(0.01), 0.0, np.cos(0.01)))
    Jc = critical_current(alpha, Ms, d, 0.3, H, H_K)
    rates = []
    for i in (0.0, 0.5):
        model = MacrospinModel(magnet, Energy((Uniaxial(K), Zeeman((0.0, 0.0, H)))),
                               Torques((Slonczewski(0.6, polarizer=(0.0, 0.0, -1.0)),)))
        duration = 3 / (0.5 * fmr_linewidth(alpha, H_K, H, i))
        ds = integrate(model, Conditions(current_density=i * Jc), duration=duration, samples=61)
        theta = np.arccos(ds.m.isel(trajectory=0).sel(component="z").values)
        rate = -np.polyfit(ds.time.values, np.log(np.tan(theta / 2)), 1)[0]
        assert rate == pytest.approx(0.5 * fmr_linewidth(alpha, H_K, H, i), rel=2e-3)
        rates.append(rate)
    assert rates[1] / rates[0] == pytest.approx(0.5, rel=2e-3)
