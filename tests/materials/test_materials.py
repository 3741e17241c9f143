"""Material descriptions and the shipped database."""

from __future__ import annotations

import pytest

import spintorque as st
from spintorque.errors import InputError
from spintorque.materials.database import metadata

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
