"""Material descriptions and the shipped database."""

from __future__ import annotations

import copy
import re

import pytest

import spintorque as st
from spintorque.errors import InputError
from spintorque.materials import database
from spintorque.materials.database import describe, metadata

REQUIRED = ("Co", "Ni", "Fe", "Py", "CoFe", "Cu", "Ag", "Au", "Pt", "Ru", "Cr")


def test_ferromagnet_from_resistivity_uses_valet_fert_rho_star():
    f = st.Ferromagnet.from_resistivity("X", 15e-8, 0.6, 5e-9)
    assert f.rho_star == pytest.approx(15e-8 / (1 - 0.36), rel=1e-15)
    assert f.resistivity == pytest.approx(15e-8, rel=1e-15)
    assert f.spin_conductance == pytest.approx(1 / (2 * f.rho_star * 5e-9), rel=1e-15)


@pytest.mark.parametrize("beta", [1.0, -1.0, 1.5, float("nan")])
def test_spin_asymmetry_outside_open_unit_interval_is_rejected(beta):
    with pytest.raises(InputError, match="-1 < beta < 1"):
        st.Ferromagnet("X", 1e-7, beta, 1e-8)


@pytest.mark.parametrize("field", ["rho_star", "spin_diffusion_length"])
def test_nonpositive_material_parameters_are_rejected(field):
    values = {"rho_star": 1e-7, "spin_diffusion_length": 1e-8}
    values[field] = 0.0
    with pytest.raises(InputError, match=field):
        st.Ferromagnet("X", values["rho_star"], 0.3, values["spin_diffusion_length"])


def test_database_has_the_required_metals_each_with_a_source_and_status():
    db = st.load_database()
    for name in REQUIRED:
        assert name in db, name
    for name, material in db.items():
        meta = metadata(name)
        assert meta["status"] in ("sourced", "illustrative"), name
        assert len(meta["source"]) > 20, name
        assert "temperature" in meta, name
        assert 1e-9 < material.resistivity < 1e-6, name  # 0.1 to 100 µΩ·cm
        assert 0.5e-9 <= material.spin_diffusion_length <= 1e-6, name
    assert db["Py"].is_ferromagnet and not db["Cu"].is_ferromagnet


NUMBER_KEYS = ("resistivity", "rho_star", "spin_asymmetry", "spin_diffusion_length", "temperature")


def test_every_number_of_every_entry_has_a_source_and_a_status():
    raw = database._raw()
    for name in st.load_database():
        entry = describe(name)
        assert entry["status"] in ("sourced", "illustrative"), name
        given = [key for key in NUMBER_KEYS if key in raw[name]]
        assert {"spin_diffusion_length", "temperature"} <= set(given), name
        for key in given:
            parameter = entry["parameters"][key]
            assert parameter["status"] in ("checked", "illustrative"), (name, key)
            assert len(parameter["source"]) > 20, (name, key)
            assert parameter["unit"] in ("ohm*m", "m", "K", "1"), (name, key)
        checked = all(entry["parameters"][key]["status"] == "checked" for key in given)
        assert (entry["status"] == "sourced") == checked, name


@pytest.mark.parametrize(
    ("name", "key", "value", "uncertainty", "citation"),
    [
        ("Py", "spin_diffusion_length", 5.5e-9, 1e-9, "IEEE Trans. Magn. 33, 3505 (1997)"),
        ("Ni", "spin_diffusion_length", 21e-9, 2e-9, "Appl. Phys. Lett. 90, 012101 (2007)"),
        ("Py", "spin_asymmetry", 0.65, 0.1, "Phys. Rev. B (1998)"),
        ("AgSn", "spin_diffusion_length", 39e-9, 3e-9, "arXiv:0809.2250"),
    ],
)
def test_checked_values_carry_the_citation_and_uncertainty_they_were_read_with(
    name, key, value, uncertainty, citation
):
    parameter = describe(name)["parameters"][key]
    assert parameter["status"] == "checked"
    assert parameter["value"] == pytest.approx(value, rel=1e-12)
    assert parameter["uncertainty"] == pytest.approx(uncertainty, rel=1e-12)
    assert citation in parameter["source"]
    assert getattr(st.load_database()[name], key) == pytest.approx(value, rel=1e-12)


def test_only_the_numbers_on_the_checked_values_page_are_checked():
    checked = {
        (name, key)
        for name in st.load_database()
        for key, p in describe(name)["parameters"].items()
        if p["status"] == "checked"
    }
    assert checked == {
        ("Py", "spin_diffusion_length"),
        ("Py", "spin_asymmetry"),
        ("Ni", "spin_diffusion_length"),
        ("CuGe", "spin_diffusion_length"),
        ("AgSn", "spin_diffusion_length"),
    }


def test_derived_rho_star_is_labelled_and_consistent():
    py = describe("Py")["parameters"]
    assert py["rho_star"]["status"] == "derived"
    assert py["rho_star"]["value"] * (1 - 0.65**2) == pytest.approx(py["resistivity"]["value"], rel=1e-14)


SOURCE = {"status": "illustrative", "source": "a commonly quoted value, not checked here"}
ENTRY = {
    "type": "normal",
    "resistivity": "1 uOhm*cm",
    "spin_diffusion_length": "10 nm",
    "temperature": "4.2 K",
    "status": "illustrative",
    "source": "summary",
    "sources": {"resistivity": SOURCE, "spin_diffusion_length": SOURCE, "temperature": SOURCE},
}


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda e: e["sources"].pop("resistivity"), "X.sources.resistivity: missing"),
        (lambda e: e["sources"].update(temperature={**SOURCE, "status": "maybe"}), "status"),
        (lambda e: e.update(status="sourced"), "'sourced' but resistivity is not checked"),
        (
            lambda e: e["sources"].update(resistivity={**SOURCE, "uncertainty": "1 nm"}),
            "X.sources.resistivity.uncertainty",
        ),
        (lambda e: e["sources"].update(spin_asymmetry=SOURCE), "X.sources.spin_asymmetry"),
    ],
)
def test_the_loader_refuses_an_unsourced_or_inconsistent_entry(monkeypatch, edit, words):
    entry = copy.deepcopy(ENTRY)
    edit(entry)
    monkeypatch.setattr(database, "_raw", lambda: {"X": entry})
    with pytest.raises(InputError, match=re.escape(words)):
        database.load_database.__wrapped__()


def test_an_interfaces_table_is_not_listed_as_a_material(monkeypatch):
    monkeypatch.setattr(database, "_raw", lambda: {"X": ENTRY, "interfaces": {"X/Y": {"a": 1}}})
    assert list(database.load_database.__wrapped__()) == ["X"]
