"""Plot command: ``spintorque plot STORE.zarr --var NAME [-o map.png]``: a map of a 2D sweep."""

from __future__ import annotations

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
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="figure file (default STORE-VAR.png next to the store)"),
    ] = None,
) -> None:
    """Map one variable of a sweep with exactly two swept axes (state codes in colours with a
    legend, write-error rates on a log scale)."""
    target = output if output is not None else store.with_name(f"{store.stem}-{var}.png")
    check_output_path(target, "--output", FIGURE)
    ds = _open(store)
    swept = [str(dim) for dim in ds["done"].dims] if "done" in ds else []
    if len(swept) != 2:
        raise InputError(
            str(store),
            f"has {len(swept)} swept dimension(s) ({', '.join(swept) or 'none'}); "
            "spintorque plot maps a sweep of exactly 2 axes",
        )
    names = [name for name in ds.data_vars if name != "done"]
    if var not in ds.data_vars or var == "done":
        raise InputError(
            "--var", f"{var!r} is not a variable of {str(store)!r}; variables: {', '.join(names)}"
        )
    if tuple(ds[var].dims) != tuple(swept):
        raise InputError(
            "--var",
            f"{var!r} has dimensions {tuple(ds[var].dims)}, not only the two swept "
            f"axes {tuple(swept)}: pick one value of the others first (xarray .sel)",
        )
    use_agg()
    from spintorque.plotting.sweep import plot_sweep_map

    ax = plot_sweep_map(ds.load(), var)
    savefig(ax.figure, target)
    console.print(f"wrote {target}")


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
