"""Materials: Valet–Fert parameters of ferromagnets and normal metals, and the shipped database.

A ferromagnet is described by rho* (or its measured resistivity rho_F = rho*(1 − beta²)), the bulk
spin asymmetry beta and the spin-diffusion length l; a normal metal by its resistivity and l.
The transport model (``docs/physics.md``, TRANSPORT.md §2) uses

* polarization ``p = beta`` (0 in a normal metal),
* spin conductance ("cord stiffness") ``G = 1/(2 rho* l)`` for F, ``1/(2 rho_N l)`` for N [S/m²].
"""

from spintorque.materials.database import load_database, lookup
from spintorque.materials.material import Ferromagnet, Material, NormalMetal, material_from_table

__all__ = [
    "Ferromagnet",
    "Material",
    "NormalMetal",
    "load_database",
    "lookup",
    "material_from_table",
]
