"""Energy and torque terms: sums, fields, energies, validation."""

from __future__ import annotations

import numpy as np
import pytest

from spintorque.constants import e, gamma_e, hbar, mu0
from spintorque.errors import InputError
from spintorque.geometry import cross
from spintorque.magnet import (
    Demag,
    Energy,
    FieldLike,
    Macrospin,
    Slonczewski,
    Torques,
    Uniaxial,
    Zeeman,
    field_rate,
    gilbert_to_landau,
)

MAGNET = Macrospin(8e5, 2e-9, 1e-15, damping=0.05)


def random_unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def test_sum_keeps_order_looks_up_by_name_and_rebuilds_from_repr():
    energy = Uniaxial(5e5, (0, 0, 1)) + Demag((0, 0, 1)) + Zeeman((0, 0, 1e4))
    assert isinstance(energy, Energy)
    assert energy.names == ("uniaxial", "demag", "zeeman")
    assert energy["demag"] == Demag((0, 0, 1))
    assert "zeeman" in energy and len(energy) == 3
    rebuilt = eval(repr(energy), {"Uniaxial": Uniaxial, "Demag": Demag, "Zeeman": Zeeman})
    assert rebuilt == energy
    with pytest.raises(KeyError, match="no term named 'exchange'"):
        energy["exchange"]


def test_sum_rejects_duplicate_names_and_mixed_kinds():
    energy = Uniaxial(5e5) + Zeeman((0, 0, 1.0))
    with pytest.raises(InputError, match="duplicate term name 'uniaxial'"):
        energy + Uniaxial(1e5, (1, 0, 0))
    two = energy + Uniaxial(1e5, (1, 0, 0), name="uniaxial2")
    assert two.names == ("uniaxial", "zeeman", "uniaxial2")
    with pytest.raises(TypeError):
        energy + Slonczewski(0.5)
    assert isinstance(Slonczewski(0.5) + FieldLike(0.1), Torques)


@pytest.mark.parametrize("term", [Uniaxial(4e5, (1, 2, 3)), Uniaxial(-2e5, (0, 1, 0)),
                                  Demag((0.2, 0.3, 0.5)), Zeeman((1e3, -2e4, 5e4))])
def test_field_is_minus_gradient_of_energy_density_over_mu0_Ms(term, rng):
    m = random_unit(rng, 5)
    h = 1e-6
    grad = np.empty_like(m)
    for i in range(3):
        step = np.zeros(3)
        step[i] = h
        grad[:, i] = (term.energy_density(m + step, MAGNET) - term.energy_density(m - step, MAGNET)) / (2 * h)
    expected = -grad / (mu0 * MAGNET.saturation_magnetization)
    np.testing.assert_allclose(term.effective_field(m, MAGNET), expected, rtol=1e-7, atol=1e-6)


def test_term_energies_have_their_textbook_forms(rng):
    m = random_unit(rng, 4)
    u = np.array([1.0, 2.0, 2.0]) / 3.0
    np.testing.assert_allclose(Uniaxial(3e5, tuple(u)).energy_density(m, MAGNET), -3e5 * (m @ u) ** 2)
    Ms = MAGNET.saturation_magnetization
    np.testing.assert_allclose(Demag((0.1, 0.2, 0.7)).energy_density(m, MAGNET),
                               0.5 * mu0 * Ms**2 * (m**2 @ np.array([0.1, 0.2, 0.7])))
    np.testing.assert_allclose(Zeeman((0, 0, 2e4)).energy_density(m, MAGNET), -mu0 * Ms * 2e4 * m[:, 2])
    total = Uniaxial(3e5) + Demag((0, 0, 1))
    np.testing.assert_allclose(total.energy_density(m, MAGNET),
                               sum(t.energy_density(m, MAGNET) for t in total))


def test_macrospin_validates_and_computes_volume():
    disk = Macrospin.disk(1.1e6, 1.5e-9, 40e-9, damping=0.01, initial=(0, 0, 5))
    assert disk.volume == pytest.approx(np.pi * (20e-9) ** 2 * 1.5e-9)
    assert disk.initial == (0.0, 0.0, 1.0)
    with pytest.raises(InputError, match=r"magnet\.thickness"):
        Macrospin(1e6, -1e-9, 1e-16, 0.1)
    with pytest.raises(InputError, match=r"magnet\.damping"):
        Macrospin(1e6, 1e-9, 1e-16, -0.1)
    with pytest.raises(InputError, match=r"energy\.demag\.factors"):
        Demag((0, 0, 2))
    with pytest.raises(InputError, match=r"torque\.slonczewski\.polarization"):
        Slonczewski(1.5)


def test_slonczewski_is_mumax3s_formula(rng):
    # mumax3 cuda/slonczewski2.cu, written out independently here.
    term = Slonczewski(0.4, Lambda=2.0, epsilon_prime=0.1, polarizer=(1, 0, 0))
    m = random_unit(rng, 6)
    J, alpha = 3e11, MAGNET.damping
    p = np.array([1.0, 0, 0])
    beta = hbar / e * J / (MAGNET.thickness * MAGNET.saturation_magnetization)
    eps = 0.4 * 4 / (5 + 3 * (m @ p))[:, None]
    A, B = beta * eps, beta * 0.1
    pxm = cross(np.broadcast_to(p, m.shape), m)
    expected = gamma_e / (1 + alpha**2) * ((A - alpha * B) * cross(m, pxm) + (B - alpha * A) * pxm)
    np.testing.assert_allclose(term.rate(m, J, MAGNET), expected, rtol=1e-12)


def test_slonczewski_at_lambda_one_is_a_gilbert_torque_with_efficiency_P_over_2(rng):
    m = random_unit(rng, 6)
    p = np.array([0.0, 0.0, 1.0])
    J = -2e11
    beta = hbar / e * J / (MAGNET.thickness * MAGNET.saturation_magnetization)
    tau = gamma_e * beta * 0.3 * cross(m, cross(np.broadcast_to(p, m.shape), m))
    np.testing.assert_allclose(Slonczewski(0.6).rate(m, J, MAGNET),
                               gilbert_to_landau(tau, m, MAGNET.damping), rtol=1e-12, atol=1e-3)


def test_positive_current_pulls_m_towards_the_polarizer():
    m = np.array([1.0, 0.0, 0.0])
    assert Slonczewski(0.5).rate(m, 1e11, MAGNET)[2] > 0
    assert Slonczewski(0.5).rate(m, -1e11, MAGNET)[2] < 0


def test_fieldlike_torque_acts_like_a_field_along_the_polarizer(rng):
    m = random_unit(rng, 5)
    J = 1e11
    b_J = 0.2 * hbar * J / (e * mu0 * MAGNET.saturation_magnetization * MAGNET.thickness)
    H = np.broadcast_to(np.array([0.0, b_J, 0.0]), m.shape)
    np.testing.assert_allclose(FieldLike(0.2, (0, 1, 0)).rate(m, J, MAGNET),
                               field_rate(m, H, MAGNET.damping), rtol=1e-12)
