"""Macrospin-dynamics commands: dynamics, switching, precession."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from spintorque.cli.app import (
    DATASET,
    FIGURE,
    app,
    as_flags,
    check_output_path,
    check_seed,
    console,
    friendly,
    parse_range,
    savefig,
    use_agg,
)
from spintorque.errors import InputError

MagnetFile = Annotated[Path, typer.Argument(help="macrospin TOML file", show_default=False)]


FLAGS = {"duration": "--duration", "durations": "--duration", "dt": "--dt",
         "trajectories": "--trajectories", "save_every": "--save-every", "seed": "--seed",
         "threshold": "--threshold", "settle": "--settle", "sample_interval": "--sample-every",
         "sample_step": "--sample-step", "currents": "--currents"}
"""Parameters of the dynamics API → the flags a user wrote."""


MAX_MACROSPIN_STEPS = 1e10
"""Most Heun steps (trajectories × duration/dt) one command takes on: hours at ~1e6 steps/s."""
MAX_SAVED_VALUES = 5e8
"""Most stored m components (trajectories × samples × 3) a ``dynamics`` run keeps: 4 GB."""


def _check_work(duration: float, dt: float, trajectories: int, dt_flag: str = "--dt") -> None:
    """Refuse, before any work, a run of more than :data:`MAX_MACROSPIN_STEPS` steps."""
    steps = trajectories * duration / dt
    if steps > MAX_MACROSPIN_STEPS:
        raise InputError("--duration", f"{trajectories} trajectories of {duration:.3g} s at "
                         f"{dt_flag} {dt:.3g} s are {steps:.3g} Heun steps, more than "
                         f"{MAX_MACROSPIN_STEPS:.0e}: shorten the run or lower --trajectories")


def _conditions(run: Any, temperature: str | None, current: str | None) -> Any:
    from spintorque.limits import parse

    conditions = run.conditions
    if temperature is not None:
        conditions = replace(conditions, temperature=parse(temperature, "temperature",
                                                           "--temperature"))
    if current is not None:
        conditions = replace(conditions, current_density=parse(current, "current_density",
                                                               "--current"))
    return conditions


def _steps(duration: str, dt: str, save_every: str | None) -> tuple[float, float, int]:
    from spintorque.limits import parse

    T = parse(duration, "duration", "--duration")
    step = parse(dt, "time_step", "--dt")
    every = 1 if save_every is None else max(1, round(parse(save_every, "duration", "--save-every")
                                                      / step))
    return T, step, every


def _progress(total: float) -> Any:
    """A progress callback t ↦ None on a terminal, None otherwise."""
    if not sys.stdout.isatty():
        return None
    from rich.progress import Progress

    progress = Progress(transient=True)
    task = progress.add_task("integrating", total=total)
    progress.start()

    def update(t: float) -> None:
        progress.update(task, completed=t)
        if t >= total * (1 - 1e-12):
            progress.stop()
    return update


def _warn(lines: Any) -> None:
    for line in lines:
        print(f"warning: {line}", file=sys.stderr)


def _run(path: Path, duration: str, dt: str, trajectories: int, seed: int | None,
         temperature: str | None, current: str | None, save_every: str | None) -> Any:
    from spintorque.dynamics.stochastic import run_stochastic
    from spintorque.dynamics.timestep import time_step_warning
    from spintorque.magnet.io import load_macrospin

    if trajectories < 1:
        raise InputError("--trajectories", f"must be >= 1, got {trajectories}")
    run = load_macrospin(path)
    T, step, every = _steps(duration, dt, save_every)
    _check_work(T, step, trajectories)
    saved = trajectories * (T / step / every + 1) * 3
    if saved > MAX_SAVED_VALUES:
        raise InputError("--save-every", f"{trajectories} trajectories of {T / step / every + 1:.3g} "
                         f"samples are {saved:.3g} stored values, more than "
                         f"{MAX_SAVED_VALUES:.0e} (4 GB): save less often")
    conditions = _conditions(run, temperature, current)
    warning = time_step_warning(run.model, conditions, step, T)
    _warn([] if warning is None else [warning])  # before the run, so a long one can be stopped
    progress = _progress(T)
    callback = None if progress is None else (lambda t, m: bool(progress(t)))
    start = time.perf_counter()
    with as_flags(FLAGS):
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
    dt: Annotated[str, typer.Option("--dt", help="time step; auto: gamma0*|H_eff|*dt <= 0.05")] = "auto",
    seed: Annotated[int | None, typer.Option("--seed", help="random seed (default: drawn, "
                                             "reported)")] = None,
    temperature: Annotated[str | None, typer.Option("--temperature", help="e.g. 300K")] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="switched: m·u < -threshold, "
                                             "u the easy axis")] = 0.5,
    settle: Annotated[str | None, typer.Option("--settle", help="settling window (default a "
                                               "tenth of the run), e.g. 2ns")] = None,
    sample_every: Annotated[str | None, typer.Option("--sample-every", help="how often the "
                                                     "state is inspected, e.g. 10ps")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="figure of P(t), e.g. p.png")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Fraction of an ensemble that switched — settled beyond the separatrix, m·u < -threshold
    along the easy axis u for the settling window — with its binomial error, switching-time
    quantiles and P(t)."""
    check_output_path(plot, "--plot", FIGURE)
    check_seed(seed)
    from spintorque.dynamics.switching import run_switching
    from spintorque.dynamics.timestep import suggested_time_step
    from spintorque.limits import parse
    from spintorque.magnet.io import load_macrospin
    from spintorque.units import to_si

    if trajectories < 1:
        raise InputError("--trajectories", f"must be >= 1, got {trajectories}")
    run = load_macrospin(magnet_file)
    conditions = _conditions(run, temperature, current)
    T = parse(duration, "duration", "--duration")
    with as_flags(FLAGS):
        step = (suggested_time_step(run.model, conditions, T) if dt == "auto"
                else parse(dt, "time_step", "--dt"))
    _check_work(T, step, trajectories, "--dt auto" if dt == "auto" else "--dt")
    window = None if settle is None else to_si(settle, "time", "--settle")
    sample = None if sample_every is None else to_si(sample_every, "time", "--sample-every")
    with as_flags(FLAGS):
        result = run_switching(run.model, conditions, duration=T, dt=step,
                               trajectories=trajectories, seed=seed, threshold=threshold,
                               settle=window, sample_interval=sample, progress=_progress(T))
    doc = result.to_json_dict()
    _warn(doc["warnings"])
    if plot is not None:
        use_agg()
        from spintorque.plotting import plot_switching

        savefig(plot_switching(result).figure, plot)
    if json_output:
        print(json.dumps(doc, allow_nan=False))
        return
    mean = doc["mean_switching_time"]
    median = doc["switching_time_quantiles"]["0.5"]
    console.print(f"switched: {100 * doc['switched_fraction']:.3g}% ± "
                  f"{100 * doc['switched_fraction_standard_error']:.2g}% of {result.trajectories} "
                  f"(settled at m·u < -{threshold:g} for {result.criterion.settle:.3g} s, u = "
                  f"{[round(x, 4) for x in result.criterion.axis]}, {result.criterion.source}); "
                  f"mean switching time {'-' if mean is None else f'{mean:.4g} s'}, median "
                  f"{'-' if median is None else f'{median:.4g} s'}; seed {doc['seed']}, dt "
                  f"{step:.3g} s ({doc['macrospin_steps_per_second']:.3g} steps/s)")


@app.command()
@friendly
def precession(
    magnet_file: MagnetFile,
    currents: Annotated[str, typer.Option("--currents", help="START:STOP:COUNT in A/m²")],
    duration: Annotated[str, typer.Option("--duration", help="e.g. 20ns")] = "20ns",
    sample_step: Annotated[str | None, typer.Option("--sample-step", help="sampling step (default: "
                                                    "20 samples per period of the fastest "
                                                    "precession the fields allow)")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Zero-temperature precession frequency [Hz] and amplitude versus current density."""
    from spintorque.dynamics.analysis import precession_sweep
    from spintorque.limits import check, parse
    from spintorque.magnet.io import load_macrospin
    from spintorque.units import to_si

    values = parse_range(currents, "--currents", "A/m²", max_count=1000)
    for end in (values[0], values[-1]):
        check(float(end), "current_density", "--currents", currents)
    run = load_macrospin(magnet_file)
    T = parse(duration, "duration", "--duration")
    step = None if sample_step is None else to_si(sample_step, "time", "--sample-step")
    with as_flags(FLAGS):
        ds = precession_sweep(run.model, run.conditions, values, T, sample_step=step)
    doc = {"current_density": ds.current_density.values.tolist(),
           "frequency": ds.frequency.values.tolist(), "amplitude": ds.amplitude.values.tolist(),
           "mz_range": ds.mz_range.values.tolist(), "steady": ds.steady.values.tolist(),
           "sample_step": ds.attrs["sample_step_s"],
           "samples": ds.attrs["samples"], "warnings": json.loads(ds.attrs["warnings"]),
           "units": {"current_density": "A/m^2", "frequency": "Hz", "sample_step": "s"}}
    _warn(doc["warnings"])
    if json_output:
        print(json.dumps(doc, allow_nan=False))
        return
    for J, f, a in zip(doc["current_density"], doc["frequency"], doc["amplitude"], strict=True):
        console.print(f"J = {J:.4g} A/m²: f = {f / 1e9:.4g} GHz, amplitude {a:.3g}")
