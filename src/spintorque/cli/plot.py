"""Plot command: ``spintorque plot STORE.zarr --var NAME [--sel DIM=VALUE] [-o map.png]``: a map of
two swept axes of a sweep."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer

from spintorque.cli.app import FIGURE, app, check_output_path, console, friendly, savefig, use_agg
from spintorque.errors import InputError


@app.command()
@friendly
def plot(
    store: Annotated[
        Path, typer.Argument(help="a sweep store (spintorque sweep -o STORE.zarr)", show_default=False)
    ],
    var: Annotated[str, typer.Option("--var", help="the variable to map, e.g. g2 or state_from_p")],
    sel: Annotated[
        list[str] | None,
        typer.Option(
            "--sel",
            help="DIM=VALUE: one value of a dimension beyond the map's two, repeatable; numbers "
            "pick the nearest coordinate (pulse=1e-8 or pulse=10ns), labels exactly (layer=F2)",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="figure file (default STORE-VAR.png next to the store)"),
    ] = None,
) -> None:
    """Map one variable of a sweep over two swept axes (state codes in colours with a legend,
    write-error rates on a log scale); --sel picks one value of every other dimension."""
    target = output if output is not None else store.with_name(f"{store.stem}-{var}.png")
    check_output_path(target, "--output", FIGURE)
    ds = _open(store)
    swept = [str(dim) for dim in ds["done"].dims] if "done" in ds else []
    names = [name for name in ds.data_vars if name != "done"]
    if var not in ds.data_vars or var == "done":
        raise InputError(
            "--var", f"{var!r} is not a variable of {str(store)!r}; variables: {', '.join(names)}"
        )
    dims = tuple(str(d) for d in ds[var].dims)
    selection = _selection(ds, var, dims, sel or [])
    left = [d for d in swept if d not in selection]
    if len(left) != 2:
        raise InputError(
            str(store),
            f"has {len(swept)} swept dimension(s) ({', '.join(swept) or 'none'})"
            + (f", {len(left)} left after --sel" if selection else "")
            + "; spintorque plot maps exactly 2 swept axes (--sel DIM=VALUE picks one value of the others)",
        )
    extra = [d for d in dims if d not in swept and d not in selection]
    if extra:
        example = _shown(ds[extra[0]].values[0])
        raise InputError(
            "--var",
            f"{var!r} has dimensions {dims}, beyond the two swept axes: give --sel DIM=VALUE "
            f"for {', '.join(extra)} (e.g. --sel {extra[0]}={example})",
        )
    picked = ds.sel({d: value for d, value in selection.items()})
    chosen = ", ".join(_describe(picked[d]) for d in selection)
    use_agg()
    from spintorque.plotting.sweep import plot_sweep_map

    ax = plot_sweep_map(picked[[var]].load(), var)
    savefig(ax.figure, target)
    console.print(f"wrote {target}" + (f" ({chosen})" if chosen else ""), soft_wrap=True)


def _shown(value: Any) -> str:
    import numpy as np

    return f"{float(value):.6g}" if np.asarray(value).dtype.kind in "fiu" else str(value)


def _describe(coordinate: Any) -> str:
    units = coordinate.attrs.get("units")
    value = coordinate.values.item()
    text = f"{coordinate.name} = {_shown(value)}"
    return text + (f" {units}" if units not in (None, "", "1") else "")


def _selection(ds: Any, var: str, dims: tuple[str, ...], specs: list[str]) -> dict[str, Any]:
    """``--sel DIM=VALUE`` → {dim: coordinate value}: the nearest number, or an exact label."""
    import numpy as np

    from spintorque.sweep.description import KINDS
    from spintorque.units import to_si

    kinds = {unit: kind for kind, unit in KINDS.items()}
    chosen: dict[str, Any] = {}
    for spec in specs:
        dim, eq, text = spec.partition("=")
        dim, text = dim.strip(), text.strip()
        if not eq or not dim or not text:
            raise InputError("--sel", f"expected DIM=VALUE, e.g. pulse=1e-8, got {spec!r}")
        if dim not in dims:
            raise InputError(
                "--sel", f"{dim!r} is not a dimension of {var!r}; its dimensions: {', '.join(dims)}"
            )
        if dim in chosen:
            raise InputError("--sel", f"{dim!r} is selected twice")
        coordinate = ds[dim]
        values = np.asarray(coordinate.values)
        if values.dtype.kind not in "fiu":
            labels = [str(v) for v in values]
            if text not in labels:
                raise InputError(
                    "--sel", f"{dim}={text!r}: not a label of {dim}; labels: {', '.join(labels)}"
                )
            chosen[dim] = values[labels.index(text)]
            continue
        units = coordinate.attrs.get("units")
        kind = kinds.get(units) if isinstance(units, str) else None
        try:
            number = float(text)
        except ValueError:
            if kind is None:
                raise InputError("--sel", f"{dim}={text!r}: expected a number") from None
            number = to_si(text, kind, "--sel")
        low, high = float(values.min()), float(values.max())
        if not (math.isfinite(number) and low <= number <= high):
            unit = f" {units}" if units not in (None, "", "1") else ""
            raise InputError(
                "--sel", f"{dim}={text}: outside the coordinate, from {low:.6g} to {high:.6g}{unit}"
            )
        chosen[dim] = values[int(np.argmin(np.abs(values - number)))]
    return chosen


def _open(store: Path) -> Any:
    if not (store.is_dir() and any((store / n).exists() for n in (".zgroup", "zarr.json"))):
        raise InputError(str(store), "is not a sweep store (a .zarr directory made by spintorque sweep)")
    import xarray as xr

    try:
        return xr.open_zarr(store, consolidated=(store / ".zmetadata").exists() or None)
    except Exception as error:  # a broken store: one line, not a traceback
        raise InputError(
            str(store), f"cannot be read as a Zarr store ({type(error).__name__}: {error})"
        ) from None
