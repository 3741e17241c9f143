"""The low-damping (energy-diffusion) solver: against the exact 1D solver, closed forms, a direct
integration of the precession orbits, Kramers' very-low-damping rate, and the barrier laws."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from spintorque.errors import InputError
from spintorque.thermal import AxialModel
from spintorque.thermal import axial as axial1d
from spintorque.thermal.energy import diffusion as ed
from spintorque.thermal.energy.orbits import critical_points, orbit_integrals
from spintorque.thermal.sphere.model import uniaxial_model

IN_PLANE = dict(easy_axis=(1.0, 0.0, 0.0), hard_axis=(0.0, 0.0, 1.0))


@pytest.mark.parametrize(("sigma", "h", "i", "nu"), [(10.0, 0.0, 0.0, 0.0), (10.0, 0.2, 0.3, 0.0),
                                                    (20.0, -0.1, 0.5, 0.0), (12.0, 0.1, 0.4, 0.5)])
def test_axial_problems_agree_with_the_exact_1d_solver(sigma, h, i, nu):
    # with the polariser on the axis the orbits are circles and orbit averaging is exact: the
    # averaged equation is the 1D equation in z, solved here by a different method
    e = ed.energy_diffusion(uniaxial_model(sigma, alpha=0.1, field=(0, 0, h), current_ratio=i,
                                           nu=nu), (0, 0, 1))
    model = AxialModel(sigma, h, i, nu)
    assert ed.mean_first_passage_time(e) == pytest.approx(
        axial1d.mean_first_passage_time(model, 1.0, -h), rel=1e-8)  # separatrix at z = −h
    assert ed.smallest_eigenvalue(e) == pytest.approx(axial1d.smallest_eigenvalue(model), rel=1e-8)
    assert ed.integral_relaxation_time(e) == pytest.approx(
        axial1d.integral_relaxation_time(model), rel=1e-8)
    assert ed.effective_barrier(e) == pytest.approx(sigma * (1 + h) ** 2 * (1 - i) ** 2 / (1 + nu * i),
                                                    rel=1e-9)


def _in_plane(sigma=20.0, kappa=4.0, **kw):
    return uniaxial_model(sigma, alpha=0.01, hard_ratio=kappa, **IN_PLANE, **kw)


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_in_plane_separatrix_and_well_bottom_match_closed_forms():
    # U = sigma(−m_x² + kappa m_z²): the separatrix is two great circles m_x = ±√kappa m_z, so the
    # well is a lune of area 4 arctan(1/√kappa) and M(E_s) = ∮|∇U| dl = ∫ΔU dA = 8 sigma √kappa
    sigma, kappa = 20.0, 4.0
    e = ed.energy_diffusion(_in_plane(sigma, kappa), (1, 0, 0))
    assert e.barrier == pytest.approx(sigma, rel=1e-12)
    assert len(e.well.branch.corners) == 2  # the saddles ±y
    assert e.well.area(0.0) == pytest.approx(4 * math.atan(1 / math.sqrt(kappa)), rel=1e-10)
    b = e.well.branch
    Es = orbit_integrals(e.model.potential, None, b, np.array([b.separatrix - 1e-13]))
    assert Es.dissipation[0] == pytest.approx(8 * sigma * math.sqrt(kappa), rel=1e-10)
    # near the bottom the orbits are ellipses: dΦ/dE → π/(sigma √(1 + kappa))
    u = 1 - 1e-6
    period = e.well.area.deriv()(u) / (-4 * b.depth * u**3)
    assert period == pytest.approx(math.pi / (sigma * math.sqrt(1 + kappa)), rel=1e-5)
    # two wells and two caps tile the sphere
    assert len(e.branches) == 4
    assert sum(float(x.area(0.0)) for x in e.branches) == pytest.approx(4 * math.pi, rel=1e-12)


def test_orbit_integrals_match_a_direct_integration_of_the_precession():
    # dm/dt = m × ∇U runs round the orbit at speed |∇U|, so ∮dt = dΦ/dE, ∮|∇U|² dt = M and
    # ∮ w·∇U dt = W: an ODE integration with the analytic gradient, independent of the rays
    sigma, kappa = 15.0, 3.0
    model = _in_plane(sigma, kappa, current_ratio=0.7, polarizer=(0.8, 0.36, 0.48))
    e = ed.energy_diffusion(model, (1, 0, 0))
    b = e.well.branch
    ex, ez = np.array([1.0, 0, 0]), np.array([0, 0, 1.0])

    def grad(m):
        g = -2 * sigma * m[0] * ex + 2 * sigma * kappa * m[2] * ez
        return g - (g @ m) * m

    for u in (0.9, 0.5, 0.1):
        E = float(e.well.energy(u))
        ours = orbit_integrals(model.potential, model.drift, b, np.array([E]))
        # start on the orbit along +y from the well: cos r ex + sin r ey with U = E
        r = math.acos(math.sqrt(-E / sigma))
        m0 = np.array([math.cos(r), math.sin(r), 0.0])

        def rhs(t, y):
            m = y[:3] / np.linalg.norm(y[:3])
            g = grad(m)
            return [*np.cross(m, g), g @ g, float(np.asarray(model.drift(m)) @ g)]

        def back(t, y):  # m_z = 0 rising: once per period, at the start and after one turn
            return y[2]
        back.direction = 1.0
        period = e.well.area.deriv()(u) / (-4 * b.depth * u**3)
        sol = solve_ivp(rhs, (0, 1.5 * period), [*m0, 0.0, 0.0], method="DOP853", rtol=1e-12,
                        atol=1e-14, events=back)
        t_period = float(sol.t_events[0][sol.t_events[0] > 1e-6][0])
        y = solve_ivp(rhs, (0, t_period), [*m0, 0.0, 0.0], method="DOP853", rtol=1e-12,
                      atol=1e-14).y[:, -1]
        assert ours.dissipation[0] == pytest.approx(y[3], rel=1e-8)
        assert ours.work[0] == pytest.approx(y[4], rel=1e-8)
        assert period == pytest.approx(t_period, rel=1e-7)


@pytest.mark.slow
def test_low_damping_escape_approaches_kramers_very_low_damping_rate():
    # Laplace asymptotics of the averaged first passage: rate = D M(E_s) e^{−ΔE}/(dΦ/dE at the
    # bottom) = (4/π) sigma² √(kappa(1 + kappa)) e^{−sigma}/tau_N, with corrections O(1/sigma).
    # λ1 tends to the same rate: from the separatrix the magnet falls into either well.
    kappa = 4.0
    errors_T, errors_l = [], []
    for sigma in (20.0, 40.0, 80.0):
        e = ed.energy_diffusion(_in_plane(sigma, kappa), (1, 0, 0))
        rate = 4 / math.pi * sigma**2 * math.sqrt(kappa * (1 + kappa)) * math.exp(-sigma)
        errors_T.append(ed.mean_first_passage_time(e) * rate - 1)
        errors_l.append(ed.smallest_eigenvalue(e) / rate - 1)
    for errors in (errors_T, errors_l):
        assert abs(errors[-1]) < 0.03
        assert 1.8 < errors[0] / errors[1] < 2.2 and 1.8 < errors[1] / errors[2] < 2.2


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_boltzmann_on_every_branch_at_zero_current():
    e = ed.energy_diffusion(_in_plane(12.0, 2.0, field=(0.1, 0.0, 0.0)), (1, 0, 0))
    u = np.linspace(0.0, 1.0, 21)
    for branch in e.branches:
        np.testing.assert_allclose(branch.psi(u), branch.energy(u) - branch.branch.separatrix,
                                   atol=1e-10)


@pytest.mark.parametrize("kappa", [0.0, 3.0, 40.0])
def test_the_well_bottom_goes_unstable_at_suns_in_plane_critical_current(kappa):
    # W/(DM) at the bottom = i / (1 + kappa/2): I_c ∝ α (H_K + H_d/2) for an in-plane layer
    i = 0.37
    e = ed.energy_diffusion(_in_plane(10.0, kappa, current_ratio=i), (1, 0, 0))
    assert e.well.work_ratio_at_extremum() == pytest.approx(i / (1 + kappa / 2), rel=1e-9)


@pytest.mark.slow
def test_the_barrier_law_is_found_quadratic_without_and_linear_with_a_strong_easy_plane():
    # the solver is not told the law: with a collinear polariser the barrier is
    # sigma (1 − i)² without easy plane, and linear in i for a thin in-plane film (kappa = 40),
    # where the torque's work per orbit stays proportional to the damping's loss
    sigma = 40.0

    def barriers(kappa):
        ic = 1 + kappa / 2
        return np.array([ed.effective_barrier(ed.energy_diffusion(
            _in_plane(sigma, kappa, current_ratio=f * ic), (1, 0, 0))) / sigma
            for f in (0.0, 0.2, 0.4, 0.6)])
    np.testing.assert_allclose(barriers(0.0), [1.0, 0.64, 0.36, 0.16], rtol=1e-9)
    thin = barriers(40.0)
    assert np.max(np.abs(np.diff(thin, 2))) < 2e-3  # straight line
    slope = thin[0] - thin[1]
    assert 0.9 * 0.2 < slope < 0.2  # reaching zero just beyond I_c: ΔE ≈ sigma (1 − 0.93 I/I_c)


def test_two_separatrix_levels_are_refused_for_the_eigenvalue_but_not_the_first_passage():
    # a field along the in-plane hard axis y makes the two saddles ±y unequal
    e = ed.energy_diffusion(_in_plane(15.0, 2.0, field=(0.0, 0.1, 0.0)), (1, 0, 0))
    assert math.isfinite(ed.mean_first_passage_time(e))
    with pytest.raises(InputError, match="separatrix"):
        ed.smallest_eigenvalue(e)


def test_an_energy_without_a_well_is_refused():
    with pytest.raises(InputError, match="well"):
        ed.energy_diffusion(uniaxial_model(0.0, alpha=0.1), (0, 0, 1))


def test_critical_points_of_the_biaxial_energy():
    points = critical_points(_in_plane(10.0, 2.0).potential)
    kinds = sorted(p.kind for p in points)
    assert kinds == ["maximum", "maximum", "minimum", "minimum", "saddle", "saddle"]
