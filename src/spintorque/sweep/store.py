"""The Zarr store of a sweep: one dimension per axis, written block by block, resumable.

Layout (read it with ``xarray.open_zarr``): a dimension and an SI coordinate (``units``
attribute) per axis, named by the axis key; one variable per result of the command, with any
extra dimensions (``layer``, ``component``); a boolean ``done`` per point; provenance in the
attributes (package version, the text of the base and sweep files, the seeds, a fingerprint).

The grid is cut into blocks of at most ``chunk`` points that are exactly the Zarr chunks of
every variable (:func:`block_shape`), so each block is written by one task, alone, as one set
of region writes. A block's results are written before its ``done`` flags; Zarr writes each
chunk to a temporary file and renames it, so a kill at any moment leaves every chunk either as
it was or complete, and the points not marked done are computed again on the next run.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from spintorque.errors import InputError
from spintorque.sweep.commands import Coordinate, Layout
from spintorque.sweep.description import Sweep

MARKER = "spintorque_sweep"
"""Attribute present in every sweep store (a directory without it is never overwritten)."""
SEED_RULE = (
    "point k of the flattened grid (C order) uses SeedSequence(entropy=seed, "
    "spawn_key=(k,)), the k-th child of SeedSequence(seed).spawn(size)"
)

Block = tuple[slice, ...]


def block_shape(shape: tuple[int, ...], chunk: int) -> tuple[int, ...]:
    """The largest block of at most ``chunk`` points that fills the last axes first."""
    sizes = [1] * len(shape)
    room = chunk
    for i in reversed(range(len(shape))):
        sizes[i] = max(1, min(shape[i], room))
        room = room // shape[i] if sizes[i] == shape[i] else 1
    return tuple(sizes)


def blocks(shape: tuple[int, ...], chunk: int) -> Iterator[Block]:
    """Every block of the grid, in C order of the block grid."""
    sizes = block_shape(shape, chunk)
    starts = [range(0, n, size) for n, size in zip(shape, sizes, strict=True)]
    for corner in itertools.product(*starts):
        yield tuple(slice(c, min(c + s, n)) for c, s, n in zip(corner, sizes, shape, strict=True))


def _template(sweep: Sweep, layout: Layout, attrs: dict[str, Any]) -> Any:
    import dask.array as da
    import xarray as xr

    outputs, labels = layout
    dims = tuple(axis.key for axis in sweep.axes)
    chunks = block_shape(sweep.shape, sweep.chunk)
    coords: dict[str, Any] = {
        axis.key: (axis.key, axis.values, {"units": axis.units, "long_name": axis.key}) for axis in sweep.axes
    }
    for name, values in labels.items():
        if isinstance(values, Coordinate):
            coords[name] = (
                name,
                np.array(values.values),
                {"units": values.units, "long_name": values.long_name},
            )
        else:
            coords[name] = (name, values)
    data: dict[str, Any] = {}
    encoding: dict[str, Any] = {}
    for name, out in outputs.items():
        extra = tuple(len(labels[d]) for d in out.dims)
        fill: Any = False if out.dtype == "bool" else math.nan
        array = da.full(sweep.shape + extra, fill, dtype=out.dtype, chunks=chunks + extra)
        variable = {"units": out.units, "long_name": out.long_name, **dict(out.attrs)}
        data[name] = (dims + out.dims, array, variable)
        encoding[name] = {"chunks": chunks + extra}
    done = np.zeros(sweep.shape, dtype=bool)
    data["done"] = (dims, done, {"long_name": "point computed and written"})
    encoding["done"] = {"chunks": chunks}
    return xr.Dataset(data, coords=coords, attrs=attrs), encoding


def provenance(sweep: Sweep, entropy: int) -> dict[str, Any]:
    """The store's attributes (strings and numbers only)."""
    from spintorque.provenance import package_version

    return {
        MARKER: 1,
        "spintorque_version": package_version(),
        "command": sweep.command.name,
        "sweep_file": str(sweep.path),
        "sweep_file_text": sweep.sweep_text,
        "base_file": str(sweep.base_path),
        "base_file_text": sweep.base_text,
        "sweep_fingerprint": sweep.fingerprint(),
        "chunk": sweep.chunk,
        "seed": str(entropy),
        "seed_rule": SEED_RULE,
        "axes": json.dumps([axis.key for axis in sweep.axes], allow_nan=False),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "conventions": "SI units (units attributes); NaN: no value at that point or not done",
    }


def _attrs(path: Path) -> dict[str, Any] | None:
    """The attributes of the sweep store at ``path``, None if it is not one."""
    import zarr

    try:
        group = zarr.open_group(str(path), mode="r")
    except Exception:  # not a Zarr group (any of zarr's errors for that)
        return None
    attrs = dict(group.attrs)
    return attrs if MARKER in attrs else None


def prepare(path: Path, sweep: Sweep, layout: Layout, force: bool = False) -> tuple[np.ndarray, int]:
    """Create the store, or reopen one made by the same sweep; returns (done, seed entropy).

    Raises
    ------
    InputError
        The path holds something that is not a sweep store, or a store of a different sweep
        (unless ``force``, which discards a sweep store and starts again).
    """
    import zarr

    if path.exists():
        attrs = _attrs(path)
        if attrs is None:
            raise InputError(
                "--output",
                f"{str(path)!r} exists and is not a sweep store; choose another name (nothing was changed)",
            )
        same = attrs.get("sweep_fingerprint") == sweep.fingerprint()
        if same:
            stored: Any = zarr.open_group(str(path), mode="r")["done"]
            done = np.asarray(stored[...], dtype=bool)
            return done, int(attrs["seed"])
        if not force:
            raise InputError(
                "--output",
                f"{str(path)!r} holds the results of a different sweep "
                f"(made from {attrs.get('sweep_file')!r}: its command, base file, "
                "axes, chunk or seed differ); give a new store, or --force to "
                "discard it and start again",
            )
        shutil.rmtree(path)
    entropy = sweep.seed if sweep.seed is not None else secrets.randbits(128)
    dataset, encoding = _template(sweep, layout, provenance(sweep, entropy))
    # Zarr format 2: read by zarr 2 and 3 alike, and its string labels (layer names) have a
    # stable specification (zarr 3 warns that format 3 has none yet)
    options = {"zarr_format": 2} if int(zarr.__version__.split(".")[0]) >= 3 else {}
    # made beside the destination and renamed into place: a kill while it is made leaves no
    # half-made store that a rerun would take for this sweep's
    partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}.partial")
    try:
        dataset.to_zarr(str(partial), mode="w", compute=False, encoding=encoding, **options)
        os.replace(partial, path)
    except OSError as exc:
        raise InputError("--output", f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return np.zeros(sweep.shape, dtype=bool), entropy


class Writer:
    """Region writes of whole blocks into an existing sweep store."""

    def __init__(self, path: Path, names: list[str]) -> None:
        import zarr

        group = zarr.open_group(str(path), mode="r+")
        self._arrays: dict[str, Any] = {name: group[name] for name in names}
        self._done: Any = group["done"]

    def write(self, block: Block, values: Mapping[str, np.ndarray]) -> None:
        """Write a block's results, then mark its points done."""
        for name, array in self._arrays.items():
            array[block] = values[name]
        self._done[block] = np.ones(tuple(s.stop - s.start for s in block), dtype=bool)
