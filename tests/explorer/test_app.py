"""The explorer page's numbers after a widget change equal the CLI's for the same stack."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as hs
from typer.testing import CliRunner

from spintorque.cli import app
from spintorque.cli.app import parse_angles
from spintorque.explorer import default_stack, stack_toml, view_of
from spintorque.explorer.app import Explorer
from spintorque.explorer.model import ANGLES
from spintorque.stack import load_stack, stack_from_dict
from spintorque.tomlfile import read_toml

GRID = "0:180:91"  # the page's θ grid, ANGLES


def cli(*args: str) -> dict:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Explorer, str]:
    """The default five-layer page after moving the spacer, F2's angle, F2's material and J."""
    page = Explorer(default_stack())
    page.thickness["N"].value = 14.0
    page.angle["F2"].value = 20.0
    page.material["F2"].value = "CoFe"
    page.direction.value = "towards -x"
    page.log_current.value = 11.5
    path = tmp_path_factory.mktemp("explore") / "shown.toml"
    path.write_text(page.toml.value)
    return page, str(path)


def test_the_grid_is_the_one_given_to_the_cli():
    np.testing.assert_array_equal(ANGLES, np.radians(parse_angles(GRID)))


def test_the_exported_file_is_the_stack_on_the_widgets(moved):
    page, path = moved
    stack = load_stack(path)
    assert stack == page.stack().transparent()
    assert stack.layer("N").thickness == pytest.approx(14e-9, rel=1e-15)
    assert stack.layer("F2").material.name == "CoFe"
    assert stack.current_density == pytest.approx(-(10**11.5), rel=1e-15)


def test_plotted_g1_g2_equal_spintorque_efficiency(moved):
    page, path = moved
    doc = cli("efficiency", path, "--rotate", "F2", "--angles", GRID, "--json")
    np.testing.assert_allclose(page.g_src.data["g1"], doc["efficiency"]["F1"], rtol=1e-12)
    np.testing.assert_allclose(page.g_src.data["g2"], doc["efficiency"]["F2"], rtol=1e-12)
    negative = np.asarray(doc["efficiency"]["F2"]) < 0
    assert np.all((np.asarray(page.g_src.data["neg2"]) < 0) == negative)


def test_plotted_ra_equals_spintorque_magnetoresistance(moved):
    page, path = moved
    doc = cli("magnetoresistance", path, "--rotate", "F2", "--angles", GRID, "--json")
    np.testing.assert_allclose(np.asarray(page.ra_src.data["ra"]) * 1e-15, doc["resistance_area"], rtol=1e-12)


def test_marker_and_torques_equal_spintorque_solve(moved):
    page, path = moved
    doc = cli("solve", path, "--json")
    assert page.now.location == 20.0
    at = int(np.argmin(np.abs(np.asarray(page.g_src.data["theta"]) - 20.0)))
    assert page.g_src.data["g2"][at] == pytest.approx(doc["efficiency"]["g2"], rel=1e-9)
    for layer in doc["layers"]:
        if layer["ferromagnet"]:
            np.testing.assert_allclose(
                page.view.torques[layer["name"]],
                layer["torque"],
                rtol=1e-12,
                atol=1e-12 * np.abs(layer["torque"]).max(),
            )


def test_explanation_equals_spintorque_explain(moved):
    page, path = moved
    doc = cli("explain", path, "--json")
    assert page.view.explanation == doc["explanation"]
    assert doc["explanation"] in page.explanation.object


def test_a_stack_of_three_ferromagnets_is_shown_with_the_reason_for_no_curves():
    stack = default_stack()
    layers = list(stack.layers)
    layers[0] = type(layers[0])("F0", layers[1].material, 2e-9, (1.0, 0.0, 0.0))
    view = view_of(type(stack)(tuple(layers)))
    assert view.g2.size == 0 and view.rotate is None
    assert "exactly two ferromagnetic layers" in view.explanation


@settings(max_examples=15, deadline=None)
@given(
    hs.lists(hs.floats(0.3e-9, 200e-9), min_size=5, max_size=5),
    hs.floats(0.0, np.pi),
    hs.floats(-1e12, 1e12).filter(lambda j: abs(j) > 1.0),
)
def test_export_reads_back_to_an_equal_stack(thickness, theta, current):
    base = default_stack().with_current_density(current)
    for layer, d in zip(base.names, thickness, strict=True):
        base = base.with_thickness(layer, d)
    stack = base.with_magnetization("F2", (np.sin(theta), 0.0, np.cos(theta)))
    import tomllib

    back = stack_from_dict(tomllib.loads(stack_toml(stack)))
    # the exact magnetizations are written; reading normalises them again (a last-bit change)
    for a, b in zip(back.layers, stack.layers, strict=True):
        assert (a.name, a.material, a.thickness) == (b.name, b.material, b.thickness)
        if b.magnetization is not None:
            np.testing.assert_allclose(a.magnetization, b.magnetization, rtol=0, atol=4e-16)
    assert (back.left, back.right, back.current_density) == (stack.left, stack.right, current)


def test_a_stack_file_with_inline_materials_round_trips(tmp_path):
    example = "examples/co_cu_py.toml"
    stack = load_stack(example)
    path = tmp_path / "out.toml"
    path.write_text(stack_toml(stack))
    assert load_stack(path) == stack.transparent()
    assert set(read_toml(path)["materials"]) == {"MyCo", "MyCu"}  # Py named from the database


def test_a_bad_port_is_one_line_and_exit_2():
    result = CliRunner().invoke(app, ["explore", "--port", "80", "--no-browser"])
    assert result.exit_code == 2
    assert result.output.strip() == "error: --port: must be between 1024 and 65535, got 80"


def test_a_missing_stack_file_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(app, ["explore", str(tmp_path / "none.toml"), "--no-browser"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "none.toml" in result.output


# --- finite interfaces ---------------------------------------------------------------------------
WITH_INTERFACE = """
[current]
density = "1e11 A/m^2"

[[layers]]
name = "N0"
material = "Cu"
thickness = "5 nm"

[[layers]]
name = "F1"
material = "Co"
thickness = "8 nm"
magnetization = [0, 0, 1]

[[layers]]
name = "N"
material = "Cu"
thickness = "10 nm"

[[layers]]
name = "F2"
material = "Py"
thickness = "3 nm"
magnetization = { theta = "30 deg", phi = "0 deg" }

[[layers]]
name = "N3"
material = "Cu"
thickness = "5 nm"

[[interfaces]]
between = ["F1", "N"]
resistance_area = "0.6 fOhm*m^2"
spin_asymmetry = 0.7
spin_memory_loss = 0.25
mixing_conductance = ["0.5e15 S/m^2", "0.05e15 S/m^2"]
"""


def _moved_with_interfaces(tmp_path, database: bool) -> tuple[Explorer, str]:
    source = tmp_path / "source.toml"
    source.write_text(("database_interfaces = true\n" if database else "") + WITH_INTERFACE)
    page = Explorer(load_stack(source))
    page.thickness["N"].value = 6.0
    page.angle["F2"].value = 70.0
    page.log_current.value = 11.2
    path = tmp_path / "shown.toml"
    path.write_text(page.toml.value)
    return page, str(path)


def _assert_page_equals_cli(page: Explorer, path: str) -> None:
    """g1, g2, RA(θ) and the torques on the page = the CLI's on the exported file."""
    doc = cli("efficiency", path, "--rotate", "F2", "--angles", GRID, "--json")
    np.testing.assert_allclose(page.g_src.data["g1"], doc["efficiency"]["F1"], rtol=1e-12)
    np.testing.assert_allclose(page.g_src.data["g2"], doc["efficiency"]["F2"], rtol=1e-12)
    doc = cli("magnetoresistance", path, "--rotate", "F2", "--angles", GRID, "--json")
    np.testing.assert_allclose(np.asarray(page.ra_src.data["ra"]) * 1e-15, doc["resistance_area"], rtol=1e-12)
    doc = cli("solve", path, "--json")
    assert len(doc["interface_elements"]) == len(page.view.stack.interface_elements) > 0
    for layer in doc["layers"]:
        if layer["ferromagnet"]:
            torque = np.asarray(layer["torque"])
            np.testing.assert_allclose(
                page.view.torques[layer["name"]], torque, rtol=1e-12, atol=1e-12 * np.abs(torque).max()
            )


@pytest.mark.slow
def test_the_files_interfaces_enter_ra_torques_g_and_the_export(tmp_path):
    page, path = _moved_with_interfaces(tmp_path, database=False)
    stack = page.stack()
    assert [i.between for i in stack.interface_elements] == [("F1", "N")]
    assert load_stack(path) == stack  # the interface is written back, exactly
    assert "database_interfaces" not in read_toml(path)
    _assert_page_equals_cli(page, path)
    # ... and they matter: the transparent stack's RA(θ) is another curve
    transparent = view_of(stack.transparent())
    assert not np.allclose(transparent.resistance_area * 1e15, page.g_src.data["ra"], rtol=1e-3)
    assert "F1/N" in page.interface_table.object and "file" in page.interface_table.object


@pytest.mark.slow
def test_database_interfaces_on_the_toggle_and_in_the_export(tmp_path):
    page, _ = _moved_with_interfaces(tmp_path, database=False)
    assert not page.use_database.value
    page.use_database.value = True
    stack = page.stack()
    # Co/Cu at N0|F1, Py/Cu at N|F2 and F2|N3 from the database; F1|N stays the file's
    pairs = {i.between: i for i in stack.interface_elements}
    assert set(pairs) == {("N0", "F1"), ("F1", "N"), ("N", "F2"), ("F2", "N3")}
    assert pairs[("F1", "N")].resistance_area == pytest.approx(0.6e-15, rel=1e-15)
    assert pairs[("N", "F2")].status == "sourced"
    path = tmp_path / "toggled.toml"
    path.write_text(page.toml.value)
    assert read_toml(path)["database_interfaces"] is True
    assert load_stack(path) == stack
    _assert_page_equals_cli(page, str(path))
    assert page.interface_table.object.count("database") == 3
    page.use_database.value = False
    assert [i.between for i in page.stack().interface_elements] == [("F1", "N")]


def test_a_file_asking_for_database_interfaces_starts_with_the_toggle_on(tmp_path):
    page, path = _moved_with_interfaces(tmp_path, database=True)
    assert page.use_database.value
    assert len(page.stack().interface_elements) == 4
    assert load_stack(path) == page.stack()
    _assert_page_equals_cli(page, path)


@settings(max_examples=25, deadline=None)
@example(1e-15, 0.5, 0.1, None, 'DEL \x7f, quote ", backslash \\, newline \n, tab \t', "user")  # TOML escapes
@given(
    hs.floats(1e-22, 1e-9),
    hs.floats(-0.999, 0.999),
    hs.floats(0.0, 1e3),
    hs.one_of(hs.none(), hs.tuples(hs.floats(1e9, 1e24), hs.floats(-1e24, 1e24))),
    hs.text(min_size=1, max_size=40),
    hs.sampled_from(["user", "sourced", "illustrative"]),
)
def test_exported_interfaces_read_back_exactly(ar, gamma, delta, mixing, source, status):
    from spintorque.interfaces import Interface

    g = None if mixing is None else complex(*mixing)
    interface = Interface(("F1", "N"), ar, gamma, delta, g, source, status)
    stack = default_stack().with_interfaces([interface])
    import tomllib

    back = stack_from_dict(tomllib.loads(stack_toml(stack)))
    assert back.interface_elements == stack.interface_elements
    assert back.transparent() == stack.transparent()
