"""The spectral WER's dense linear algebra runs on one BLAS thread (spintorque._blas)."""

from __future__ import annotations

from threadpoolctl import threadpool_info, threadpool_limits

from spintorque._blas import single_threaded_blas


def blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_inside_the_context_every_blas_library_has_one_thread_and_after_it_as_before():
    with threadpool_limits(limits=2, user_api="blas"):  # as on a machine with threads to spare
        before = blas_threads()
        assert before and all(n == 2 for n in before)
        with single_threaded_blas():
            inside = blas_threads()
        after = blas_threads()
    assert inside == [1] * len(before)
    assert after == before
