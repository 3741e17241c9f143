"""Export the diffusive spin-transfer torque to micromagnetic codes (mumax3, OOMMF, cmtj).

:func:`fit_slonczewski` finds the Slonczewski parameters (P, Λ, ε′) that reproduce the solver's
torque on one layer, with the residual; :func:`export_lines` writes them as the lines a user pastes
into an .mx3 / .mif script or a cmtj Python script.
"""

from spintorque.export.formats import FORMATS, export_lines
from spintorque.export.slonczewski import SlonczewskiFit, fit_slonczewski

__all__ = ["FORMATS", "SlonczewskiFit", "export_lines", "fit_slonczewski"]
