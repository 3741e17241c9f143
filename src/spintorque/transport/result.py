"""Results of the transport solver: spin accumulation, spin currents, torques, resistance.

Everything is stored per unit current density (the problem is linear in J) and scaled by the
stack's J on output. Units: mu_s [V], j_s [A/m², charge-equivalent], torque [J/m²],
resistance-area [Ω·m²], functional S [W/m²]. Sign conventions: ``docs/conventions.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.constants import hbar_over_2e
from spintorque.errors import InputError
from spintorque.geometry import cross, dot
from spintorque.stack import COLLINEAR_TOLERANCE, Stack
from spintorque.transport.elements import layer_profile, lead_terms
from spintorque.transport.ladder import NO_OWNER, Ladder, build_ladder

if TYPE_CHECKING:
    import xarray as xr

FloatArray = NDArray[np.float64]
COMPONENTS = ("x", "y", "z")


def transverse(v: FloatArray, m: FloatArray) -> FloatArray:
    """Part of v perpendicular to the unit vector m: m × (v × m)."""
    return cross(m, cross(v, m))


@dataclass(frozen=True)
class TransportResult:
    """Solution of one stack, or of a batch of magnetization configurations.

    Attributes
    ----------
    stack : Stack
        The description that was solved (its magnetizations may be overridden per case).
    magnetization : ndarray, shape ([B,] L, 3)
        Unit magnetization of each layer (zero in normal metals).
    mu_unit : ndarray, shape ([B,] E+1, 3)
        Spin accumulation at each node of the ladder per unit current density [V/(A/m²)].
        The ladder's E elements are the L layers and the finite interfaces
        (:mod:`spintorque.transport.ladder`); without finite interfaces E = L and the nodes are
        the L+1 stack interfaces; a finite interface has a node on each of its sides.
    delta_unit : ndarray, shape ([B,] E, 3)
        mu_left − mu_right of each element per unit current density [V/(A/m²)].
    rank : ndarray, shape ([B,] E+1)
        Dimension of each node's allowed subspace (0 = pinned).
    series, shunt : ndarray, shape (E,)
        Element conductances Gs, Gt [S/m²].
    ladder : Ladder, optional
        The element chain (built from ``stack`` if not given).
    element_magnetization : ndarray, shape ([B,] E, 3), optional
        The magnetization each element carries (``magnetization`` if not given).
    mixing_current_unit : ndarray, shape ([B,] E+1, 3), optional
        Per unit J, the transverse spin current into the ferromagnet at each N-side node of an
        interface with finite G↑↓ (from the node's own coordinates; 0 elsewhere).
    """

    stack: Stack
    magnetization: FloatArray
    mu_unit: FloatArray
    delta_unit: FloatArray
    rank: NDArray[np.int64]
    series: FloatArray
    shunt: FloatArray
    ladder: Ladder | None = None
    element_magnetization: FloatArray | None = None
    mixing_current_unit: FloatArray | None = None

    def __post_init__(self) -> None:
        if self.ladder is None:
            object.__setattr__(self, "ladder", build_ladder(self.stack))
        if self.element_magnetization is None:
            object.__setattr__(self, "element_magnetization", self.magnetization)

    @property
    def _ladder(self) -> Ladder:
        assert self.ladder is not None
        return self.ladder

    @property
    def _m_elements(self) -> FloatArray:
        assert self.element_magnetization is not None
        return self.element_magnetization

    # --- basic per-unit-current quantities -------------------------------------------------------
    @property
    def current_density(self) -> float:
        """J [A/m²]; > 0 when electrons flow towards +x."""
        return self.stack.current_density

    @property
    def batched(self) -> bool:
        return self.mu_unit.ndim == 3

    @cached_property
    def _sources(self) -> FloatArray:
        return self._ladder.polarization[:, None] * self._m_elements

    @cached_property
    def _lead_terms(self) -> tuple[float, FloatArray, float, FloatArray]:
        GL, sL = lead_terms(self.stack.left)
        GR, sR = lead_terms(self.stack.right)
        return GL, sL, GR, sR

    def _layer_current(self, i: int, face: str) -> FloatArray:
        """Spin current at the left or right face of element i per unit J, shape ([B,] 3)."""
        flow = self.series[i] * self.delta_unit[..., i, :] + self._sources[..., i, :]
        if face == "left":
            flow = flow + self.shunt[i] * self.mu_unit[..., i, :]
        else:
            flow = flow - self.shunt[i] * self.mu_unit[..., i + 1, :]
        if i in self._ladder.mixing:  # an interface with finite G↑↓ carries j_s along m only
            m = self._m_elements[..., i, :]
            flow = dot(flow, m)[..., None] * m
        return flow

    def mixing_torque_per_current(self, e: int) -> FloatArray:
        """Transverse spin current/J into the ferromagnet at interface element e with finite
        G↑↓: ``(Re G↑↓ mu⊥ + Im G↑↓ mu × m)/J`` at its N-side node, shape ([B,] 3)."""
        g, node = self._ladder.mixing[e]
        if self.mixing_current_unit is not None:
            return self.mixing_current_unit[..., node, :]
        m = self._m_elements[..., e, :]
        mu = self.mu_unit[..., node, :]
        return g.real * transverse(mu, m) + g.imag * cross(mu, m)

    def _side(self, node: int, side: str) -> FloatArray:
        """Spin current just left or right of a node per unit J, shape ([B,] 3).

        Next to an ideal sink the sink carries on the current of its neighbour (no jump there).
        """
        L = self._ladder.size
        GL, sL, GR, sR = self._lead_terms
        if side == "left":
            if node > 0:
                return self._layer_current(node - 1, "right")
            if self.stack.left.is_sink:
                return self._layer_current(0, "left")
            return sL - GL * self.mu_unit[..., 0, :]
        if node < L:
            return self._layer_current(node, "left")
        if self.stack.right.is_sink:
            return self._layer_current(L - 1, "right")
        return GR * self.mu_unit[..., L, :] + sR

    def _side_magnetization(self, node: int, side: str) -> FloatArray | None:
        """Unit m of the ferromagnetic element or lead on one side of a node, or None."""
        L = self._ladder.size
        index = node - 1 if side == "left" else node
        if 0 <= index < L:
            if self._ladder.owner[index] == NO_OWNER:
                return None
            return self._m_elements[..., index, :]
        lead = self.stack.left if side == "left" else self.stack.right
        if lead.magnetization is None:
            return None
        return np.broadcast_to(np.asarray(lead.magnetization, dtype=float),
                               self.magnetization[..., 0, :].shape)

    def _pinned_through(self, node: int) -> FloatArray | None:
        """Spin current through a pinned contact of two non-collinear ferromagnets a, b.

        The limit of a vanishing normal spacer: the vector j in span(m_a, m_b) whose projections
        on m_a and m_b are the longitudinal currents on the two sides. Either ferromagnet may be
        a lead. None if no case is pinned or a side is not ferromagnetic.
        """
        ma, mb = self._side_magnetization(node, "left"), self._side_magnetization(node, "right")
        if ma is None or mb is None:
            return None
        pinned = self.rank[..., node] == 0
        if not np.any(pinned):
            return None
        ja = dot(self._side(node, "left"), ma)
        jb = dot(self._side(node, "right"), mb)
        c = dot(ma, mb)
        n = cross(ma, mb)
        s2 = np.where(pinned, dot(n, n), 1.0)
        through = ((ja - c * jb) / s2)[..., None] * ma + ((jb - c * ja) / s2)[..., None] * mb
        return np.where(pinned[..., None], through, 0.0)

    def _transverse_across(self, node: int, side: str, m: FloatArray) -> FloatArray:
        """Transverse (to m) spin current on one side of a node, seen from the magnet opposite.

        The neighbour on ``side`` of the node is a normal layer (its current there has the
        transverse part Gs·(mu_L − mu_R)⊥ only, the node's mu_s being along m: computing it from
        that product, not by projecting the whole current, keeps full relative accuracy even when
        it is e^(−d/l) smaller than the longitudinal current), a ferromagnet (layer or lead: the
        spacer current of a pinned contact, or nothing across a collinear one), a normal lead (its
        current at the face is along mu_s, hence along m) or a sink (it absorbs without a jump).
        """
        j = node - 1 if side == "left" else node
        if 0 <= j < self._ladder.size and self._ladder.owner[j] == NO_OWNER:
            return self.series[j] * transverse(self.delta_unit[..., j, :], m)
        through = self._pinned_through(node)
        return np.zeros(m.shape) if through is None else transverse(through, m)

    @cached_property
    def _node_sides(self) -> tuple[FloatArray, FloatArray]:
        nodes = range(self._ladder.size + 1)
        return (np.stack([self._side(i, "left") for i in nodes], axis=-2),
                np.stack([self._side(i, "right") for i in nodes], axis=-2))

    def _element_torque(self, e: int) -> FloatArray:
        """Δj_s/J of ferromagnetic element e (transverse in at its left node − out at its right)."""
        m = self._m_elements[..., e, :]
        if e in self._ladder.mixing:
            # the F-side node lies on m (nothing crosses there): all of it is G↑↓'s current
            return self.mixing_torque_per_current(e)
        return self._transverse_across(e, "left", m) - self._transverse_across(e + 1, "right", m)

    def _owned_torque(self, member: int) -> FloatArray:
        """Sum of the element torques carried by member (0: left lead, 1…L: layers, L+1: right)."""
        total = np.zeros(self.magnetization[..., 0, :].shape)
        for e in self._owned.get(member, ()):
            total = total + self._element_torque(e)
        return total

    @cached_property
    def _owned(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for e, member in enumerate(self._ladder.owner.tolist()):
            out.setdefault(member, []).append(e)
        return out

    def torque_per_current_of(self, i: int) -> FloatArray:
        """Δj_s/J of layer i, shape ([B,] 3); see :attr:`torque_per_current`.

        With finite interfaces at its faces, the torque deposited at those interfaces (which
        carry the layer's m) is part of the layer's.
        """
        if not self.stack.layers[i].is_ferromagnet:
            return np.zeros(self.magnetization[..., i, :].shape)
        return self._owned_torque(i + 1)

    @cached_property
    def lead_torque_per_current(self) -> FloatArray:
        r"""Δj_s/J of the left and right lead (dimensionless), shape ([B,] 2, 3).

        The reaction on a ferromagnetic lead: the transverse part (to its m) of the spin current
        it takes in minus the one it gives out at its face (far inside a lead the current is along
        its m). Zero for normal leads and sinks, which have no magnetization to act on.
        """
        E, L = self._ladder.size, len(self.stack.layers)
        shape = self.magnetization[..., 0, :].shape
        out = []
        for node, side, sign, member in ((0, "left", -1.0, 0), (E, "right", 1.0, L + 1)):
            m = self._side_magnetization(node, side)
            if m is None:
                out.append(np.zeros(shape))
                continue
            other = "right" if side == "left" else "left"
            out.append(sign * self._transverse_across(node, other, m) + self._owned_torque(member))
        return np.stack(out, axis=-2)

    # --- public quantities ---------------------------------------------------------------------
    @property
    def spin_accumulation(self) -> FloatArray:
        """mu_s at each node [V], shape ([B,] E+1, 3) (E+1 = L+1 without finite interfaces)."""
        return self.current_density * self.mu_unit

    @property
    def spin_current_left(self) -> FloatArray:
        """Spin current just left of each node [A/m²], shape ([B,] E+1, 3)."""
        return self.current_density * self._node_sides[0]

    @property
    def spin_current_right(self) -> FloatArray:
        """Spin current just right of each node [A/m²], shape ([B,] E+1, 3)."""
        return self.current_density * self._node_sides[1]

    @cached_property
    def torque_per_current(self) -> FloatArray:
        r"""Δj_s/J per layer (dimensionless), shape ([B,] L, 3); zero for normal metals.

        The transverse part of (spin current entering the left face − spin current leaving the
        right face), both taken on the outer side of the interface: the seed's Δj_s/j0, eq. (12).
        """
        return np.stack([self.torque_per_current_of(i) for i in range(len(self.stack.layers))],
                        axis=-2)

    @property
    def torques(self) -> FloatArray:
        """Spin-transfer torque per area on each layer [J/m²]: (ħ/2e)·J·(Δj_s/J)."""
        return hbar_over_2e * self.current_density * self.torque_per_current

    @property
    def lead_torques(self) -> FloatArray:
        """Spin-transfer torque per area on the left and right lead [J/m²], shape ([B,] 2, 3).

        Zero unless the lead is ferromagnetic; see :attr:`lead_torque_per_current`.
        """
        return hbar_over_2e * self.current_density * self.lead_torque_per_current

    def torque(self, name: str) -> FloatArray:
        """Torque per area [J/m²] on the layer called ``name``, shape ([B,] 3)."""
        return self.torques[..., self.stack.index(name), :]

    @cached_property
    def spin_resistance_area(self) -> FloatArray:
        """Spin-coupled resistance-area product [Ω·m²] (TRANSPORT.md §7).

        ``Σ_F (p/2)(mu_R − mu_L)·m / J`` over the ferromagnetic layers, F/N interfaces (p = γ)
        and ferromagnetic leads; always ≥ 0 (it equals fᵀK⁻¹f/2 of the node system).
        """
        mu, m = self.mu_unit, self._m_elements
        p = self._ladder.polarization
        total = np.sum(0.5 * p * (dot(mu[..., 1:, :], m) - dot(mu[..., :-1, :], m)), axis=-1)
        _, sL, _, sR = self._lead_terms
        return np.asarray(total + 0.5 * dot(mu[..., 0, :], sL) - 0.5 * dot(mu[..., -1, :], sR))

    @property
    def resistance_area(self) -> FloatArray:
        """Total resistance-area product [Ω·m²]: Σ rho·d + Σ AR*(1 − γ²) + the spin-coupled part.

        The bulk resistance of semi-infinite leads is not included (it is infinite).
        """
        bulk = float(np.sum(self._ladder.charge_resistance_area))
        return bulk + self.spin_resistance_area

    @cached_property
    def functional(self) -> FloatArray:
        r"""Value of the corrected functional S at the solution [W/m²] (TRANSPORT.md §6).

        ``S = Σ ∫ [|mu'|²/(4 rho) + |mu|²/(4 rho l²) − p J m·mu'] dx`` over layers and leads,
        evaluated exactly from the element energies ``½Gs|Δ|² + ½Gt(|mu_L|² + |mu_R|²)``.
        An interface with finite G↑↓ contributes its longitudinal element energy and
        ``½ Re G↑↓ |mu⊥|²`` at its N-side node (the Im part does no work: mu·(mu × m) = 0; it
        makes the node system non-symmetric, so S is then not stationary at the solution).
        """
        mu, delta = self.mu_unit, self.delta_unit
        GL, sL, GR, sR = self._lead_terms
        left, right = mu[..., :-1, :], mu[..., 1:, :]
        if self._ladder.mixing:
            line = self._ladder.line_elements[:, None]
            m = self._m_elements

            def along(v: FloatArray) -> FloatArray:
                return np.where(line, dot(v, m)[..., None] * m, v)

            delta, left, right = along(delta), along(left), along(right)
        elastic = 0.5 * self.series * dot(delta, delta) + 0.5 * self.shunt * (
            dot(left, left) + dot(right, right))
        work = dot(self._sources, mu[..., 1:, :] - mu[..., :-1, :])
        per_j2 = np.sum(elastic - work, axis=-1)
        per_j2 = per_j2 + 0.5 * GL * dot(mu[..., 0, :], mu[..., 0, :]) - dot(sL, mu[..., 0, :])
        per_j2 = per_j2 + 0.5 * GR * dot(mu[..., -1, :], mu[..., -1, :]) + dot(sR, mu[..., -1, :])
        for e, (g, node) in self._ladder.mixing.items():
            perp = transverse(mu[..., node, :], self._m_elements[..., e, :])
            per_j2 = per_j2 + 0.5 * g.real * dot(perp, perp)
        return np.asarray(self.current_density**2 * per_j2)

    def _ferromagnet_pair(self) -> tuple[int, int]:
        ferro = [i for i, layer in enumerate(self.stack.layers) if layer.is_ferromagnet]
        if len(ferro) != 2:
            raise InputError("efficiency",
                             f"g1, g2 need exactly two ferromagnetic layers, found {len(ferro)}")
        return ferro[0], ferro[1]

    @cached_property
    def _pair_torques(self) -> tuple[FloatArray, FloatArray]:
        """Δj_s/J of the two ferromagnets (g and f project the same two vectors)."""
        i1, i2 = self._ferromagnet_pair()
        return self.torque_per_current_of(i1), self.torque_per_current_of(i2)

    def projected_efficiency(self) -> dict[str, FloatArray]:
        """g1, g2 by projecting the torques on eq. (1)'s vectors, however small the angle.

        NaN only where m1 × m2 is exactly 0 (eq. (1) reads 0 = 0·g); :attr:`efficiency` gives
        the collinear limits instead.
        """
        i1, i2 = self._ferromagnet_pair()
        m1, m2 = self.magnetization[..., i1, :], self.magnetization[..., i2, :]
        u1 = cross(m1, cross(m2, m1))
        u2 = cross(m2, cross(m1, m2))
        n1, n2 = dot(u1, u1), dot(u2, u2)
        t1, t2 = self._pair_torques
        g1 = np.where(n1 == 0, np.nan, -dot(t1, u1) / np.where(n1 == 0, 1.0, n1))
        g2 = np.where(n2 == 0, np.nan, dot(t2, u2) / np.where(n2 == 0, 1.0, n2))
        return {"g1": np.asarray(g1), "g2": np.asarray(g2)}

    def field_like_efficiency(self) -> dict[str, FloatArray]:
        r"""f1, f2 of the field-like torques ``T1 = (ħ/2e) J f1 m1×m2``, ``T2 = (ħ/2e) J f2 m2×m1``.

        The torque out of the plane of m1, m2 (zero in the transparent model and for real G↑↓;
        Im G↑↓ gives it). NaN where m1 × m2 = 0 exactly (the direction does not exist).
        """
        i1, i2 = self._ferromagnet_pair()
        m1, m2 = self.magnetization[..., i1, :], self.magnetization[..., i2, :]
        n = cross(m1, m2)
        nn = dot(n, n)
        safe = np.where(nn == 0, 1.0, nn)
        t1, t2 = self._pair_torques
        f1 = np.where(nn == 0, np.nan, dot(t1, n) / safe)
        f2 = np.where(nn == 0, np.nan, -dot(t2, n) / safe)
        return {"g1": np.asarray(f1), "g2": np.asarray(f2)}

    def torque_parts(self) -> tuple[FloatArray, FloatArray]:
        """Damping-like and field-like torques [J/m²] of the two ferromagnets, ([B,] 2, 3) each.

        Damping-like: the part of T_i in the plane of m1, m2 (along m_i×(m_j×m_i)); field-like:
        the part along m1 × m2. Their sum is the torque; both are 0 where m1 ∥ m2.
        """
        i1, i2 = self._ferromagnet_pair()
        m1, m2 = self.magnetization[..., i1, :], self.magnetization[..., i2, :]
        n = cross(m1, m2)
        nn = dot(n, n)
        unit = n / np.sqrt(np.where(nn == 0, 1.0, nn))[..., None]
        damping, field = [], []
        for i in (i1, i2):
            t = self.torques[..., i, :]
            fl = dot(t, unit)[..., None] * unit
            field.append(fl)
            damping.append(t - fl)
        return np.stack(damping, axis=-2), np.stack(field, axis=-2)

    @cached_property
    def _efficiency(self) -> tuple[dict[str, FloatArray], dict[str, str]]:
        g = self.projected_efficiency()
        i1, i2 = self._ferromagnet_pair()
        m1, m2 = self.magnetization[..., i1, :], self.magnetization[..., i2, :]
        collinear = np.linalg.norm(cross(m1, m2), axis=-1) <= COLLINEAR_TOLERANCE
        if not np.any(collinear):
            return g, {}
        from spintorque.transport.efficiency import collinear_limit

        pairs = np.stack([m1, m2], axis=-2).reshape(-1, 2, 3)[np.ravel(collinear)]
        g1, g2, reasons = collinear_limit(self.stack, pairs)
        out = {key: np.array(value, copy=True).reshape(-1) for key, value in g.items()}
        out["g1"][np.ravel(collinear)] = g1
        out["g2"][np.ravel(collinear)] = g2
        shape = np.shape(collinear)
        return {key: value.reshape(shape) for key, value in out.items()}, reasons

    @property
    def efficiency(self) -> dict[str, FloatArray]:
        r"""g1, g2 of the seed's eq. (1) for a stack with exactly two ferromagnetic layers.

        ``T1 = −(ħ/2e) J g1 m1×(m2×m1)``, ``T2 = (ħ/2e) J g2 m2×(m1×m2)``. At collinear
        configurations, where eq. (1) reads 0 = 0, the limit θ → 0 (or π) as F2 turns
        (:func:`spintorque.transport.efficiency.collinear_limit`); NaN where that limit does
        not exist, with the reason in :attr:`efficiency_undefined`.
        """
        return self._efficiency[0]

    @property
    def efficiency_undefined(self) -> dict[str, str]:
        """``"g1"``/``"g2"`` → why that efficiency has no value here (empty when both exist)."""
        values, reasons = self._efficiency
        return {key: text for key, text in reasons.items()
                if not np.all(np.isfinite(values[key]))}

    # --- profiles ------------------------------------------------------------------------------
    def profile(self, x: ArrayLike) -> xr.Dataset:
        """mu_s(x) [V] and j_s(x) [A/m²] evaluated exactly at positions x [m].

        x = 0 is the left face of the first layer. Points left of 0 or right of the last layer
        lie in the semi-infinite leads (an error for ideal sinks). At an interface the value of
        the layer on the right is returned (the left one for the last node).
        """
        import xarray as xr  # imported here: a plain solve starts without it

        x = np.asarray(x, dtype=float)
        if x.ndim != 1 or not np.all(np.isfinite(x)):
            raise InputError("x", "positions must be a 1D array of finite lengths [m]")
        edges = self.stack.interfaces
        if (np.any(x < 0) and self.stack.left.is_sink) or (
                np.any(x > edges[-1]) and self.stack.right.is_sink):
            raise InputError("x", f"positions must lie in [0, {edges[-1]:.6g}] m: "
                             "the leads are ideal sinks")
        shape = (*self.mu_unit.shape[:-2], x.size, 3)
        mu = np.zeros(shape)
        js = np.zeros(shape)
        which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
        for i, layer in enumerate(self.stack.layers):
            sel = (which == i) & (x >= 0) & (x <= edges[-1])
            if not np.any(sel):
                continue
            e = int(self._ladder.element_of_layer[i])
            m_i, j_i = layer_profile(
                x[sel] - edges[i], layer.thickness, layer.material.spin_diffusion_length,
                layer.material.spin_conductance, self.mu_unit[..., e, :],
                self.mu_unit[..., e + 1, :], self.delta_unit[..., e, :], self._sources[..., e, :])
            mu[..., sel, :], js[..., sel, :] = m_i, j_i
        self._lead_profiles(x, edges[-1], mu, js)
        J = self.current_density
        dims = (*(("case",) if self.batched else ()), "x", "component")
        return xr.Dataset(
            {"spin_accumulation": (dims, J * mu, {"units": "V", "long_name": "spin accumulation"}),
             "spin_current": (dims, J * js, {"units": "A/m^2", "long_name": "spin current"})},
            coords={"x": ("x", x, {"units": "m", "long_name": "position"}),
                    "component": list(COMPONENTS)},
        )

    def _lead_profiles(self, x: FloatArray, end: float, mu: FloatArray, js: FloatArray) -> None:
        GL, sL, GR, sR = self._lead_terms
        if np.any(x < 0) and self.stack.left.material is not None:
            sel = x < 0
            decay = np.exp(x[sel] / self.stack.left.material.spin_diffusion_length)[:, None]
            mu0 = self.mu_unit[..., 0:1, :]
            mu[..., sel, :] = decay * mu0
            js[..., sel, :] = sL - GL * decay * mu0
        if np.any(x > end) and self.stack.right.material is not None:
            sel = x > end
            decay = np.exp(-(x[sel] - end) / self.stack.right.material.spin_diffusion_length)
            muN = self.mu_unit[..., -1:, :]
            mu[..., sel, :] = decay[:, None] * muN
            js[..., sel, :] = sR + GR * decay[:, None] * muN

    # --- labelled output -----------------------------------------------------------------------
    def node_names(self) -> list[tuple[str, str]]:
        """(left, right) neighbour names of each node; the leads are 'left_lead'/'right_lead'.

        A finite interface between A and B is the element ``"A|B"``.
        """
        names = ["left_lead", *self._ladder.names, "right_lead"]
        return [(names[i], names[i + 1]) for i in range(len(names) - 1)]

    def to_dataset(self) -> xr.Dataset:
        """The result as an :class:`xarray.Dataset` with units and provenance in attributes."""
        import xarray as xr  # imported here: a plain solve starts without it

        from spintorque.results import provenance

        lead_dims = ("case",) if self.batched else ()
        nodes = self.node_names()
        coords = {
            "node": ("node", np.arange(len(nodes))),
            "left_neighbour": ("node", [n[0] for n in nodes]),
            "right_neighbour": ("node", [n[1] for n in nodes]),
            "x_node": ("node", self._ladder.node_positions,
                       {"units": "m", "long_name": "position"}),
            "layer": ("layer", list(self.stack.names)),
            "lead": ("lead", ["left", "right"]),
            "component": ("component", list(COMPONENTS)),
        }
        nv = (*lead_dims, "node", "component")
        lv = (*lead_dims, "layer", "component")
        data: dict[str, Any] = {
            "spin_accumulation": (nv, self.spin_accumulation,
                                  {"units": "V", "long_name": "spin accumulation mu_s"}),
            "spin_current_left": (nv, self.spin_current_left,
                                  {"units": "A/m^2", "long_name": "spin current left of node"}),
            "spin_current_right": (nv, self.spin_current_right,
                                   {"units": "A/m^2", "long_name": "spin current right of node"}),
            "magnetization": (lv, self.magnetization, {"units": "1", "long_name": "unit m"}),
            "torque": (lv, self.torques, {"units": "J/m^2", "long_name": "spin-transfer torque"}),
            "torque_per_current": (lv, self.torque_per_current,
                                   {"units": "1", "long_name": "spin-current jump / J"}),
            "lead_torque": ((*lead_dims, "lead", "component"), self.lead_torques,
                            {"units": "J/m^2",
                             "long_name": "spin-transfer torque on the lead (0 unless ferromagnetic)"}),
            "resistance_area": (lead_dims, self.resistance_area,
                                {"units": "ohm*m^2", "long_name": "resistance-area product"}),
            "spin_resistance_area": (lead_dims, self.spin_resistance_area,
                                     {"units": "ohm*m^2", "long_name": "spin-coupled RA"}),
            "functional": (lead_dims, self.functional,
                           {"units": "W/m^2", "long_name": "functional S at the solution"}),
        }
        if len(self.stack.ferromagnets) == 2:
            for key, value in self.efficiency.items():
                attrs = {"units": "1", "long_name": f"efficiency {key}"}
                if key in self.efficiency_undefined:
                    attrs["undefined"] = self.efficiency_undefined[key]
                data[key] = (lead_dims, value, attrs)
        ds = xr.Dataset(data, coords=coords)
        ds.attrs.update(provenance(self.stack, solver="exact layer elements, ladder sweep"))
        ds.attrs["current_density_A_per_m2"] = self.current_density
        return ds

    def to_json_dict(self) -> dict[str, Any]:
        """The ``--json`` document of ``spintorque solve`` (SI units; unbatched results only)."""
        if self.batched:
            raise InputError("result", "JSON output is for a single configuration")
        interfaces = [
            {"left": left, "right": right,
             "x": float(self._ladder.node_positions[i]),
             "spin_accumulation": self.spin_accumulation[i].tolist(),
             "spin_current_left": self.spin_current_left[i].tolist(),
             "spin_current_right": self.spin_current_right[i].tolist()}
            for i, (left, right) in enumerate(self.node_names())
        ]
        layers = []
        for i, layer in enumerate(self.stack.layers):
            entry: dict[str, Any] = {"name": layer.name, "material": layer.material.name,
                                     "thickness": layer.thickness,
                                     "ferromagnet": layer.is_ferromagnet}
            if layer.is_ferromagnet:
                entry["magnetization"] = self.magnetization[i].tolist()
                entry["torque"] = self.torques[i].tolist()
                entry["torque_per_current"] = self.torque_per_current[i].tolist()
            layers.append(entry)
        lead_torques: dict[str, Any] = {}
        for k, (side, lead) in enumerate((("left", self.stack.left), ("right", self.stack.right))):
            if lead.magnetization is not None:
                lead_torques[side] = {"material": lead.label,
                                      "magnetization": list(lead.magnetization),
                                      "torque": self.lead_torques[k].tolist(),
                                      "torque_per_current": self.lead_torque_per_current[k].tolist()}
        out: dict[str, Any] = {
            "current_density": self.current_density,
            "interfaces": interfaces,
            "interface_elements": self.interface_report(),
            "layers": layers,
            "lead_torques": lead_torques,
            "resistance_area": float(self.resistance_area),
            "spin_resistance_area": float(self.spin_resistance_area),
            "functional_S": float(self.functional),
        }
        if len(self.stack.ferromagnets) == 2:
            damping, field = self.torque_parts()
            ferro = [e for e in layers if e["ferromagnet"]]
            for k, entry in enumerate(ferro):
                entry["torque_damping_like"] = damping[k].tolist()
                entry["torque_field_like"] = field[k].tolist()
            f = self.field_like_efficiency()
            out["efficiency_field_like"] = {k: _json_float(v) for k, v in f.items()}
            if not all(np.isfinite(v) for v in f.values()):
                out["efficiency_field_like_undefined"] = (
                    "m1 and m2 are collinear: the field-like direction m1 x m2 does not exist")
            out["efficiency"] = {k: _json_float(v) for k, v in self.efficiency.items()}
            if self.efficiency_undefined:
                out["efficiency_undefined"] = self.efficiency_undefined
        out["units"] = {"spin_accumulation": "V", "spin_current": "A/m^2", "torque": "J/m^2",
                        "torque_per_current": "1", "resistance_area": "ohm*m^2",
                        "functional_S": "W/m^2", "current_density": "A/m^2", "x": "m",
                        "thickness": "m"}
        return out

    def interface_report(self) -> list[dict[str, Any]]:
        """Per finite interface: its parameters (SI) and its part of RA [Ω·m²] (unbatched).

        ``resistance_area`` = ``charge_resistance_area`` AR*(1 − γ²) + ``spin_resistance_area``
        (γ/2)(mu_R − mu_L)·m/J, the interface's terms of :attr:`resistance_area`.
        """
        ladder = self._ladder
        out = []
        for interface, e in zip(self.stack.interface_elements, ladder.element_of_interface,
                                strict=True):
            e = int(e)
            spin = 0.5 * ladder.polarization[e] * float(
                dot(self.mu_unit[..., e + 1, :] - self.mu_unit[..., e, :],
                    self._m_elements[..., e, :]))
            charge = float(ladder.charge_resistance_area[e])
            out.append({**interface.describe(), "node": e,
                        "charge_resistance_area": charge, "spin_resistance_area": spin,
                        "resistance_area": charge + spin})
        return out

    def to_json(self) -> str:
        """:meth:`to_json_dict` as strict JSON (no NaN or Infinity)."""
        return json.dumps(self.to_json_dict(), indent=2, allow_nan=False)


def _json_float(value: FloatArray) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None
