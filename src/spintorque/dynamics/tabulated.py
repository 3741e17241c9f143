r"""The diffusive torque tabulated once versus the angle to the fixed layer, with a measured error.

:class:`~spintorque.magnet.torque.DiffusiveTorque` solves the transport equations of its stack
for every direction m it is asked about: exact, but a deterministic run of 100 ns calls it some
10⁵ times. Spin transport in the stack is isotropic in spin space (TRANSPORT.md: no spin–orbit
term), so when every other ferromagnet of the stack is collinear with one direction p, rotating m
about p rotates the torque with it, and the torque per area at J = 1 A/m² is

.. math:: \mathbf T_1(\mathbf m) = a(c)\,(\mathbf p - c\,\mathbf m) + b(c)\,\mathbf m\times\mathbf p,
          \qquad c = \mathbf m\cdot\mathbf p,

(T ⊥ m; a is the in-plane, b the field-like part) with a, b smooth on [−1, 1]. Both are
interpolated at Chebyshev points of the first kind (which avoid c = ±1, where the basis vectors
vanish), doubling the degree until the interpolant of one degree matches the exact torque at the
points of the next within ``rtol`` × max|T₁|; the table is then checked against the exact solver
at random directions (any azimuth about p), which would expose a torque that is not of this form.
The larger of the two deviations is the table's stated accuracy (:attr:`TabulatedTorque.error`).
A stack whose other ferromagnets are not collinear is not tabulated (the torque then depends on
more than one angle): :func:`tabulate_torques` keeps the exact term and says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.polynomial import chebyshev
from numpy.typing import NDArray

from spintorque.constants import gamma_e
from spintorque.errors import InputError
from spintorque.geometry import cross
from spintorque.magnet.macrospin import Macrospin
from spintorque.magnet.model import MacrospinModel
from spintorque.magnet.torque import DiffusiveTorque, Torques, TorqueTerm, gilbert_to_landau

FloatArray = NDArray[np.float64]

DEFAULT_RTOL = 1e-10
"""Wanted accuracy of the table, relative to the largest torque over the sphere."""

MAX_DEGREE = 512
"""Highest Chebyshev degree tried."""


@dataclass(frozen=True, repr=False)
class TabulatedTorque(TorqueTerm):
    """T₁(m) = a(c)(p − c m) + b(c) m×p from Chebyshev coefficients of a and b (module docstring).

    Parameters
    ----------
    source : DiffusiveTorque
        The exact term the table stands for.
    polarizer : 3 floats
        p, the direction of the stack's other ferromagnets.
    a, b : tuple of float
        Chebyshev coefficients of a(c), b(c) [J/m² per A/m²].
    error : float
        Largest deviation from the exact torque found, relative to max|T₁|.
    """

    source: DiffusiveTorque
    polarizer: tuple[float, float, float]
    a: tuple[float, ...]
    b: tuple[float, ...]
    error: float
    name: str = field(default="diffusive", kw_only=True)

    def __repr__(self) -> str:
        return (
            f"TabulatedTorque(source={self.source!r}, degree={len(self.a) - 1}, "
            f"error={self.error:.2g}, name={self.name!r})"
        )

    def torque_per_area(self, m: FloatArray, J: float) -> FloatArray:
        """T(m) [J/m²] at current density J [A/m²], shape of m (..., 3)."""
        m = np.asarray(m, dtype=float)
        p = np.asarray(self.polarizer)
        c = m @ p
        a = chebyshev.chebval(c, self.a)[..., None]
        b = chebyshev.chebval(c, self.b)[..., None]
        return np.asarray(J * (a * (p - c[..., None] * m) + b * cross(m, np.broadcast_to(p, m.shape))))

    def rate(self, m: FloatArray, J: float, magnet: Macrospin) -> FloatArray:
        if J == 0.0:
            return np.zeros(np.shape(m))
        if np.ndim(m) == 1:
            return self._rate_one(m, J, magnet)
        tau = gamma_e * self.torque_per_area(m, J) / (magnet.saturation_magnetization * magnet.thickness)
        return gilbert_to_landau(tau, m, magnet.damping)

    def _rate_one(self, m: FloatArray, J: float, magnet: Macrospin) -> FloatArray:
        """:meth:`rate` at one direction, on Python floats (the deterministic integrator's
        right-hand side calls it once per evaluation; NumPy's per-call cost would dominate)."""
        x, y, z = (float(v) for v in m)
        p0, p1, p2 = self.polarizer
        c = x * p0 + y * p1 + z * p2
        a, b = _clenshaw(c, self.a), _clenshaw(c, self.b)
        k = gamma_e * J / (magnet.saturation_magnetization * magnet.thickness)
        tx = k * (a * (p0 - c * x) + b * (y * p2 - z * p1))
        ty = k * (a * (p1 - c * y) + b * (z * p0 - x * p2))
        tz = k * (a * (p2 - c * z) + b * (x * p1 - y * p0))
        alpha = magnet.damping
        scale = 1.0 / (1.0 + alpha * alpha)
        return np.array(
            [
                (tx + alpha * (y * tz - z * ty)) * scale,
                (ty + alpha * (z * tx - x * tz)) * scale,
                (tz + alpha * (x * ty - y * tx)) * scale,
            ]
        )


def _clenshaw(x: float, coefficients: tuple[float, ...]) -> float:
    """Σ c_k T_k(x) by Clenshaw's recurrence (as ``chebval``, on one float)."""
    b1 = b2 = 0.0
    two_x = 2.0 * x
    for ck in coefficients[:0:-1]:
        b1, b2 = ck + two_x * b1 - b2, b1
    return coefficients[0] + x * b1 - b2


def fixed_direction(term: DiffusiveTorque) -> tuple[FloatArray | None, str]:
    """p of the stack's other ferromagnets (or (0, 0, 1) if none), or (None, why not)."""
    others = [
        np.asarray(layer.magnetization, dtype=float)
        for layer in term.unit_stack.ferromagnets
        if layer.name != term.free_layer
    ]
    if not others:
        return np.array([0.0, 0.0, 1.0]), "no other ferromagnet"
    p = others[0] / np.linalg.norm(others[0])
    for q in others[1:]:
        if abs(abs(float(q @ p)) / np.linalg.norm(q) - 1.0) > 1e-12:
            return None, (
                "the stack's other ferromagnets are not collinear, so the torque depends "
                "on more than the angle to one of them"
            )
    return p, "collinear fixed layers"


def _frame(p: FloatArray) -> FloatArray:
    """A unit vector ⊥ p."""
    trial = np.array([1.0, 0.0, 0.0]) if abs(p[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    q = trial - (trial @ p) * p
    return np.asarray(q / np.linalg.norm(q))


def _exact_ab(term: DiffusiveTorque, p: FloatArray, c: FloatArray) -> tuple[FloatArray, FloatArray]:
    """a(c), b(c) from the exact torque at m = c p + √(1 − c²) q."""
    s = np.sqrt(1.0 - c * c)
    m = c[:, None] * p + s[:, None] * _frame(p)
    T = np.array([term.torque_per_area(row, 1.0) for row in m])
    perp = p - c[:, None] * m
    return np.sum(T * perp, axis=1) / (s * s), np.sum(T * cross(m, np.broadcast_to(p, m.shape)), axis=1) / (
        s * s
    )


def _nodes(degree: int) -> FloatArray:
    """Chebyshev points of the first kind, as numpy's chebinterpolate uses them."""
    return np.asarray(chebyshev.chebpts1(degree + 1))


def tabulate(term: DiffusiveTorque, rtol: float = DEFAULT_RTOL, seed: int = 0) -> TabulatedTorque:
    """The table of ``term`` accurate to ``rtol`` × max|T₁| (module docstring).

    Raises
    ------
    InputError
        The stack's other ferromagnets are not collinear, the degree needed exceeds
        :data:`MAX_DEGREE`, or the check at random directions fails.
    """
    p, why = fixed_direction(term)
    if p is None:
        raise InputError(f"torque.{term.name}", f"cannot be tabulated: {why}")
    degree = 8
    a, b = _exact_ab(term, p, _nodes(degree))
    while True:
        ca, cb = chebyshev.chebfit(_nodes(degree), a, degree), chebyshev.chebfit(_nodes(degree), b, degree)
        finer = _nodes(2 * degree)
        fa, fb = _exact_ab(term, p, finer)
        s = np.sqrt(1.0 - finer * finer)
        scale = max(float(np.max(np.hypot(fa, fb) * s)), 1e-300)
        miss = float(
            np.max(np.hypot(chebyshev.chebval(finer, ca) - fa, chebyshev.chebval(finer, cb) - fb) * s)
        )
        if miss <= rtol * scale:
            break
        if 2 * degree > MAX_DEGREE:
            raise InputError(
                f"torque.{term.name}",
                f"cannot be tabulated to {rtol:g} with degree <= {MAX_DEGREE} (reached {miss / scale:.2g})",
            )
        degree, a, b = 2 * degree, fa, fb
    table = TabulatedTorque(
        term,
        (float(p[0]), float(p[1]), float(p[2])),
        tuple(ca.tolist()),
        tuple(cb.tolist()),
        miss / scale,
        name=term.name,
    )
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(32, 3))
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    exact = np.array([term.torque_per_area(row, 1.0) for row in m])
    check = float(np.max(np.linalg.norm(table.torque_per_area(m, 1.0) - exact, axis=1))) / scale
    if not math.isfinite(check) or check > 10.0 * rtol:
        raise InputError(
            f"torque.{term.name}",
            f"cannot be tabulated: the table misses the exact "
            f"torque by {check:.2g} of its largest value at random directions",
        )
    return replace(table, error=max(table.error, check))


def tabulate_torques(model: MacrospinModel, rtol: float = DEFAULT_RTOL) -> tuple[MacrospinModel, list[str]]:
    """``model`` with each tabulable :class:`DiffusiveTorque` replaced by its table, and one line
    per diffusive term saying what was done (degree and error, or why it stays exact)."""
    terms: list[TorqueTerm] = []
    notes: list[str] = []
    for term in model.torques:
        if isinstance(term, DiffusiveTorque):
            try:
                table = tabulate(term, rtol)
            except InputError as exc:
                terms.append(term)
                notes.append(f"{term.name}: exact (solved at every step): {exc.message}")
                continue
            terms.append(table)
            notes.append(
                f"{term.name}: tabulated versus m·p, Chebyshev degree {len(table.a) - 1}, "
                f"max error {table.error:.2g} of the largest torque"
            )
        else:
            terms.append(term)
    return replace(model, torques=Torques(tuple(terms))), notes
