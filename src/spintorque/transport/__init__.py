"""Exact diffusive spin transport in 1D F/N multilayers (TRANSPORT.md).

:func:`solve` gives a :class:`TransportResult`; :func:`efficiency` sweeps the angle of one
ferromagnet and returns g1(θ), g2(θ) in one vectorised call.
"""

from spintorque.transport.efficiency import efficiency, efficiency_of, rotated_magnetizations
from spintorque.transport.result import TransportResult
from spintorque.transport.solver import solve

__all__ = ["TransportResult", "efficiency", "efficiency_of", "rotated_magnetizations", "solve"]
