r"""Converged escape quantities of the 2D problem: a grid family chosen from the energy landscape,
several grids, and extrapolation to zero step with an error estimate.

Two families (``docs/thermal.md``):

* **axial-like** (the probability is not confined to a plane): polar axis through the starting
  well, N uniform rings (one centred on the barrier surface m·u = 0) of N cells;
* **planar** (a strong easy plane, e.g. an in-plane film, where the hard-axis energy exceeds the
  barrier): polar axis along the hard axis, rings crowded towards the film plane
  (:meth:`SphereGrid.equator_refined`), N rings of 4N cells, azimuth turned so that a column of
  cell centres lies on the barrier surface m·u = 0 and one on the well.

λ1 and the integral relaxation time have errors even in the step (powers 2, 4, 6); the first
passage to the ring or column of centres also has odd powers (2, 3, 4). The step of the
family is proportional to 1/N.

Every quantity is carried as its logarithm (:class:`Converged`): the axisymmetric family (one
cell per ring, for problems symmetric about u) is solved in log arithmetic
(:mod:`~spintorque.thermal.sphere.axisymmetric`) and has no barrier limit; the N × N families
use the ring elimination, whose first passage (axial-like family) has none either, while λ1,
τ_int (both wells deeper) and the planar first passage refuse barriers above :data:`MAX_EXPONENT`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError
from spintorque.thermal.sphere import solvers as sphere
from spintorque.thermal.sphere.axisymmetric import (
    LogRingChain,
    log_integral_relaxation_time,
    log_slowest_rate,
)
from spintorque.thermal.sphere.chain import SphereChain, build_chain
from spintorque.thermal.sphere.grid import SphereGrid, unit_vector
from spintorque.thermal.sphere.model import SphereModel

FloatArray = NDArray[np.float64]

DEFAULT_SIZES = {"axial-like": (65, 81, 97, 113, 129), "planar": (33, 41, 49, 57, 65),
                 "axisymmetric": (129, 161, 193, 225, 257)}
"""Grid sizes N of each family (odd): axial-like N rings × N azimuthal cells, planar N rings ×
4N cells, axisymmetric N rings × 1 cell (the smallest N; steeper landscapes get finer grids,
:func:`axisymmetric_sizes`). At sigma = 40 they give λ1 to ~1e-8 (``benchmarks/thermal.py``)."""

MAX_EXPONENT = 650.0
"""Largest barrier [k_BT] for the linear solves of the N × N families (:func:`_check_range`):
λ1 and τ_int where both wells are deeper, the first passage of the planar family. The
axisymmetric family (log arithmetic, :mod:`spintorque.thermal.sphere.axisymmetric`) and the
first passage of the axial-like family (scaled killing rates) have no such limit."""

_LOG_MAX = math.log(np.finfo(float).max)
_LOG_TINY = math.log(np.finfo(float).tiny)

STEP = 1.0
"""Largest rise of the effective potential [k_BT] across one cell of the coarsest axisymmetric
grid (MFPT to ~1e-6 on the regime scan of ``benchmarks/sphere_regimes.py``)."""

MAX_RINGS = 65537
"""Finest axisymmetric grid allowed (its chain costs O(N) per solve); a landscape that would
need more is refused."""

CONVERGED = 1e-3
"""Largest relative error estimate reported as converged (see ``docs/thermal.md``, "Limits")."""

PLANAR_STRETCH = 4.0
"""Crowding of the rings towards the film plane in the planar family (spacing ×0.15 there)."""


@dataclass(frozen=True)
class Converged:
    """A quantity extrapolated to zero grid step, held as its natural logarithm, with its
    relative error estimate and the raw values (as logarithms).

    ``log`` is finite for every result (the value itself may lie beyond the double range:
    :attr:`value` then raises :class:`EscapeOverflowError` naming the logarithm); it is nan
    only where the extrapolation was not positive. ``asymptotic`` says whether the raw values
    approach their limit as the square of the step, the premise of the extrapolation and of its
    error estimate: the ratios of successive differences match those of 1/N² within 20 % on
    the three finest grids.
    """

    log: float
    relative_error: float
    log_values: tuple[float, ...]
    asymptotic: bool = True

    @property
    def value(self) -> float:
        """exp(log); :class:`EscapeOverflowError` where a double cannot hold it."""
        return _exp_checked(self.log)

    @property
    def error(self) -> float:
        """Absolute error estimate, relative_error·|value|."""
        return self.relative_error * self.value

    @property
    def values(self) -> tuple[float, ...]:
        """The raw values of the grids."""
        return tuple(_exp_checked(v) for v in self.log_values)


def _exp_checked(log: float) -> float:
    if not math.isfinite(log):
        raise InputError("extrapolation", f"the extrapolation over the grids gave no positive "
                         f"value (ln = {log!r})")
    if not _LOG_TINY <= log <= _LOG_MAX:
        raise EscapeOverflowError(log)
    return math.exp(log)


def from_logs(sizes: tuple[int, ...], logs: list[float],
              powers: tuple[int, ...] | None = None) -> Converged:
    """Extrapolate raw values given as logarithms: the values scaled by the finest grid's,
    e^{ln v_n − ln v_finest} (numbers near one), are extrapolated as in
    :func:`spintorque.thermal.sphere.solvers.extrapolate`, which is linear in the values, so
    the result is the same as extrapolating the values themselves (to rounding)."""
    ref = logs[-1]
    scaled = [math.exp(v - ref) for v in logs]
    value, error = sphere.extrapolate(sizes, scaled, powers)
    asymptotic = _second_order(sizes, scaled)
    if not (value > 0 and math.isfinite(value)):
        return Converged(math.nan, math.inf, tuple(logs), asymptotic)
    return Converged(ref + math.log(value), error / value, tuple(logs), asymptotic)


def _second_order(sizes: tuple[int, ...], values: list[float]) -> bool:
    n = np.asarray(sizes[-4:], dtype=float)
    v = np.asarray(values[-4:], dtype=float)
    dv, dh = np.diff(v), np.diff(1.0 / n**2)
    if np.any(dv == 0.0):
        return bool(np.all(np.abs(dv) <= 1e-13 * np.abs(v).max()))
    observed = dv[:-1] / dv[1:]
    expected = dh[:-1] / dh[1:]
    return bool(np.all(np.abs(observed / expected - 1.0) < 0.2))


class EscapeOverflowError(InputError):
    """A value e^{log} (an escape time e^{ΔE} tau_N, a rate e^{−ΔE}/tau_N) beyond the double
    range: raised by :attr:`Converged.value` only; its logarithm is :attr:`Converged.log`."""

    def __init__(self, log: float, grids: bool = False) -> None:
        if grids:  # the linear parts of the N × N families (not the axisymmetric one)
            super().__init__("sigma", f"the barrier is about {log:.4g} k_BT: on the N × N grids "
                             "of a problem without axial symmetry λ1 and τ_int (both wells "
                             "that deep) and the first passage of the planar family are "
                             f"solved in linear arithmetic, which handles up to {MAX_EXPONENT:g} "
                             "k_BT; the state is stable for any practical purpose")
            return
        side = "beyond" if log > 0 else "below"
        super().__init__("sigma", f"the value is e^{log:.6g} = 10^{log / math.log(10.0):.6g}, "
                         f"{side} the floating-point range; its natural logarithm is "
                         "Converged.log (the state is stable for any practical purpose where "
                         "an escape time is this long)")


@dataclass(frozen=True)
class Escape2D:
    """λ1, integral relaxation time of m·u and MFPT from the well u to the target surface
    m·u = transition (default 0) [tau_N units].

    λ1 is the smallest non-zero eigenvalue among the modes that functions of m·u excite (for a
    problem symmetric about u: the smallest non-zero eigenvalue of its axially symmetric part,
    i.e. of the 1D problem, in every regime: below, at and above the critical current).
    """

    lambda1: Converged
    integral_relaxation_time: Converged
    mfpt: Converged
    family: str
    sizes: tuple[int, ...]
    lambda1_frequency: float = 0.0
    """|Im λ| of the slowest mode on the finest grid [1/tau_N]. Non-zero: the slowest mode is
    a complex pair (m·u relaxes while precessing, e.g. a tilted polariser far above I_c); λ1
    is then its decay rate Re λ."""
    switching_rate: Converged | None = None
    """Two-state forward rate λ1·P_stat(m·u < transition) [1/tau_N] (None where the
    stationary mass beyond the target surface underflows)."""

    @property
    def converged(self) -> bool:
        """All three quantities in the asymptotic regime with error estimates below
        :data:`CONVERGED`. Not met at low damping under a non-conservative torque, where the
        precession is upwinded on the grid scale (``docs/thermal.md``, "Limits")."""
        return self.warning is None

    @property
    def warning(self) -> str | None:
        """None when converged, else one line naming the quantities that are not, and why."""
        names = ("lambda1", "integral_relaxation_time", "mfpt")
        bad = []
        for name, q in zip(names, (self.lambda1, self.integral_relaxation_time, self.mfpt),
                           strict=True):
            if not q.asymptotic:
                bad.append(f"{name} (not in the 1/N² regime on grids {self.sizes[0]}–{self.sizes[-1]})")
            elif not q.relative_error < CONVERGED:
                bad.append(f"{name} (relative error estimate {q.relative_error:.2g} > {CONVERGED:g})")
        if not bad:
            return None
        return ("the 2D grids are not converged for " + ", ".join(bad)
                + "; see docs/thermal.md, 'Limits of the 2D solver'")


def _fibonacci(n: int = 4000) -> FloatArray:
    k = np.arange(n) + 0.5
    z = 1.0 - 2.0 * k / n
    phi = math.pi * (1.0 + math.sqrt(5.0)) * k
    r = np.sqrt(1.0 - z * z)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=-1)


def _refine(model: SphereModel, start: FloatArray, sign: float) -> FloatArray:
    """Local minimum (sign +1) or maximum (sign −1) of U next to ``start`` (Nelder–Mead in
    spherical angles about a frame in which ``start`` lies on the equator, away from the poles)."""
    from scipy.optimize import minimize

    e3 = np.array([0.0, 0.0, 1.0]) if abs(start[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    e1 = start
    e2 = np.cross(e3, e1)
    e2 /= np.linalg.norm(e2)
    e3 = np.cross(e1, e2)

    def direction(angles: FloatArray) -> FloatArray:
        t, p = angles
        return np.asarray(math.cos(t) * math.cos(p) * e1 + math.cos(t) * math.sin(p) * e2
                          + math.sin(t) * e3)

    def energy(angles: FloatArray) -> float:
        return sign * float(model.potential(direction(angles)))
    best = minimize(energy, [0.0, 0.0], method="Nelder-Mead",
                    options={"xatol": 1e-12, "fatol": 1e-15, "maxiter": 4000})
    return direction(best.x) if energy(best.x) <= energy(np.zeros(2)) else start


def well_direction(model: SphereModel, near: ArrayLike) -> FloatArray:
    """The energy minimum of the well containing direction ``near`` (the best of 4000
    near-uniform sample directions within 60° of it, refined by a local minimisation)."""
    v = unit_vector(near, "initial")
    points = _fibonacci()
    close = points[points @ v > 0.5]
    return _polish(model, _refine(model, close[int(np.argmin(model.potential(close)))], 1.0))


def _polish(model: SphereModel, m: FloatArray, steps: int = 6) -> FloatArray:
    """Newton steps on the surface gradient (sixth-order differences) from the Nelder–Mead
    minimum, whose angle is only good to ~sqrt(fatol/U'') ≈ 1e-8 rad: an axially symmetric
    problem is then recognised as such (its well on the symmetry axis to rounding) and gets the
    one-cell grid family instead of a slightly tilted N × N grid (issue 14: MFPT 3e-6 → 1e-9)."""
    from spintorque.thermal.energy.orbits import _hessian, gradient, tangent_frame

    for _ in range(steps):
        a, b = tangent_frame(m)
        g = gradient(model.potential, m)
        _, H = _hessian(model.potential, m)
        try:
            x, y = -np.linalg.solve(H, np.array([g @ a, g @ b]))
        except np.linalg.LinAlgError:
            return m
        size = math.hypot(x, y)
        if not (math.isfinite(size) and size < 1e-3) or not np.all(np.linalg.eigvalsh(H) > 0):
            return m  # not in the quadratic basin of a minimum: keep the Nelder–Mead point
        moved = unit_vector(m + x * a + y * b, "well")
        if float(model.potential(moved)) > float(model.potential(m)) + 1e-12 * (
                1.0 + abs(float(model.potential(m)))):
            return m
        m = moved
        if size < 1e-15:
            break
    return m


def _rotate(v: FloatArray, axis: FloatArray, angle: float) -> FloatArray:
    return np.asarray(v * math.cos(angle) + np.cross(axis, v) * math.sin(angle)
                      + axis * float(axis @ v) * (1.0 - math.cos(angle)))


def _rotate_many(v: FloatArray, axis: FloatArray, angle: float) -> FloatArray:
    return np.asarray(v * math.cos(angle) + np.cross(axis, v) * math.sin(angle)
                      + np.outer(v @ axis, axis) * (1.0 - math.cos(angle)))


def axially_symmetric(model: SphereModel, axis: ArrayLike) -> bool:
    """Whether U and the drift are invariant under rotations about ``axis`` (checked on 400
    directions and two angles, to 1e-10 of the scale of U and w). The slow modes of m·axis are
    then functions of m·axis alone, and one azimuthal cell gives them exactly."""
    u = unit_vector(axis, "well")
    m = _fibonacci(400)
    U = np.asarray(model.potential(m), dtype=float)
    scale = 1.0 + float(np.abs(U).max())
    w = np.asarray(model.drift(m), dtype=float) if model.drift is not None else None
    wscale = 1.0 + (float(np.abs(w).max()) if w is not None else 0.0)
    for angle in (0.7, 2.3):
        r = _rotate_many(m, u, angle)
        if np.abs(np.asarray(model.potential(r)) - U).max() > 1e-10 * scale:
            return False
        if w is not None and model.drift is not None and np.abs(
                np.asarray(model.drift(r)) - _rotate_many(w, u, angle)).max() > 1e-10 * wscale:
            return False
    return True


def ring_split(n: int, theta: float) -> tuple[int, int]:
    """Rings above and below the ring centred on θ = theta in a grid of n rings: n // 2 each
    (a split that is smooth in n, as the extrapolation needs), or in proportion to theta where
    that does not fit (theta within ~π/n of a pole)."""
    half = n // 2
    if (half + 1) * theta / (half + 0.5) < math.pi and theta > 0.0:
        return half, n - 1 - half
    above = min(max(1, round((n - 1) * theta / math.pi)), n - 2)
    return above, n - 1 - above


def _ring_grid(u: FloatArray, reference: FloatArray, theta: float,
               cells: Callable[[int], int]) -> Callable[[int], SphereGrid]:
    def make(n: int) -> SphereGrid:
        # a ring of centres on the target cone θ = theta (m·u = cos theta)
        above, below = ring_split(n, theta)
        return SphereGrid.with_ring_at(theta, above, below, cells(n), axis=u, reference=reference)
    return make


def _axisymmetric_grid(u: FloatArray, reference: FloatArray,
                       theta: float = 0.5 * math.pi) -> Callable[[int], SphereGrid]:
    """n rings of one azimuthal cell, a ring centred on θ = theta (default: m·u = 0)."""
    return _ring_grid(u, reference, theta, lambda n: 1)


def _profile(model: SphereModel, u: FloatArray, reference: FloatArray, n: int,
             theta: float = 0.5 * math.pi) -> FloatArray:
    """Effective potential Ũ_eff at the ring centres of the axisymmetric grid of size n: the
    chain's detailed balance gives Ũ_eff(k+1) − Ũ_eff(k) = Ũ(k+1) − Ũ(k) − x_k (x: the drift's
    Péclet number of the face)."""
    chain = build_chain(model, _axisymmetric_grid(u, reference, theta)(n))
    steps = np.diff(chain.potential[:, 0]) - chain.peclet[0][:, 0]
    return np.asarray(np.concatenate([[0.0], np.cumsum(steps)]))


def escape_exponent(profile: FloatArray, start_side: int) -> float:
    """Largest exponent of the escape times of a 1D profile V (ring 0 at the well): the largest
    climb max_{a<b} (V_b − V_a) met on the way from the well to the ring ``start_side`` (the
    first passage) and the metastability exponent of the whole profile (λ1: at each ring the
    smaller of the climbs from the deepest points on either side)."""
    v = np.asarray(profile, dtype=float)
    first = v[:start_side + 1]
    climb = float(np.max(first - np.minimum.accumulate(first)))
    left = np.minimum.accumulate(v)
    right = np.minimum.accumulate(v[::-1])[::-1]
    meta = float(np.max(np.minimum(v - left, v - right)))
    return max(climb, meta)


def axisymmetric_sizes(model: SphereModel, well: ArrayLike,
                       base: tuple[int, ...] = DEFAULT_SIZES["axisymmetric"],
                       theta: float = 0.5 * math.pi) -> tuple[int, ...]:
    """Grid sizes for an axially symmetric problem: ``base`` scaled up until the effective
    potential rises by at most :data:`STEP` k_BT across a cell of the coarsest grid.

    Raises :class:`InputError` if the landscape needs more than :data:`MAX_RINGS` rings. There
    is no barrier limit: the family is solved in log arithmetic.
    """
    u = unit_vector(well, "well")
    reference = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    n = base[0]
    v = _profile(model, u, reference, n, theta)
    factor = max(1.0, float(np.max(np.abs(np.diff(v)))) / STEP)
    sizes = tuple(math.ceil(b * factor) // 2 * 2 + 1 for b in base)
    if sizes[-1] > MAX_RINGS:
        raise InputError("sigma", f"the effective potential is too steep for the 2D grids "
                         f"(would need {sizes[-1]} rings, at most {MAX_RINGS})")
    return sizes


def grid_family(model: SphereModel, well: ArrayLike, theta: float = 0.5 * math.pi
                ) -> tuple[str, Callable[[int], SphereGrid]]:
    """The family name and a function n → SphereGrid for ``model`` started in ``well``, with
    a ring of cell centres on the target cone θ = theta about it (the planar family keeps its
    column of centres on m·u = 0)."""
    u = unit_vector(well, "well")
    if axially_symmetric(model, u):
        reference = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
        return "axisymmetric", _axisymmetric_grid(u, reference, theta)
    points = _fibonacci()
    U = np.asarray(model.potential(points), dtype=float)
    hard = _refine(model, points[int(np.argmax(U))], -1.0)
    hard = hard - float(hard @ u) * u
    if np.linalg.norm(hard) > 1e-6:
        hard = hard / np.linalg.norm(hard)
        plane = np.abs(points @ hard) < 0.05
        barrier = float(U[plane].max() - model.potential(u))
        lift = float(model.potential(hard) - U[plane].max())
        if barrier > 0 and lift > barrier:
            def planar(n: int) -> SphereGrid:
                # n odd: a ring of centres on the film plane (the well, the saddles); the
                # azimuth is turned so that columns of centres lie on u and on m·u = 0
                dphi = 2.0 * math.pi / (4 * n)
                return SphereGrid.equator_refined(n, 4 * n, PLANAR_STRETCH, axis=hard,
                                                  reference=_rotate(u, hard, -0.5 * dphi))
            return "planar", planar
    reference = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])

    # n odd: a ring centred on the target cone; steps ≈ π/n and 2π/n
    return "axial-like", _ring_grid(u, reference, theta, lambda n: n)


def escape_2d(model: SphereModel, well: ArrayLike = (0.0, 0.0, 1.0),
              sizes: tuple[int, ...] | None = None, *, family: str | None = None,
              transition: float | None = None, split: float | None = None) -> Escape2D:
    """Escape rate, relaxation time and first passage of the 2D problem, extrapolated.

    Parameters
    ----------
    model : SphereModel
    well : array_like
        Direction u of the starting well (the first passage is from u to the surface
        m·u = ``transition``).
    sizes : tuple of int
        Odd grid sizes N of the family (at least 3, ascending; default :data:`DEFAULT_SIZES`,
        scaled to the landscape for the axisymmetric family).
    family : str, optional
        Force a grid family ("axial-like", "planar" or "axisymmetric"; default: chosen from the
        landscape, "axisymmetric" when U and the drift are symmetric about u). "axial-like" on a
        symmetric problem keeps the azimuthal modes on the grid (a check of the 2D machinery).
    transition : float, optional
        m·u of the target surface of the first passage, in (−1, 1) (default 0: the surface
        perpendicular to u); a ring of cell centres lies on it (axisymmetric and axial-like
        families). The switching rate λ1·P_stat(m·u < split) is returned too.
    split : float, optional
        m·u of the surface of the two-state split (default: ``transition``), in (−1, 1); where
        it differs from ``transition`` the stationary distribution is taken on grids of the
        same family with a ring of centres on it (and λ1 of the split from their slowest mode).

    Raises
    ------
    EscapeOverflowError
        On the N × N families (no axial symmetry) only, what stays linear there
        (:func:`_check_range`: λ1 and τ_int with both wells deeper than :data:`MAX_EXPONENT`,
        the planar first passage). Every quantity is a logarithm (:attr:`Converged.log`); a
        value beyond the double range raises only when :attr:`Converged.value` is asked for.
    SlowestModeError
        The slowest mode excited by m·u is not isolated (the iteration does not converge). A
        complex slowest pair is not an error: λ1 is its decay rate, ``lambda1_frequency`` its
        angular frequency.
    """
    target = 0.0 if transition is None else float(transition)
    if not (math.isfinite(target) and -1.0 < target < 1.0):
        raise InputError("transition", f"must lie in (-1, 1), got {transition!r}")
    theta = math.acos(target)
    cut = target if split is None else float(split)
    if not (math.isfinite(cut) and -1.0 < cut < 1.0):
        raise InputError("split", f"must lie in (-1, 1), got {split!r}")
    chosen, make = grid_family(model, well, theta)
    u = unit_vector(well, "well")
    if family is not None and family != chosen:
        reference = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
        if family == "axial-like":
            make = _ring_grid(u, reference, theta, lambda n: n)
        elif family == "axisymmetric" and axially_symmetric(model, u):
            make = _axisymmetric_grid(u, reference, theta)
        else:
            raise InputError("family", f"{family!r} does not apply here (chosen: {chosen!r})")
        chosen = family
    given = sizes
    if sizes is None:
        sizes = axisymmetric_sizes(model, u, theta=theta) if chosen == "axisymmetric" \
            else DEFAULT_SIZES[chosen]
    if len(sizes) < 3 or list(sizes) != sorted(set(sizes)) or any(n % 2 == 0 or n < 5 for n in sizes):
        raise InputError("sizes", "need at least three ascending odd grid sizes >= 5")
    if chosen != "axisymmetric":
        _check_range(model, u, chosen)
    spectral_sizes, spectral_make = sizes, make
    if chosen == "axisymmetric" and target != 0.0:
        # λ1 and τ_int on the symmetric grids (ring on m·u = 0: the most accurate
        # extrapolation); the first passage and the split on grids with a ring on the target
        reference = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
        spectral_make = _axisymmetric_grid(u, reference)
        spectral_sizes = given if given is not None else axisymmetric_sizes(model, u)
    lam: list[float] = []
    tau: list[float] = []
    first: list[float] = []
    rate: list[float] = []
    frequency = 0.0
    both = spectral_make is make
    if not both:
        for n in spectral_sizes:
            got = _grid_logs(model, spectral_make(n), u, spectral=True)
            lam.append(got["lambda1"])
            tau.append(got["tau"])
            frequency = got["frequency"]
    for n in sizes:
        got = _grid_logs(model, make(n), u, spectral=both, target=target,
                         cut=cut if cut == target else None)
        if both:  # λ1 and τ_int on the same grids
            lam.append(got["lambda1"])
            tau.append(got["tau"])
            frequency = got["frequency"]
        first.append(got["mfpt"])
        # two-state split: k_fwd = λ1 P_stat(beyond the split surface), the ring on it
        # counted half (its cells straddle the surface)
        rate.append(got["lambda1"] + got["beyond"] if cut == target else 0.0)

    odd = tuple(range(2, len(sizes) + 1))
    rate_at = tuple(sizes)
    if cut != target:  # the split on grids of the same family with a ring on its own surface
        split_theta = math.acos(cut)
        split_family, split_make = grid_family(model, u, split_theta)
        if split_family != chosen:
            reference = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
            split_make = _axisymmetric_grid(u, reference, split_theta) if chosen == "axisymmetric" \
                else _ring_grid(u, reference, split_theta, lambda n: n)
        rate_at = axisymmetric_sizes(model, u, theta=split_theta) \
            if chosen == "axisymmetric" and given is None else tuple(sizes)
        rate = []
        for n in rate_at:  # λ1 and the split on the same grid (its slowest mode)
            got = _grid_logs(model, split_make(n), u, cut=cut)
            rate.append(got["lambda1"] + got["beyond"])
    forward = from_logs(rate_at, rate) if all(math.isfinite(k) for k in rate) else None
    spectral_at = tuple(spectral_sizes)
    return Escape2D(from_logs(spectral_at, lam), from_logs(spectral_at, tau),
                    from_logs(tuple(sizes), first, odd), chosen, spectral_at, frequency, forward)


def _grid_logs(model: SphereModel, grid: SphereGrid, u: FloatArray, *, spectral: bool = False,
               target: float | None = None, cut: float | None = None) -> dict[str, float]:
    """Logarithms of the quantities on one grid: ln λ1 (with ``spectral`` or ``cut``) and
    ln τ_int of m·u (``spectral``), ln MFPT from u to m·u <= ``target``, ln P_stat(m·u < cut)
    (the ring on the cut counted half), and |Im λ| of the slowest mode ("frequency").

    A one-cell-per-ring grid is solved in log arithmetic (no barrier limit); the N × N grids
    by the linear ring elimination, whose values must stay within the double range."""
    chain = build_chain(model, grid)
    out: dict[str, float] = {"frequency": 0.0}
    if grid.n_phi == 1:
        ring = LogRingChain.of(chain)
        x = grid.centres[:, 0] @ u
        if spectral or cut is not None:
            out["lambda1"] = log_slowest_rate(ring, x)
        if spectral:
            out["tau"] = log_integral_relaxation_time(ring, x)
        if target is not None:
            out["mfpt"] = ring.log_mfpt(int(np.argmax(x <= target + 1e-9)) if np.any(
                x <= target + 1e-9) else x.size)
        if cut is not None:
            out["beyond"] = ring.log_probability(x < cut - 1e-9, np.abs(x - cut) <= 1e-9)
        return out
    try:
        lam: list[float] = []
        tau: list[float] = []
        if spectral:
            out["frequency"] = _spectral(chain, grid, u, lam, tau)
            out["lambda1"], out["tau"] = math.log(lam[0]), math.log(tau[0])
        elif cut is not None:
            mode = sphere.slowest_mode(chain, start=grid.centres @ u)
            if not mode.real > 0:
                raise EscapeOverflowError(MAX_EXPONENT, grids=True)
            out["lambda1"] = math.log(mode.real)
        if target is not None:  # scaled killing rates: no overflow on the axial-like family
            out["mfpt"] = sphere.log_mean_first_passage_time(
                chain, absorbing=lambda m: m @ u <= target + 1e-9, start=u)
        if cut is not None:
            beyond = _beyond(chain, grid, u, cut)
            out["beyond"] = math.log(beyond) if beyond > 0 else -math.inf
    except sphere.SlowestModeError:
        raise
    except InputError as exc:
        if "singular" in exc.message:  # a pivot underflowed: rates below e^-709
            raise EscapeOverflowError(MAX_EXPONENT, grids=True) from exc
        raise
    except np.linalg.LinAlgError as exc:  # an overflowed linear solve (inf/nan in the iteration)
        raise EscapeOverflowError(MAX_EXPONENT, grids=True) from exc
    return out


def _beyond(chain: SphereChain, grid: SphereGrid, u: FloatArray, cut: float) -> float:
    """Stationary probability of m·u < cut on one grid, the ring of centres on m·u = cut
    counted half (its cells straddle the surface)."""
    p = sphere.stationary_distribution(chain)
    x = grid.centres @ u
    return float(p[x < cut - 1e-9].sum() + 0.5 * p[np.abs(x - cut) <= 1e-9].sum())


def _spectral(chain: SphereChain, grid: SphereGrid, u: FloatArray, lam: list[float],
              tau: list[float]) -> float:
    """Append λ1 and τ_int of m·u on one grid; return |Im λ| of the slowest mode."""
    mode = sphere.slowest_mode(chain, start=grid.centres @ u)
    lam.append(mode.real)
    tau.append(sphere.integral_relaxation_time(chain, observable=grid.centres @ u))
    if not all(math.isfinite(x) and x > 0 for x in (lam[-1], tau[-1])):
        raise EscapeOverflowError(MAX_EXPONENT, grids=True)
    return abs(mode.imag)


def _check_range(model: SphereModel, u: FloatArray, family: str) -> None:
    """Refuse a landscape the linear parts of the N × N solve cannot hold.

    Every path from the well u to m·u = 0 crosses that great circle, so the zero-current barrier
    out of the well is at least B_out = min over the circle of U minus U(u), and out of the
    reversed side B_back = the same minimum minus the lowest U with m·u < 0. λ1, τ_int and the
    stationary distribution need the smaller of the two below :data:`MAX_EXPONENT` (their
    solves are linear: times up to e^{min barrier}); the first passage of the axial-like family
    has no such limit (scaled killing rates, :mod:`~spintorque.thermal.sphere.ring_elimination`),
    that of the planar family, whose absorbing set cuts every ring, needs B_out below it.
    """
    ref = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    a = ref - float(ref @ u) * u
    a /= np.linalg.norm(a)
    b = np.cross(u, a)
    phi = np.linspace(0.0, 2.0 * math.pi, 2049)[:-1]
    circle = np.cos(phi)[:, None] * a + np.sin(phi)[:, None] * b
    top = float(np.min(model.potential(circle)))
    points = _fibonacci()
    far = points[points @ u < 0.0]
    lowest = min(float(np.min(model.potential(far))), float(model.potential(-u)))
    scale = model.temperature_factor
    out, back = (top - float(model.potential(u))) / scale, (top - lowest) / scale
    if min(out, back) > MAX_EXPONENT:
        raise EscapeOverflowError(min(out, back), grids=True)
    if family == "planar" and out > MAX_EXPONENT:
        raise EscapeOverflowError(out, grids=True)
