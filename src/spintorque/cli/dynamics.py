"""Macrospin-dynamics commands: dynamics, switching."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from spintorque.cli.app import DATASET, app, check_output_path, check_seed, console, friendly, parse_range
from spintorque.errors import InputError

if TYPE_CHECKING:
    import numpy as np

MagnetFile = Annotated[Path, typer.Argument(help="macrospin TOML file", show_default=False)]


def _conditions(run: Any, temperature: str | None, current: str | None) -> Any:
    from spintorque.units import to_si

    conditions = run.conditions
    if temperature is not None:
        conditions = replace(conditions, temperature=to_si(temperature, "temperature",
                                                           "--temperature"))
    if current is not None:
        conditions = replace(conditions, current_density=to_si(current, "current_density",
                                                               "--current"))
    return conditions


def _steps(duration: str, dt: str, save_every: str | None) -> tuple[float, float, int]:
    from spintorque.units import to_si

    T = to_si(duration, "time", "--duration")
    step = to_si(dt, "time", "--dt")
    if step <= 0 or T <= 0:
        raise InputError("--dt", "duration and dt must be > 0")
    every = 1 if save_every is None else max(1, round(to_si(save_every, "time", "--save-every")
                                                      / step))
    return T, step, every


def _run(path: Path, duration: str, dt: str, trajectories: int, seed: int | None,
         temperature: str | None, current: str | None, save_every: str | None) -> Any:
    from spintorque.dynamics.stochastic import run_stochastic
    from spintorque.magnet.io import load_macrospin

    if trajectories < 1:
        raise InputError("--trajectories", f"must be >= 1, got {trajectories}")
    run = load_macrospin(path)
    T, step, every = _steps(duration, dt, save_every)
    conditions = _conditions(run, temperature, current)
    callback = None
    if sys.stdout.isatty():
        from rich.progress import Progress

        progress = Progress(transient=True)
        task = progress.add_task("integrating", total=T)
        progress.start()

        def callback(t: float, m: np.ndarray) -> bool:
            progress.update(task, completed=t)
            if t >= T * (1 - 1e-12):
                progress.stop()
            return False
    start = time.perf_counter()
    ds = run_stochastic(run.model, conditions, duration=T, dt=step, trajectories=trajectories,
                        seed=seed, save_every=every, callback=callback)
    elapsed = time.perf_counter() - start
    return ds, trajectories * round(T / step) / elapsed


@app.command()
@friendly
def dynamics(
    magnet_file: MagnetFile,
    duration: Annotated[str, typer.Option("--duration", help="e.g. 10ns")],
    dt: Annotated[str, typer.Option("--dt", help="time step, e.g. 1ps")],
    output: Annotated[Path, typer.Option("--output", "-o", help="NetCDF file for m(t)")],
    trajectories: Annotated[int, typer.Option("--trajectories", help="ensemble size")] = 1,
    seed: Annotated[int | None, typer.Option("--seed", help="random seed")] = None,
    temperature: Annotated[str | None, typer.Option("--temperature", help="e.g. 300K")] = None,
    current: Annotated[str | None, typer.Option("--current", help="e.g. '1e11 A/m^2'")] = None,
    save_every: Annotated[str | None, typer.Option("--save-every", help="e.g. 100ps")] = None,
) -> None:
    """Integrate the stochastic LLG equation (Heun) and write m(trajectory, time, component)."""
    check_output_path(output, "--output", DATASET)
    check_seed(seed)
    from spintorque.io import write_dataset

    ds, rate = _run(magnet_file, duration, dt, trajectories, seed, temperature, current,
                    save_every)
    write_dataset(ds, output)
    console.print(f"wrote {output}: {ds.sizes['trajectory']} trajectories × {ds.sizes['time']} "
                  f"samples ({rate:.3g} macrospin-steps/s)")


@app.command()
@friendly
def switching(
    magnet_file: MagnetFile,
    current: Annotated[str, typer.Option("--current", help="current density, e.g. '2e11 A/m^2'")],
    duration: Annotated[str, typer.Option("--duration", help="e.g. 20ns")],
    trajectories: Annotated[int, typer.Option("--trajectories", help="ensemble size")] = 100,
    dt: Annotated[str, typer.Option("--dt", help="time step")] = "1ps",
    seed: Annotated[int | None, typer.Option("--seed", help="random seed")] = None,
    temperature: Annotated[str | None, typer.Option("--temperature", help="e.g. 300K")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Fraction of an ensemble that switched (m_z changed sign) and the mean switching time."""
    check_seed(seed)
    import numpy as np

    ds, rate = _run(magnet_file, duration, dt, trajectories, seed, temperature, current,
                    duration)
    times = ds["switching_time"].values
    switched = np.isfinite(times)
    doc = {"switched_fraction": float(switched.mean()),
           "mean_switching_time": float(times[switched].mean()) if switched.any() else None,
           "macrospin_steps_per_second": rate, "trajectories": int(times.size),
           "units": {"mean_switching_time": "s"}}
    if json_output:
        print(json.dumps(doc))
        return
    console.print(f"switched: {100 * doc['switched_fraction']:.3g}% of {times.size}; mean "
                  f"switching time {doc['mean_switching_time']} s ({rate:.3g} steps/s)")


@app.command()
@friendly
def precession(
    magnet_file: MagnetFile,
    currents: Annotated[str, typer.Option("--currents", help="START:STOP:COUNT in A/m²")],
    duration: Annotated[str, typer.Option("--duration", help="e.g. 20ns")] = "20ns",
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Zero-temperature precession frequency [Hz] and amplitude versus current density."""
    from spintorque.dynamics.analysis import precession_sweep
    from spintorque.magnet.io import load_macrospin
    from spintorque.units import to_si

    values = parse_range(currents, "--currents", "A/m²", max_count=1000)
    run = load_macrospin(magnet_file)
    T = to_si(duration, "time", "--duration")
    ds = precession_sweep(run.model, run.conditions, values, T)
    doc = {"current_density": ds.current_density.values.tolist(),
           "frequency": ds.frequency.values.tolist(), "amplitude": ds.amplitude.values.tolist(),
           "mz_range": ds.mz_range.values.tolist(),
           "units": {"current_density": "A/m^2", "frequency": "Hz"}}
    if json_output:
        print(json.dumps(doc))
        return
    for J, f, a in zip(doc["current_density"], doc["frequency"], doc["amplitude"], strict=True):
        console.print(f"J = {J:.4g} A/m²: f = {f / 1e9:.4g} GHz, amplitude {a:.3g}")
