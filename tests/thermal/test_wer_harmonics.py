"""The spherical-harmonic (Galerkin) Fokker–Planck operator and its write-error rate (issue 14):
exact spectra, the finite-volume operator's action, the 2D grids at high damping, the LLG
ensemble at alpha = 0.1 and the invariants of a scan."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from spintorque.thermal import AxialModel, smallest_eigenvalue
from spintorque.thermal.sphere import harmonics as sh
from spintorque.thermal.sphere.model import uniaxial_model
from spintorque.thermal.wer import problem_from_file, write_error_rate
from spintorque.thermal.wer.harmonics import evolve, harmonic_row, slowest_rates
from spintorque.thermal.wer.slow_modes import slowest_modes
from tests.thermal.test_wer_sphere import SMALL_IN_PLANE, boltzmann_start

IN_PLANE = Path(__file__).parents[2] / "examples" / "macrospin" / "in_plane.toml"
TILTED = np.array([1.0, 2.0, 2.0]) / 3.0


@pytest.mark.parametrize("axis", [np.array([0.0, 0.0, 1.0]), TILTED])
def test_free_diffusion_spectrum_is_exact(axis):
    """sigma = 0: λ_n tau_N = n(n+1)/2, each 2n+1 times (THERMAL.md §3)."""
    op = sh.build_operator(uniaxial_model(0.0, alpha=0.3), 6, axis, even=False)
    found = np.sort(-np.linalg.eigvals(op.matrix.toarray()).real)
    expected = np.sort(np.concatenate([np.full(2 * n + 1, n * (n + 1) / 2) for n in range(7)]))
    assert np.abs(found - expected).max() < 1e-12


@pytest.mark.parametrize(("sigma", "h", "i"), [(5.0, 0.0, 0.0), (10.0, 0.0, 0.0), (10.0, 0.2, 0.0),
                                              (8.0, 0.0, 0.5)])
def test_axial_lambda1_matches_the_1d_solver(sigma, h, i):
    """The uniaxial axial problem (easy axis, field and polariser along a tilted direction)
    expanded about z, off its symmetry axis, so every m couples: λ1 against the 1D chain's to
    1e-10 (measured ≤ 1e-11)."""
    model = uniaxial_model(sigma, alpha=0.4, easy_axis=TILTED, field=tuple(h * TILTED),
                           polarizer=TILTED, current_ratio=i)
    op = sh.build_operator(model, 40, np.array([0.0, 0.0, 1.0]))
    assert not op.even
    lam1, lam2, _ = slowest_rates(op)
    exact = smallest_eigenvalue(AxialModel(sigma, h, i=i), cells=16384)
    assert lam1 == pytest.approx(exact, rel=1e-10) and lam2 > 10 * lam1
    _, _, floor = slowest_rates(sh.build_operator(model, 40, TILTED))  # start side: m·TILTED > 0
    # the stationary start-side mass: 1/2 by symmetry, more with the field along u, less with a
    # current that destabilises u
    if h == i == 0:
        assert floor == pytest.approx(0.5, abs=1e-8)
    else:
        assert (floor > 0.5) == (h > 0) and (floor < 0.5) == (i > 0)


@pytest.mark.slow
def test_operator_matches_the_finite_volume_action_on_a_smooth_function():
    """A P for a smooth P, evaluated at the cells of finite-volume grids, against the
    finite-volume generator applied to the cell masses: the gap shrinks like 1/N² (the grids'
    order) towards the harmonic operator's action, so the two operators are the same equation."""
    from spintorque.thermal.sphere.chain import build_chain
    from spintorque.thermal.sphere.grid import SphereGrid
    from spintorque.thermal.sphere.solvers import generator_matrix

    model = uniaxial_model(3.0, alpha=0.5, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1), hard_ratio=1.0,
                           polarizer=(0.6, 0.8, 0.0), current_ratio=1.5, field=(0.1, 0.2, 0.0))
    u = np.array([1.0, 0.0, 0.0])
    op = sh.build_operator(model, 24, u)
    assert not op.even  # the tilted polariser and field break the φ → φ + π symmetry

    def f(m):
        return np.exp(0.7 * m[..., 1] + 0.4 * m[..., 0] - 0.3 * m[..., 2])

    q = sh.nodes(op.L, u, n_phi=2 * (op.L + sh.EXTRA_NODES))
    c = sh.project(op, f(q.m), q)
    gaps = []
    for n in (80, 160):
        grid = SphereGrid.uniform(n, n, axis=(0, 0, 1), reference=(1, 0, 0))
        centres = grid.centres
        assert np.abs(sh.evaluate(op, c, centres) - f(centres)).max() < 1e-12 * f(centres).max()
        spectral = sh.evaluate(op, op.matrix @ c, centres) * grid.areas
        finite = generator_matrix(build_chain(model, grid)) @ (f(centres) * grid.areas).ravel()
        gaps.append(np.abs(finite.reshape(spectral.shape) - spectral).max() / np.abs(spectral).max())
    assert gaps[1] < 2e-2 and 3.5 < gaps[0] / gaps[1] < 4.5, gaps


def test_mass_is_conserved_and_hemisphere_weights_are_exact():
    model = uniaxial_model(6.0, alpha=0.2, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1), hard_ratio=2.0,
                           polarizer=(1, 0, 0), current_ratio=3.0)
    u = np.array([1.0, 0.0, 0.0])
    op = sh.build_operator(model, 30, u)
    # the l = 0 row vanishes: d(mass)/dt = 0 exactly
    assert abs(sh.total_weight(op) @ op.matrix).max() == 0.0
    q = sh.nodes(op.L, u, n_phi=2 * (op.L + sh.EXTRA_NODES))
    # ∫_{m·u>0} (1 + m·u + 3 (m·u)^2) dΩ = 2π (1 + 1/2 + 1)
    c = sh.project(op, 1 + q.m @ u + 3 * (q.m @ u) ** 2, q)
    assert float(np.real(sh.hemisphere_weights(op) @ c)) == pytest.approx(5 * np.pi, rel=1e-13)
    start = sh.start_density(uniaxial_model(6.0, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1),
                                            hard_ratio=2.0), op)
    assert float(np.real(sh.total_weight(op) @ start)) == pytest.approx(1.0, rel=1e-14)
    times = np.array([0.0, 0.1, 0.3])
    wer, bound, *_ = evolve(model, replace(model, drift=None), u, times, 30)
    # the cut of the start state at m·u = 0, where it is e^{-6} of its peak: a Gibbs error of
    # that order (1.7e-4 here), which the bound carries as the relative error |1 − g·c₀| of every
    # value (beyond it, the Krylov estimate below 1e-12)
    assert abs(wer[0] - 1) < np.exp(-6.0) and np.all(np.diff(wer) < 0)
    assert np.all(np.abs(bound - abs(1 - wer[0]) * wer) < 1e-12)
    row = harmonic_row(replace(model, drift=None), replace(model, drift=None), u, times)
    assert row.error[0] >= abs(row.wer[0] - 1)


@pytest.mark.slow
def test_small_in_plane_cell_matches_the_2d_grids_at_high_damping(tmp_path):
    """alpha = 0.5, where the finite-volume grids converge: within their error estimate."""
    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE)
    problem = problem_from_file(path, [-1e12])
    times = np.array([0.25e-9, 0.5e-9, 1.0e-9, 2.0e-9]) / problem.tau_N
    grids = write_error_rate(problem, None, times, method="sphere")
    spectral = write_error_rate(problem, None, times, method="harmonics")
    assert spectral.solver == "harmonics" and spectral.methods[0].startswith("harmonics[L ")
    a, b = grids.write_error_rate[0], spectral.write_error_rate[0]
    assert a.min() > 1e-3
    gap = np.abs(b / a - 1)
    assert np.all(gap <= grids.write_error_rate_error[0] + spectral.write_error_rate_error[0]), gap
    assert np.all(spectral.write_error_rate_error[0] < 1e-4)


@pytest.mark.slow
def test_in_plane_example_at_alpha_0_1_matches_the_llg_ensemble():
    """The shipped in-plane file (alpha = 0.1, where the grids upwind and energy diffusion is off
    by 1.4–2.2×): 4000 stochastic LLG trajectories (Heun, dt = 0.5 ps) from the restricted
    Boltzmann state, the fraction with m·u > 0 at each pulse end, within 3 binomial standard
    errors of the harmonic WER."""
    from spintorque.dynamics import run_stochastic
    from spintorque.dynamics.switching import switching_axis
    from spintorque.magnet.io import load_macrospin

    J, n = -3e11, 4000
    pulses = np.array([0.5e-9, 0.75e-9, 1.0e-9, 1.25e-9, 1.5e-9])
    problem = problem_from_file(IN_PLANE, [J])
    result = write_error_rate(problem, None, pulses / problem.tau_N, method="harmonics")
    wer = result.write_error_rate[0]
    assert np.all(result.write_error_rate_error[0] < 1e-4) and wer.min() >= 1e-3

    run = load_macrospin(IN_PLANE)
    u, _ = switching_axis(run.model)
    start = boltzmann_start(run.model, u, n, np.random.default_rng(11))
    seen: dict[int, float] = {}

    def record(t: float, m: np.ndarray) -> bool:
        seen[round(t * 1e13)] = float(np.mean(m @ u > 0))
        return False

    run_stochastic(run.model, replace(run.conditions, current_density=J), duration=1.5e-9, dt=0.5e-12,
                   trajectories=n, seed=2026, save_every=500, initial=start, callback=record, keep=False)
    fractions = np.array([seen[round(t * 1e13)] for t in pulses])
    sigma = np.sqrt(wer * (1 - wer) / n)
    assert np.all(np.abs(fractions - wer) <= 3 * sigma), (fractions, wer, sigma)


@pytest.mark.slow
def test_invariants_on_a_scan_and_the_slowest_mode_tail(tmp_path):
    """A low-damping small cell (alpha = 0.1): WER in [0, 1], monotone in pulse and current,
    the long pulses on the slowest-mode tail, which continues the directly evolved values."""
    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE.replace("damping = 0.5", "damping = 0.1"))
    problem = problem_from_file(path, [-2e11, -3e11, -4e11])
    times = np.linspace(0.0, 4e-9, 17) / problem.tau_N
    r = write_error_rate(problem, None, times, method="harmonics")
    w, e = r.write_error_rate, r.write_error_rate_error
    assert np.all((w >= 0) & (w <= 1)) and np.all(w[:, 0] == 1.0) and np.all(e >= 0)
    assert np.all(np.diff(w, axis=1) <= 1e-12 * w[:, :-1])
    assert np.all(np.diff(w, axis=0) <= 1e-12 * w[:-1])
    assert np.all(np.isfinite(r.lambda1)) and np.all(np.diff(r.lambda1) > 0)
    # the default degrees follow the narrow state the current drives the cell into (the stiffer
    # of the two wells, base_degree): the tail's estimates stay below 1e-2 there (they exceeded
    # 1 when the degrees, 41/51/62, followed the start well alone)
    assert np.all(e[-1][w[-1] < 1e-8] < 1e-2) and (w[-1] < 1e-8).sum() >= 3
    row = harmonic_row(problem.models[-1], problem.start_model, problem.axis, times, (62, 80, 100))
    assert row.tail.any() and not row.tail[:4].any() and np.all(row.error[row.tail] < 0.1)
    # the tail against the direct evolution where both exist (finest degree)
    direct = evolve(problem.models[-1], problem.start_model, problem.axis, times, 120)[0]
    usable = row.tail & (direct > 1e-11)
    assert usable.any()
    assert np.all(np.abs(row.wer[usable] / direct[usable] - 1) <= row.error[usable] + 1e-3)


def _driven_cell(i=3.0, nu=0.0):
    return uniaxial_model(6.0, alpha=0.2, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1), hard_ratio=2.0,
                          polarizer=(1, 0, 0), current_ratio=i, nu=nu)


def test_legendre_recursion_matches_scipy_table():
    """The order-by-order recursion against scipy's sph_legendre_p_all (× √(2π)), all |m| ≤ L,
    values and θ-derivatives, to 1e-12 of the largest."""
    import math

    from scipy.special import sph_legendre_p_all

    for L in (7, 60):
        theta = sh.nodes(L, np.array([0.0, 0.0, 1.0])).theta
        mine = sh.Legendre(L, theta)
        ref = np.asarray(sph_legendre_p_all(L, L, theta, diff_n=1)) * math.sqrt(2 * math.pi)
        scale = np.abs(ref).max()
        for m in range(-L, L + 1):
            p, dp = mine(m)
            col = m % (2 * L + 1)
            assert np.abs(p - ref[0, abs(m):, col].T).max() < 1e-12 * scale
            assert np.abs(dp - ref[1, abs(m):, col].T).max() < 1e-12 * scale


@pytest.mark.parametrize("even", [True, False])
def test_real_form_gives_the_same_dynamics(even):
    """The real form R (x = Re c, m ≥ 0; Im c, m > 0) against the complex operator: T R = A T on
    real densities, the same start, weights and WER (expm_multiply on both) to 1e-13."""
    model = _driven_cell()
    u = np.array([1.0, 0.0, 0.0])
    complex_op = sh.build_operator(model, 30, u, even=even)
    real_op = sh.build_operator(model, 30, u, even=even, real=True)
    assert real_op.matrix.dtype == np.float64 and real_op.size == complex_op.size
    T = real_op.lift
    assert abs(T @ real_op.matrix - complex_op.matrix @ T).max() < 1e-13 * abs(complex_op.matrix).max()
    start = replace(model, drift=None)
    c, x = sh.start_density(start, complex_op), sh.start_density(start, real_op)
    assert np.abs(T @ x - c).max() < 1e-15 * np.abs(c).max()
    times = np.array([0.0, 0.05, 0.1, 0.3])
    a = evolve(model, start, u, times, 30, real=False, method="expm", operator=complex_op)[0]
    b = evolve(model, start, u, times, 30, real=True, method="expm", operator=real_op)[0]
    assert np.abs(a - b).max() < 1e-13 and b[-1] < 0.5 * b[0]


@pytest.mark.parametrize("real", [True, False])
def test_krylov_evolution_matches_expm_multiply(real):
    """The shift-and-invert Krylov masses (one basis for all times) against expm_multiply pulse
    by pulse on a driven cell whose WER falls from 1 to 1e-3, to 1e-12 absolute; the returned
    estimate bounds the difference."""
    from scipy.sparse.linalg import expm_multiply

    from spintorque.thermal.wer.harmonics import krylov_masses

    model = _driven_cell()
    u = np.array([1.0, 0.0, 0.0])
    op = sh.build_operator(model, 30, u, real=real)
    c = sh.start_density(replace(model, drift=None), op)
    g = sh.hemisphere_weights(op)
    times = np.linspace(0.0, 0.8, 17)
    found = krylov_masses(op.matrix, c, g, times)
    exact = np.array([np.real(g @ expm_multiply(op.matrix * t, c)) for t in times])
    assert exact[-1] < 1e-3 and found.converged
    gap = np.abs(found.values - exact)
    assert gap.max() < 1e-12 and np.all(gap <= found.change)
    assert found.change.max() < 1e-11


def test_split_operator_equals_the_per_current_assembly():
    """A(s) = A_0 + s A_w: the Slonczewski drift with constant efficiency is linear in the
    current, so the operator of i = 3 from the parts of i = 1 equals its own assembly (to the
    dropped quadrature rounding, 1e-11 of the largest), in both forms."""
    u = np.array([1.0, 0.0, 0.0])
    for real in (False, True):
        zero, part = sh.split_operator(_driven_cell(1.0), 24, u, real=real)
        direct = sh.build_operator(_driven_cell(3.0), 24, u, real=real).matrix
        combined = zero.matrix + 3.0 * part
        assert abs(combined - direct).max() <= 2e-11 * abs(direct).max()
        assert abs(part).max() > 1e-3 * abs(direct).max()  # the drift part is not empty


@pytest.mark.slow
@pytest.mark.parametrize(("damping", "solver"), [(0.1, "harmonics"), (0.04, "energy"), (0.5, "2d")])
def test_auto_picks_harmonics_between_the_energy_and_grid_regimes(tmp_path, damping, solver):
    """auto on a non-axial cell: the 2D grids at α ≥ 0.2, the harmonic path for 0.05 ≤ α < 0.2
    (energy diffusion 1.4–2.2× off at α = 0.1), energy diffusion below 0.05; the harmonic
    result is the one ``method="harmonics"`` gives."""
    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE.replace("damping = 0.5", f"damping = {damping}"))
    problem = problem_from_file(path, [-2e11])
    times = np.array([0.0, 0.5e-9, 1e-9]) / problem.tau_N
    r = write_error_rate(problem, None, times)
    assert r.solver == solver
    if solver == "harmonics":
        forced = write_error_rate(problem, None, times, method="harmonics")
        assert np.array_equal(r.write_error_rate, forced.write_error_rate)
        # the estimate carries the Gibbs error of the start's cut at m·u = 0, ~1e-5 at σ ≈ 8.7
        assert np.all(r.write_error_rate_error <= 1e-4) and r.write_error_rate[0, -1] < 0.9


@pytest.mark.slow
def test_long_pulses_at_strong_current_follow_the_slowest_mode(tmp_path):
    """The α = 0.1 small cell at −4e11 A/m², pulses to 4 ns: with the degrees following the
    switched state (base_degree) every directly evolved value down to WER ~ 4e-8 carries an
    estimate ≤ 2e-5 (measured 8e-7 … 1.05e-5; the start well's degrees left estimates > 1 on
    the tail there), and the decay between
    pulses approaches the slowest mode: the local rate of WER − M_∞ against λ1 of the finest
    operator (an independent shift-and-invert eigensolve) to 1e-5 where WER ~ 1e-5, within
    1e-3 throughout 1e-7 ≤ WER ≤ 1e-3 (higher modes decay there)."""
    from spintorque.thermal.wer.harmonics import base_degree

    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE.replace("damping = 0.5", "damping = 0.1"))
    problem = problem_from_file(path, [-4e11])
    model, start, u = problem.models[0], problem.start_model, problem.axis
    times = np.linspace(0.0, 4e-9, 17) / problem.tau_N
    from spintorque.thermal.wer.harmonics import combine_row, degree_spread, row_degrees

    degrees = row_degrees(model, start, u)
    runs = [evolve(model, start, u, times, L, rate=L in degrees[-2:]) for L in degrees]
    row = combine_row(times, degrees, runs)
    assert base_degree(start, u, model) > base_degree(start, u)  # the switched state is stiffer
    # the direct values of the finest degree and their estimates (the tail now takes over where
    # it is the more accurate, so fewer of them are in the row: checked on their own)
    values = np.array([r[0] for r in runs])
    estimate = (degree_spread(values) + np.max([r[1] for r in runs], axis=0)) / values[-1]
    direct_wer = values[-1]
    direct = (times > 0) & (direct_wer >= 4e-8)
    assert direct_wer[direct].min() < 1e-7 and np.all(estimate[direct] <= 2e-5)
    # where the tail is used it is more accurate than the direct value it replaces
    assert row.tail.any() and np.all(row.error[row.tail] < estimate[row.tail])
    lam1, _, floor = slowest_rates(sh.build_operator(model, row.degrees[-1], u, real=True))
    assert lam1 == pytest.approx(row.lambda1, rel=1e-12) and 0 <= floor < 1e-10
    w = direct_wer - floor
    rate = np.log(w[1:-1] / w[2:]) / (times[2] - times[1])
    pairs = direct[1:-1] & direct[2:] & (direct_wer[2:] >= 1e-7) & (direct_wer[1:-1] <= 1e-3)
    gap = np.abs(rate[pairs] / lam1 - 1)
    assert pairs.sum() >= 4 and gap.max() < 1e-3 and gap.min() < 1e-5, gap


def test_parallel_rows_are_bit_identical_to_the_serial_ones(tmp_path):
    """workers = 2 over 2 currents × 3 degrees (a small cell: degrees 25/31/38 and 29/36/44) gives the
    serial values, estimates, λ1 and degrees bit for bit; a bad count is refused by name."""
    from spintorque.errors import InputError

    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE.replace("300 nm^2", "60 nm^2"))
    problem = problem_from_file(path, [-1e12, -2e12])
    times = np.array([0.0, 0.25e-9, 1e-9]) / problem.tau_N
    serial = write_error_rate(problem, None, times, method="harmonics", workers=1)
    parallel = write_error_rate(problem, None, times, method="harmonics", workers=2)
    assert serial.methods == parallel.methods and serial.methods[1] == "harmonics[L 29/36/44]"
    for name in ("write_error_rate", "write_error_rate_error", "switching_probability", "lambda1"):
        a, b = getattr(serial, name), getattr(parallel, name)
        assert a.tobytes() == b.tobytes(), name
    assert 0 < serial.write_error_rate[1, -1] < serial.write_error_rate[0, -1] < 1
    for bad in (0, -2, 1.5, True):
        with pytest.raises(InputError, match="workers"):
            write_error_rate(problem, None, times, method="harmonics", workers=bad)


def _fails_on_odd(k: int) -> int:
    from spintorque.thermal.energy.diffusion import NotConvergedError

    if k % 2:
        raise NotConvergedError("rtol", 1e-3)
    return 10 * k


def test_a_worker_error_is_raised_in_the_parent_as_itself():
    """An InputError subclass raised in a forked worker comes back with its class, field and
    one-line message (it pickles by its fields); the results come back in task order."""
    from spintorque._parallel import parallel_map
    from spintorque.thermal.energy.diffusion import NotConvergedError

    assert parallel_map(_fails_on_odd, [0, 2, 4], 2, cost=[1.0, 3.0, 2.0]) == [0, 20, 40]
    with pytest.raises(NotConvergedError, match=r"^rtol: the energy-diffusion solver") as found:
        parallel_map(_fails_on_odd, [0, 1, 2], 2)
    assert found.value.field == "rtol"


def test_worker_counts_resolve_like_scipys_and_stay_serial_in_a_daemon():
    """None: the usable cores up to 8; -1: all; never more than the tasks; 1 in a daemonic
    process (a Dask or multiprocessing worker may not fork children)."""
    import multiprocessing

    from spintorque._parallel import DEFAULT_CAP, can_fork, resolve_workers, usable_cores

    assert can_fork()  # Linux, the main thread of the test process
    cores = usable_cores()
    assert resolve_workers(1, 10) == 1 and resolve_workers(3, 2) == 2
    assert resolve_workers(None, 100) == min(cores, DEFAULT_CAP)
    assert resolve_workers(-1, 100) == cores and resolve_workers(None, 1) == 1
    process = multiprocessing.current_process()
    was = process.daemon
    try:
        process.daemon = True
        assert resolve_workers(4, 10) == 1 and resolve_workers(None, 10) == 1
    finally:
        process.daemon = was


def test_slowest_modes_match_a_dense_eigendecomposition():
    """The deflated shift-and-invert modes of a driven cell (L = 24, 325 unknowns) against
    numpy's dense eigendecomposition of the same matrix (an independent solver): λ1, λ2, κ to
    1e-9, the amplitude a1 = (g·r1)(l1·c)/(l1·r1) to 1e-8 and M_∞ (the null vector's start-side
    mass) to 1e-12."""
    from scipy.linalg import eig

    from spintorque.thermal.wer.slow_modes import slowest_modes

    model = _driven_cell(i=3.0)
    u = np.array([1.0, 0.0, 0.0])
    op = sh.build_operator(model, 24, u, real=True)
    c = sh.start_density(replace(model, drift=None), op)
    g, tw = sh.hemisphere_weights(op), sh.total_weight(op)
    modes = slowest_modes(op, c)
    vals, left, right = eig(op.matrix.toarray(), left=True, right=True)
    order = np.argsort(-vals.real)
    vals, left, right = vals[order], left[:, order], right[:, order]
    assert abs(vals[0]) < 1e-9 * abs(vals[1])  # the stationary mode
    floor = float(np.real(g @ right[:, 0] / (tw @ right[:, 0])))
    amp = (g @ right[:, 1]) * (left[:, 1].conj() @ c) / (left[:, 1].conj() @ right[:, 1])
    distinct = sorted({round(float(-v.real), 9) for v in vals[1:8]})
    assert modes.lambda1 == pytest.approx(-vals[1].real, rel=1e-9)
    assert modes.lambda2 == pytest.approx(distinct[1], rel=1e-9)
    assert modes.decay == pytest.approx(distinct[2], rel=1e-9)
    assert abs(modes.amplitudes[0] - amp) <= 1e-8 * abs(amp)
    assert abs(modes.floor - floor) <= 1e-12 and modes.floor_error < 1e-13


def test_degree_spread_uses_the_third_degree_only_to_check_convergence():
    """Three degrees: the last spread where it contracts, the larger of the last two where not."""
    from spintorque.thermal.wer.harmonics import degree_spread

    v = np.array([[1.0, 1.0], [1.0 + 1e-6, 1.0 + 1e-9], [1.0 + 1e-6 + 1e-8, 1.0 + 1e-9 + 1e-8]])
    spread = degree_spread(v)
    assert spread[0] == pytest.approx(1e-8, rel=1e-5)  # 1e-8 <= 1e-6: converging
    assert spread[1] == pytest.approx(1e-8, rel=1e-5)  # 1e-8 > 1e-9: the larger, 1e-8
    w = np.array([[1.0], [1.0 + 1e-9], [1.0 + 1e-9 + 1e-7]])
    assert degree_spread(w)[0] == pytest.approx(1e-7, rel=1e-5)
    assert degree_spread(w[1:])[0] == pytest.approx(1e-7, rel=1e-5)


@pytest.mark.slow
def test_an_unconverged_krylov_basis_is_reported_not_converged(tmp_path, monkeypatch):
    """A Krylov basis that misses its stopping test: those values are not converged (error inf)
    and the note names the current and the estimate."""
    import spintorque.thermal.wer.harmonics as wh

    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE.replace("300 nm^2", "60 nm^2"))
    problem = problem_from_file(path, [-1e12])
    times = np.array([0.0, 0.25e-9, 1e-9]) / problem.tau_N
    good = write_error_rate(problem, None, times, method="harmonics", workers=1)
    assert np.all(np.isfinite(good.write_error_rate_error)) and good.notes == ()
    original = wh.krylov_masses

    def unconverged(*args, **kwargs):
        found = original(*args, **kwargs)
        return wh.KrylovMasses(found.values, found.change, found.dimension, False)

    monkeypatch.setattr(wh, "krylov_masses", unconverged)
    bad = write_error_rate(problem, None, times, method="harmonics", workers=1)
    assert np.array_equal(bad.write_error_rate, good.write_error_rate)
    assert not bad.converged[0, 1:].any() and np.all(np.isinf(bad.write_error_rate_error[0, 1:]))
    assert any("did not converge" in n and "current 0" in n for n in bad.notes)


@pytest.mark.long
def test_rows_with_their_tail_match_plain_expm_multiply_at_higher_degree_on_a_scan(tmp_path):
    """A scan of currents (−2 … −4e11 A/m²) and pulses (0 … 4 ns) on the α = 0.1 small cell:
    the rows (three degrees, the two-mode tail) against scipy's expm_multiply at 1.5× the finest
    degree without any tail (an independent evolution), within the row's estimate plus the
    reference's own (its start's projection error and rounding); invariants on the scan."""
    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE.replace("damping = 0.5", "damping = 0.1"))
    currents = [-2e11, -3e11, -4e11]
    problem = problem_from_file(path, currents)
    times = np.linspace(0.0, 4e-9, 17) / problem.tau_N
    rows = []
    for model in problem.models:
        row = harmonic_row(model, problem.start_model, problem.axis, times)
        ref, ref_bound, *_ = evolve(model, problem.start_model, problem.axis, times,
                                    round(1.5 * row.degrees[-1]), method="expm")
        gap = np.abs(row.wer - ref)
        assert np.all(gap <= row.error * row.wer + ref_bound), (row.degrees, gap / row.wer)
        rows.append(row)
    assert rows[-1].tail.any()
    # t = 0 left out: there the rows hold their projected start (WER = 1 by definition in the
    # result), whose mass differs between the currents' degrees
    w = np.array([r.wer for r in rows])[:, 1:]
    assert np.all((w >= 0) & (w <= 1))
    assert np.all(np.diff(w, axis=1) <= 1e-12 * w[:, :-1])
    assert np.all(np.diff(w, axis=0) <= 1e-12 * w[:-1])


@pytest.mark.parametrize("sigma", [20.0, 30.0])
def test_a_lambda1_below_the_resolution_is_not_replaced_by_an_intra_well_rate(sigma):
    """A deep well's λ1 (~e^{−sigma}) is below 1e-10 of the operator's scale: the WER path's
    slowest modes say unresolved (NaN) instead of returning the next, intra-well rate as λ1
    (session 9: 18.35 /tau_N at sigma = 20 against the 1D solver's 1.97e-7, in the tail and in
    the reported lambda1). M_∞ is kept (1/2 by symmetry)."""
    model = uniaxial_model(sigma, alpha=0.4, easy_axis=TILTED, polarizer=TILTED)
    op = sh.build_operator(model, 60, np.array([0.0, 0.0, 1.0]))
    assert smallest_eigenvalue(AxialModel(sigma), cells=4096) < 1e-10 * abs(op.matrix).sum(axis=0).max()
    lam1, lam2, floor = slowest_rates(op)
    assert np.isnan(lam1) and np.isnan(lam2)
    assert floor == pytest.approx(0.5, abs=1e-6)
    modes = slowest_modes(op, sh.start_density(replace(model, drift=None), op), strict=True)
    assert not modes.usable and modes.rates.size == 0
