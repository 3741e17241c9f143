"""Timings of the exact transport solver, each against a baseline measured in the same process.

Run:  .venv/bin/python benchmarks/transport.py [--quick]

1. g1, g2 of a five-layer valve at 1e6 angles (one vectorised ``st.efficiency`` call) against a
   Python loop of single solves (measured on 1000 angles, extrapolated).
2. One 1000-layer [F/N] stack with non-coplanar magnetizations; the scalar "lines" kernel against
   the general 3×3-block kernel; and the scaling of the solve time with the number of layers.
3. The exact solver against the P1 finite-element minimisation of S (``tests/transport/fem.py``)
   at equal accuracy of the interface spin accumulation.
4. Building a stack of 1e3 and 1e5 layers (``Stack``, ``stack_from_dict``) and solving it: the
   printed ratio of build time per layer must stay near 1 (it was ~100: a quadratic name scan).
5. Finite interfaces (AR*, γ, δ; with and without a mixing conductance) on every F/N boundary of
   the valve of 1. and of the 1000-layer stack of 2., against the transparent solver: timed
   interleaved (baseline and cases in turn, round after round), the median ratio printed.
6. ``--reference N``: N random stacks (1–30 layers, d/l 1e-7…1e3, resistivities over four
   decades, random leads and non-coplanar directions) against the 80-digit reference of
   ``tests/transport/reference.py``; prints the worst relative errors.

Times are the best of a few repeats (``time.perf_counter``), after a warm-up call that compiles
(or loads from cache) the numba kernels. ``--quick`` shrinks every size so that the whole script
runs in a few seconds; ``--only K`` runs section K alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numba
import numpy as np

import spintorque as st
from spintorque.interfaces import Interface

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[1]

CO = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
PY = st.Ferromagnet.from_resistivity("Py", 15e-8, 0.73, 5.5e-9)
CU = st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)


def timings(fn: Callable[[], object], repeat: int, number: int = 1) -> np.ndarray:
    """Time per call [s] of each of ``repeat`` runs of ``number`` calls."""
    out = np.empty(repeat)
    for k in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        out[k] = (time.perf_counter() - start) / number
    return out


def best_of(fn: Callable[[], object], repeat: int, number: int = 1) -> float:
    """Best time per call [s] over ``repeat`` runs of ``number`` calls each."""
    return float(np.min(timings(fn, repeat, number)))


def single_threaded(fn: Callable[[], T]) -> T:
    """Run ``fn`` with numba limited to one thread (no OpenMP region is woken per call)."""
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        return fn()
    finally:
        numba.set_num_threads(threads)


def valve(theta: float = 0.0) -> st.Stack:
    """Cu 5 nm / Co 8 nm / Cu 10 nm / Py 4 nm / Cu 5 nm between ideal sinks; F2 at polar θ."""
    return st.Stack((st.Layer("N0", CU, 5e-9), st.Layer("F1", CO, 8e-9, (0, 0, 1)),
                     st.Layer("N", CU, 10e-9),
                     st.Layer("F2", PY, 4e-9, (np.sin(theta), 0.0, np.cos(theta))),
                     st.Layer("N2", CU, 5e-9)), current_density=1e11)


def multilayer(L: int, seed: int = 1) -> st.Stack:
    """[Co 3 nm / Cu 2 nm] repeated to L layers, random 3D magnetizations, ideal sinks."""
    rng = np.random.default_rng(seed)
    layers = []
    for i in range(L):
        if i % 2 == 0:
            layers.append(st.Layer(f"F{i}", CO, 3e-9, tuple(rng.standard_normal(3))))
        else:
            layers.append(st.Layer(f"N{i}", CU, 2e-9))
    return st.Stack(tuple(layers), current_density=1e11)


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def section(self, title: str) -> None:
        self.rows.append((title, "", "", ""))

    def row(self, what: str, value: str, target: str = "", note: str = "") -> None:
        self.rows.append(("  " + what, value, target, note))

    def print(self) -> None:
        widths = [max(len(r[k]) for r in self.rows) for k in range(3)]
        header = ("measurement", "value", "target", "ratio / note")
        widths = [max(w, len(h)) for w, h in zip(widths, header, strict=False)]
        line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)) + "  " + \
            header[3]
        print(line)
        print("-" * len(line))
        for r in self.rows:
            if not any(r[1:]):
                print(r[0])
                continue
            print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])


def faster(what: str, ratio: float) -> str:
    """'<what> 12x faster' for a time ratio (other / what) > 1, '<what> 3.0x SLOWER' below 1."""
    if ratio >= 1.0:
        return f"{what} {ratio:.{2 if ratio < 10 else 0}f}x faster"
    return f"{what} {1.0 / ratio:.{2 if ratio > 0.1 else 0}f}x SLOWER"


def verdict(value: float, target: float) -> str:
    return "meets" if value <= target else "MISSES"


def bench_efficiency(table: Table, quick: bool) -> None:
    n_angles = 10**4 if quick else 10**6
    n_loop = 100 if quick else 1000
    stack = valve()
    theta = np.linspace(0.0, np.pi, n_angles)
    st.efficiency(stack, "F2", theta[:100])  # warm-up (JIT / cache load)
    batched = best_of(lambda: st.efficiency(stack, "F2", theta), repeat=2 if quick else 3)

    sample = theta[1:-1][:: max(1, (n_angles - 2) // n_loop)][:n_loop]
    def loop() -> np.ndarray:
        out = np.empty((len(sample), 2))
        for k, t in enumerate(sample):
            g = st.solve(stack.with_magnetization("F2", (np.sin(t), 0.0, np.cos(t)))).efficiency
            out[k] = g["g1"], g["g2"]
        return out
    single = best_of(loop, repeat=2) / len(sample)
    single_1t = single_threaded(lambda: best_of(loop, repeat=2)) / len(sample)
    check = st.efficiency(stack, "F2", sample)
    reference = loop()
    diff = max(np.max(np.abs(check.g1.values - reference[:, 0])),
               np.max(np.abs(check.g2.values - reference[:, 1])))

    label = f"{n_angles:.0e}".replace("+0", "")
    table.section(f"1. g1, g2 of Cu/Co/Cu/Py/Cu (sinks) over {label} angles")
    table.row(f"st.efficiency, {label} angles [s]", f"{batched:.3f}", "<= 1 s" if not quick
              else "", verdict(batched, 1.0) if not quick else "(--quick: smaller size)")
    table.row(f"loop of single st.solve, {label} angles [s]", f"{single * n_angles:.1f}", "",
              f"extrapolated from {len(sample)}; {faster('batched', single * n_angles / batched)}")
    table.row("same loop, numba.set_num_threads(1) [s]", f"{single_1t * n_angles:.1f}", "",
              faster("batched", single_1t * n_angles / batched))
    table.row("per angle: batched / single / single 1 thread [us]",
              f"{batched / n_angles * 1e6:.2f} / {single * 1e6:.0f} / {single_1t * 1e6:.0f}", "",
              f"max |g_batched - g_single| = {diff:.1e}")


def bench_layers(table: Table, quick: bool) -> None:
    stack = multilayer(1000)
    st.solve(stack)
    st.solve(stack, kernel="general")
    repeat = 5 if quick else 15
    runs = timings(lambda: st.solve(stack), repeat)
    lines = float(np.min(runs))
    general = best_of(lambda: st.solve(stack, kernel="general"), repeat)
    threads = numba.get_num_threads()
    single_thread = single_threaded(lambda: best_of(lambda: st.solve(stack), repeat))
    a, b = st.solve(stack).spin_accumulation, st.solve(stack, kernel="general").spin_accumulation
    agree = np.max(np.abs(a - b)) / np.max(np.abs(b))

    table.section("2. one 1000-layer [Co/Cu] stack, non-coplanar random m, sinks")
    table.row("st.solve (auto: scalar 'lines' kernel) [ms]", f"{lines * 1e3:.2f}", "<= 20 ms",
              f"{verdict(lines, 20e-3)}; median of {repeat} runs {np.median(runs) * 1e3:.2f} ms")
    table.row("st.solve(kernel='general') [ms]", f"{general * 1e3:.2f}", "",
              f"{faster('lines kernel', general / lines)}; rel. diff {agree:.1e}")
    table.row("st.solve with numba.set_num_threads(1) [ms]", f"{single_thread * 1e3:.2f}", "",
              f"{lines / single_thread:.2f}x the time with {threads} threads")

    sizes = [100, 200, 500, 1000] if quick else [100, 200, 500, 1000, 2000, 4000]
    stacks = [multilayer(L) for L in sizes]
    for s in stacks:
        st.solve(s)
    default = np.array([best_of(lambda s=s: st.solve(s), repeat) for s in stacks])
    one = np.array(single_threaded(
        lambda: [best_of(lambda s=s: st.solve(s), repeat) for s in stacks]))
    for L, t, t1 in zip(sizes, default, one, strict=True):
        table.row(f"L = {L:5d}: solve [ms] ({threads} threads | 1 thread)",
                  f"{t * 1e3:7.2f} | {t1 * 1e3:7.2f}", "",
                  f"per layer {t / L * 1e6:6.2f} | {t1 / L * 1e6:5.2f} us")

    def exponent(times: np.ndarray, first: int = 0) -> float:
        return float(np.polyfit(np.log(sizes[first:]), np.log(times[first:]), 1)[0])

    upper = sizes.index(500)
    for what, first in ((f"L = {sizes[0]}..{sizes[-1]}", 0),
                        (f"L = {sizes[upper]}..{sizes[-1]}", upper)):
        e, e1 = exponent(default, first), exponent(one, first)
        table.row(f"exponent of log t vs log L, {what}", f"{e:7.2f} | {e1:7.2f}", "~ 1",
                  "linear (1 thread)" if 0.8 <= e1 <= 1.2 else
                  "off linear (1 thread): timing noise or fixed per-call cost")


def with_interfaces(stack: st.Stack, mixing: complex | None) -> st.Stack:
    """The stack with a Co/Cu-like interface on every F/N boundary (AR*, γ, δ; G↑↓ if given)."""
    found = []
    for a, b in zip(stack.layers[:-1], stack.layers[1:], strict=True):
        if a.is_ferromagnet != b.is_ferromagnet:
            found.append(Interface((a.name, b.name), 0.51e-15, 0.77, 0.33, mixing))
    return stack.with_interfaces(found)


def interleaved(fns: list[Callable[[], object]], rounds: int) -> np.ndarray:
    """Times (rounds, len(fns)) [s]: each round calls every function once, in turn, so that the
    load of a shared machine falls alike on the baseline and on the cases compared with it."""
    out = np.empty((rounds, len(fns)))
    for r in range(rounds):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            out[r, k] = time.perf_counter() - start
    return out


def bench_interfaces(table: Table, quick: bool) -> None:
    """Finite interfaces on every F/N boundary against the transparent solver (target 1.5x).

    The baseline and the cases are timed interleaved, round after round; each printed ratio is
    the median over the rounds of (case / transparent) within one round.
    """
    n_angles = 10**4 if quick else 10**6
    theta = np.linspace(0.0, np.pi, n_angles)
    label = f"{n_angles:.0e}".replace("+0", "")
    table.section("5. interfaces on every F/N boundary vs transparent (target <= 1.5x, "
                  "interleaved, median ratio)")
    cases = (("AR*, gamma, delta", None), ("+ G_mix (0.55+0.02i)e15 S/m^2", complex(0.55e15, 2e13)))
    base = valve()
    stacks = [base, *(with_interfaces(base, g) for _, g in cases)]
    for s in stacks:
        st.efficiency(s, "F2", theta[:100])
    rounds = 3 if quick else 7
    times = interleaved([lambda s=s: st.efficiency(s, "F2", theta) for s in stacks], rounds)
    ratios = times[:, 1:] / times[:, :1]
    table.row(f"efficiency, {label} angles, transparent [s]", f"{np.median(times[:, 0]):.3f}", "",
              f"the baseline (median of {rounds} interleaved rounds)")
    for k, (what, _) in enumerate(cases):
        r = float(np.median(ratios[:, k]))
        table.row(f"efficiency, {label} angles, {what} [s]", f"{np.median(times[:, k + 1]):.3f}",
                  "<= 1.5x", f"{r:.2f}x the transparent time (rounds {np.min(ratios[:, k]):.2f}"
                  f"..{np.max(ratios[:, k]):.2f}): {verdict(r, 1.5)}")
    layers = multilayer(1000)
    stacks = [layers, *(with_interfaces(layers, g) for _, g in cases)]
    for s in stacks:
        st.solve(s)
    rounds = 20 if quick else 200
    number = 5
    times = interleaved([lambda s=s: [st.solve(s) for _ in range(number)] for s in stacks],
                        rounds) / number
    ratios = times[:, 1:] / times[:, :1]
    table.row("1000-layer stack, transparent [ms]", f"{np.median(times[:, 0]) * 1e3:.3f}", "",
              f"the baseline (median of {rounds} interleaved rounds of {number} solves)")
    for k, (what, _) in enumerate(cases):
        r = float(np.median(ratios[:, k]))
        table.row(f"1000-layer stack, 999 interfaces, {what} [ms]",
                  f"{np.median(times[:, k + 1]) * 1e3:.3f}", "<= 1.5x",
                  f"{r:.2f}x the transparent time (rounds {np.min(ratios[:, k]):.2f}"
                  f"..{np.max(ratios[:, k]):.2f}): {verdict(r, 1.5)}")


def bench_fem(table: Table, quick: bool) -> None:
    sys.path.insert(0, str(REPO / "tests" / "transport"))
    from fem import fem_solve  # a test helper, not part of the package

    stack = valve(np.radians(60.0))
    exact = st.solve(stack).spin_accumulation
    scale = np.max(np.abs(exact))
    repeat = 3 if quick else 7
    t_exact = best_of(lambda: st.solve(stack), repeat, number=5)
    t_exact_1t = single_threaded(lambda: best_of(lambda: st.solve(stack), repeat, number=5))
    table.section("3. exact solver vs P1 finite elements, Cu/Co/Cu/Py(60 deg)/Cu, sinks")
    table.row("st.solve [ms]", f"{t_exact * 1e3:.3f}", "", "the reference (no mesh)")
    table.row("st.solve, numba.set_num_threads(1) [ms]", f"{t_exact_1t * 1e3:.3f}", "",
              f"{t_exact / t_exact_1t:.2f}x the time with {numba.get_num_threads()} threads")
    for tolerance in (1e-6,) if quick else (1e-6, 1e-9):
        n, error = 1, np.inf
        while error > tolerance and n < 2**16:
            n *= 2
            error = float(np.max(np.abs(fem_solve(stack, n).interface_mu - exact)) / scale)
        t_fem = best_of(lambda n=n: fem_solve(stack, n), repeat)
        nodes = n * len(stack.layers) + 1
        table.row(f"FEM to {tolerance:.0e}: n = {n}/layer, {nodes} nodes [ms]",
                  f"{t_fem * 1e3:.3f}", "",
                  f"error {error:.1e}; {faster('exact solver', t_fem / t_exact)}")


def bench_build(table: Table, quick: bool) -> None:
    """Stack construction against the number of layers: it must be linear (was quadratic)."""
    sizes = (1_000, 10_000) if quick else (1_000, 100_000)
    table.section(f"4. building a [Co/Cu] stack of {sizes[0]:,} and {sizes[1]:,} layers")
    per_layer, floor = {}, {}
    for L in sizes:
        layers = tuple(st.Layer(f"F{i}", CO, 3e-9, (0.3, -0.2, 0.9)) if i % 2 == 0
                       else st.Layer(f"N{i}", CU, 2e-9) for i in range(L))
        build = best_of(lambda layers=layers: st.Stack(layers), repeat=3)
        data = {"current": {"density": "1e11 A/m^2"},
                "layers": [{"name": f"L{i}", "material": "Cu", "thickness": "2 nm"}
                           for i in range(L)]}
        parse = best_of(lambda data=data: st.stack_from_dict(data), repeat=2)
        stack = st.Stack(layers)
        st.solve(stack)
        solve = best_of(lambda stack=stack: st.solve(stack), repeat=3)
        per_layer[L] = build / L
        floor[L] = best_of(lambda layers=layers: {x.name: i for i, x in enumerate(layers)},
                           repeat=3) / L
        table.row(f"L = {L:7,d}: Stack(layers) | stack_from_dict | solve [s]",
                  f"{build:.4f} | {parse:.3f} | {solve:.3f}", "",
                  f"per layer {build / L * 1e6:.2f} | {parse / L * 1e6:.1f} | "
                  f"{solve / L * 1e6:.2f} us")
    ratio = per_layer[sizes[1]] / per_layer[sizes[0]]
    base = floor[sizes[1]] / floor[sizes[0]]
    table.row(f"build time per layer, {sizes[1]:,} / {sizes[0]:,}", f"{ratio:.2f}", "~ 1",
              f"a bare dict of the names: {base:.2f} (cache effects of this machine); "
              + ("linear" if ratio < 3 * max(base, 1.0) else "NOT linear"))


def random_stack(rng: np.random.Generator, max_layers: int = 30) -> st.Stack:
    """1–max_layers layers, d/l 1e-7…1e3, rho 1e-9…1e-5 Ω·m, l 1e-9…1e-6 m, random leads."""
    def unit() -> tuple[float, float, float]:
        v = rng.normal(size=3)
        v /= np.linalg.norm(v)
        return (float(v[0]), float(v[1]), float(v[2]))

    def material(ferro: bool) -> st.Ferromagnet | st.NormalMetal:
        rho, length = 10 ** rng.uniform(-9, -5), 10 ** rng.uniform(-9, -6)
        if ferro:
            return st.Ferromagnet("F", rho_star=rho, spin_asymmetry=rng.uniform(-0.999, 0.999),
                                  spin_diffusion_length=length)
        return st.NormalMetal("N", resistivity=rho, spin_diffusion_length=length)

    def lead() -> st.Lead:
        kind = rng.integers(3)
        return (st.Lead() if kind == 0 else st.Lead(material(False)) if kind == 1
                else st.Lead(material(True), unit()))

    layers = []
    for i in range(int(rng.integers(1, max_layers + 1))):
        ferro = bool(rng.random() < 0.4)
        mat = material(ferro)
        d = mat.spin_diffusion_length * 10 ** rng.uniform(-7, 3)
        layers.append(st.Layer(f"L{i}", mat, d, unit() if ferro else None))
    return st.Stack(tuple(layers), left=lead(), right=lead(), current_density=1.0)


def bench_reference(table: Table, n: int) -> None:
    sys.path.insert(0, str(REPO / "tests" / "transport"))
    from reference import reference_solve  # a test helper, not part of the package

    rng = np.random.default_rng(2026)
    worst = {"mu": 0.0, "torque": 0.0, "ra": 0.0}
    start = time.perf_counter()
    for _ in range(n):
        stack = random_stack(rng)
        ref, res = reference_solve(stack), st.solve(stack)
        sides = [stack.left, stack.right, *stack.layers]
        p = max(abs(x.material.polarization) for x in sides if x.material is not None)
        j = max(p, float(np.abs(ref.current_left).max()), float(np.abs(ref.current_right).max()))
        if j == 0.0:
            continue  # no ferromagnet: everything is exactly 0
        # the reference's 1e-30 spacers leave mu ~ 1e-30 j/G at pinned nodes: a floor
        g_min = min(layer.material.spin_conductance for layer in stack.layers)
        mu_scale = max(float(np.abs(ref.mu).max()), 1e-15 * j / g_min)
        errors = {
            "mu": float(np.abs(res.mu_unit - ref.mu).max()) / mu_scale,
            "torque": max(float(np.abs(res.torque_per_current - ref.torque).max()),
                          float(np.abs(res.lead_torque_per_current - ref.lead_torque).max())) / j,
            "ra": abs(float(res.spin_resistance_area) - ref.spin_ra)
            / max(abs(ref.spin_ra), 1e-15 / g_min),
        }
        worst = {k: max(worst[k], errors[k]) for k in worst}
    elapsed = time.perf_counter() - start
    table.section(f"5. {n} random stacks against the 80-digit reference ({elapsed:.0f} s)")
    table.row("worst error of mu_s (relative to the largest |mu_s|)", f"{worst['mu']:.1e}")
    table.row("worst error of torques, layers and leads (relative to max |p|, |j_s|/J)",
              f"{worst['torque']:.1e}")
    table.row("worst error of the spin-coupled RA (relative)", f"{worst['ra']:.1e}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few seconds)")
    parser.add_argument("--reference", type=int, default=0, metavar="N",
                        help="also compare N random stacks with the 80-digit reference")
    parser.add_argument("--only", type=int, choices=range(1, 6), metavar="K",
                        help="run only section K (1-5)")
    args = parser.parse_args(argv)
    print(f"spintorque {st.__version__} | numpy {np.__version__} | numba {numba.__version__} "
          f"({numba.config.THREADING_LAYER} layer requested, {numba.get_num_threads()} threads)"
          f" | Python {platform.python_version()} | {os.cpu_count()} CPUs"
          + (" | --quick" if args.quick else ""))
    table = Table()
    start = time.perf_counter()
    sections = (bench_efficiency, bench_layers, bench_fem, bench_build, bench_interfaces)
    for k, bench in enumerate(sections, start=1):
        if args.only in (None, k):
            bench(table, args.quick)
    if args.reference:
        bench_reference(table, args.reference)
    try:
        layer = numba.threading_layer()
    except ValueError:
        layer = "none used"
    print(f"numba threading layer in use: {layer}")
    print()
    table.print()
    print(f"\ntotal {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
