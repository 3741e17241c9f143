"""Solve a spin valve: torques, g1/g2 and resistance of the example Co/Cu/Py stack.

Run from the repository root: python docs/tutorials/solve_a_valve.py
"""

import numpy as np

import spintorque as st

stack = st.load_stack("examples/co_cu_py.toml")  # F2 (Py) at θ = 30° from F1 (Co)
result = st.solve(stack)

print(f"RA = {result.resistance_area:.4e} Ω·m²")
for name in ("F1", "F2"):
    print(f"torque on {name}: {result.torque(name)} J/m²")
print(f"g1 = {result.efficiency['g1']:.6f}, g2 = {result.efficiency['g2']:.6f}")

# the same g2 from the angle scan st.efficiency, at the file's 30°
scan = st.efficiency(stack, "F2", np.radians([0.0, 30.0, 90.0, 180.0]))
g2_scan = float(scan.g2.sel(theta=np.radians(30.0)))
assert abs(g2_scan - result.efficiency["g2"]) < 1e-12, (g2_scan, result.efficiency["g2"])
print("g2 over 0, 30, 90, 180°:", np.round(scan.g2.values, 6))

# the thin, strongly polarizing Py layer makes g2 negative at small angles (the wavy torque)
assert scan.g2.values[1] < 0 < scan.g2.values[2]
