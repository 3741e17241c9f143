"""The grid ladder beyond the dense grids: 1024 … 8192 cells, evolved sparsely (issue 14).

Where the dense ladder (:func:`~spintorque.thermal.wer.rates._grid_ladder`, grids up to
:data:`DENSE_CELLS`) misses rtol, the density's log-slope across the cut z = 0 is 400 … 800
(sigma = 200; the intermediate pulses of sigma = 40, 60 at h = 0.5) and no map of ≤ 1024 cells
is in the asymptotic range of the h² series. Cells uniform in θ are: at sigma = 200, h = 0,
i = −1, t = 1e-3 … 3e-2 tau_N the Romberg table over 1448 … 8192 cells moves by 1e-10 … 5e-10
in its last step (4e-5 … 3e-4 over 1448 … 4096), so the ladder here is uniform in θ by default
(the equator grading of the dense short pulses would raise the uniformisation rate, and with it
the cost, 4 … 270×); the milder alternative maps of the dense ladder run here too, as the
independent check of the uniform cells (:func:`~spintorque.thermal.wer.rates._sparse_refinement`,
``grading``).
The evolution is :func:`~spintorque.thermal.wer.sparse_propagator.sparse_side_masses`, whose
cost is N·Λ·t cell-steps (Λ ∝ N²): a pulse leaves the ladder on the first grid where it would
take more than :data:`SPARSE_WORK` (its values then those of the grids it had).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spintorque.thermal.axial.fokker_planck import AxialModel
from spintorque.thermal.wer.chain import build_chain
from spintorque.thermal.wer.sparse_propagator import sparse_side_masses

FloatArray = NDArray[np.float64]
DENSE_CELLS = 1024
"""Largest grid of the dense propagator (N³ per squaring); finer grids are evolved here."""
SPARSE_WORK = 5_000_000_000
"""Cell-steps (N × uniformisation steps) one pulse may cost on one grid (~15 s on one core)."""
MIN_SPARSE_GRIDS = 4
"""Grids (1024 … 2048) every pulse gets here before its estimate may stop its refinement."""
Extrapolate = Callable[[list[FloatArray], FloatArray, tuple[int, ...]], tuple[FloatArray, FloatArray]]


@dataclass(frozen=True)
class SparseRow:
    """Side masses extrapolated over the sparse grids, per pulse.

    Attributes
    ----------
    start, switched : ndarray
        Extrapolated masses on z > 0 and z < 0 (NaN where fewer than three grids were reached).
    start_error, switched_error : ndarray
        Their estimated relative errors (inf where fewer than three grids were reached).
    finest : ndarray of int
        The finest grid each pulse had (0: none).
    cells : tuple of int
        The grids run.
    """

    start: FloatArray
    switched: FloatArray
    start_error: FloatArray
    switched_error: FloatArray
    finest: NDArray[np.int64]
    cells: tuple[int, ...]


def sparse_ladder(
    model: AxialModel,
    start: AxialModel,
    times: FloatArray,
    rtol: float,
    sizes: tuple[int, ...],
    extrapolate: Extrapolate,
    grading: tuple[float, float] | None = None,
) -> SparseRow:
    """The ladder over ``sizes`` (cells uniform in θ) for ``times`` [tau_N] of the pulse
    ``model`` from the zero-current state ``start``: each grid for the pulses that still miss
    rtol on either side (after :data:`MIN_SPARSE_GRIDS`) and that it can afford
    (:data:`SPARSE_WORK`), extrapolated by ``extrapolate`` (the dense ladder's Romberg in log
    space, :func:`~spintorque.thermal.wer.rates._extrapolate`). ``grading``: another cell map
    (:func:`~spintorque.thermal.wer.chain.theta_edges`) instead of cells uniform in θ."""
    evolve, D = model.equivalent()  # nu: potential U/D, time D·t
    pulses = times * D
    n_t = times.size
    start_mass, switched = np.full(n_t, np.nan), np.full(n_t, np.nan)
    start_err, switched_err = np.full(n_t, np.inf), np.full(n_t, np.inf)
    finest = np.zeros(n_t, dtype=np.int64)
    starts: list[FloatArray] = []
    switches: list[FloatArray] = []
    extra, extra_sw = np.zeros(n_t), np.zeros(n_t)  # each side's own bound (SideMasses)
    pending = np.ones(n_t, dtype=bool)
    cells: tuple[int, ...] = ()
    for n in sizes:
        if not pending.any():
            break
        sides = sparse_side_masses(build_chain(evolve, n, grading), start, pulses[pending], SPARSE_WORK // n)
        reached = np.isfinite(sides.error)
        index = np.flatnonzero(pending)
        pending[index[~reached]] = False  # too costly here: keeps what the coarser grids gave
        if not pending.any():
            break
        kept = reached
        full = [np.full(n_t, np.nan) for _ in range(2)]
        full[0][pending], full[1][pending] = sides.start[kept], sides.switched[kept]
        starts.append(full[0])
        switches.append(full[1])
        extra[pending] = np.maximum(extra[pending], sides.start_error[kept])
        extra_sw[pending] = np.maximum(extra_sw[pending], sides.switched_error[kept])
        finest[pending] = n
        cells = (*cells, n)
        if len(cells) < 3:
            continue
        # the pending pulses have every grid so far (pending only shrinks)
        start_mass[pending], start_err[pending] = extrapolate(
            [v[pending] for v in starts], extra[pending], cells
        )
        switched[pending], switched_err[pending] = extrapolate(
            [v[pending] for v in switches], extra_sw[pending], cells
        )
        if len(cells) >= MIN_SPARSE_GRIDS:
            pending &= np.maximum(start_err, switched_err) > rtol
    # a pulse that left before three grids has no extrapolation: no value from here
    return SparseRow(start_mass, switched, start_err, switched_err, finest, cells)
