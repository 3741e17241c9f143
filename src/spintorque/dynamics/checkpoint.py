"""The checkpoint of an ensemble run: a directory of finished chunks and the inputs that made them.

Layout (``<output>.partial/`` beside the output file, :func:`spintorque.dynamics.ensemble.
checkpoint_path`)::

    manifest.json         the run's inputs (file text digest, flags in SI, seed, version)
    chunk-000000.nc       finished chunks of trajectories, one NetCDF file each

Every file is written through :mod:`spintorque.io` (temporary name, fsync, rename), so a kill at
any moment leaves only whole files: a chunk is either there, complete, or not there. A run is
resumed only with the same inputs; any difference is refused, naming what changed. When the run
is complete and its output written, the directory is removed.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import xarray as xr

from spintorque.errors import InputError
from spintorque.io import write_dataset, write_text

MANIFEST = "manifest.json"
_CHUNK = re.compile(r"^chunk-(\d{6})\.nc$")


def _show(value: Any) -> str:
    return json.dumps(value, allow_nan=False) if not isinstance(value, str) else repr(value)


class Checkpoint:
    """Finished chunks of one run in ``directory``, tied to that run's ``inputs``.

    Parameters
    ----------
    directory : Path
        The checkpoint directory.
    inputs : dict
        JSON-ready inputs of the run; keys are the flags or fields as the user wrote them
        (``"--dt"``), values what determines the numbers (SI floats, digests, the seed entropy).
    """

    def __init__(self, directory: Path, inputs: dict[str, Any]) -> None:
        self.directory = Path(directory)
        self.inputs = inputs

    @property
    def manifest(self) -> Path:
        return self.directory / MANIFEST

    def exists(self) -> bool:
        return self.manifest.is_file()

    def recorded_inputs(self) -> dict[str, Any]:
        """The inputs stored in the manifest (refused in one line if it is unreadable)."""
        try:
            doc = json.loads(self.manifest.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(
                "--resume",
                f"cannot read the checkpoint {str(self.manifest)!r} "
                f"({exc}); delete {str(self.directory)!r} to start afresh",
            ) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("inputs"), dict):
            raise InputError(
                "--resume",
                f"{str(self.manifest)!r} is not a spintorque checkpoint; "
                f"delete {str(self.directory)!r} to start afresh",
            )
        return dict(doc["inputs"])

    def start(self) -> None:
        """Begin a new run: refuse if an unfinished one is there, else write the manifest."""
        if self.directory.exists():
            raise InputError(
                "--resume",
                f"an unfinished run's checkpoint is at "
                f"{str(self.directory)!r}: pass --resume to continue it, or delete "
                "it to start afresh",
            )
        self.directory.mkdir(parents=True)
        write_text(
            json.dumps(
                {"format": "spintorque ensemble checkpoint 1", "inputs": self.inputs},
                allow_nan=False,
                indent=1,
            ),
            self.manifest,
        )

    def resume(self, adopt: tuple[str, ...] = ()) -> dict[str, Any]:
        """Continue the run there: refuse unless its inputs equal :attr:`inputs`.

        Keys in ``adopt`` whose current value is None (e.g. ``--seed`` not given again) take the
        recorded value. Returns the recorded inputs.
        """
        if not self.exists():
            raise InputError(
                "--resume",
                f"no checkpoint to resume at {str(self.directory)!r} "
                "(it is removed once a run completes); run without --resume",
            )
        recorded = self.recorded_inputs()
        for key in adopt:
            if self.inputs.get(key) is None and key in recorded:
                self.inputs[key] = recorded[key]
        changed = [
            f"{key} {_show(recorded.get(key))} then, {_show(self.inputs.get(key))} now"
            for key in sorted(set(recorded) | set(self.inputs))
            if recorded.get(key) != self.inputs.get(key)
        ]
        if changed:
            raise InputError(
                "--resume",
                f"the checkpoint {str(self.directory)!r} was made with "
                f"other inputs ({'; '.join(changed)}): run with the same ones, or "
                "delete it to start afresh",
            )
        for stale in self.directory.glob(".*.tmp*"):  # a write cut short by the kill
            stale.unlink(missing_ok=True)
        return recorded

    def _chunk(self, index: int) -> Path:
        return self.directory / f"chunk-{index:06d}.nc"

    def done(self) -> list[int]:
        """Indices of the finished chunks."""
        found = (_CHUNK.match(p.name) for p in self.directory.iterdir()) if self.directory.is_dir() else ()
        return sorted(int(match.group(1)) for match in found if match)

    def read_chunk(self, index: int) -> xr.Dataset | None:
        """Chunk ``index`` loaded in memory, or None if it is not finished."""
        path = self._chunk(index)
        if not path.is_file():
            return None
        try:
            with xr.open_dataset(path) as ds:
                return ds.load()
        except (OSError, ValueError) as exc:
            raise InputError(
                "--resume",
                f"checkpoint chunk {str(path)!r} is unreadable ({exc}); "
                f"delete {str(self.directory)!r} to start afresh",
            ) from None

    def write_chunk(self, index: int, ds: xr.Dataset) -> None:
        """Store a finished chunk (atomically)."""
        write_dataset(ds, self._chunk(index))

    def remove(self) -> None:
        """Delete the checkpoint (after the output is written)."""
        shutil.rmtree(self.directory, ignore_errors=True)
