"""Script lines for mumax3 (.mx3), OOMMF (.mif) and cmtj (Python) from a :class:`SlonczewskiFit`.

Each code's Slonczewski torque has the same angular form ε(θ) (``export/slonczewski.py``); they
differ in names, in the sign convention of the current and in the α-mixing of the field-like term:

* **mumax3** (``Pol``, ``Lambda``, ``EpsilonPrime``, ``FixedLayer``, ``FreeLayerThickness``,
  ``J`` along z): with the default ``FixedLayerPosition = FIXEDLAYER_TOP`` a positive J_z pulls m
  towards FixedLayer, i.e. electrons flow from the fixed layer into the free one. mumax3 mixes ε′
  with α with the opposite sign to a Gilbert field-like torque (mumax3 issue #99): immaterial
  when ε′ = 0 (the transparent diffusive model).
* **OOMMF** ``Oxs_SpinXferEvolve`` (``P``, ``Lambda``, ``eps_prime``, ``J``, ``mp``): positive J
  drives m towards mp; the free-layer thickness t is the mesh extent along the current; OOMMF
  requires Λ ≥ 1, so the fit for it is bounded there.
* **cmtj** ``Layer.createSTTLayer`` (``spinPolarisation``, ``SlonczewskiSpacerLayerParameter`` = Λ,
  ``beta``) with ``setReferenceLayer``: Ms in tesla (μ0 Ms); a positive current density pulls m
  towards the reference; its field-like term is ``beta`` × the damping-like one, ∝ ε(θ), so
  beta = −ε′/ε is fitted by least squares (0 when ε′ = 0). cmtj adds the STT terms to the
  Landau–Lifshitz rate divided by 1 + α² without the α cross-mixing: an O(α) difference.
"""

from __future__ import annotations

import math

import numpy as np

from spintorque.errors import InputError
from spintorque.export.slonczewski import FIT_POINTS, SlonczewskiFit, solver_epsilons
from spintorque.stack import Stack

FORMATS = ("mumax3", "oommf", "cmtj")


def _g(x: float) -> str:
    return f"{x + 0.0:.10g}"  # + 0.0: no "-0"


def rounded_up(x: float) -> str:
    """``x`` > 0 to three significant digits, rounded up: a printed bound stays a bound."""
    step = 10.0 ** (math.floor(math.log10(x)) - 2)
    return f"{math.ceil(x / step - 1e-9) * step:.2e}"


def _header(fit: SlonczewskiFit, comment: str) -> list[str]:
    quality = "exact map (residual at rounding level)" if fit.exact else "least-squares fit"
    warning = []
    if fit.sign_change_angle is not None:
        warning = [
            f"{comment} WARNING: the diffusive torque changes sign near "
            f"{np.degrees(fit.sign_change_angle):.3g} deg; this one-term form cannot"
        ]
    return [
        f"{comment} spintorque export-torque: Slonczewski STT on {fit.layer} from polarizer "
        f"{fit.polarizer_layer}, {quality}",
        f"{comment} torque residual: max {rounded_up(fit.residual_max)}, "
        f"rms {rounded_up(fit.residual_rms)} of the peak torque (docs/export.md)",
        *warning,
    ]


def cmtj_beta(stack: Stack, fit: SlonczewskiFit) -> float:
    """cmtj's ``beta``: least squares of the field-like torque as −beta·ε(θ)."""
    theta = np.pi * (np.arange(FIT_POINTS) + 0.5) / FIT_POINTS
    _, eps_prime = solver_epsilons(stack, fit.layer, theta)
    shape = fit.epsilon(theta) * np.sin(theta)
    norm = float(np.dot(shape, shape))
    return 0.0 if norm == 0.0 else -float(np.dot(eps_prime * np.sin(theta), shape) / norm)


def export_lines(stack: Stack, fit: SlonczewskiFit, fmt: str) -> list[str]:
    """The lines to paste into a mumax3 / OOMMF / cmtj script for ``fit`` (module docstring)."""
    J = fit.current_sign * fit.current_density
    px, py, pz = (_g(v) for v in fit.polarizer)
    first, last = stack.layers[0].name, stack.layers[-1].name
    direction = (
        f"positive: electrons flow from {fit.polarizer_layer} (fixed) into {fit.layer} "
        f"(free); the stack's J = {_g(fit.current_density)} A/m^2 has electrons flowing "
        f"from {first} towards {last}"
    )
    if fmt == "mumax3":
        return [
            *_header(fit, "//"),
            f"Pol = {_g(fit.polarization)}",
            f"Lambda = {_g(fit.Lambda)}",
            f"EpsilonPrime = {_g(fit.epsilon_prime)}",
            f"FixedLayer = vector({px}, {py}, {pz})",
            f"FreeLayerThickness = {_g(fit.thickness)}  // {fit.layer} thickness [m]",
            f"J = vector(0, 0, {_g(J)})  // A/m^2, with the default FixedLayerPosition = "
            f"FIXEDLAYER_TOP; {direction}",
            f"// set Msat to {fit.layer}'s saturation magnetization (not part of the transport model)",
        ]
    if fmt == "oommf":
        return [
            *_header(fit, "#"),
            "Specify Oxs_SpinXferEvolve:evolve {",
            "  # add your alpha, gamma_G, ... here",
            f"  P {_g(fit.polarization)}",
            f"  Lambda {_g(fit.Lambda)}",
            f"  eps_prime {_g(fit.epsilon_prime)}",
            f"  J {_g(J)}  ;# A/m^2, {direction}",
            f"  mp {{{px} {py} {pz}}}",
            "}",
            f"# t = {_g(fit.thickness)} m ({fit.layer}) must be the mesh extent along the current; "
            f"Ms is {fit.layer}'s saturation magnetization",
        ]
    if fmt == "cmtj":
        beta = cmtj_beta(stack, fit)
        return [
            *_header(fit, "#"),
            "# define Ms_T (mu0*Ms of the layer, in T), anis, cell_surface, demag_tensor, damping",
            "from cmtj import CVector, Layer",
            "from cmtj.utils import constantDriver",
            f"{fit.layer} = Layer.createSTTLayer(",
            f'    id="{fit.layer}", mag=CVector(0.0, 0.0, 1.0), anis=anis, Ms=Ms_T,',
            f"    thickness={_g(fit.thickness)}, cellSurface=cell_surface, demagTensor=demag_tensor,",
            f"    damping=damping, SlonczewskiSpacerLayerParameter={_g(fit.Lambda)},",
            f"    beta={_g(beta)}, spinPolarisation={_g(fit.polarization)})",
            f"{fit.layer}.setReferenceLayer(CVector({px}, {py}, {pz}))",
            f'# after building the Junction: junction.setLayerCurrentDriver("{fit.layer}", '
            f"constantDriver({_g(J)}))  # A/m^2; {direction}",
        ]
    raise InputError("--format", f"must be one of {', '.join(FORMATS)}, got {fmt!r}")
