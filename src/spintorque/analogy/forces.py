r"""Forces on the rings of the mechanical analogy (seed §3.1–3.2).

A ring is a node at which the spin accumulation may only slide along a rod (the m of the
neighbouring ferromagnet). The cords (hodographs) pull on it with their tensions: the cord that
approaches the ring as x grows acts with +j_s (its current just left of the ring), the one that
departs with −j_s (just right). A ferromagnetic cord's tension splits into the current-driven
*source* force p J m, which drags the ring away from the origin, and an *elastic* reaction
j_s − p J m (−G̃ mu in the seed's valve, where the other end is grounded). Only the components
along the rod must balance: that is the boundary condition (7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spintorque.errors import InputError
from spintorque.transport import TransportResult

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class RingForces:
    """Forces on one ring [A/m², as spin currents]; all 3-vectors.

    ``source`` + ``elastic`` is the ferromagnet's tension (zero vectors on a side without a
    ferromagnet); ``tension_left`` = +j_s just left of the ring, ``tension_right`` = −j_s just
    right. ``imbalance`` is the total force along the rod relative to the largest force.
    """

    node: int
    left: str
    right: str
    rod: FloatArray
    position: FloatArray
    source: FloatArray
    elastic: FloatArray
    tension_left: FloatArray
    tension_right: FloatArray

    @property
    def total(self) -> FloatArray:
        return self.tension_left + self.tension_right

    @property
    def along_rod(self) -> float:
        """Net force along the rod [A/m²]; zero in equilibrium."""
        return float(np.dot(self.total, self.rod))

    @property
    def imbalance(self) -> float:
        scale = max(float(np.linalg.norm(f)) for f in
                    (self.source, self.elastic, self.tension_left, self.tension_right))
        return abs(self.along_rod) / scale if scale > 0 else 0.0


def ring_forces(result: TransportResult) -> list[RingForces]:
    """The rings of an unbatched result (nodes of rank 1), left to right, with their forces."""
    if result.stack.interface_elements:
        raise InputError("stack", "the mechanical analogy is the seed's transparent model: "
                         "solve stack.transparent() (finite interfaces are not drawn)")
    stack = result.stack
    J = result.current_density
    names = result.node_names()
    layers = stack.layers
    out = []
    for k, (left, right) in enumerate(names):
        if result.rank[k] != 1:
            continue
        magnets = [layers[i] for i in (k - 1, k)
                   if 0 <= i < len(layers) and layers[i].is_ferromagnet]
        # a ring between a normal layer and a ferromagnetic lead slides along the lead's m
        owner = magnets[0] if magnets else (stack.left if k == 0 else stack.right)
        rod = np.asarray(owner.magnetization)
        j_left = result.spin_current_left[k]
        j_right = result.spin_current_right[k]
        source = np.zeros(3)
        elastic = np.zeros(3)
        if k > 0 and layers[k - 1].is_ferromagnet:
            s = layers[k - 1].material.polarization * J * np.asarray(layers[k - 1].magnetization)
            source, elastic = source + s, elastic + (j_left - s)
        if k < len(layers) and layers[k].is_ferromagnet:
            s = layers[k].material.polarization * J * np.asarray(layers[k].magnetization)
            source, elastic = source - s, elastic - (j_right - s)
        out.append(RingForces(k, left, right, rod, result.spin_accumulation[k], source, elastic,
                              j_left, -j_right))
    return out
