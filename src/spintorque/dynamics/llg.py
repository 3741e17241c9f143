r"""The Landau–Lifshitz–Gilbert–Slonczewski equation in explicit form (NumPy, any term).

Gilbert form, with H_eff in A/m and τ the spin-torque term (τ ⊥ m):

.. math:: \dot{\mathbf m} = -\gamma_0\,\mathbf m\times\mathbf H_{eff}
          + \alpha\,\mathbf m\times\dot{\mathbf m} + \boldsymbol\tau .

Taking m× of both sides and using m·ṁ = 0 gives the explicit form integrated here
(``docs/dynamics.md``):

.. math:: \dot{\mathbf m} = -\frac{\gamma_0}{1+\alpha^2}\big[\mathbf m\times\mathbf H_{eff}
          + \alpha\,\mathbf m\times(\mathbf m\times\mathbf H_{eff})\big]
          + \frac{\boldsymbol\tau + \alpha\,\mathbf m\times\boldsymbol\tau}{1+\alpha^2}.

Each torque term supplies its own explicit-form contribution
(:meth:`spintorque.magnet.TorqueTerm.rate`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.magnet.model import MacrospinModel
from spintorque.magnet.torque import field_rate

FloatArray = NDArray[np.float64]


def llg_rate(model: MacrospinModel, m: ArrayLike, J: float, H_extra: ArrayLike | None = None) -> FloatArray:
    r"""dm/dt [1/s] of the explicit LLG(S) equation at m, shape (..., 3).

    Parameters
    ----------
    model : MacrospinModel
    m : array_like, shape (..., 3)
        Magnetization directions (used as given: normalise them first).
    J : float
        Current density [A/m²].
    H_extra : array_like, optional
        A further field [A/m] added to H_eff (the thermal field), broadcast against m.

    Examples
    --------
    >>> from spintorque.magnet import Macrospin, MacrospinModel, Zeeman
    >>> model = MacrospinModel(Macrospin(1e6, 1e-9, 1e-16, 0.0), Zeeman((0, 0, 1e5)))
    >>> float(llg_rate(model, [1.0, 0, 0], 0.0)[1]) > 0   # precession: ṁ = gamma0 H×m = +y
    True
    """
    m = np.asarray(m, dtype=float)
    magnet = model.magnet
    H = model.energy.effective_field(m, magnet)
    if H_extra is not None:
        H = H + np.asarray(H_extra, dtype=float)
    return field_rate(m, np.broadcast_to(H, m.shape), magnet.damping) + model.torques.rate(m, J, magnet)
