"""Stochastic Heun integrator: reproducibility, backends, random stream, bookkeeping."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from scipy import stats

from spintorque.dynamics import kernel, run_stochastic, seed_sequence, seed_states
from spintorque.errors import InputError
from spintorque.magnet import (
    Conditions,
    Demag,
    FieldLike,
    Macrospin,
    MacrospinModel,
    Slonczewski,
    Uniaxial,
    Zeeman,
)

MODEL = MacrospinModel(
    Macrospin(1e6, 2e-9, 2e-16, 0.1, initial=(0.1, 0.0, 1.0)),
    Uniaxial(6e5) + Demag((0.1, 0.1, 0.8)) + Zeeman((1e3, 0, 2e4)),
    Slonczewski(0.5, Lambda=2.0, epsilon_prime=0.1, polarizer=(0, 0, -1)) + FieldLike(0.2, (0, 1, 0)))
WARM = Conditions(current_density=2e11, temperature=300.0)


def run(**kw):
    options = {"duration": 2e-10, "dt": 1e-12, "trajectories": 4, "seed": 11, "save_every": 20}
    options.update(kw)
    conditions = options.pop("conditions", WARM)
    return run_stochastic(MODEL, conditions, **options)


def test_same_seed_gives_the_same_numbers_and_another_seed_does_not():
    a, b, c = run(), run(), run(seed=12)
    np.testing.assert_array_equal(a.m.values, b.m.values)
    assert not np.allclose(a.m.values[:, -1], c.m.values[:, -1])
    assert a.attrs["option_seed_entropy"] == "11"


def test_numbers_do_not_depend_on_threads_ensemble_size_or_chunking():
    reference = run(trajectories=6)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        single = run(trajectories=6)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(single.m.values, reference.m.values)
    np.testing.assert_array_equal(run(trajectories=2).m.values, reference.m.values[:2])
    fine = run(trajectories=6, save_every=1)
    np.testing.assert_array_equal(fine.m.values[:, ::20], reference.m.values)


def test_numba_and_numpy_backends_agree_for_every_compiled_term_and_a_pulse():
    pulse = Conditions(lambda t: 3e11 if t < 1e-10 else -1e11, 300.0)
    compiled = run(conditions=pulse, backend="numba")
    reference = run(conditions=pulse, backend="numpy")
    np.testing.assert_allclose(compiled.m.values, reference.m.values, atol=1e-12)
    assert compiled.attrs["option_backend"] == "numba" and reference.attrs["option_backend"] == "numpy"


def test_norm_is_preserved_and_the_dataset_is_labelled():
    ds = run(duration=1e-9, save_every=100)
    np.testing.assert_allclose(np.linalg.norm(ds.m.values, axis=-1), 1.0, atol=1e-14)
    assert ds.m.dims == ("trajectory", "time", "component")
    assert ds.time.attrs["units"] == "s"
    np.testing.assert_allclose(ds.time.values, np.arange(11) * 1e-10)
    assert "Slonczewski" in ds.attrs["input_model"]


def test_kernel_normals_are_standard_normal_and_uncorrelated():
    state = seed_states(seed_sequence(5), 4)
    out = np.empty((4, 25_000, 3))
    kernel.draw_normals(state, out)
    x = out.ravel()
    assert stats.kstest(x, "norm").pvalue > 1e-3
    assert abs(np.corrcoef(x[:-1], x[1:])[0, 1]) < 5 / np.sqrt(x.size)  # 5 standard errors


def test_callback_sees_every_sample_and_can_stop_the_run():
    seen: list[float] = []

    def callback(t, m):
        seen.append(t)
        return t >= 1e-10

    ds = run(callback=callback)
    assert seen == pytest.approx([2e-11, 4e-11, 6e-11, 8e-11, 1e-10])
    assert ds.time.values[-1] == pytest.approx(1e-10)


def test_switching_time_is_recorded_when_mz_changes_sign():
    flip = Conditions(current_density=3e12, temperature=0.0)
    ds = run(conditions=flip, duration=2e-9, save_every=100)
    assert np.all(np.isfinite(ds.switching_time.values))
    assert np.all(ds.m.values[:, -1, 2] < 0)
    idle = run(conditions=Conditions(0.0, 0.0), duration=1e-10)
    assert np.all(np.isnan(idle.switching_time.values))


def test_bad_run_parameters_raise_input_errors():
    with pytest.raises(InputError, match="duration"):
        run(duration=1.5e-12)
    with pytest.raises(InputError, match="dt"):
        run(dt=-1.0)
    with pytest.raises(InputError, match="save_every"):
        run(save_every=0)
    with pytest.raises(InputError, match="seed"):
        run(seed="abc")
    with pytest.raises(InputError, match="initial"):
        run(initial=np.zeros((4, 3)))
