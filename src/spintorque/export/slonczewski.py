r"""Slonczewski parameters (P, Λ, ε′) that reproduce the diffusive torque on one layer.

mumax3, OOMMF (``Oxs_SpinXferEvolve``) and cmtj all model the spin-transfer torque on a free layer
m from a polarizer p with Slonczewski's angular form (mumax3 ``cuda/slonczewski2.cu``; OOMMF user
guide; cmtj ``core/junction.hpp``), in Gilbert form

.. math::
    \boldsymbol\tau = \gamma_e\beta\,[\epsilon\,\mathbf m\times(\mathbf p\times\mathbf m)
        + \epsilon'\,\mathbf p\times\mathbf m],\qquad
    \beta = \frac{\hbar J}{e M_s d},\qquad
    \epsilon(\theta) = \frac{P\Lambda^2}{(\Lambda^2+1)+(\Lambda^2-1)\cos\theta}.

The diffusive solver gives the torque per area ``T = (ħ/2e) J Δj_s/J`` and ``τ = γ_e T/(M_s d)``
(docs/conventions.md), so with ``s = +1`` when electrons flow from the polarizer into the layer
for J > 0 (the polarizer comes first in the stack), ``s = −1`` otherwise,

.. math:: \epsilon(\theta) = s\,\frac{(\Delta j_s/J)\cdot\mathbf u}{2|\mathbf u|^2},\quad
          \epsilon'(\theta) = s\,\frac{(\Delta j_s/J)\cdot\mathbf w}{2|\mathbf w|^2},\quad
          \mathbf u = \mathbf m\times(\mathbf p\times\mathbf m),\ \mathbf w = \mathbf p\times\mathbf m,

i.e. ε = g/2 with the seed's efficiency g. The fit is least squares of the damping-like torque
ε(θ) sinθ over θ ∈ (0, π): writing ε = P′/(1 + κ cosθ) with P′ = PΛ²/(Λ²+1) and
κ = (Λ²−1)/(Λ²+1) ∈ (−1, 1), P′ is linear and κ is found by a scan and Brent's method;
Λ = sqrt((1+κ)/(1−κ)), P = 2P′/(1+κ). A symmetric sink/F/N/F/sink valve is *exactly* of this
form (Λ² = (A+B)/(A−B), P = Bp/(A+B), :mod:`spintorque.analytic.magnetoresistance`); an asymmetric
(wavy) one is not, and the residual says by how much. ε′ (field-like) is least squares of
ε′(θ) sinθ with a constant ε′ (0 in the transparent model: the torque lies in the plane of m, p).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar

from spintorque.errors import InputError
from spintorque.geometry import cross
from spintorque.stack import Stack, Vector
from spintorque.transport.solver import solve

FloatArray = NDArray[np.float64]

FIT_POINTS = 180
"""Angles (midpoints of equal steps on (0, π)) the fit uses."""
CHECK_POINTS = 721
"""Angles (a finer, different grid) on which the reported residual is measured."""
RESIDUAL_FLOOR = 1e-12
"""Reported residuals are at least this (relative): below it is rounding of the two sides."""
U_MAX = 15.0
"""κ = tanh(u) with |u| ≤ U_MAX: Λ up to ~e^15 (κ within 2e-13 of 1)."""


@dataclass(frozen=True)
class SlonczewskiFit:
    """Slonczewski parameters reproducing the diffusive torque on ``layer`` (SI where dimensional).

    Attributes
    ----------
    layer, polarizer_layer : str
        The layer the torque acts on, and the other ferromagnet (the polarizer p).
    polarizer : tuple of 3 floats
        p, the polarizer's unit magnetization.
    polarization, Lambda, epsilon_prime : float
        P, Λ and the constant ε′ of the Slonczewski form (module docstring).
    current_sign : float
        s: +1 when electrons flow from the polarizer into ``layer`` for J > 0, else −1; the
        micromagnetic code's current density is s·J.
    current_density : float
        The stack's J [A/m²].
    thickness : float
        Thickness d of ``layer`` [m] (mumax3's FreeLayerThickness, OOMMF's t, cmtj's thickness).
    residual_max, residual_rms : float
        max and RMS over θ of |τ_model − τ_solver| divided by the peak |τ_solver| (dimensionless).
    peak_torque_per_current : float
        max over θ of |Δj_s/J| on ``layer`` (dimensionless).
    Lambda_min : float
        The lower bound Λ was fitted with (OOMMF requires Λ ≥ 1; 0 means unbounded).
    sign_change_angle : float or None
        Angle [rad] where the solver's damping-like torque changes sign (a wavy torque, which
        the one-term form, of fixed sign, cannot follow), or None.
    """

    layer: str
    polarizer_layer: str
    polarizer: Vector
    polarization: float
    Lambda: float
    epsilon_prime: float
    current_sign: float
    current_density: float
    thickness: float
    residual_max: float
    residual_rms: float
    peak_torque_per_current: float
    Lambda_min: float
    sign_change_angle: float | None = None

    @property
    def exact(self) -> bool:
        """Whether the form reproduces the solver to rounding (an exact map)."""
        return self.residual_max <= 1e-9

    def epsilon(self, theta: Any) -> FloatArray:
        """ε(θ) = PΛ²/((Λ²+1) + (Λ²−1) cosθ) with the fitted P, Λ."""
        L2 = self.Lambda**2
        return np.asarray(self.polarization * L2 / ((L2 + 1.0) + (L2 - 1.0) * np.cos(theta)))

    def to_json_dict(self) -> dict[str, Any]:
        """The fitted parameters and their residual (JSON-ready, SI)."""
        return {
            "layer": self.layer,
            "polarizer_layer": self.polarizer_layer,
            "polarizer": list(self.polarizer),
            "polarization": self.polarization,
            "Lambda": self.Lambda,
            "epsilon_prime": self.epsilon_prime,
            "Lambda_min": self.Lambda_min,
            "current_sign": self.current_sign,
            "current_density_A_per_m2": self.current_sign * self.current_density,
            "thickness_m": self.thickness,
            "residual": {"max_relative": self.residual_max, "rms_relative": self.residual_rms},
            "peak_torque_per_current": self.peak_torque_per_current,
            "exact": self.exact,
        }


def _pair(stack: Stack, layer: str) -> tuple[int, int]:
    ferro = [i for i, x in enumerate(stack.layers) if x.is_ferromagnet]
    names = [stack.layers[i].name for i in ferro]
    if len(ferro) != 2:
        raise InputError(
            "export", f"needs exactly two ferromagnetic layers (free layer and polarizer), found {len(ferro)}"
        )
    if layer not in names:
        raise InputError("layer", f"{layer!r} is not a ferromagnetic layer; choose one of {', '.join(names)}")
    for side, lead in (("left", stack.left), ("right", stack.right)):
        if lead.magnetization is not None:
            raise InputError(
                f"leads.{side}",
                "a ferromagnetic lead is a second polarizer: the "
                "torque is then not a function of the angle to one polarizer",
            )
    i, j = (ferro[0], ferro[1]) if names[0] == layer else (ferro[1], ferro[0])
    if abs(i - j) == 1:
        raise InputError(
            "layer",
            f"{stack.layers[i].name} and {stack.layers[j].name} touch: the "
            "torque grows as 1/theta at small angles, which no Slonczewski form has",
        )
    return i, j


def _configurations(stack: Stack, i: int, j: int, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(B, 2, 3) ferromagnet directions with layer i at angle θ from p = m_j, and p."""
    p = np.asarray(stack.layers[j].magnetization, dtype=float)
    m = np.asarray(stack.layers[i].magnetization, dtype=float)
    e = m - np.dot(m, p) * p
    if np.linalg.norm(e) < 1e-12:
        e = cross(p, np.eye(3)[int(np.argmin(np.abs(p)))])
    e = e / np.linalg.norm(e)
    turned = np.cos(theta)[:, None] * p + np.sin(theta)[:, None] * e
    order = (0, 1) if i < j else (1, 0)
    mags = np.empty((theta.size, 2, 3))
    mags[:, order[0]], mags[:, order[1]] = turned, p
    return mags, p


def solver_epsilons(stack: Stack, layer: str, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """ε(θ), ε′(θ) of the diffusive torque on ``layer`` (module docstring), θ in (0, π) [rad]."""
    i, j = _pair(stack, layer)
    mags, p = _configurations(stack, i, j, theta)
    torque = solve(stack.with_current_density(1.0), mags).torque_per_current[:, i]
    m = mags[:, 0 if i < j else 1]
    u, w = cross(m, cross(p, m)), cross(p, m)
    s = 1.0 if j < i else -1.0
    eps = s * np.sum(torque * u, axis=-1) / (2.0 * np.sum(u * u, axis=-1))
    eps_prime = s * np.sum(torque * w, axis=-1) / (2.0 * np.sum(w * w, axis=-1))
    return eps, eps_prime


def _best_kappa(theta: FloatArray, y: FloatArray, kappa_min: float) -> tuple[float, float]:
    """(κ, P′) minimising Σ (y − P′ sinθ/(1 + κ cosθ))² with κ in [kappa_min, 1)."""
    s, c = np.sin(theta), np.cos(theta)

    def fit(kappa: float) -> tuple[float, float]:
        f = s / (1.0 + kappa * c)
        amplitude = float(np.dot(y, f) / np.dot(f, f))
        return float(np.sum((y - amplitude * f) ** 2)), amplitude

    lo = float(np.arctanh(kappa_min)) if kappa_min > -1.0 else -U_MAX
    grid = np.linspace(lo, U_MAX, 301)
    # the linearised problem y (1 + κ c) = P′ s is exact when the model is: a candidate too
    (_, b), *_ = np.linalg.lstsq(np.stack([s, -c * y], axis=-1), y, rcond=None)
    candidates = list(np.tanh(grid))
    if kappa_min <= b < 1.0:
        candidates.append(float(b))
    best = min(candidates, key=lambda k: fit(k)[0])
    u0 = float(np.arctanh(np.clip(best, -1 + 1e-16, 1 - 1e-16)))
    step = grid[1] - grid[0]
    bounds = (max(lo, u0 - step), min(U_MAX, u0 + step))
    polished = minimize_scalar(
        lambda u: fit(float(np.tanh(u)))[0], bounds=bounds, method="bounded", options={"xatol": 1e-15}
    )
    kappa = min((best, float(np.tanh(polished.x))), key=lambda k: fit(k)[0])
    return kappa, fit(kappa)[1]


def fit_slonczewski(stack: Stack, layer: str, *, Lambda_min: float = 0.0) -> SlonczewskiFit:
    """Fit P, Λ, ε′ of the Slonczewski form to the diffusive torque on ``layer``.

    Parameters
    ----------
    stack : Stack
        Exactly two ferromagnetic layers, not touching; no ferromagnetic lead.
    layer : str
        The layer whose torque is exported (the free layer); the other ferromagnet is p.
    Lambda_min : float
        Lower bound on Λ (1 for OOMMF, whose form requires Λ ≥ 1; 0: unbounded).

    Returns
    -------
    SlonczewskiFit
        With the residual measured on a finer grid than the fit's.
    """
    if not (np.isfinite(Lambda_min) and Lambda_min >= 0.0):
        raise InputError("Lambda_min", f"must be >= 0, got {Lambda_min!r}")
    i, j = _pair(stack, layer)
    theta = np.pi * (np.arange(FIT_POINTS) + 0.5) / FIT_POINTS
    eps, eps_prime = solver_epsilons(stack, layer, theta)
    y = eps * np.sin(theta)
    kappa_min = (Lambda_min**2 - 1.0) / (Lambda_min**2 + 1.0) if Lambda_min > 0 else -1.0
    if np.max(np.abs(y)) == 0.0:
        kappa, amplitude = max(kappa_min, 0.0), 0.0
    else:
        kappa, amplitude = _best_kappa(theta, y, kappa_min)
    s2 = np.sin(theta) ** 2
    field = float(np.dot(eps_prime, s2) / np.dot(s2, s2))
    Lambda = float(np.sqrt((1.0 + kappa) / (1.0 - kappa)))
    P = 2.0 * amplitude / (1.0 + kappa)
    check = np.pi * (np.arange(CHECK_POINTS) + 0.5) / CHECK_POINTS
    e_check, ep_check = solver_epsilons(stack, layer, check)
    model = amplitude / (1.0 + kappa * np.cos(check))
    miss = np.sin(check) * np.hypot(model - e_check, field - ep_check)
    peak = float(np.max(np.sin(check) * np.hypot(e_check, ep_check)))
    rel = miss / peak if peak > 0 else miss
    _, p = _configurations(stack, i, j, theta[:1])
    flips = np.nonzero(np.sign(e_check[:-1]) * np.sign(e_check[1:]) < 0)[0]
    sign_change = float(0.5 * (check[flips[0]] + check[flips[0] + 1])) if flips.size else None
    return SlonczewskiFit(
        layer=layer,
        polarizer_layer=stack.layers[j].name,
        polarizer=(float(p[0]), float(p[1]), float(p[2])),
        polarization=float(P),
        Lambda=Lambda,
        epsilon_prime=field,
        current_sign=1.0 if j < i else -1.0,
        current_density=stack.current_density,
        thickness=stack.layers[i].thickness,
        residual_max=max(float(np.max(rel)), RESIDUAL_FLOOR),
        residual_rms=max(float(np.sqrt(np.mean(rel**2))), RESIDUAL_FLOOR),
        peak_torque_per_current=2.0 * peak,
        Lambda_min=Lambda_min,
        sign_change_angle=sign_change,
    )
