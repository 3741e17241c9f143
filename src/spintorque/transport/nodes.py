"""Node subspaces of a stack: where the spin accumulation at each interface may point.

Node i sits between layer i−1 (or the left lead) and layer i (or the right lead). Its allowed
directions follow from mu_s continuity and mu_s ∥ m inside a ferromagnet (TRANSPORT.md §3):

=====================================  ======  ======================================
neighbours                             rank    basis
=====================================  ======  ======================================
an ideal sink on either side           0       (pinned, mu_s = 0)
normal / normal                        3       frame of the nearest ferromagnet on the left
ferromagnet m / normal                 1       m
ferromagnet m / ferromagnet ±m          1       m (a collinear pair shares one node)
ferromagnet m / ferromagnet n, m ∦ n   0       (pinned: the vanishing-spacer limit)
=====================================  ======  ======================================

Normal/normal nodes use an orthonormal frame whose first axis is the last ferromagnet's m (built in
the compiled kernel), so that the stiff transverse directions and the soft longitudinal one never
mix in rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spintorque.geometry import cross
from spintorque.stack import COLLINEAR_TOLERANCE, Lead, Stack

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class NodeSpaces:
    """Compact node description for the kernel.

    ``kind`` (B, N): the rank 0, 1 or 3 of each node's subspace. ``vec`` (B, N, 3): for rank 1 the
    unit vector of the line; for rank 3 the first axis of the node frame (0 = identity frame).
    """

    kind: NDArray[np.int64]
    vec: FloatArray


def _side(lead: Lead, B: int) -> FloatArray | str | None:
    if lead.material is None:
        return None
    if lead.material.is_ferromagnet:
        return np.broadcast_to(np.asarray(lead.magnetization, dtype=float), (B, 3))
    return "N"


def node_spaces(stack: Stack, m_layers: FloatArray) -> NodeSpaces:
    """Build the node subspaces for a batch of magnetization configurations.

    Parameters
    ----------
    stack : Stack
    m_layers : ndarray, shape (B, L, 3)
        Unit magnetization of each layer (ignored for normal metals).
    """
    B, L = m_layers.shape[0], len(stack.layers)
    N = L + 1
    kind = np.zeros((B, N), dtype=np.int64)
    vec = np.zeros((B, N, 3))
    # Each side of a node: None for a sink, "N", or an array (B, 3) of magnetizations.
    sides: list[FloatArray | str | None] = [_side(stack.left, B)]
    sides += [m_layers[:, i, :] if layer.is_ferromagnet else "N"
              for i, layer in enumerate(stack.layers)]
    sides.append(_side(stack.right, B))
    last_m: FloatArray | None = None
    for i in range(N):
        a, b = sides[i], sides[i + 1]
        if isinstance(a, np.ndarray):
            last_m = a
        if a is None or b is None:
            continue
        if isinstance(a, str) and isinstance(b, str):
            kind[:, i] = 3
            if last_m is not None:
                vec[:, i] = last_m
        elif isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            collinear = np.linalg.norm(cross(a, b), axis=-1) <= COLLINEAR_TOLERANCE
            kind[:, i] = collinear
            vec[:, i] = a
        else:
            vec[:, i] = a if isinstance(a, np.ndarray) else b
            kind[:, i] = 1
    return NodeSpaces(kind, vec)
