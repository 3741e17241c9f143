"""The `[[interfaces]]` stack-file contract, the database pairs and the CLI switches."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import spintorque as st
from spintorque.errors import InputError
from spintorque.interfaces import Interface
from spintorque.materials.database import interface_tables, load_database

STACK = """
{top}
[current]
density = "1e11 A/m^2"

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
material = "Co"
thickness = "3 nm"
magnetization = {{ theta = "60 deg" }}
{tables}
"""

BRIEF = """
[[interfaces]]
between = ["F1", "N"]                 # adjacent layers; "left_lead"/"right_lead" name the leads
resistance_area = "0.51 fOhm*m^2"     # AR*
spin_asymmetry = 0.77                 # gamma
spin_memory_loss = 0.33               # delta, default 0
mixing_conductance = ["0.55e15 S/m^2", "0.02e15 S/m^2"]   # Re, Im; omitted = transparent
"""


def write(tmp_path: Path, tables: str = "", top: str = "") -> Path:
    path = tmp_path / "stack.toml"
    path.write_text(STACK.format(top=top, tables=tables))
    return path


def test_the_documented_table_is_read_in_si_units(tmp_path):
    stack = st.load_stack(write(tmp_path, BRIEF))
    (i,) = stack.interface_elements
    assert i.between == ("F1", "N") and stack.interface_nodes == (1,)
    assert i.resistance_area == pytest.approx(0.51e-15, rel=1e-15)
    assert (i.spin_asymmetry, i.spin_memory_loss) == (0.77, 0.33)
    assert i.mixing_conductance == pytest.approx(complex(0.55e15, 0.02e15), rel=1e-15)


def test_interfaces_change_the_answer_and_transparent_switches_them_off(tmp_path):
    with_i = st.load_stack(write(tmp_path, BRIEF.replace("mixing_conductance", "# ")))
    plain = st.load_stack(write(tmp_path))
    assert plain.interface_elements == () and with_i.transparent() == plain
    a, b = st.solve(with_i), st.solve(plain)
    assert float(a.resistance_area) > float(b.resistance_area) + 0.1e-15


def test_database_pairs_apply_only_when_the_file_opts_in(tmp_path):
    assert st.load_stack(write(tmp_path)).interface_elements == ()
    stack = st.load_stack(write(tmp_path, top="database_interfaces = true"))
    assert [i.between for i in stack.interface_elements] == [("F1", "N"), ("N", "F2")]
    co_cu = interface_tables()["Co/Cu"]
    assert stack.interface_elements[1].spin_memory_loss == co_cu["spin_memory_loss"]
    # the file's own table wins over the database for its pair
    own = BRIEF.replace("0.33", "0.05")
    stack = st.load_stack(write(tmp_path, own, top="database_interfaces = true"))
    assert [i.spin_memory_loss for i in stack.interface_elements] == [0.05, 0.33]


def test_every_database_interface_names_shipped_materials_and_parses():
    materials = load_database()
    assert "interfaces" not in materials
    for key, table in interface_tables().items():
        a, b = key.split("/")
        assert a in materials and b in materials, key
        assert materials[a].is_ferromagnet != materials[b].is_ferromagnet, key  # F/N pairs
        assert table["status"] in ("sourced", "illustrative") and table["source"], key
        from spintorque.interfaces import interface_from_table

        interface_from_table(table, key, (a, b))


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ('between = ["F1", "F2"]\nresistance_area = "1 fOhm*m^2"', "interfaces[0].between"),
        ('between = ["F2", "right_lead"]\nresistance_area = "1 fOhm*m^2"\nspin_asymmetry = 0.5', None),
        ('between = ["F1", "X"]\nresistance_area = "1 fOhm*m^2"', "interfaces[0].between"),
        ('between = ["F1", "N"]', "interfaces[0].resistance_area"),
        ('between = ["F1", "N"]\nresistance_area = "1 nm"', "interfaces[0].resistance_area"),
        ('between = ["F1", "N"]\nresistance_area = "-1 fOhm*m^2"', "interfaces[0].resistance_area"),
        (
            'between = ["F1", "N"]\nresistance_area = "1 fOhm*m^2"\nspin_asymmetry = 1.0',
            "interfaces[0].spin_asymmetry",
        ),
        (
            'between = ["F1", "N"]\nresistance_area = "1 fOhm*m^2"\nspin_memory_loss = -0.1',
            "interfaces[0].spin_memory_loss",
        ),
        (
            'between = ["F1", "N"]\nresistance_area = "1 fOhm*m^2"\nmixing_conductance = ["1 S/m^2"]',
            "interfaces[0].mixing_conductance",
        ),
        (
            'between = ["F1", "N"]\nresistance_area = "1 fOhm*m^2"\n'
            'mixing_conductance = ["-1e15 S/m^2", "0 S/m^2"]',
            "interfaces[0].mixing_conductance",
        ),
        ('between = ["F1", "N"]\nresistance_area = "1 fOhm*m^2"\ncolour = 1', "interfaces[0].colour"),
    ],
)
def test_bad_interface_tables_are_refused_naming_the_field(tmp_path, table, field):
    if field is None:  # an F/sink interface is fine
        st.solve(st.load_stack(write(tmp_path, "[[interfaces]]\n" + table)))
        return
    with pytest.raises(InputError) as error:
        st.load_stack(write(tmp_path, "[[interfaces]]\n" + table))
    assert error.value.field == field, str(error.value)
    assert "\n" not in str(error.value)


def test_normal_normal_interfaces_are_spin_independent():
    cu = st.NormalMetal("Cu", 0.6e-8, 500e-9)
    layers = (st.Layer("A", cu, 5e-9), st.Layer("B", cu, 5e-9))
    st.Stack(layers, interface_elements=(Interface(("A", "B"), 1e-15),))
    with pytest.raises(InputError, match="spin_asymmetry"):
        st.Stack(layers, interface_elements=(Interface(("A", "B"), 1e-15, 0.5),))
    with pytest.raises(InputError, match="mixing_conductance"):
        st.Stack(layers, interface_elements=(Interface(("A", "B"), 1e-15, 0.0, 0.0, 1e15),))
    with pytest.raises(InputError, match="described twice"):
        st.Stack(layers, interface_elements=(Interface(("A", "B"), 1e-15), Interface(("B", "A"), 2e-15)))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spintorque", *args], capture_output=True, text=True, timeout=300, check=False
    )


def cli(*args: str) -> str:
    from typer.testing import CliRunner

    from spintorque.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_solve_json_reports_each_interface_and_its_part_of_ra(tmp_path):
    path = write(tmp_path, BRIEF.replace("mixing_conductance", "# "), top="database_interfaces = true")
    doc = json.loads(cli("solve", str(path), "--json"))
    report = doc["interface_elements"]
    assert [r["between"] for r in report] == [["F1", "N"], ["N", "F2"]]
    stack = st.load_stack(path)
    bulk = sum(ly.material.resistivity * ly.thickness for ly in stack.layers)
    charge = sum(r["charge_resistance_area"] for r in report)
    assert charge == pytest.approx(sum(i.charge_resistance_area for i in stack.interface_elements))
    assert bulk + charge < doc["resistance_area"]  # plus the spin-coupled parts
    for r in report:
        assert r["resistance_area"] == r["charge_resistance_area"] + r["spin_resistance_area"]
    plain = json.loads(cli("solve", str(path), "--json", "--transparent"))
    assert plain["interface_elements"] == []
    assert plain["resistance_area"] == pytest.approx(
        float(st.solve(stack.transparent()).resistance_area), rel=1e-15
    )
    eff = json.loads(
        cli("efficiency", str(path), "--rotate", "F2", "--angles", "10:170:3", "--json", "--transparent")
    )
    g = st.efficiency(stack.transparent(), "F2", np.radians([10, 90, 170]))
    np.testing.assert_allclose(eff["efficiency"]["F2"], g.g2.values, rtol=1e-14)


def test_a_bad_interface_is_one_line_and_exit_2(tmp_path):
    path = write(
        tmp_path,
        '[[interfaces]]\nbetween = ["F1", "left_lead"]\nresistance_area = "1 fOhm*m^2"\nspin_asymmetry = 2',
    )
    proc = run("solve", str(path), "--json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "interfaces[0].spin_asymmetry" in proc.stderr


def test_an_interface_between_two_ferromagnets_is_refused():
    co = st.Ferromagnet("Co", 7.5e-8, 0.46, 59e-9)
    layers = (st.Layer("A", co, 5e-9, (0, 0, 1)), st.Layer("B", co, 5e-9, (0, 0, 1)))
    with pytest.raises(InputError, match="both ferromagnets"):
        st.Stack(layers, interface_elements=(Interface(("A", "B"), 1e-15),))


def test_solve_summary_lists_the_interfaces(tmp_path):
    out = cli("solve", str(write(tmp_path, top="database_interfaces = true")))
    assert "F1|N" in out and "interface N/F2: AR* = 5.1e-16" in out


def test_the_analogy_refuses_finite_interfaces_and_its_commands_use_the_transparent_model(tmp_path):
    from spintorque.analogy import hodograph, ring_forces

    path = write(tmp_path, top="database_interfaces = true")
    result = st.solve(st.load_stack(path))
    for draw in (hodograph, ring_forces):
        with pytest.raises(InputError, match="transparent"):
            draw(result)
    doc = json.loads(cli("explain", str(path), "--json"))
    plain = json.loads(cli("explain", str(write(tmp_path)), "--json"))
    # the input files differ (their provenance says so); the analogy's answer does not
    assert doc.pop("provenance")["input_files"] != plain.pop("provenance")["input_files"]
    assert doc == plain
