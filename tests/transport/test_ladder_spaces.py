"""The ladder's precomputed node plan gives bitwise the node spaces of ``spaces_from_sides``."""

from __future__ import annotations

import numpy as np
import pytest

import spintorque as st
from spintorque.interfaces import Interface
from spintorque.transport.ladder import build_ladder
from spintorque.transport.nodes import FERRO, NORMAL, spaces_from_sides
from spintorque.transport.solver import layer_magnetizations

CO = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
CU = st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)

LEADS = {
    "sinks": {},
    "normal": {"left": st.Lead(CU), "right": st.Lead(CU)},
    "ferro": {"left": st.Lead(CO, (0.0, 0.6, 0.8)), "right": st.Lead(CO, (1.0, 0.0, 0.0))},
}


def stack(leads: dict, with_interfaces: bool) -> st.Stack:
    # F/F contacts (collinear and not), N/N, F/N, and layers next to the leads
    layers = (
        st.Layer("A", CO, 2e-9, (0.0, 0.0, 1.0)),
        st.Layer("B", CO, 3e-9, (0.0, 0.0, -1.0)),
        st.Layer("C", CO, 3e-9, (0.3, 0.4, 0.5)),
        st.Layer("N1", CU, 4e-9),
        st.Layer("N2", CU, 5e-9),
        st.Layer("D", CO, 3e-9, (0.0, 1.0, 0.0)),
        st.Layer("N3", CU, 2e-9),
    )
    s = st.Stack(layers, current_density=1e11, **leads)
    if not with_interfaces:
        return s
    return s.with_interfaces([
        Interface(("C", "N1"), 0.5e-15, 0.7, 0.2, complex(0.5e15, 1e13)),
        Interface(("N1", "N2"), 0.3e-15, 0.0, 0.1),
        Interface(("N2", "D"), 0.4e-15, -0.3, 0.0),
        Interface(("D", "N3"), 0.6e-15, 0.5, 0.3),
    ])


@pytest.mark.parametrize("with_interfaces", [False, True], ids=["transparent", "interfaces"])
@pytest.mark.parametrize("leads", list(LEADS), ids=list(LEADS))
def test_ladder_spaces_equal_spaces_from_sides_bitwise(leads, with_interfaces):
    s = stack(LEADS[leads], with_interfaces)
    ladder = build_ladder(s)
    rng = np.random.default_rng(7)
    given = rng.normal(size=(6, len(ladder.ferromagnetic_layers), 3))
    given[0] = [layer.magnetization for layer in s.ferromagnets]
    given[1, 1] = -given[1, 0]  # A and B antiparallel (a collinear F/F node)
    given[2, 1] = 2.0 * given[2, 0]  # parallel
    m_layers = layer_magnetizations(s, given)
    m_elements, spaces = ladder.spaces(m_layers)
    expected_m = ladder.element_magnetizations(m_layers)
    kinds = np.where(ladder.owner >= 0, FERRO, NORMAL)
    expected = spaces_from_sides(s.left, s.right, kinds, expected_m)
    np.testing.assert_array_equal(m_elements, expected_m)
    np.testing.assert_array_equal(spaces.kind, expected.kind)
    np.testing.assert_array_equal(spaces.vec, expected.vec)
    # the cases cover every rank: pinned, line and free nodes
    assert {0, 1, 3} <= set(np.unique(spaces.kind).tolist())
