"""The seed paper's mechanical analogy: hodographs, ring forces and sign-change analysis.

Analysis layer: functions of a solved :class:`~spintorque.transport.TransportResult` (or of a
stack) returning data; no plotting here.
"""

from spintorque.analogy.forces import RingForces, ring_forces
from spintorque.analogy.hodograph import Hodograph, hodograph
from spintorque.analogy.signchange import SignChange, explain, torque_zero_crossings
from spintorque.analogy.signmap import sign_map, vary

__all__ = [
    "Hodograph",
    "RingForces",
    "SignChange",
    "explain",
    "hodograph",
    "ring_forces",
    "sign_map",
    "torque_zero_crossings",
    "vary",
]
