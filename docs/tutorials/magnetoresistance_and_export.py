"""RA(θ) of the example valve, its minimum at the zero of g2, and the torque for mumax3.

Run from the repository root: python docs/tutorials/magnetoresistance_and_export.py
"""

import numpy as np

import spintorque as st
from spintorque.export import export_lines, fit_slonczewski
from spintorque.transport.magnetoresistance import magnetoresistance

stack = st.load_stack("examples/co_cu_py.toml")
mr = magnetoresistance(stack, "F2", np.radians(np.linspace(0.0, 180.0, 181)))
print(
    f"RA_P = {mr.resistance_area_parallel:.5e} Ω·m², RA_AP = {mr.resistance_area_antiparallel:.5e} Ω·m²,"
    f" GMR = {mr.gmr_ratio:.4f}"
)
extrema = np.degrees(mr.extremum_angles)
zeros = np.degrees(mr.torque_zero_angles["F2"])
print(
    f"RA extremum ({', '.join(mr.extremum_kinds)}) at {extrema} deg;"
    f" zero of the torque on F2 (g2) at {zeros} deg"
)
# the RA extremum of a variational (transparent) stack lies at the torque zero (docs/magnetoresistance.md)
assert extrema.size == 1 and abs(extrema[0] - zeros[0]) < 1e-6

# the angular torque of F2 as Slonczewski's P, Lambda, epsilon' (docs/export.md)
fit = fit_slonczewski(stack, "F2")
for line in export_lines(stack, fit, "mumax3"):
    print(line)
