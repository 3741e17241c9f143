r"""Closed forms of the diffusive spin-transport model, shared by tests, docs and users.

SI units throughout: spin conductances G = 1/(2 rho l) [S/m²], current density J [A/m²]
(charge-equivalent electron flux, > 0 towards +x), spin accumulation [V], RA [Ω·m²].
Sources: the seed paper (Bazaliy, arXiv 2006.11900) Appendices I–II with the slips fixed in
TRANSPORT.md §5–6; Valet & Fert, Phys. Rev. B 48, 7099 (1993).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def coth(x: ArrayLike) -> FloatArray:
    """Hyperbolic cotangent, accurate for small and large x > 0."""
    x = np.asarray(x, dtype=float)
    return np.asarray(1.0 / np.tanh(x))


def csch(x: ArrayLike) -> FloatArray:
    """1/sinh(x) for x > 0 without overflow (0 for large x)."""
    x = np.asarray(x, dtype=float)
    return np.asarray(2.0 * np.exp(-x) / -np.expm1(-2.0 * x))


# --- F/N contact -------------------------------------------------------------------------------
def contact_spin_accumulation(beta: float, G_F: float, G_N: float, J: float) -> float:
    r"""mu_s(0) at a single F/N contact of semi-infinite layers [V], seed eq. (8).

    .. math:: p J - G_F \mu_s(0) - G_N \mu_s(0) = 0 \;\Rightarrow\; \mu_s(0) = \frac{p J}{G_F + G_N}.

    Electrons flow from F into N for J > 0 (F on the left). For N on the left (eq. (9)) the sign
    flips.
    """
    return beta * J / (G_F + G_N)


def contact_spin_resistance_area(beta: float, rho_star: float, l_F: float, rho_N: float,
                                 l_N: float) -> float:
    r"""Spin-accumulation resistance-area product of an F/N contact [Ω·m²].

    .. math:: AR_s = \beta^2 \frac{(\rho^* l_F)(\rho_N l_N)}{\rho^* l_F + \rho_N l_N}

    (Valet & Fert 1993, transparent interface; Johnson & Silsbee).
    """
    a, b = rho_star * l_F, rho_N * l_N
    return beta**2 * a * b / (a + b)


# --- N/F1/N/F2/N with ideal-sink electrodes ----------------------------------------------------
@dataclass(frozen=True)
class Valve:
    """Parameters of the seed's N/F1/N/F2/N valve with ideal-sink electrodes (SI).

    Attributes
    ----------
    p1, p2 : float
        Polarizations (beta) of F1 and F2.
    G1, G2, GN : float
        Spin conductances 1/(2 rho l) of F1, F2 and the spacer [S/m²].
    d1, d2, dN : float
        Thicknesses [m].
    l1, l2, lN : float
        Spin-diffusion lengths [m].
    """

    p1: float
    p2: float
    G1: float
    G2: float
    GN: float
    d1: float
    d2: float
    dN: float
    l1: float
    l2: float
    lN: float

    @property
    def G1_tilde(self) -> float:
        """G̃1 = G1 coth(d1/l1) [S/m²]."""
        return float(self.G1 * coth(self.d1 / self.l1))

    @property
    def G2_tilde(self) -> float:
        """G̃2 = G2 coth(d2/l2) [S/m²]."""
        return float(self.G2 * coth(self.d2 / self.l2))

    @property
    def A1(self) -> float:
        """A1 = G1 coth(d1/l1) + GN coth(dN/lN) [S/m²]."""
        return self.G1_tilde + float(self.GN * coth(self.dN / self.lN))

    @property
    def A2(self) -> float:
        """A2 = G2 coth(d2/l2) + GN coth(dN/lN) [S/m²]."""
        return self.G2_tilde + float(self.GN * coth(self.dN / self.lN))

    @property
    def B(self) -> float:
        """B = GN / sinh(dN/lN) [S/m²] (the seed's G̃_N/cosh, TRANSPORT.md §6)."""
        return float(self.GN * csch(self.dN / self.lN))

    def determinant(self, theta: ArrayLike) -> FloatArray:
        r"""Det = A1 A2 − B² cos²θ [S²/m⁴], in a form free of cancellation.

        With x = dN/lN, coth²x − cos²θ/sinh²x = 1 + sin²θ/sinh²x, so
        ``Det = G̃1 G̃2 + GN coth(x) (G̃1 + G̃2) + GN² (1 + sin²θ csch²x)``: a sum of positive
        terms, accurate even when dN ≪ lN (where A1 A2 and B² agree to many digits).
        """
        theta = np.asarray(theta, dtype=float)
        x = self.dN / self.lN
        g1, g2 = self.G1_tilde, self.G2_tilde
        return np.asarray(g1 * g2 + self.GN * coth(x) * (g1 + g2)
                          + self.GN**2 * (1.0 + (np.sin(theta) * csch(x)) ** 2))

    def spin_accumulation(self, theta: ArrayLike, J: float = 1.0) -> tuple[FloatArray, FloatArray]:
        r"""mu1 (at F1/N, along m1) and mu2 (at N/F2, along m2) [V], seed eq. (14).

        ``mu1 = J (A2 p1 − B cosθ p2)/Det``, ``mu2 = J (B cosθ p1 − A1 p2)/Det``.
        """
        c = np.cos(np.asarray(theta, dtype=float))
        det = self.determinant(theta)
        mu1 = J * (self.A2 * self.p1 - self.B * c * self.p2) / det
        mu2 = J * (self.B * c * self.p1 - self.A1 * self.p2) / det
        return mu1, mu2

    def efficiency(self, theta: ArrayLike) -> tuple[FloatArray, FloatArray]:
        r"""g1(θ), g2(θ) of the seed's eq. (1) (Appendix II).

        ``g1 = B (A1 p2 − B cosθ p1)/Det``, ``g2 = B (A2 p1 − B cosθ p2)/Det``.
        """
        c = np.cos(np.asarray(theta, dtype=float))
        det = self.determinant(theta)
        g1 = self.B * (self.A1 * self.p2 - self.B * c * self.p1) / det
        g2 = self.B * (self.A2 * self.p1 - self.B * c * self.p2) / det
        return g1, g2

    def thresholds(self, theta: ArrayLike = 0.0) -> tuple[FloatArray, FloatArray]:
        r"""Asymmetry thresholds of eq. (15) at angle θ (cosθ > 0).

        Returns ``(A2/(B cosθ), B cosθ/A1)``: g2 < 0 iff p2/p1 exceeds the first, g1 < 0 iff
        p2/p1 is below the second (p1 > 0). For cosθ ≤ 0 neither torque changes sign; the first
        is then +inf and the second −inf... expressed as NaN-free infinities.
        """
        c = np.cos(np.asarray(theta, dtype=float))
        with np.errstate(divide="ignore"):
            upper = np.where(c > 0, self.A2 / (self.B * c), np.inf)
        lower = np.where(c > 0, self.B * c / self.A1, -np.inf)
        return np.asarray(upper), np.asarray(lower)

    def zero_torque_angle(self) -> dict[str, float | None]:
        r"""Angles θ* [rad] where g1 or g2 vanishes, or None where it keeps its sign.

        g2(θ*) = 0 ⇔ cosθ* = A2 p1/(B p2); g1(θ*) = 0 ⇔ cosθ* = A1 p2/(B p1). A zero exists only
        if that cosine lies in (0, 1].
        """
        out: dict[str, float | None] = {}
        for key, num, den in (("g1", self.A1 * self.p2, self.B * self.p1),
                              ("g2", self.A2 * self.p1, self.B * self.p2)):
            c = num / den if den != 0 else np.inf
            out[key] = float(np.arccos(c)) if 0.0 < c <= 1.0 else None
        return out
