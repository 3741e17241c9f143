"""The constants are scipy's (CODATA), the exact SI ones written out without importing scipy."""

from __future__ import annotations

import subprocess
import sys

from scipy import constants as c

from spintorque import constants


def test_every_constant_equals_scipy_constants_exactly():
    assert constants.hbar == c.hbar and constants.e == c.e and constants.k_B == c.k
    assert constants.mu0 == c.mu_0
    assert constants.mu_B == c.physical_constants["Bohr magneton"][0]
    assert constants.gamma_e == abs(c.physical_constants["electron gyromag. ratio"][0]) > 0
    assert constants.gamma0 == c.mu_0 * constants.gamma_e
    assert constants.hbar_over_2e == c.hbar / (2 * c.e)


def test_the_exact_constants_need_no_scipy():
    code = ("import sys\nfrom spintorque.constants import e, hbar, hbar_over_2e, k_B\n"
            "assert 'scipy' not in sys.modules\nfrom spintorque.constants import mu0\n"
            "assert 'scipy' in sys.modules and mu0 > 0")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
