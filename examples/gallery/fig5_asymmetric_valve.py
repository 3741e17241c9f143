"""Seed Fig. 5: an asymmetric valve where g2 < 0.

The strong force −p2 J m2 on the thin, highly polarizing F2, transmitted through the spacer cord,
drags the ring on m1 through the origin; the jump at F2 reverses and F2 is repelled from F1.
Run: python examples/gallery/fig5_asymmetric_valve.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np

import spintorque as st
from spintorque.analogy import explain, hodograph, ring_forces
from spintorque.plotting import plot_hodograph

out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/gallery")
out.mkdir(parents=True, exist_ok=True)
co = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
py = st.Ferromagnet.from_resistivity("Py", 15e-8, 0.73, 5.5e-9)
cu = st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)
theta = np.radians(25)
stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 6e-9),
                  st.Layer("F2", py, 3e-9, (np.sin(theta), 0, np.cos(theta)))))
result = st.solve(stack)
axes = plot_hodograph(hodograph(result), ring_forces(result), names=list(stack.names))
axes[0].figure.suptitle("asymmetric valve, θ = 25°: g1 = {g1:.3g}, g2 = {g2:.3g} (seed Fig. 5)"
                        .format(**{k: float(v) for k, v in result.efficiency.items()}))
axes[0].figure.savefig(out / "fig5_asymmetric_valve.png", dpi=120)
print(explain(stack).explanation)
