"""Macrospin-dynamics commands: dynamics, switching, precession."""

from __future__ import annotations

import hashlib
import json
import math
import secrets
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
    print_json,
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
    """(T [s], dt [s], steps between stored samples); refused unless T and --save-every are
    whole numbers of steps (the nearest ones are suggested)."""
    from spintorque.limits import parse

    T = parse(duration, "duration", "--duration")
    step = parse(dt, "time_step", "--dt")
    for flag, value, text in (("--duration", T, duration), ("--dt", step, dt)):
        if not (math.isfinite(value) and value > 0):
            raise InputError(flag, f"must be a finite time > 0 s, got {text!r}")
    steps = round(T / step)
    if steps < 1 or abs(steps * step - T) > 1e-9 * T:
        low, high = max(1, math.floor(T / step)), max(1, math.ceil(T / step))
        raise InputError("--duration", f"{duration!r} is not a whole number of --dt {dt!r} steps; "
                         f"use {low * step:.6g}s or {high * step:.6g}s")
    if save_every is None:
        return T, step, 1
    wanted = parse(save_every, "duration", "--save-every")
    if not (math.isfinite(wanted) and wanted > 0):
        raise InputError("--save-every", f"must be a finite time > 0 s, got {save_every!r}")
    every = round(wanted / step)
    if every < 1 or abs(every * step - wanted) > 1e-9 * wanted:
        low, high = max(1, math.floor(wanted / step)), max(1, math.ceil(wanted / step))
        options = sorted({low * step, high * step})
        raise InputError("--save-every", f"{save_every!r} is not a whole multiple of --dt {dt!r}; "
                         f"use {' or '.join(f'{x:.6g}s' for x in options)}")
    return T, step, every


def _warn(lines: Any) -> None:
    for line in lines:
        print(f"warning: {line}", file=sys.stderr)


def _inputs(path: Path, run: Any, conditions: Any, T: float, step: float, every: int,
            trajectories: int, seed: int | None, chunk: int, start: str = "initial"
            ) -> dict[str, Any]:
    """What determines the numbers of a dynamics run, keyed by flag (the checkpoint's key)."""
    from spintorque import __version__
    from spintorque.magnet.torque import DiffusiveTorque

    stacks = [repr(term.stack) for term in run.model.torques.of_type(DiffusiveTorque)]
    return {"spintorque version": __version__,
            f"{path} (sha256)": hashlib.sha256(path.read_bytes()).hexdigest(),
            "model": json.dumps(run.model.describe(), allow_nan=False), "stacks": stacks,
            "--duration": T, "--dt": step, "--save-every": every * step,
            "--trajectories": trajectories, "--temperature": conditions.temperature,
            "--current": conditions.current_density if conditions.constant_current else
            repr(conditions.current_density),
            "--seed": None if seed is None else str(seed), "--chunk": chunk, "--start": start}


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
    save_every: Annotated[str | None, typer.Option("--save-every", help="a multiple of --dt, "
                                                   "e.g. 100ps")] = None,
    chunk: Annotated[int | None, typer.Option("--chunk", help="trajectories per checkpointed "
                                              "chunk (default about a twentieth)")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="continue a killed run from its "
                                         "checkpoint OUTPUT.partial")] = False,
    start: Annotated[str, typer.Option("--start", help="initial: every trajectory at "
                                       "magnet.initial; thermal: drawn from the zero-current "
                                       "Boltzmann state of the start well (m·u > 0)")] = "initial",
) -> None:
    """Integrate the stochastic LLG equation (Heun) and write m(trajectory, time, component).

    Finished chunks of trajectories are kept in OUTPUT.partial/ until the output is written;
    --resume continues a killed run there with the same numbers as an uninterrupted one."""
    check_output_path(output, "--output", DATASET)
    check_seed(seed)
    import numpy as np

    from spintorque.dynamics.start import START_MODES, resolve_start

    if start not in START_MODES:
        raise InputError("--start", f"must be one of {', '.join(START_MODES)}, got {start!r}")

    from spintorque.dynamics.checkpoint import Checkpoint
    from spintorque.dynamics.ensemble import (
        check_memory,
        checkpoint_path,
        default_chunk,
        run_ensemble,
        stored_samples,
    )
    from spintorque.dynamics.timestep import time_step_warning
    from spintorque.io import write_dataset
    from spintorque.magnet.io import load_macrospin
    from spintorque.progress import progress_bar

    if trajectories < 1:
        raise InputError("--trajectories", f"must be >= 1, got {trajectories}")
    if chunk is not None and chunk < 1:
        raise InputError("--chunk", f"must be >= 1 trajectory, got {chunk}")
    run = load_macrospin(magnet_file)
    T, step, every = _steps(duration, dt, save_every)
    _check_work(T, step, trajectories)
    steps = round(T / step)
    check_memory(trajectories, steps, every, step)
    conditions = _conditions(run, temperature, current)
    resolve_start(start, conditions.temperature)  # thermal at 0 K: refused before any work
    size = default_chunk(trajectories, stored_samples(steps, every)) if chunk is None else chunk
    checkpoint = Checkpoint(checkpoint_path(output), _inputs(magnet_file, run, conditions, T, step,
                                                             every, trajectories, seed, size, start))
    if resume:
        checkpoint.resume(adopt=("--seed",))
    else:
        if seed is None:  # drawn now (52 bits, as switching; --seed takes it) and recorded
            checkpoint.inputs["--seed"] = str(secrets.randbits(52))
        checkpoint.start()
    entropy = int(checkpoint.inputs["--seed"])
    warning = time_step_warning(run.model, conditions, step, T)
    _warn([] if warning is None else [warning])  # before the run, so a long one can be stopped
    began = time.perf_counter()
    with progress_bar(trajectories * T, "integrating") as advance, as_flags(FLAGS):
        ds, computed = run_ensemble(run.model, conditions, duration=T, dt=step,
                                    trajectories=trajectories, seed=np.random.SeedSequence(entropy),
                                    save_every=every, chunk=size, checkpoint=checkpoint,
                                    progress=advance, start=start, start_field="--start")
    elapsed = max(time.perf_counter() - began, 1e-12)
    write_dataset(ds, output)
    checkpoint.remove()
    total = -(-trajectories // size)
    done = total - computed
    rate = min(trajectories, computed * size) * steps / elapsed
    console.print(f"wrote {output}: {ds.sizes['trajectory']} trajectories × {ds.sizes['time']} "
                  f"samples, seed {entropy}"
                  + (f"; {done} of {total} chunks from the checkpoint" if done else "")
                  + (f" ({rate:.3g} macrospin-steps/s)" if computed else ""))


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
    start: Annotated[str | None, typer.Option("--start", help="thermal: the zero-current "
                                              "Boltzmann state of the start well (m·u > 0), as "
                                              "write-error-rate; initial: every trajectory at "
                                              "magnet.initial (default thermal when T > 0, "
                                              "else initial)")] = None,
) -> None:
    """Fraction of an ensemble that switched — settled beyond the separatrix, m·u < -threshold
    along the easy axis u for the settling window — with its binomial error, switching-time
    quantiles and P(t)."""
    check_output_path(plot, "--plot", FIGURE)
    check_seed(seed)
    from spintorque.dynamics.start import START_MODES
    from spintorque.dynamics.switching import run_switching
    from spintorque.dynamics.timestep import suggested_time_step
    from spintorque.limits import parse
    from spintorque.magnet.io import load_macrospin
    from spintorque.units import to_si

    if start is not None and start not in START_MODES:
        raise InputError("--start", f"must be one of {', '.join(START_MODES)}, got {start!r}")
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
    from spintorque.progress import progress_bar

    with progress_bar(T, "switching ensemble") as advance, as_flags(FLAGS):
        result = run_switching(run.model, conditions, duration=T, dt=step,
                               trajectories=trajectories, seed=seed, threshold=threshold,
                               settle=window, sample_interval=sample, progress=advance,
                               start=start, start_field="--start")
    doc = result.to_json_dict()
    if "start_note" in doc:
        print(f"note: {doc['start_note']}", file=sys.stderr)
    _warn(doc["warnings"])
    if plot is not None:
        use_agg()
        from spintorque.plotting import plot_switching

        savefig(plot_switching(result).figure, plot)
    if json_output:
        print_json(doc)
        return
    mean = doc["mean_switching_time"]
    median = doc["switching_time_quantiles"]["0.5"]
    error = doc["switched_fraction_standard_error"]
    low, high = doc["switched_fraction_interval_95"]
    spread = (f"± {100 * error:.2g}%" if error is not None
              else f"(95 % interval {100 * low:.2g}–{100 * high:.2g}%)")
    console.print(f"switched: {100 * doc['switched_fraction']:.3g}% {spread} of {result.trajectories} "
                  f"(settled at m·u < -{threshold:g} for {result.criterion.settle:.3g} s, u = "
                  f"{[round(x, 4) for x in result.criterion.axis]}, {result.criterion.source}); "
                  f"mean switching time {'-' if mean is None else f'{mean:.4g} s'}, median "
                  f"{'-' if median is None else f'{median:.4g} s'}; start {doc['start']} (mean angle "
                  f"{math.degrees(doc['start_mean_angle_rad']):.3g}° to u); seed {doc['seed']}, dt "
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
    exact_torque: Annotated[bool, typer.Option("--exact-torque", help="solve the transport of "
                                               "a diffusive torque at every step instead of "
                                               "tabulating it (error <= 1e-10)")] = False,
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
    if step is not None and not step <= T / 32:  # the analysis reads the last half: >= 16 samples
        raise InputError(
            "--sample-step",
            f"{sample_step} leaves fewer than 16 samples in the analysed second half of "
            f"--duration {duration}: need a step of at most duration/32 = {T / 32:.4g} s",
        )
    from spintorque.progress import progress_bar

    with progress_bar(float(values.size), "precession") as advance, as_flags(FLAGS):
        ds = precession_sweep(run.model, run.conditions, values, T, sample_step=step,
                              torque="exact" if exact_torque else "tabulated", progress=advance)
    doc = {"current_density": ds.current_density.values.tolist(),
           "frequency": ds.frequency.values.tolist(), "amplitude": ds.amplitude.values.tolist(),
           "mz_range": ds.mz_range.values.tolist(), "steady": ds.steady.values.tolist(),
           "sample_step": ds.attrs["sample_step_s"],
           "samples": ds.attrs["samples"], "warnings": json.loads(ds.attrs["warnings"]),
           "torque": json.loads(ds.attrs["torque_tables"]),
           "units": {"current_density": "A/m^2", "frequency": "Hz", "sample_step": "s"}}
    _warn(doc["warnings"])
    if json_output:
        print_json(doc)
        return
    for J, f, a in zip(doc["current_density"], doc["frequency"], doc["amplitude"], strict=True):
        console.print(f"J = {J:.4g} A/m²: f = {f / 1e9:.4g} GHz, amplitude {a:.3g}")
