"""A single F/N contact: the solver's spin accumulation against the seed's eq. (8).

Run from the repository root: python docs/tutorials/contact.py
"""

import numpy as np

import spintorque as st
from spintorque.analytic import contact_spin_accumulation

co = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
cu = st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)
J = 1e11  # A/m², electrons flow from the Co lead into Cu
stack = st.Stack(
    (st.Layer("Cu", cu, 300e-9),), left=st.Lead(co, (0, 0, 1)), right=st.Lead(cu), current_density=J
)
result = st.solve(stack)
mu0 = result.spin_accumulation[0, 2]  # V, at x = 0 (the contact), along z = m
exact = contact_spin_accumulation(co.polarization, co.spin_conductance, cu.spin_conductance, J)
print(f"mu_s(0) = {mu0 * 1e6:.9f} µV, seed eq. (8): {exact * 1e6:.9f} µV")
assert np.isclose(mu0, exact, rtol=1e-12)
