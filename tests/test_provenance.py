"""Provenance: the installed version and the full text of every input file, in every output."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest

import spintorque as st
from spintorque import provenance
from spintorque.dynamics.stochastic import run_stochastic
from spintorque.magnet import load_macrospin
from spintorque.provenance import dataset_attrs, record, recording

ROOT = Path(__file__).parents[1]
MACROSPIN = (ROOT / "examples" / "macrospin" / "wavy_valve.toml").read_text("utf-8")
STACK = (ROOT / "examples" / "macrospin" / "wavy_stack.toml").read_text("utf-8")


def _files(attrs: dict) -> dict[str, str]:
    return {f["path"]: f["text"] for f in json.loads(attrs["input_files"])}


def _write_pair(tmp_path: Path, stack_text: str = STACK) -> Path:
    (tmp_path / "wavy_stack.toml").write_text(stack_text, encoding="utf-8")
    magnet = tmp_path / "magnet.toml"
    magnet.write_text(MACROSPIN, encoding="utf-8")
    return magnet


def test_version_is_read_from_the_installed_metadata_each_time(monkeypatch):
    assert record()["spintorque_version"] == importlib.metadata.version("spintorque")
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.8.7.test")
    assert record()["spintorque_version"] == "9.8.7.test"
    assert dataset_attrs()["spintorque_version"] == "9.8.7.test"


def test_a_transport_dataset_carries_the_stack_file_text(tmp_path):
    path = tmp_path / "valve.toml"
    path.write_text(STACK, encoding="utf-8")
    with recording():
        ds = st.solve(st.load_stack(path)).to_dataset()
    assert _files(ds.attrs) == {str(path): STACK}
    assert json.loads(ds.attrs["input_stack"])["layers"][0]["name"] == "F1"


def test_outside_a_recording_no_text_is_claimed_and_the_reason_is_given(tmp_path):
    path = tmp_path / "valve.toml"
    path.write_text(STACK, encoding="utf-8")
    ds = st.solve(st.load_stack(path)).to_dataset()
    assert _files(ds.attrs) == {}
    assert "recording()" in ds.attrs["input_files_note"]


def test_a_diffusive_torque_records_the_text_of_the_stack_file_it_refers_to(tmp_path):
    magnet = _write_pair(tmp_path)
    with recording():
        run = load_macrospin(magnet)
        ds = run_stochastic(run.model, run.conditions, duration=2e-13, dt=1e-13, seed=1)
    files = _files(ds.attrs)
    assert files == {str(magnet): MACROSPIN, str(tmp_path / "wavy_stack.toml"): STACK}


def test_editing_the_referenced_stack_file_changes_the_provenance(tmp_path):
    magnet = _write_pair(tmp_path)
    edited = STACK.replace('thickness = "8 nm"', 'thickness = "9 nm"', 1)
    assert edited != STACK
    texts = []
    for text in (STACK, edited):
        (tmp_path / "wavy_stack.toml").write_text(text, encoding="utf-8")
        with recording():
            load_macrospin(magnet)
            texts.append(record()["input_files"])
    stack_key = str(tmp_path / "wavy_stack.toml")
    before, after = ({f["path"]: f for f in t}[stack_key] for t in texts)
    assert (before["text"], after["text"]) == (STACK, edited)
    assert before["sha256"] != after["sha256"]


def test_nested_recordings_share_one_record_and_the_last_read_wins(tmp_path):
    with recording({"name": "spintorque x"}) as outer:
        provenance.record_input("a.toml", "1")
        with recording() as inner:
            provenance.record_input("a.toml", "2")
        assert inner is outer
    assert [f.text for f in outer.files.values()] == ["2"] and outer.command == {"name": "spintorque x"}


@pytest.mark.parametrize(
    ("suffix", "keys"),
    [
        (".png", {"Software", "spintorque_provenance"}),
        (".svg", {"Creator", "Description"}),
        (".pdf", {"Creator", "Subject"}),
    ],
)
def test_figure_metadata_uses_keys_the_format_allows(suffix, keys):
    meta = provenance.figure_metadata(f"figure{suffix}")
    assert set(meta) == keys
    assert all(v.startswith("spintorque ") or '"input_files"' in v for v in meta.values())


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_every_figure_format_is_written_with_the_record(tmp_path, suffix):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from spintorque.io import write_figure

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    path = tmp_path / f"f{suffix}"
    with recording({"name": "spintorque test"}):
        provenance.record_input("stack.toml", "[current]  # marker-7431 θ → µΩ\n")
        write_figure(fig, path, metadata=provenance.figure_metadata(path))
    plt.close(fig)
    data = path.read_bytes()
    assert b"spintorque" in data
    if suffix != ".pdf":  # PDF strings may be compressed or escaped; PNG and SVG hold plain text
        assert "marker-7431 θ → µΩ".encode() in data
