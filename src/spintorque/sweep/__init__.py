"""Parameter sweeps: a base input file, axes over its fields, a command run at every point.

:func:`load_sweep` reads and checks a sweep file (:mod:`~spintorque.sweep.description`);
:func:`run` computes its points on a Dask cluster into a resumable Zarr store
(:mod:`~spintorque.sweep.runner`, :mod:`~spintorque.sweep.store`); the commands a sweep can run
are registered in :data:`COMMANDS` (:mod:`~spintorque.sweep.commands`). Needs the ``sweep``
extra (dask, distributed, zarr). See ``docs/sweep.md``.
"""

from spintorque.sweep.commands import COMMANDS, Command, Output
from spintorque.sweep.description import Axis, Sweep, load_sweep
from spintorque.sweep.runner import Summary, point_seed, run

__all__ = ["COMMANDS", "Axis", "Command", "Output", "Summary", "Sweep", "load_sweep", "point_seed", "run"]
