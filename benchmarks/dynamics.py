"""Stochastic macrospin ensembles: spintorque's compiled Heun kernel against cmtj, in one process.

Run:  .venv/bin/python benchmarks/dynamics.py [--quick]
      (cmtj is optional: ``pip install cmtj``; without it only spintorque's numbers are printed)

1. Throughput (issue 4): a perpendicular macrospin (Ms 1.1e6 A/m, 1.5 nm, 40 nm disk, alpha 0.01,
   K 1e6 J/m^3 along z, thin-film demag, 1e4 A/m along z), Slonczewski torque (P 0.6, Lambda 1,
   epsilon' 0, p = z) at J = 1e11 A/m^2, 300 K, Heun, dt = 1 ps, starting along +z.
   spintorque: 10,000 trajectories x 10,000 steps, one ``run_stochastic`` call timed end to end
   (seeding included; only the last state kept), after a warm-up call that compiles (or loads)
   the kernel; all numba threads. cmtj: the same model, ``SolverMode.Heun`` (its default with a
   temperature driver is a biased Euler-Heun), one Junction per trajectory, one thread, timing
   the ``runSimulation`` calls. Macrospin-steps/s of both and their ratio, both for the whole
   machine (spintorque on all its threads, cmtj on one) and per core (spintorque measured again
   on one numba thread, in the same process, right after the all-thread run).
2. Thermal check at zero current: <m_z^2> of a small uniaxial macrospin (sigma = KV/kT = 5,
   alpha 0.1, dt = 1 ps) from both codes against the Boltzmann value. Trajectories are
   independent, so the standard error is the spread of the per-trajectory time averages over
   sqrt(trajectories) (each average spans many relaxation times 1/(alpha gamma0 H_K) ~ 0.2 ns).

cmtj's physical constants are set to spintorque's (CODATA) values, so the two models are the
same equations: cmtj's Slonczewski term lacks the small -alpha eps p x m part of the explicit
(Gilbert) form that spintorque (like mumax3) keeps, which does not change the cost.
``--quick`` shrinks every size so that the script runs in seconds.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from typing import Any

import numba
import numpy as np

from spintorque import constants as c
from spintorque.analytic import dynamics as an
from spintorque.dynamics import run_stochastic
from spintorque.magnet import Conditions, Demag, Macrospin, MacrospinModel, Slonczewski, Uniaxial, Zeeman

DT = 1e-12
T = 300.0
J = 1e11

# 1. the perpendicular macrospin
MS, THICKNESS, DIAMETER, ALPHA, K, HZ = 1.1e6, 1.5e-9, 40e-9, 0.01, 1e6, 1e4
P, LAMBDA, EPS_PRIME = 0.6, 1.0, 0.0
# 2. a small one for the Boltzmann check: sigma = K V/(k_B T) = 5
SIGMA_B, DIAMETER_B, ALPHA_B = 5.0, 10e-9, 0.1


def perpendicular() -> MacrospinModel:
    magnet = Macrospin.disk(MS, THICKNESS, DIAMETER, damping=ALPHA)
    return MacrospinModel(magnet, Uniaxial(K, (0, 0, 1)) + Demag((0, 0, 1)) + Zeeman((0, 0, HZ)),
                          Slonczewski(P, Lambda=LAMBDA, epsilon_prime=EPS_PRIME, polarizer=(0, 0, 1)))


def small() -> tuple[MacrospinModel, float]:
    """The Boltzmann-check macrospin and its K [J/m^3]."""
    magnet = Macrospin.disk(MS, THICKNESS, DIAMETER_B, damping=ALPHA_B)
    K_b = SIGMA_B * c.k_B * T / magnet.volume
    return MacrospinModel(magnet, Uniaxial(K_b, (0, 0, 1))), K_b


def spintorque_throughput(trajectories: int, steps: int, repeat: int, threads: int | None = None) -> float:
    """Macrospin-steps/s of run_stochastic (best of ``repeat``), on ``threads`` numba threads."""
    if threads is not None:
        previous = numba.get_num_threads()
        numba.set_num_threads(threads)
        try:
            return spintorque_throughput(trajectories, steps, repeat)
        finally:
            numba.set_num_threads(previous)
    model, conditions = perpendicular(), Conditions(current_density=J, temperature=T)
    run_stochastic(model, conditions, duration=10 * DT, dt=DT, trajectories=3, seed=0)  # compile / load
    best = math.inf
    for k in range(repeat):
        start = time.perf_counter()
        run_stochastic(model, conditions, duration=steps * DT, dt=DT, trajectories=trajectories, seed=k,
                       save_every=steps)
        best = min(best, time.perf_counter() - start)
    return trajectories * steps / best


def spintorque_boltzmann(trajectories: int, steps: int, every: int, burn: int) -> tuple[float, float]:
    model, _ = small()
    ds = run_stochastic(model, Conditions(temperature=T), duration=steps * DT, dt=DT,
                        trajectories=trajectories, seed=2026, save_every=every)
    z2 = ds.m.values[:, 1 + burn // every:, 2] ** 2
    return mean_and_error(z2)


def mean_and_error(z2: np.ndarray) -> tuple[float, float]:
    """Mean of (trajectory, time) samples and its standard error from per-trajectory averages."""
    per_trajectory = z2.mean(axis=1)
    return float(per_trajectory.mean()), float(per_trajectory.std(ddof=1) / math.sqrt(per_trajectory.size))


class Cmtj:
    """The same models in cmtj (one Junction per trajectory)."""

    def __init__(self) -> None:
        import cmtj

        self.cmtj = cmtj
        constants = cmtj.constants.PhysicalConstants
        constants.set_magnetic_permeability(c.mu0)
        constants.set_gyromagnetic_ratio(c.gamma0)
        constants.set_hbar(c.hbar)
        constants.set_elementary_charge(c.e)
        constants.set_boltzmann_constant(c.k_B)

    @property
    def version(self) -> str:
        from importlib.metadata import version

        return version("cmtj")

    def junction(self, seed: int, *, diameter: float, alpha: float, K: float, demag: bool, Hz: float,
                 current: float) -> Any:
        cm = self.cmtj
        V = cm.CVector
        N = [V(0, 0, 0), V(0, 0, 0), V(0, 0, 1 if demag else 0)]
        area = math.pi * diameter**2 / 4
        layer = cm.Layer.createSTTLayer("free", V(0, 0, 1), V(0, 0, 1), c.mu0 * MS, THICKNESS, area, N, alpha,
                                        LAMBDA, 0.0, P)  # Ms in T; Lambda, beta (field-like), P
        layer.setReferenceLayer(V(0, 0, 1))
        junction = cm.Junction([layer])
        junction.setLayerAnisotropyDriver("free", cm.ScalarDriver.getConstantDriver(K))
        junction.setLayerExternalFieldDriver("free", cm.AxialDriver(V(0, 0, Hz)))
        junction.setLayerCurrentDriver("free", cm.ScalarDriver.getConstantDriver(current))
        junction.setLayerTemperatureDriver("free", cm.ScalarDriver.getConstantDriver(T))
        junction.setLayerSeed("free", seed)
        return junction

    def run(self, junction: Any, steps: int, write_every: int) -> float:
        start = time.perf_counter()
        junction.runSimulation(steps * DT, DT, write_every * DT, solverMode=self.cmtj.SolverMode.Heun)
        return time.perf_counter() - start

    def throughput(self, trajectories: int, steps: int) -> float:
        warm = self.junction(0, diameter=DIAMETER, alpha=ALPHA, K=K, demag=True, Hz=HZ, current=J)
        self.run(warm, 100, 100)
        elapsed = 0.0
        for k in range(trajectories):
            junction = self.junction(k + 1, diameter=DIAMETER, alpha=ALPHA, K=K, demag=True, Hz=HZ, current=J)
            elapsed += self.run(junction, steps, steps)
        return trajectories * steps / elapsed

    def boltzmann(self, trajectories: int, steps: int, every: int, burn: int) -> tuple[float, float]:
        _, K_b = small()
        rows = []
        for k in range(trajectories):
            junction = self.junction(1000 + k, diameter=DIAMETER_B, alpha=ALPHA_B, K=K_b, demag=False, Hz=0.0,
                                     current=0.0)
            self.run(junction, steps, every)
            mz = np.asarray(junction.getLog()["free_mz"])  # logged at steps 0, every, 2 every, ...
            rows.append(mz[burn // every:])
        n = min(len(r) for r in rows)
        return mean_and_error(np.stack([r[:n] for r in rows]) ** 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    if args.quick:
        sizes = {"st": (2000, 2000, 3), "cm": (5, 2000), "st_b": (400, 10_000), "cm_b": (20, 10_000)}
    else:
        sizes = {"st": (10_000, 10_000, 1), "cm": (50, 10_000), "st_b": (2000, 20_000), "cm_b": (40, 20_000)}
    every, burn = 100, 1000  # Boltzmann: sample every 0.1 ns, drop the first 1 ns

    threads = numba.get_num_threads()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"numba {numba.__version__} with {threads} threads; numpy {np.__version__}")
    try:
        bench: Cmtj | None = Cmtj()
    except ImportError:
        bench = None
        print("cmtj: not installed (pip install cmtj) -- spintorque's numbers only")
    else:
        print(f"cmtj: {bench.version} (one thread, SolverMode.Heun)")

    B, n, repeat = sizes["st"]
    print(f"\n1. Throughput: perpendicular macrospin, Slonczewski torque, J = {J:g} A/m^2, {T:g} K, Heun, "
          f"dt = {DT * 1e12:g} ps")
    st_rate = spintorque_throughput(B, n, repeat)
    print(f"  spintorque  {B:>6} trajectories x {n} steps: {st_rate / 1e6:8.1f} M macrospin-steps/s "
          f"({threads} threads, {st_rate / threads / 1e6:.1f} M per thread)")
    st_rate1 = st_rate if threads == 1 else spintorque_throughput(B, n, repeat, threads=1)
    print(f"  spintorque  {B:>6} trajectories x {n} steps: {st_rate1 / 1e6:8.1f} M macrospin-steps/s "
          "(1 thread, per core)")
    if bench is not None:
        B_c, n_c = sizes["cm"]
        cm_rate = bench.throughput(B_c, n_c)
        print(f"  cmtj        {B_c:>6} trajectories x {n_c} steps: {cm_rate / 1e6:8.2f} M macrospin-steps/s "
              "(1 thread)")
        print(f"  ratio spintorque/cmtj: {st_rate / cm_rate:.1f}x (whole machine: {threads} threads vs "
              f"cmtj's one), {st_rate1 / cm_rate:.1f}x per core (1 thread vs 1 thread); target >= 10x")

    sigma_check = K_b_sigma()
    exact = an.boltzmann_mz2(sigma_check)
    print(f"\n2. Boltzmann check, J = 0: sigma = KV/kT = {sigma_check:.3f}, alpha = {ALPHA_B}, dt = 1 ps, "
          f"<m_z^2> exact = {exact:.5f}")
    B_b, n_b = sizes["st_b"]
    mean, error = spintorque_boltzmann(B_b, n_b, every, burn)
    print(f"  spintorque  {B_b:>6} trajectories x {n_b} steps: <m_z^2> = {mean:.5f} +- {error:.5f} "
          f"({(mean - exact) / error:+.1f} SE)")
    if bench is not None:
        B_c, n_c = sizes["cm_b"]
        mean, error = bench.boltzmann(B_c, n_c, every, burn)
        print(f"  cmtj        {B_c:>6} trajectories x {n_c} steps: <m_z^2> = {mean:.5f} +- {error:.5f} "
              f"({(mean - exact) / error:+.1f} SE)")
    print("  (SE: standard error from the spread of per-trajectory time averages; |z| < 3 is consistent)")


def K_b_sigma() -> float:
    model, K_b = small()
    return K_b * model.magnet.volume / (c.k_B * T)


if __name__ == "__main__":
    main()
