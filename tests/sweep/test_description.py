"""Sweep files: axes in the base file's units converted to SI once, and bad input refused early."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from spintorque.errors import InputError
from spintorque.sweep import load_sweep

ONE_AXIS = 'base = "co_cu_py.toml"\ncommand = "solve"\n[axes]\n"current.density" = { values = ["1 A/m^2"] }\n'


def test_axes_are_in_si_in_file_order(sweep_file: Callable[..., Path]) -> None:
    sweep = load_sweep(sweep_file())
    assert [axis.key for axis in sweep.axes] == [
        "layers.F2.thickness",
        "layers.F2.magnetization.theta",
        "current.density",
    ]
    assert sweep.shape == (4, 5, 2)
    thickness, theta, density = sweep.axes
    np.testing.assert_array_equal(thickness.values, np.linspace(1e-9, 10e-9, 4))
    assert (thickness.units, theta.units, density.units) == ("m", "rad", "A/m^2")
    assert theta.values[-1] == math.pi
    assert list(density.values) == [1e10, -2e11]


def test_log_scale_and_plain_numbers(sweep_file: Callable[..., Path]) -> None:
    sweep = load_sweep(
        sweep_file("""base = "co_cu_py.toml"
command = "solve"
[axes]
"current.density" = { start = "1e9 A/m^2", stop = "1e12 A/m^2", num = 4, scale = "log" }
"materials.MyCo.spin_asymmetry" = { values = [0.1, 0.5] }
""")
    )
    np.testing.assert_allclose(sweep.axes[0].values, [1e9, 1e10, 1e11, 1e12], rtol=1e-15)
    assert sweep.axes[1].units == "1"
    stack = sweep.description((3, 1))
    assert stack.current_density == sweep.axes[0].values[3]
    assert stack.layer("F1").material.spin_asymmetry == 0.5


def test_a_point_is_the_base_file_with_the_axis_values(sweep_file: Callable[..., Path]) -> None:
    from spintorque.stack import load_stack, spherical

    sweep = load_sweep(sweep_file())
    base = load_stack(sweep.base_path)
    d, theta, J = (axis.values[i] for axis, i in zip(sweep.axes, (2, 3, 1), strict=True))
    expected = (
        base.with_thickness("F2", d).with_current_density(J).with_magnetization("F2", spherical(theta, 0.0))
    )
    assert sweep.description((2, 3, 1)) == expected


def test_fingerprint_ignores_comments_but_not_values(sweep_file: Callable[..., Path]) -> None:
    text = sweep_file().read_text()
    first = load_sweep(sweep_file(text)).fingerprint()
    assert load_sweep(sweep_file("# a comment\n" + text)).fingerprint() == first
    changed = text.replace("num = 5", "num = 6")
    assert load_sweep(sweep_file(changed)).fingerprint() != first


@pytest.mark.parametrize(
    ("axis", "words"),
    [
        ('"layers.F9.thickness" = { values = ["1 nm"] }', 'axes."layers.F9.thickness": layers has no entry'),
        ('"layers.F2.thickness" = { values = ["1 s"] }', 'axes."layers.F2.thickness".values[0]: wrong unit'),
        (
            '"layers.F2.thickness" = { start = "-2 nm", stop = "2 nm", num = 3 }',
            'axes."layers.F2.thickness": at -2e-09 m: layers[2].thickness: must be 1e-12 m <= d',
        ),
        (
            '"current.density" = { start = "1 A/m^2", stop = "2 A/m^2" }',
            'axes."current.density".num: missing',
        ),
        (
            '"current.density" = { start = "0 A/m^2", stop = "2 A/m^2", num = 2, scale = "log" }',
            "'log' needs start > 0",
        ),
        ('"layers.F2.material" = { values = ["Co"] }', "neither a number nor a quantity"),
        ('"materials.MyCo.spin_asymmetry" = { values = ["3 nm"] }', "expected a number"),
    ],
)
def test_bad_axes_are_refused_naming_the_key(sweep_file: Callable[..., Path], axis: str, words: str) -> None:
    path = sweep_file(f'base = "co_cu_py.toml"\ncommand = "solve"\n[axes]\n{axis}\n')
    with pytest.raises(InputError) as caught:
        load_sweep(path)
    assert words in str(caught.value)
    assert str(caught.value).startswith(str(path))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            'base = "co_cu_py.toml"\ncommand = "plot"\n[axes]\n"current.density" = { values = ["1 A/m^2"] }',
            "'plot' is not a sweep command",
        ),
        (
            'base = "nope.toml"\ncommand = "solve"\n[axes]\n"current.density" = { values = ["1 A/m^2"] }',
            "not found",
        ),
        (
            ONE_AXIS + "[run]\nchunk = 0",
            "run.chunk",
        ),
        (
            ONE_AXIS + "[run]\nworkers = 3",
            "run.workers: unknown key",
        ),
        ('base = "mtj.toml"\ncommand = "solve"\n[axes]\n"magnet.damping" = { values = [0.1] }', "mtj.toml"),
    ],
)
def test_bad_sweep_files_are_refused(sweep_file: Callable[..., Path], text: str, words: str) -> None:
    with pytest.raises(InputError, match=words.replace("[", r"\[")):
        load_sweep(sweep_file(text))


def test_efficiency_needs_two_ferromagnets(sweep_file: Callable[..., Path], tmp_path: Path) -> None:
    single = (tmp_path / "co_cu_py.toml").read_text().split("[[layers]]")
    (tmp_path / "one.toml").write_text("[[layers]]".join(single[:2]))
    with pytest.raises(InputError, match="exactly two ferromagnetic layers"):
        load_sweep(
            sweep_file(
                'base = "one.toml"\ncommand = "efficiency"\n[axes]\n'
                '"current.density" = { values = ["1 A/m^2"] }'
            )
        )


def test_the_stack_shortcut_equals_parsing_each_point(sweep_file: Callable[..., Path]) -> None:
    import copy

    from spintorque.stack import stack_from_dict

    text = sweep_file().read_text().replace('"current.density"', '"layers.F1.thickness"')
    text = text.replace('["1e10 A/m^2", "-2e11 A/m^2"]', '["2 nm", "7.3 nm"]')
    for grid in (sweep_file(), sweep_file(text, name="other.toml")):
        sweep = load_sweep(grid)
        base = stack_from_dict(copy.deepcopy(sweep.base_data))
        paths = [axis.steps for axis in sweep.axes]
        for index in np.ndindex(*sweep.shape):
            data = sweep.point_data(index)
            assert sweep.command.vary(base, data, paths) == stack_from_dict(data)


def test_the_shortcut_declines_other_fields(sweep_file: Callable[..., Path]) -> None:
    from spintorque.stack import stack_from_dict

    sweep = load_sweep(
        sweep_file(
            ONE_AXIS.replace("current.density", "materials.MyCo.spin_asymmetry").replace(
                '["1 A/m^2"]', "[0.2]"
            )
        )
    )
    base = stack_from_dict(sweep.base_data)
    assert sweep.command.vary(base, sweep.point_data((0,)), [sweep.axes[0].steps]) is None


def test_the_shortcut_equals_parsing_in_any_axis_order(
    sweep_file: Callable[..., Path], tmp_path: Path
) -> None:
    import copy

    from spintorque.stack import stack_from_dict
    from spintorque.sweep.runner import _deriver
    from spintorque.sweep.store import blocks

    base = (
        (tmp_path / "co_cu_py.toml")
        .read_text()
        .replace("magnetization = [0, 0, 1]", "magnetization = [1, 2, 3]")
    )
    (tmp_path / "tilted.toml").write_text(base)
    text = """base = "tilted.toml"
command = "solve"
[axes]
"layers.F2.magnetization.theta" = { start = "0.1 deg", stop = "179 deg", num = 7 }
"layers.F2.thickness" = { start = "1.3 nm", stop = "9.7 nm", num = 3 }
"layers.F1.thickness" = { values = ["2.2 nm", "5.1 nm"] }
"layers.F2.magnetization.phi" = { values = ["10 deg", "-77 deg"] }
"""
    sweep = load_sweep(sweep_file(text))
    block = next(blocks(sweep.shape, sweep.size))
    data = copy.deepcopy(sweep.base_data)
    derive = _deriver(sweep, block, data)
    for index in np.ndindex(*sweep.shape):
        point = sweep.point_data(index, data)
        assert derive(index, point) == stack_from_dict(copy.deepcopy(point))
