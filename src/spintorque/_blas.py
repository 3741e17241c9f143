"""How many BLAS threads the small dense linear algebra of the solvers may use."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any


def single_threaded_blas() -> AbstractContextManager[Any]:
    """A context in which BLAS (OpenBLAS, MKL, BLIS) runs on one thread.

    The dense matrices of the spectral write-error rate are a few hundred rows: threads gain
    nothing there, and on a machine whose cores are busy they lose a factor of 10 to 100 waiting
    for each other (measured: the σ = 60 table of benchmarks/wer.py, 0.6 s on one thread against
    56 s wall, 20 s CPU with the default threads at load average 6 on 2 cores).
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")
