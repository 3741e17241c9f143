"""Thermal escape of a uniaxial macrospin: the exact rate against Brown's high-barrier formula.

Run from the repository root: python docs/tutorials/escape_rate.py
"""

from spintorque.analytic import brown_high_barrier_rate
from spintorque.thermal import ReducedProblem, escape

# sigma = K V / k_B T; the exact λ1·tau_N approaches Brown's asymptote like 1 + O(1/sigma)
for sigma in (10.0, 40.0, 160.0):
    r = escape(ReducedProblem(sigma=sigma, h=0.0, i=0.0))
    brown = float(brown_high_barrier_rate(sigma))
    ratio = r.lambda1_tau_N / brown
    print(
        f"sigma = {sigma:5.0f}: λ1·tau_N = {r.lambda1_tau_N:.6e} ({r.method}, {r.regime}), "
        f"Brown {brown:.6e}, ratio {ratio:.5f}"
    )
    assert r.converged and abs(ratio - 1.0) < 2.0 / sigma

# a current above the critical one removes the start well: no barrier, and no number for it
r = escape(ReducedProblem(sigma=40.0, h=0.0, i=2.0))
print(
    f"i = 2: regime {r.regime!r}, effective barrier {r.effective_barrier_kT}, "
    f"reason: {r.null_reasons.get('effective_barrier_kT')}"
)
assert r.regime == "no barrier" and r.effective_barrier_kT is None
