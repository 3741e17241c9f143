r"""The stack as a chain of two-node elements: its layers and its finite interfaces.

Without finite interfaces the chain is the stack's layers and its nodes are the L+1 stack
interfaces. A finite interface (:class:`spintorque.interfaces.Interface`) at stack node k is one
more element there, of zero thickness, so the stack node splits into two ladder nodes (the two
sides of the interface, where mu_s may differ).

**The interface element** (TRANSPORT.md §4, §7). For each spin channel the interface is a
resistor ``AR_σ = 2AR*(1 ∓ γ)`` (majority along the adjacent ferromagnet's m); with
``j_σ = Δμ_σ/AR_σ`` and ``J = j↑ + j↓``, ``j_s = j↑ − j↓``, eliminating the charge drop gives

.. math:: j_s = γ J m + \frac{1}{2AR^*}(\mu_L − \mu_R)\cdot m\,m,

a layer element of series conductance ``1/(2AR*)``, no shunt and source ``γ J m``: an F/N
interface behaves as a thin ferromagnetic layer magnetized along m with ``rho* d = AR*`` and
``p = γ``. Spin-memory loss is the Bass–Pratt fictitious layer with ``rho* t = AR*`` and
``t/l_sf = δ`` (G = δ/(2AR*), d/l = δ), so that

.. math:: G_s = \frac{1}{2AR^*}\frac{δ}{\sinh δ}, \qquad G_t = \frac{1}{2AR^*}\,δ\tanh(δ/2),

exactly as a layer of d/l = δ; δ → 0 gives the lossless element continuously. Transverse to m
the element is transparent (the F-side node is the interface's line, so the N-side node keeps
mu_s ∥ m: G↑↓ → ∞) unless a mixing conductance is given. An N/N interface is the same element
with γ = 0 acting on all three components.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from spintorque.geometry import cross
from spintorque.interfaces import Interface
from spintorque.stack import COLLINEAR_TOLERANCE, Stack
from spintorque.transport.elements import series_shunt
from spintorque.transport.nodes import FERRO, NORMAL, SINK, NodeSpaces

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

NO_OWNER = -1


def interface_series_shunt(resistance_area: float, delta: float) -> tuple[float, float]:
    """Series and shunt conductances [S/m²] of an interface element (module docstring).

    Examples
    --------
    >>> Gs, Gt = interface_series_shunt(0.5e-15, 0.0)
    >>> Gs == 1e15, Gt
    (True, 0.0)
    """
    G = 1.0 / (2.0 * resistance_area)
    if delta == 0.0:
        return G, 0.0
    Gs, Gt = series_shunt(G * delta, delta)
    return float(Gs), float(Gt)


@dataclass(frozen=True)
class Ladder:
    """Elements of a stack in order along +x (layers and finite interfaces).

    Attributes
    ----------
    stack : Stack
    series, shunt : ndarray (E,)
        Gs, Gt of each element [S/m²].
    polarization : ndarray (E,)
        p of each element: beta of a ferromagnetic layer, gamma of an F/N interface, else 0.
    owner : ndarray (E,) int
        Member (0: left lead, 1…L: layers, L+1: right lead) whose magnetization the element
        carries (a ferromagnetic layer itself; the ferromagnet of an F/N interface), or −1.
    charge_resistance_area : ndarray (E,)
        rho_F d of a layer, AR*(1 − γ²) of an interface [Ω·m²].
    element_of_layer : ndarray (L,) int
    element_of_interface : ndarray (n_I,) int
    names : tuple of str
        Layer names; ``"A|B"`` for the interface between A and B.
    mixing : dict
        Element → (G↑↓ [S/m²], its N-side node) for interfaces with a finite mixing conductance
        (those elements act along m only; :mod:`spintorque.transport.mixing`).
    """

    stack: Stack
    series: FloatArray
    shunt: FloatArray
    polarization: FloatArray
    owner: IntArray
    charge_resistance_area: FloatArray
    element_of_layer: IntArray
    element_of_interface: IntArray
    names: tuple[str, ...]
    mixing: dict[int, tuple[complex, int]]

    @property
    def size(self) -> int:
        """Number of elements E (ladder nodes: E + 1)."""
        return len(self.names)

    @cached_property
    def ferromagnetic_layers(self) -> IntArray:
        """Indices of the ferromagnetic layers, in stack order."""
        return np.flatnonzero(self.owner[self.element_of_layer] != NO_OWNER)

    @cached_property
    def stack_magnetizations(self) -> FloatArray:
        """(1, L, 3): the layers' own magnetizations (zero in normal metals)."""
        m = np.zeros((1, len(self.stack.layers), 3))
        for i in self.ferromagnetic_layers.tolist():
            m[0, i] = self.stack.layers[i].magnetization
        return m

    @cached_property
    def line_elements(self) -> NDArray[np.bool_]:
        """(E,) whether each element acts along its m only (interfaces with finite G↑↓)."""
        out = np.zeros(self.size, dtype=bool)
        out[list(self.mixing)] = True
        out.flags.writeable = False
        return out

    @cached_property
    def mixing_arrays(self) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """The mixing interfaces as arrays: elements, N-side nodes, Re G↑↓, Im G↑↓ [S/m²]."""
        elements = np.array(list(self.mixing), dtype=np.int64)
        nodes = np.array([node for _, node in self.mixing.values()], dtype=np.int64)
        g = np.array([g for g, _ in self.mixing.values()], dtype=complex)
        return elements, nodes, g.real.copy(), g.imag.copy()

    @property
    def has_interfaces(self) -> bool:
        return len(self.element_of_interface) > 0

    def interface(self, element: int) -> Interface | None:
        """The Interface an element stands for, or None for a layer."""
        hits = np.flatnonzero(self.element_of_interface == element)
        return self.stack.interface_elements[int(hits[0])] if hits.size else None

    @property
    def node_positions(self) -> FloatArray:
        """x of the E + 1 ladder nodes [m] (both sides of an interface at its position)."""
        edges = self.stack.interfaces
        out = np.empty(self.size + 1)
        out[self.element_of_layer] = edges[:-1]
        out[self.element_of_layer + 1] = edges[1:]
        for k, e in zip(self.stack.interface_nodes, self.element_of_interface, strict=True):
            out[e], out[e + 1] = edges[k], edges[k]
        return out

    def member_magnetizations(self, m_layers: FloatArray) -> FloatArray:
        """(B, L+2, 3): left lead, layers, right lead (zero where not ferromagnetic)."""
        B = m_layers.shape[0]
        out = np.zeros((B, m_layers.shape[1] + 2, 3))
        out[:, 1:-1] = m_layers
        for k, lead in ((0, self.stack.left), (-1, self.stack.right)):
            if lead.magnetization is not None:
                out[:, k] = lead.magnetization
        return out

    def _members_padded(self, m_layers: FloatArray) -> FloatArray:
        """(B, L+3, 3): :meth:`member_magnetizations` and a last row of zeros (index −1)."""
        B, L = m_layers.shape[0], m_layers.shape[1]
        out = np.zeros((B, L + 3, 3))
        out[:, 1:L + 1] = m_layers
        for k, lead in ((0, self.stack.left), (L + 1, self.stack.right)):
            if lead.magnetization is not None:
                out[:, k] = lead.magnetization
        return out

    @cached_property
    def _node_plan(self) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]:
        """What :func:`spintorque.transport.nodes.spaces_from_sides` derives from the sides'
        kinds alone, as indices into :meth:`_members_padded` (−1: the zero row).

        Returns the member each element carries, the static node ranks, the member each node
        takes its vector from, and the nodes between two different ferromagnetic members (whose
        rank, 1 or 0, depends on their collinearity) with those two members.
        """
        L = len(self.stack.layers)
        sides = np.empty(self.size + 2, dtype=np.int64)
        sides[1:-1] = self.owner
        kinds = np.where(sides >= 0, FERRO, NORMAL)
        for k, lead, member in ((0, self.stack.left, 0), (-1, self.stack.right, L + 1)):
            if lead.material is None:
                kinds[k], sides[k] = SINK, NO_OWNER
            elif lead.material.is_ferromagnet:
                kinds[k], sides[k] = FERRO, member
            else:
                kinds[k], sides[k] = NORMAL, NO_OWNER
        a, b = kinds[:-1], kinds[1:]
        sa, sb = sides[:-1], sides[1:]
        positions = np.where(kinds == FERRO, np.arange(len(kinds)), -1)
        last = np.maximum.accumulate(positions)[:-1]
        frame = np.where(last >= 0, sides[np.maximum(last, 0)], NO_OWNER)
        sink = (a == SINK) | (b == SINK)
        normal = (a == NORMAL) & (b == NORMAL)
        both_f = (a == FERRO) & (b == FERRO)
        kind = np.select([sink, normal], [0, 3], default=1).astype(np.int64)
        source = np.where(sink, NO_OWNER, np.where(normal, frame, np.where(a == FERRO, sa, sb)))
        dynamic = np.flatnonzero(both_f & (sa != sb))
        element = np.where(self.owner >= 0, self.owner, NO_OWNER)
        zero = L + 2  # the padded zero row, as a non-negative index (a faster gather)
        element, source = (np.where(x >= 0, x, zero) for x in (element, source))
        return element, kind, source, dynamic, sa[dynamic], sb[dynamic]

    @property
    def node_ranks(self) -> IntArray:
        """(E + 1,) the static node ranks of :attr:`_node_plan` (a node between two different
        ferromagnets has rank 1 or 0 with their collinearity; it is given 1 here)."""
        return self._node_plan[1]

    @cached_property
    def mixing_plan(self) -> tuple[IntArray, FloatArray, FloatArray]:
        """The static node ranks with the N-side node of every interface with finite G↑↓
        freed (3, unless a sink pins it: :mod:`spintorque.transport.mixing`), and the node
        shunts Re G↑↓, Im G↑↓ (N + 1,) [S/m²] (0 at the other nodes)."""
        kind = self._node_plan[1].copy()
        _, nodes, g_real, g_imag = self.mixing_arrays
        kind[nodes] = np.where(kind[nodes] == 0, 0, 3)
        yr, yi = np.zeros(self.size + 1), np.zeros(self.size + 1)
        yr[nodes], yi[nodes] = g_real, g_imag
        for x in (kind, yr, yi):
            x.flags.writeable = False
        return kind, yr, yi

    def spaces(self, m_layers: FloatArray, mixing: bool = False) -> tuple[FloatArray, NodeSpaces]:
        """(B, E, 3) element magnetizations and the node spaces of a batch of layer directions.

        The same numbers as :meth:`element_magnetizations` and
        :func:`spintorque.transport.nodes.spaces_from_sides`, with the part that depends on the
        stack only worked out once (:attr:`_node_plan`): per batch it is two gathers and the
        collinearity test of the nodes between two different ferromagnets. With ``mixing``
        the ranks are those of :attr:`mixing_plan` (the nodes of the mixing shunts freed).
        """
        element, kind, source, dynamic, sa, sb = self._node_plan
        if mixing:
            kind = self.mixing_plan[0]
        members = self._members_padded(m_layers)
        B = m_layers.shape[0]
        kinds = np.broadcast_to(kind, (B, len(kind))).copy()
        if dynamic.size:
            collinear = np.linalg.norm(cross(members[:, sa], members[:, sb]), axis=-1)
            kinds[:, dynamic] = collinear <= COLLINEAR_TOLERANCE
        return (np.take(members, element, axis=1),
                NodeSpaces(kinds, np.take(members, source, axis=1)))

    def element_magnetizations(self, m_layers: FloatArray) -> FloatArray:
        """(B, E, 3): the magnetization each element carries (zero for normal elements)."""
        if not self.has_interfaces:
            return m_layers
        members = self.member_magnetizations(m_layers)
        out = members[:, np.maximum(self.owner, 0)]
        out[:, self.owner == NO_OWNER] = 0.0
        return out


_CACHE = "_spintorque_ladder"


def build_ladder(stack: Stack) -> Ladder:
    """The element chain of ``stack`` (module docstring), built once per stack.

    A :class:`Stack` is immutable (derived stacks are new objects), so its ladder is kept on it.
    """
    cached = stack.__dict__.get(_CACHE)
    if cached is None:
        cached = _build(stack)
        object.__setattr__(stack, _CACHE, cached)
    assert isinstance(cached, Ladder)
    return cached


def _build(stack: Stack) -> Ladder:
    L = len(stack.layers)
    layers = stack.layers
    G = np.array([layer.material.spin_conductance for layer in layers])
    ratio = np.array([layer.thickness / layer.material.spin_diffusion_length for layer in layers])
    layer_Gs, layer_Gt = series_shunt(G, ratio)
    ferro = np.array([layer.is_ferromagnet for layer in layers], dtype=bool)
    layer_p = np.array([layer.material.polarization for layer in layers])
    layer_ra = np.array([layer.material.resistivity * layer.thickness for layer in layers])
    nodes = np.asarray(stack.interface_nodes, dtype=np.int64)
    n_i = len(nodes)
    # element index of each layer: layer k follows the interfaces at nodes <= k
    of_layer = np.arange(L) + np.searchsorted(nodes, np.arange(L), side="right")
    of_interface = nodes + np.arange(n_i)
    E = L + n_i
    Gs, Gt, p, ra = np.empty(E), np.empty(E), np.empty(E), np.empty(E)
    owner = np.full(E, NO_OWNER, dtype=np.int64)
    Gs[of_layer], Gt[of_layer], p[of_layer], ra[of_layer] = layer_Gs, layer_Gt, layer_p, layer_ra
    owner[of_layer[ferro]] = np.flatnonzero(ferro) + 1
    names = [""] * E
    for k, e in enumerate(of_layer.tolist()):
        names[e] = layers[k].name
    mixing: dict[int, tuple[complex, int]] = {}
    if n_i:
        magnetic = np.concatenate(
            [[stack.left.magnetization is not None], ferro, [stack.right.magnetization is not None]]
        )
        ar = np.array([i.resistance_area for i in stack.interface_elements])
        delta = np.array([i.spin_memory_loss for i in stack.interface_elements])
        # Gs = δ/(2AR* sinh δ), Gt = δ tanh(δ/2)/(2AR*): the layer element with G = δ/(2AR*)
        lossy = delta > 0.0
        g_s, g_t = series_shunt(np.where(lossy, delta, 1.0) / (2.0 * ar), np.where(lossy, delta, 1.0))
        Gs[of_interface] = np.where(lossy, g_s, 1.0 / (2.0 * ar))
        Gt[of_interface] = np.where(lossy, g_t, 0.0)
        p[of_interface] = [i.spin_asymmetry for i in stack.interface_elements]
        ra[of_interface] = [i.charge_resistance_area for i in stack.interface_elements]
        side = np.where(magnetic[nodes], nodes, np.where(magnetic[nodes + 1], nodes + 1, NO_OWNER))
        owner[of_interface] = side
        for k, (e, interface) in enumerate(zip(of_interface.tolist(), stack.interface_elements, strict=True)):
            names[e] = interface.name
            g = interface.mixing_conductance
            if g is not None:
                # the node on the N side of the element (F on its left: its right node)
                mixing[e] = (g, e + 1 if side[k] == nodes[k] else e)
    return Ladder(
        stack,
        Gs,
        Gt,
        p,
        owner,
        ra,
        of_layer.astype(np.int64),
        of_interface.astype(np.int64),
        tuple(names),
        mixing,
    )
