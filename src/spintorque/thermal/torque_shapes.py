r"""Angular dependences eta(z) of the damping-like torque for :class:`AxialModel`.

In the axially symmetric geometry (polariser or fixed layer along the easy axis z) a damping-like
torque of efficiency eta(θ) only drives the z-motion, so the Fokker–Planck problem stays one
dimensional with U(z) = −sigma z² − 2 sigma h z + 2 sigma i (1 + h) ∫_0^z eta(s)/eta(1) ds.
z is cos θ measured from the starting well; i > 0 destabilises it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.polynomial.chebyshev import Chebyshev
from numpy.typing import NDArray

from spintorque.errors import InputError
from spintorque.stack import Stack
from spintorque.transport import efficiency_of

FloatArray = NDArray[np.float64]


def slonczewski_efficiency(Lambda: float, pointing: float = -1.0) -> Callable[[FloatArray], FloatArray]:
    r"""mumax3/OOMMF Slonczewski efficiency shape :math:`\epsilon \propto \Lambda^2/((\Lambda^2+1)
    + (\Lambda^2-1)\,\mathbf m\cdot\mathbf p)` with m·p = pointing·z.

    ``pointing`` = p_z × (sign of the starting well): −1 when the polariser points away from the
    starting well, the case where i > 0 (J > 0 in mumax3's convention) destabilises it.
    """
    if not (np.isfinite(Lambda) and Lambda >= 1.0):
        raise InputError("Lambda", f"must be >= 1, got {Lambda!r}")
    L2 = Lambda * Lambda

    def eta(z: FloatArray) -> FloatArray:
        return np.asarray(L2 / ((L2 + 1.0) + (L2 - 1.0) * pointing * np.asarray(z)))
    return eta


def transport_efficiency(stack: Stack, points: int = 97) -> Callable[[FloatArray], FloatArray]:
    """eta(z) = g2 of the stack's second ferromagnet (free) with the first (fixed) pointing away
    from the free layer's starting well, from the exact transport solver.

    With the fixed layer along −z and the free layer at polar angle θ from +z, the angle between
    them is θ12 = π − θ, so eta(z) = g2(arccos(−z)); g2 is sampled at ``points`` Chebyshev
    points (collinear limits included) and interpolated.
    """
    if len(stack.ferromagnets) != 2:
        raise InputError("stack", "the transport efficiency needs exactly two ferromagnetic layers")
    z = -np.cos(np.pi * np.arange(points) / (points - 1))
    theta12 = np.arccos(np.clip(-z, -1.0, 1.0))
    mags = np.zeros((points, 2, 3))
    mags[:, 0] = (0.0, 0.0, -1.0)
    mags[:, 1, 0] = np.sin(theta12)
    mags[:, 1, 2] = -np.cos(theta12)
    g2 = efficiency_of(stack, mags)[1]
    series = Chebyshev.fit(z, g2, deg=points - 1, domain=[-1.0, 1.0])

    def eta(zz: FloatArray) -> FloatArray:
        return np.asarray(series(np.asarray(zz, dtype=float)))
    return eta
