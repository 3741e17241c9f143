"""Write-error rate of a pulse: WER(t) at a few currents above I_c0, with its error estimate.

Run from the repository root: python docs/tutorials/write_error_rate.py
"""

import numpy as np

from spintorque.thermal import AxialModel
from spintorque.thermal.wer import write_error_rate

model = AxialModel(sigma=40.0, h=0.0, i=0.0)  # its i is ignored: the currents come below
pulses = np.array([0.25, 0.5, 1.0])  # in tau_N
r = write_error_rate(model, [1.5, 2.0], pulses, rtol=1e-4)
for k, i in enumerate(r.current_ratio):
    wer = r.write_error_rate[k]
    print(f"i = {i}: WER at t/tau_N = {pulses} -> {np.array2string(wer, precision=3)}")
    assert np.all(np.diff(wer) <= 0) and np.all((wer >= 0) & (wer <= 1))  # a longer pulse helps
assert np.all(r.write_error_rate[1] <= r.write_error_rate[0])  # so does a larger current
print(
    "converged:",
    bool(np.all(r.converged)),
    " largest relative error estimate:",
    f"{np.max(r.write_error_rate_error):.1e}",
)
