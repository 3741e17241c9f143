"""The exact diffusive spin-transport solver: a stack in, a :class:`TransportResult` out."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError
from spintorque.stack import Stack
from spintorque.transport.elements import lead_terms
from spintorque.transport.fold import sweep_folded, sweep_folded_serial
from spintorque.transport.kernel import sweep, sweep_lines, sweep_lines_serial, sweep_serial
from spintorque.transport.ladder import Ladder, build_ladder
from spintorque.transport.mixing import sweep_mixing, sweep_mixing_serial
from spintorque.transport.nodes import NodeSpaces
from spintorque.transport.result import TransportResult

FloatArray = NDArray[np.float64]

PARALLEL_THRESHOLD = 512
"""Batches at least this large run on all cores."""


def layer_magnetizations(stack: Stack, magnetizations: ArrayLike | None = None) -> FloatArray:
    """Per-layer unit magnetizations, shape (B, L, 3) (zeros in normal metals).

    ``magnetizations`` (optional) overrides the ferromagnets' directions, in stack order:
    shape (n_F, 3) or (B, n_F, 3) for a batch. Each vector is normalised; zero vectors are an
    :class:`InputError`.
    """
    ladder = build_ladder(stack)
    ferro = ladder.ferromagnetic_layers
    L = len(stack.layers)
    if magnetizations is None:
        return ladder.stack_magnetizations.copy()
    given = np.asarray(magnetizations, dtype=float)
    if given.ndim == 2:
        given = given[None]
    if given.ndim != 3 or given.shape[1:] != (len(ferro), 3):
        raise InputError("magnetizations",
                         f"expected shape (n_F, 3) or (B, n_F, 3) with n_F = {len(ferro)}, "
                         f"got {np.shape(magnetizations)}")
    norms = np.linalg.norm(given, axis=-1, keepdims=True)
    if not np.all(np.isfinite(given)) or np.any(norms == 0.0):
        raise InputError("magnetizations", "every vector must be finite and non-zero")
    m = np.zeros((given.shape[0], L, 3))
    m[:, ferro, :] = given / norms
    return m


def solve(stack: Stack, magnetizations: ArrayLike | None = None, *,
          kernel: str = "auto") -> TransportResult:
    """Solve the diffusive spin-transport problem exactly (TRANSPORT.md §2–4).

    Parameters
    ----------
    stack : Stack
        The multilayer, its leads and its current density J [A/m²].
    magnetizations : array_like, optional
        Ferromagnet directions in stack order, shape (n_F, 3), or (B, n_F, 3) to solve B
        configurations in one vectorised call. Defaults to the stack's own.
    kernel : {"auto", "general", "lines"}
        ``"lines"`` is a scalar specialisation valid when no node has rank 3 (no normal/normal
        interface); ``"auto"`` picks it whenever it applies. Both give the same numbers.
        With a finite mixing conductance ``"auto"`` (and ``"lines"``) run the folded scalar
        sweep of :mod:`spintorque.transport.fold`, ``"general"`` the block solve of
        :mod:`spintorque.transport.mixing`: the same numbers to rounding.

    Returns
    -------
    TransportResult
        Spin accumulation at every node [V], spin currents [A/m²], torques [J/m²], efficiencies,
        resistance-area products [Ω·m²] and the functional S [W/m²]. Batch results have a leading
        ``case`` axis.

    Notes
    -----
    The layer elements are exact, so the only error is rounding: the answer does not depend on
    any grid. Cost is O(B·L).

    Examples
    --------
    >>> from spintorque import Stack, Layer, Ferromagnet, NormalMetal, solve
    >>> co = Ferromagnet("Co", 7.5e-8, 0.46, 59e-9)
    >>> cu = NormalMetal("Cu", 0.6e-8, 500e-9)
    >>> stack = Stack((Layer("F1", co, 8e-9, (0, 0, 1)), Layer("N", cu, 10e-9),
    ...                Layer("F2", co, 8e-9, (1, 0, 0))), current_density=1e11)
    >>> result = solve(stack)
    >>> result.torque("F2").shape
    (3,)
    """
    m_layers = layer_magnetizations(stack, magnetizations)
    batched = magnetizations is not None and np.ndim(magnetizations) == 3
    ladder = build_ladder(stack)
    m_elements, spaces = ladder.spaces(m_layers, mixing=bool(ladder.mixing))
    Gs, Gt = ladder.series, ladder.shunt
    GL, sL = lead_terms(stack.left)
    GR, sR = lead_terms(stack.right)
    if kernel not in ("auto", "general", "lines"):
        raise InputError("kernel", f"must be 'auto', 'general' or 'lines', got {kernel!r}")
    if ladder.mixing:
        # (the freed mixing nodes have rank 3 in spaces; 'lines' asks about the others, which
        # the fold keeps scalar: the node plan's static ranks, the dynamic ones being 0 or 1)
        lines = kernel != "lines" or bool(np.all(ladder.node_ranks <= 1))
    else:
        lines = bool(np.all(spaces.kind <= 1))
    if kernel == "lines" and not lines:
        raise InputError("kernel", "'lines' needs every node of rank <= 1 (no N/N interface)")
    # Below a few hundred configurations waking the thread pool costs more than it saves.
    parallel = spaces.kind.shape[0] >= PARALLEL_THRESHOLD
    jperp = None
    if ladder.mixing:
        method = "block" if kernel == "general" else "fold"
        mu, delta, jperp, rank = _solve_mixing(ladder, spaces, m_elements, GL, GR, sL, sR,
                                               method)
    else:
        if lines and kernel != "general":
            run = sweep_lines if parallel else sweep_lines_serial
        else:
            run = sweep if parallel else sweep_serial
        sources = ladder.polarization[None, :, None] * m_elements
        mu, delta = run(spaces.kind, spaces.vec, Gs, Gt, sources, GL, GR, sL, sR)
        rank = spaces.kind
    if not batched:
        mu, delta, m_layers, m_elements = mu[0], delta[0], m_layers[0], m_elements[0]
        rank = rank[0]
        jperp = None if jperp is None else jperp[0]
    return TransportResult(
        stack=stack, magnetization=m_layers, mu_unit=mu, delta_unit=delta, rank=rank,
        series=Gs, shunt=Gt, ladder=ladder, element_magnetization=m_elements,
        mixing_current_unit=jperp,
    )


def _solve_mixing(ladder: Ladder, spaces: NodeSpaces, m_elements: FloatArray,
                  GL: float, GR: float, sL: FloatArray, sR: FloatArray,
                  method: str = "fold"
                  ) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.int64]]:
    """Stacks with a finite mixing conductance: the N-side node of such an interface is freed
    (rank 3, unless a sink pins it) and carries Y; ``spaces`` has these ranks already
    (``Ladder.spaces(..., mixing=True)``).

    ``method="fold"`` runs the scalar sweep of :mod:`spintorque.transport.fold` (the
    transverse unknowns eliminated in closed form); ``"block"`` the block-tridiagonal solve of
    :mod:`spintorque.transport.mixing`, the reference it is tested against, which also takes
    any configuration the fold reports it does not cover.
    """
    kind = spaces.kind  # the ranks of ladder.mixing_plan (Ladder.spaces(..., mixing=True))
    B = kind.shape[0]
    _, yr, yi = ladder.mixing_plan
    Gs, Gt, line = ladder.series, ladder.shunt, ladder.line_elements
    m_elements = np.ascontiguousarray(m_elements)
    parallel = B >= PARALLEL_THRESHOLD
    if method == "fold":
        run_fold = sweep_folded if parallel else sweep_folded_serial
        mu, delta, jperp, ok = run_fold(kind, spaces.vec, Gs, Gt, line, ladder.polarization,
                                        m_elements, yr, yi, GL, GR, sL, sR)
        if ok.all():
            return mu, delta, jperp, kind
        rest = np.flatnonzero(~ok)
        mu[rest], delta[rest], jperp[rest], _ = _solve_mixing(
            ladder, NodeSpaces(spaces.kind[rest], spaces.vec[rest]), m_elements[rest],
            GL, GR, sL, sR, "block")
        return mu, delta, jperp, kind
    run = sweep_mixing if parallel else sweep_mixing_serial
    sources = ladder.polarization[None, :, None] * m_elements
    mu, delta, jperp = run(kind, spaces.vec, Gs, Gt, line, m_elements, sources, yr, yi, GL, GR,
                           sL, sR)
    return mu, delta, jperp, kind
