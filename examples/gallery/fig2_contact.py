"""Seed Fig. 2: mu_s(x) and j_s(x) at a single F/N contact of semi-infinite metals.

The source force p·J·m drags the junction point mu_s(0) up; the two cords (F and N) pull it back
with stiffnesses G_F and G_N (eq. 8): mu_s(0) = p J/(G_F + G_N).
Run: python examples/gallery/fig2_contact.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np

import spintorque as st
from spintorque.plotting import plot_profiles

out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/gallery")
out.mkdir(parents=True, exist_ok=True)
co = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
cu = st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)
# the F/N contact sits at x = 0: a Co lead on the left, Cu (one layer + a Cu lead) on the right
stack = st.Stack((st.Layer("Cu", cu, 300e-9),), left=st.Lead(co, (0, 0, 1)), right=st.Lead(cu),
                 current_density=1e11)
result = st.solve(stack)
axes = plot_profiles(result, x=np.linspace(-250e-9, 900e-9, 600))
axes[0].set_title("F/N contact: electrons flow from Co into Cu (seed Fig. 2)", fontsize=9, pad=14)
axes[0].figure.savefig(out / "fig2_contact.png", dpi=120)
print(f"mu_s(0) = {result.spin_accumulation[0, 2] * 1e6:.4g} µV")
