"""Results convert to labelled xarray objects with units and provenance, and round-trip NetCDF."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

import spintorque as st
from tests.conftest import spherical


def test_dataset_carries_units_provenance_and_round_trips_netcdf(co, cu, py, tmp_path):
    stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 10e-9),
                      st.Layer("F2", py, 3e-9, spherical(0.5))), current_density=1e11)
    result = st.solve(stack)
    ds = result.to_dataset()
    assert ds.spin_accumulation.attrs["units"] == "V"
    assert ds.torque.attrs["units"] == "J/m^2"
    assert json.loads(ds.attrs["input_stack"])["layers"][2]["name"] == "F2"
    assert ds.attrs["spintorque_version"] == st.__version__
    np.testing.assert_allclose(ds.torque.sel(layer="F2"), result.torque("F2"))
    assert float(ds.g2) == float(result.efficiency["g2"])
    path = tmp_path / "r.nc"
    ds.to_netcdf(path)
    back = xr.load_dataset(path)
    np.testing.assert_array_equal(back.spin_accumulation.values, ds.spin_accumulation.values)
    assert list(back.layer.values) == ["F1", "N", "F2"]


def test_json_document_has_the_contract_keys(co, cu, py):
    stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 10e-9),
                      st.Layer("F2", py, 3e-9, spherical(0.5))))
    doc = st.solve(stack).to_json_dict()
    assert {"interfaces", "layers", "resistance_area", "spin_resistance_area",
            "efficiency"} <= set(doc)
    assert {"left", "right", "spin_accumulation", "spin_current_left",
            "spin_current_right"} <= set(doc["interfaces"][1])
    assert {"torque", "torque_per_current"} <= set(doc["layers"][2])
    assert "torque" not in doc["layers"][1]
    assert set(doc["efficiency"]) == {"g1", "g2"}
