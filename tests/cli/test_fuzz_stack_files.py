"""Mutated stack files through ``spintorque solve --json`` (hypothesis): every draw either solves
with finite strict JSON or is refused with exit 2 and one line naming the file, never a traceback.

Starts from the shipped stack files; mutations in ``tests/cli/mutations.py``. The fast profile
takes a few seconds; ``SPINTORQUE_TEST_PROFILE=long`` runs 2000 draws per test.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as hs
from typer.testing import CliRunner

from spintorque.cli import app
from tests.cli.mutations import assert_clean_outcome, examples, mutated, mutated_text, to_toml

ROOT = Path(__file__).parents[2]
STACKS = [ROOT / "examples" / "co_cu_py.toml", ROOT / "examples" / "macrospin" / "valve.toml",
          ROOT / "examples" / "macrospin" / "wavy_stack.toml"]
DOCUMENTS = [tomllib.loads(path.read_text()) for path in STACKS]
TEXTS = [path.read_text() for path in STACKS]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-stacks")


def solve(path: Path) -> None:
    result = CliRunner().invoke(app, ["solve", str(path), "--json"])
    assert_clean_outcome(result)
    if result.exit_code == 2:
        assert str(path) in result.stderr, result.stderr


def test_the_writer_round_trips_every_shipped_stack(folder):
    for document in DOCUMENTS:
        assert tomllib.loads(to_toml(document)) == document
        path = folder / "same.toml"
        path.write_text(to_toml(document))
        result = CliRunner().invoke(app, ["solve", str(path), "--json"])
        assert result.exit_code == 0, result.output


@examples(40)
@given(data=hs.data())
def test_mutated_stack_files_solve_finitely_or_fail_in_one_line(folder, data):
    document = data.draw(hs.sampled_from(DOCUMENTS))
    path = folder / "mutated.toml"
    path.write_text(to_toml(data.draw(mutated(document))))
    solve(path)


@examples(20)
@given(data=hs.data())
def test_broken_or_duplicated_lines_fail_in_one_line(folder, data):
    path = folder / "lines.toml"
    path.write_text(data.draw(mutated_text(data.draw(hs.sampled_from(TEXTS)))))
    solve(path)
