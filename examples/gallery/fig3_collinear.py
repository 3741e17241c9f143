"""Seed Fig. 3: collinear F/N/F and N/F/N structures: the forces on the cord junctions.

In F/N/F the source forces at the two F/N interfaces drag the junctions in opposite directions
(electrons leave F1 and enter F2); in N/F/N the two faces of the single F are dragged apart.
Run: python examples/gallery/fig3_collinear.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import spintorque as st
from spintorque.plotting import plot_profiles

out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/gallery")
out.mkdir(parents=True, exist_ok=True)
co = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
cu = st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)
fnf = st.Stack((st.Layer("F1", co, 60e-9, (0, 0, 1)), st.Layer("N", cu, 200e-9),
                st.Layer("F2", co, 60e-9, (0, 0, 1))), left=st.Lead(cu), right=st.Lead(cu))
nfn = st.Stack((st.Layer("N1", cu, 200e-9), st.Layer("F", co, 60e-9, (0, 0, 1)),
                st.Layer("N2", cu, 200e-9)), left=st.Lead(cu), right=st.Lead(cu))
fig, axes = plt.subplots(2, 2, figsize=(11, 6), sharex="col", constrained_layout=True)
for column, stack, title in ((0, fnf, "F/N/F"), (1, nfn, "N/F/N")):
    plot_profiles(st.solve(stack), axes=axes[:, column])
    axes[0, column].set_title(f"collinear {title} (seed Fig. 3)", fontsize=9, pad=14)
fig.savefig(out / "fig3_collinear.png", dpi=120)
