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


SINK, NORMAL, FERRO = 0, 1, 2


def _lead_side(lead: Lead) -> tuple[int, FloatArray]:
    if lead.material is None:
        return SINK, np.zeros(3)
    if lead.material.is_ferromagnet:
        return FERRO, np.asarray(lead.magnetization, dtype=float)
    return NORMAL, np.zeros(3)


def node_spaces(stack: Stack, m_layers: FloatArray) -> NodeSpaces:
    """Build the node subspaces of a stack's layers (no finite interfaces) for a batch.

    Parameters
    ----------
    stack : Stack
    m_layers : ndarray, shape (B, L, 3)
        Unit magnetization of each layer (ignored for normal metals).
    """
    kinds = np.array([FERRO if layer.is_ferromagnet else NORMAL for layer in stack.layers])
    return spaces_from_sides(stack.left, stack.right, kinds, m_layers)


def spaces_from_sides(left: Lead, right: Lead, element_kinds: NDArray[np.int64],
                      m_elements: FloatArray) -> NodeSpaces:
    """Node subspaces of a chain of elements (layers and interface elements) between two leads.

    Parameters
    ----------
    left, right : Lead
    element_kinds : ndarray, shape (E,)
        FERRO for an element carrying a magnetization, NORMAL otherwise.
    m_elements : ndarray, shape (B, E, 3)
        The magnetization of each FERRO element.

    Notes
    -----
    Vectorised over nodes: the E+2 "sides" (left lead, elements, right lead) are classified once,
    and node i sees sides i and i+1. A normal/normal node takes its frame from the nearest
    ferromagnetic side on its left (a running maximum of their positions).
    """
    B, L = m_elements.shape[0], len(element_kinds)
    (left_kind, left_m), (right_kind, right_m) = _lead_side(left), _lead_side(right)
    kinds = np.array([left_kind, *element_kinds, right_kind])
    m = np.empty((B, L + 2, 3))
    m[:, 0], m[:, 1:-1], m[:, -1] = left_m, m_elements, right_m
    a, b = kinds[:-1], kinds[1:]
    ma, mb = m[:, :-1], m[:, 1:]
    # the nearest ferromagnetic side at or left of side i (−1: none, identity frame)
    positions = np.where(kinds == FERRO, np.arange(L + 2), -1)
    last = np.maximum.accumulate(positions)[:-1]
    frame = np.where((last >= 0)[None, :, None], m[:, np.maximum(last, 0)], 0.0)
    both_f = (a == FERRO) & (b == FERRO)
    collinear = np.linalg.norm(cross(ma, mb), axis=-1) <= COLLINEAR_TOLERANCE
    kind = np.select([(a == SINK) | (b == SINK), (a == NORMAL) & (b == NORMAL), both_f],
                     [0, 3, 1], default=1)
    kind = np.broadcast_to(kind, (B, L + 1)).copy()
    kind[:, both_f] = collinear[:, both_f]
    vec = np.where((a == FERRO)[None, :, None], ma, mb)
    vec = np.where(((a == NORMAL) & (b == NORMAL))[None, :, None], frame, vec)
    vec = np.where(((a == SINK) | (b == SINK))[None, :, None], 0.0, vec)
    return NodeSpaces(kind.astype(np.int64), np.ascontiguousarray(vec))
