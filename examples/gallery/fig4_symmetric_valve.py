"""Seed Fig. 4: hodographs of a symmetric non-collinear valve, both efficiencies positive.

Rings on the rods m1 and m2 are dragged away from the origin by the source forces p1 J m1 and
−p2 J m2 and held by the elastic cords; the spin-current jumps at the rings are the torques.
Run: python examples/gallery/fig4_symmetric_valve.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np

import spintorque as st
from spintorque.analogy import hodograph, ring_forces
from spintorque.plotting import plot_hodograph

out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/gallery")
out.mkdir(parents=True, exist_ok=True)
co = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
cu = st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=30e-9)  # visible sag
theta = np.radians(60)
stack = st.Stack((st.Layer("F1", co, 10e-9, (0, 0, 1)), st.Layer("N", cu, 20e-9),
                  st.Layer("F2", co, 10e-9, (np.sin(theta), 0, np.cos(theta)))))
result = st.solve(stack)
axes = plot_hodograph(hodograph(result), ring_forces(result), names=list(stack.names))
axes[0].figure.suptitle("symmetric valve, θ = 60°: g1 = {g1:.3g}, g2 = {g2:.3g} (seed Fig. 4)"
                        .format(**{k: float(v) for k, v in result.efficiency.items()}))
axes[0].figure.savefig(out / "fig4_symmetric_valve.png", dpi=120)
