"""Two free layers of one stack: reduction to one layer, the closed-form valve, mirror symmetry,
thermal noise per layer, and input errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import spintorque as st
from spintorque.analytic import Valve
from spintorque.analytic import dynamics as an
from spintorque.constants import gamma_e, hbar_over_2e, k_B, mu0
from spintorque.dynamics import (
    coupled_rate,
    integrate,
    integrate_coupled,
    llg_rate,
    relative_angle,
    run_coupled_stochastic,
)
from spintorque.errors import InputError
from spintorque.magnet import (
    Conditions,
    CoupledMacrospins,
    Demag,
    DiffusiveTorque,
    FieldLike,
    FreeLayer,
    Macrospin,
    MacrospinModel,
    Uniaxial,
    Zeeman,
)
from tests.conftest import spherical

VALVE_FILE = Path(__file__).parents[2] / "examples" / "macrospin" / "valve.toml"
AREA = 1e-15  # m²


def valve(co: st.Ferromagnet, cu: st.NormalMetal, d1: float, d2: float, dN: float = 10e-9) -> st.Stack:
    """sink/F1/N/F2/sink: the geometry of the closed form (analytic.Valve)."""
    return st.Stack((st.Layer("F1", co, d1, (0, 0, 1)), st.Layer("N", cu, dN),
                     st.Layer("F2", co, d2, (0, 0, 1))), current_density=1e11)


def test_rate_of_each_layer_is_the_single_layer_rate_with_the_other_layer_held(co, cu):
    stack = valve(co, cu, 4e-9, 3e-9)
    first = FreeLayer("F1", Macrospin(1.2e6, 4e-9, AREA, 0.03), Uniaxial(3e5) + Zeeman((1e4, 0, 0)),
                      FieldLike(0.1, (0, 1, 0)))
    second = FreeLayer("F2", Macrospin(0.9e6, 3e-9, AREA, 0.08), Demag((0, 0, 1)))
    pair = CoupledMacrospins(stack, first, second)
    m = np.array([[spherical(0.3, 0.1), spherical(2.0, 1.3)], [spherical(1.1, 4.0), spherical(0.2, 0.5)]])
    J = -2.3e11
    rate = coupled_rate(pair, m, J)
    for b in range(2):
        for k, (free, other) in enumerate(((first, "F2"), (second, "F1"))):
            held = stack.with_magnetization(other, m[b, 1 - k])
            single = MacrospinModel(free.magnet, free.energy,
                                    free.torques + DiffusiveTorque(held, free.layer))
            np.testing.assert_allclose(rate[b, k], llg_rate(single, m[b, k], J), rtol=1e-12, atol=0)
    np.testing.assert_array_equal(coupled_rate(pair, m, 0.0)[:, 1], llg_rate(second.model, m[:, 1], 0.0))


def test_with_the_second_layer_immovable_the_first_follows_the_single_layer_integration(co, cu):
    # An enormous Ms makes layer 2's torque rate gamma_e T/(Ms d) ~ 1e-19 /s: it stays put.
    stack = valve(co, cu, 2e-9, 8e-9)
    magnet = Macrospin(1.0e6, 2e-9, AREA, 0.05, spherical(0.4, 0.0))
    energy = Uniaxial(6e5) + Demag((0, 0, 1)) + Zeeman((0, 0, -2e4))
    pair = CoupledMacrospins(stack, FreeLayer("F1", magnet, energy),
                             FreeLayer("F2", Macrospin(1e30, 8e-9, AREA, 0.05, (0, 0, 1))))
    conditions = Conditions(lambda t: 3e11 * min(1.0, t / 0.3e-9))
    tolerances = {"rtol": 1e-11, "atol": 1e-13}
    ds = integrate_coupled(pair, conditions, duration=2e-9, samples=21, **tolerances)
    single = integrate(MacrospinModel(magnet, energy, DiffusiveTorque(stack, "F1")), conditions,
                       duration=2e-9, samples=21, **tolerances)
    assert np.ptp(ds.m.values[0, :, 2]) > 1.5  # layer 1 switches
    np.testing.assert_allclose(ds.m.values[1], np.broadcast_to([0, 0, 1], (21, 3)), atol=1e-15)
    np.testing.assert_allclose(ds.m.values[0], single.m.values[0], atol=1e-8)


def _closed_form_angle(valve_cf: Valve, J: float, layers: tuple[FreeLayer, FreeLayer], theta0: float,
                       times: np.ndarray) -> np.ndarray:
    """θ(t) from dθ/dt = (a1 g1(θ) − a2 g2(θ)) sinθ, a_k = γ_e (ħ/2e) J/(Ms_k d_k (1+α_k²)).

    T1 = −(ħ/2e) J g1 m1×(m2×m1) and T2 = (ħ/2e) J g2 m2×(m1×m2) (seed eq. (1)) lie in the plane
    of m1, m2; the α m×τ parts of the explicit form are along m1×m2 and leave the angle alone.
    """
    a1, a2 = (gamma_e * hbar_over_2e * J / (f.magnet.saturation_magnetization * f.magnet.thickness
                                             * (1 + f.magnet.damping**2)) for f in layers)

    def rate(t: float, theta: np.ndarray) -> list[float]:
        g1, g2 = valve_cf.efficiency(theta[0])
        return [float((a1 * g1 - a2 * g2) * np.sin(theta[0]))]

    solution = solve_ivp(rate, (0.0, float(times[-1])), [theta0], method="DOP853", t_eval=times,
                         rtol=1e-13, atol=1e-14)
    return np.asarray(solution.y[0])


@pytest.mark.parametrize("J", [1e11, -1e11])
def test_relative_angle_follows_the_closed_form_valve_and_current_sets_the_alignment(co, cu, J):
    d1, d2, dN = 8e-9, 3e-9, 10e-9
    stack = valve(co, cu, d1, d2, dN)
    l_F, l_N = co.spin_diffusion_length, cu.spin_diffusion_length
    closed = Valve(co.polarization, co.polarization, co.spin_conductance, co.spin_conductance,
                   cu.spin_conductance, d1, d2, dN, l_F, l_F, l_N)
    theta0 = 1.2
    layers = (FreeLayer("F1", Macrospin(1.4e6, d1, AREA, 0.02, spherical(0.3, 2.0))),
              FreeLayer("F2", Macrospin(1.1e6, d2, AREA, 0.07, (0, 0, 1))))
    # put m2 at theta0 from m1, off any symmetry plane
    m1 = np.array(layers[0].magnet.initial)
    n = np.cross(m1, [1.0, 0.3, 0.0])
    n /= np.linalg.norm(n)
    m2 = np.cos(theta0) * m1 + np.sin(theta0) * n
    pair = CoupledMacrospins(stack, *layers)
    ds = integrate_coupled(pair, Conditions(J), duration=5e-9, samples=11, initial=[m1, m2])
    expected = _closed_form_angle(closed, J, layers, theta0, ds.time.values)
    np.testing.assert_allclose(ds.angle.values, expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ds.angle.values, relative_angle(ds.m.values.transpose(1, 0, 2)), atol=1e-15)
    # The plane of m1, m2 turns (the alpha m×tau parts), so this is not a planar motion.
    normal = np.cross(ds.m.values[0], ds.m.values[1])
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    assert np.degrees(np.arccos(np.clip(normal[0] @ normal[-1], -1, 1))) > 1.0
    # Sign (docs/conventions.md): electrons from the thick F1 into the thin F2 (J > 0) stabilise
    # parallel alignment; the reverse flow drives the pair antiparallel. Both layers act: F1 is
    # pushed away from m2 while F2 is pulled towards m1 (J > 0), and the reverse for J < 0.
    theta = ds.angle.values
    if J > 0:
        assert np.all(np.diff(theta) < 0) and theta[-1] < 0.2
    else:
        assert np.all(np.diff(theta) > 0) and theta[-1] > np.pi - 0.01
    rate = coupled_rate(pair, np.array([m1, m2]), J)
    assert np.sign(rate[0] @ (m2 - (m1 @ m2) * m1)) == -np.sign(J)
    assert np.sign(rate[1] @ (m1 - (m1 @ m2) * m2)) == np.sign(J)


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_swapping_the_layers_of_a_mirror_symmetric_stack_and_reversing_the_current_maps_the_motion(co, cu):
    stack = valve(co, cu, 4e-9, 4e-9)
    a = FreeLayer("F1", Macrospin(1.3e6, 4e-9, AREA, 0.02, spherical(0.2, 0.0)),
                  Uniaxial(1e5) + Zeeman((0, 2e3, 1e4)))
    b = FreeLayer("F2", Macrospin(0.9e6, 4e-9, AREA, 0.06, spherical(2.4, 1.0)),
                  Uniaxial(5e4, (1, 0, 1)))

    def current(t: float) -> float:
        return 4e11 * min(1.0, t / 0.5e-9)

    def reversed_current(t: float) -> float:
        return -current(t)

    def run(first: FreeLayer, second: FreeLayer, J) -> np.ndarray:
        pair = CoupledMacrospins(stack, FreeLayer("F1", first.magnet, first.energy),
                                 FreeLayer("F2", second.magnet, second.energy))
        return integrate_coupled(pair, Conditions(J), duration=2e-9, samples=11).m.values

    m = run(a, b, current)
    assert np.ptp(relative_angle(m.transpose(1, 0, 2))) > 0.2
    np.testing.assert_allclose(run(b, a, reversed_current)[::-1], m, atol=1e-8)
    # Without reversing the current the mirror image is a different motion.
    assert np.abs(run(b, a, current)[::-1] - m).max() > 1e-3


def test_dataset_carries_layers_units_and_inputs(co, cu):
    pair = CoupledMacrospins(VALVE_FILE, FreeLayer("F2", Macrospin(1.1e6, 1.5e-9, AREA, 0.05, (1, 0, 0))),
                             FreeLayer("F1", Macrospin(1.4e6, 8e-9, AREA, 0.01)))
    ds = integrate_coupled(pair, Conditions(1e11), duration=1e-10, samples=3)
    assert ds.m.dims == ("layer", "time", "component")
    assert list(ds.layer.values) == ["F2", "F1"]
    assert ds.time.attrs["units"] == "s" and ds.angle.attrs["units"] == "rad"
    assert '"stack_file"' in ds.attrs["input_model"] and "valve.toml" in repr(pair)
    assert ds.attrs["option_method"] == "DOP853"


def test_heun_at_zero_temperature_converges_with_order_two_to_the_adaptive_solution(co, cu):
    stack = valve(co, cu, 8e-9, 3e-9)
    pair = CoupledMacrospins(stack, FreeLayer("F1", Macrospin(1.4e6, 8e-9, AREA, 0.02), Uniaxial(2e5)),
                             FreeLayer("F2", Macrospin(1.1e6, 3e-9, AREA, 0.05), Uniaxial(1e5)))
    starts = np.array([[spherical(0.1, 0.0), spherical(1.5, 0.5)],
                       [spherical(2.0, 1.0), spherical(0.4, 3.0)]])
    conditions = Conditions(-2e11)
    duration = 0.4e-9
    exact = np.stack([integrate_coupled(pair, conditions, duration=duration, samples=2,
                                        initial=start).m.values[:, -1] for start in starts])
    errors = []
    for dt in (2e-12, 1e-12):
        ds = run_coupled_stochastic(pair, conditions, duration=duration, dt=dt, trajectories=2,
                                    initial=starts, save_every=1000)
        assert ds.m.dims == ("trajectory", "layer", "time", "component") and ds.time.size == 2
        errors.append(np.abs(ds.m.values[:, :, -1] - exact).max())
    assert errors[1] < 1e-3
    assert 3.5 < errors[0] / errors[1] < 4.5  # Heun is second order without noise


def test_zero_current_thermal_noise_gives_each_layer_its_own_boltzmann_distribution(cu):
    # At J = 0 the layers do not interact: each must sample P(m) ∝ exp(sigma_k m_z²) with its own
    # sigma_k = K_k V_k/(k_B T). This fixes the noise variance of each layer separately.
    T, dt = 300.0, 1e-12
    co = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
    stack = valve(co, cu, 2e-9, 3e-9)
    sigmas = (3.0, 2.0)
    magnets = (Macrospin(1.0e6, 2e-9, 1e-16, 1.0), Macrospin(0.8e6, 3e-9, 1e-16, 0.5))
    layers = [FreeLayer(name, magnet, Uniaxial(s * k_B * T / magnet.volume))
              for name, magnet, s in zip(("F1", "F2"), magnets, sigmas, strict=True)]
    for layer in layers:  # Heun's bias is small for gamma0 H_K dt <~ 0.02
        H_K = 2 * layer.energy["uniaxial"].K / (mu0 * layer.magnet.saturation_magnetization)
        assert st.constants.gamma0 * H_K * dt < 0.025
    trajectories = 3000
    ds = run_coupled_stochastic(CoupledMacrospins(stack, *layers), Conditions(0.0, T), duration=1e-9,
                                dt=dt, trajectories=trajectories, seed=7, save_every=1000)
    z2 = ds.m.values[:, :, -1, 2] ** 2  # last sample: independent trajectories, >= 10 relaxation times
    for k, sigma in enumerate(sigmas):
        exact = an.boltzmann_mz2(sigma)
        standard_error = z2[:, k].std() / np.sqrt(trajectories)
        assert abs(z2[:, k].mean() - exact) < 4 * standard_error  # 4 SE: false alarm 6e-5
        # power: the other layer's sigma, or a factor 2 in the variance, is far away
        for wrong in (sigma / 2, 2 * sigma, sigmas[1 - k]):
            assert abs(an.boltzmann_mz2(wrong) - exact) > 10 * standard_error


def test_stochastic_runs_repeat_with_the_seed_and_each_trajectory_has_its_own_stream(co, cu):
    stack = valve(co, cu, 8e-9, 3e-9)
    pair = CoupledMacrospins(stack, FreeLayer("F1", Macrospin(1.4e6, 8e-9, 1e-17, 0.02), Uniaxial(2e5)),
                             FreeLayer("F2", Macrospin(1.1e6, 3e-9, 1e-17, 0.05, (1, 0, 1))))
    run = dict(duration=2e-11, dt=1e-12, save_every=10)
    conditions = Conditions(1e11, 300.0)
    one = run_coupled_stochastic(pair, conditions, trajectories=3, seed=11, **run)
    again = run_coupled_stochastic(pair, conditions, trajectories=3, seed=11, **run)
    alone = run_coupled_stochastic(pair, conditions, trajectories=1, seed=11, **run)
    other = run_coupled_stochastic(pair, conditions, trajectories=1, seed=12, **run)
    np.testing.assert_array_equal(one.m.values, again.m.values)
    np.testing.assert_allclose(alone.m.values[0], one.m.values[0], rtol=0, atol=1e-14)
    assert np.abs(other.m.values[0, :, -1] - alone.m.values[0, :, -1]).max() > 1e-3
    assert np.abs(one.m.values[1, :, -1] - one.m.values[0, :, -1]).max() > 1e-3
    assert one.attrs["option_seed_entropy"] == "11"


def test_bad_descriptions_name_the_field(co, cu):
    stack = valve(co, cu, 8e-9, 3e-9)
    f1 = FreeLayer("F1", Macrospin(1.4e6, 8e-9, AREA, 0.02))
    f2 = FreeLayer("F2", Macrospin(1.1e6, 3e-9, AREA, 0.05))
    with pytest.raises(InputError, match=r"^second\.layer: .*already the first"):
        CoupledMacrospins(stack, f1, FreeLayer("F1", Macrospin(1.4e6, 8e-9, AREA, 0.02)))
    with pytest.raises(InputError, match=r"^first\.layer: 'N' is not a ferromagnet"):
        CoupledMacrospins(stack, FreeLayer("N", Macrospin(1.4e6, 10e-9, AREA, 0.02)), f2)
    with pytest.raises(InputError, match=r"^second\.layer: no layer named 'F3'"):
        CoupledMacrospins(stack, f1, FreeLayer("F3", Macrospin(1.4e6, 3e-9, AREA, 0.02)))
    with pytest.raises(InputError, match=r"^second\.magnet\.thickness: .*3e-09 m thick"):
        CoupledMacrospins(stack, f1, FreeLayer("F2", Macrospin(1.1e6, 2e-9, AREA, 0.05)))
    with pytest.raises(InputError, match=r"^torques\.diffusive: .*already included"):
        FreeLayer("F2", Macrospin(1.1e6, 3e-9, AREA, 0.05), torques=DiffusiveTorque(stack, "F2"))
    pair = CoupledMacrospins(stack, f1, f2)
    with pytest.raises(InputError, match=r"^conditions\.temperature"):
        integrate_coupled(pair, Conditions(1e11, 300.0), duration=1e-9)
    with pytest.raises(InputError, match=r"^initial"):
        integrate_coupled(pair, Conditions(1e11), duration=1e-9, initial=[0, 0, 1])
    with pytest.raises(InputError, match=r"^duration"):
        run_coupled_stochastic(pair, Conditions(1e11), duration=1.5e-12, dt=1e-12)
