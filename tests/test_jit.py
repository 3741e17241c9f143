"""Kernels are built on first use, and numba's disk cache can never break them.

Each scenario runs in a fresh interpreter on a two-line kernel module copied to a temporary
directory, next to the same kernel decorated with plain ``numba.njit(cache=True)``: the plain one
failing shows that the scenario really breaks the cache; the guarded one must still compute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

KERNELS = '''
import numba
from spintorque._jit import njit

def _twice(x):
    return 2.0 * x + 1.0

guarded = njit(cache=True)(_twice)
try:
    plain = numba.njit(cache=True)(lambda x: 2.0 * x + 1.0)
except Exception as exc:
    plain = exc
'''

DRIVER = '''
import json, sys
sys.path.insert(0, sys.argv[1])
{patch}
import kernels
result = {{"guarded": kernels.guarded(20.0)}}
if isinstance(kernels.plain, Exception):
    result["plain"] = type(kernels.plain).__name__
else:
    try:
        result["plain"] = kernels.plain(20.0)
    except Exception as exc:
        result["plain"] = type(exc).__name__
print(json.dumps(result, allow_nan=False))
'''


def _scenario(tmp_path: Path, env: dict[str, str], patch: str = "") -> dict[str, object]:
    module_dir = tmp_path / "mod"
    module_dir.mkdir(exist_ok=True)
    (module_dir / "kernels.py").write_text(KERNELS)
    proc = subprocess.run([sys.executable, "-c", DRIVER.format(patch=textwrap.dedent(patch)),
                           str(module_dir)], capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env})
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def _no_writable_location(tmp_path: Path) -> dict[str, str]:
    """Block every place numba may cache in: ``__pycache__``, the user cache dir, NUMBA_CACHE_DIR.

    A regular file where a directory is needed stops root as well (permission bits do not).
    """
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a directory")
    (tmp_path / "mod").mkdir(exist_ok=True)
    (tmp_path / "mod" / "__pycache__").write_text("a read-only install: no cache directory")
    return {"HOME": str(blocker / "home"), "XDG_CACHE_HOME": str(blocker / "cache"),
            "NUMBA_CACHE_DIR": str(blocker / "numba")}


def test_no_writable_cache_location_compiles_in_memory(tmp_path):
    result = _scenario(tmp_path, _no_writable_location(tmp_path))
    assert result == {"guarded": 41.0, "plain": "RuntimeError"}  # numba: "cannot cache function"


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_damaged_cache_files_are_recompiled(tmp_path):
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    assert _scenario(tmp_path, env) == {"guarded": 41.0, "plain": 41.0}
    files = [p for p in (tmp_path / "cache").rglob("*") if p.suffix in (".nbi", ".nbc")]
    assert {p.suffix for p in files} == {".nbi", ".nbc"}
    for path in files:
        path.write_bytes(b"\x80\x04garbage, not a pickle" * 3)
    result = _scenario(tmp_path, env)
    assert result["guarded"] == 41.0 and result["plain"] != 41.0
    assert _scenario(tmp_path, env)["guarded"] == 41.0  # the damaged index was rewritten


def test_a_full_disk_while_saving_the_cache_is_not_an_error(tmp_path):
    patch = """
    import errno, os
    from numba.core import caching

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    caching.IndexDataCacheFile._save_index = full
    caching.IndexDataCacheFile._save_data = full
    """
    result = _scenario(tmp_path, {"NUMBA_CACHE_DIR": str(tmp_path / "cache")}, patch)
    assert result == {"guarded": 41.0, "plain": "OSError"}


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_a_read_only_install_imports_runs_a_command_and_builds_every_kernel(tmp_path):
    """The package copied where no ``__pycache__`` can be made, with no writable cache at all."""
    import shutil

    env = {**os.environ, **_no_writable_location(tmp_path), "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": str(tmp_path / "site")}
    package = tmp_path / "site" / "spintorque"
    shutil.copytree(Path(__file__).parents[1] / "src" / "spintorque", package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for directory in [package, *[p for p in package.rglob("*") if p.is_dir()]]:
        (directory / "__pycache__").write_text("read-only install")
    stack = Path(__file__).parents[1] / "examples" / "co_cu_py.toml"
    proc = subprocess.run([sys.executable, "-m", "spintorque", "solve", str(stack), "--json"],
                          capture_output=True, text=True, timeout=300, check=False, env=env,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout)["efficiency"]["g2"] is not None
    code = textwrap.dedent('''
        import json
        import spintorque as st
        from spintorque._jit import Kernel
        from spintorque.dynamics import kernel as dynamics
        from spintorque.thermal.sphere import ring_elimination
        from spintorque.transport import fold, mixing
        from spintorque.transport import kernel as transport
        assert st.__file__.startswith(sys.argv[1])
        built = {}
        for module in (transport, fold, mixing, dynamics, ring_elimination):
            for name, value in list(vars(module).items()):
                if isinstance(value, Kernel):
                    value.dispatcher  # numba's decorator raised here when no cache was usable
                    built[module.__name__ + "." + name] = True
        # a finite mixing conductance: the serial fold kernel compiles and runs in memory
        # (its parallel twin costs a minute more to compile; its decorator is built above)
        exec(sys.argv[2])
        folded = st.solve(stack, mags).torque("F2")
        print(json.dumps({"built": sorted(built), "torque": folded.tolist()}, allow_nan=False))
    ''')
    proc = subprocess.run([sys.executable, "-c", "import sys\n" + code, str(package), MIXING_VALVE],
                          capture_output=True, text=True, timeout=600, check=False, env=env,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(proc.stdout.splitlines()[-1])
    for kernel in ("fold.sweep_folded", "fold.sweep_folded_serial", "mixing.sweep_mixing",
                   "kernel.sweep", "dynamics.kernel"):
        assert any(kernel in name for name in doc["built"]), (kernel, doc["built"])
    # the same valve here, by the block solve of transport/mixing.py
    import spintorque as st

    scope: dict[str, Any] = {}
    exec(MIXING_VALVE, scope)
    block = st.solve(scope["stack"], scope["mags"], kernel="general").torque("F2")
    folded = np.array(doc["torque"])
    assert folded.shape == block.shape == (7, 3)
    assert np.max(np.abs(folded - block)) < 1e-12 * np.max(np.abs(block))


MIXING_VALVE = """
import numpy as np
import spintorque as st
from spintorque.interfaces import Interface
co = st.Ferromagnet("Co", 7.5e-8, 0.46, 59e-9)
cu = st.NormalMetal("Cu", 0.6e-8, 500e-9)
layers = (st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 10e-9),
          st.Layer("F2", co, 4e-9, (1, 0, 0)))
stack = st.Stack(layers, current_density=1e11, interface_elements=(
    Interface(("F1", "N"), 0.5e-15, 0.7, 0.2, complex(0.55e15, 0.1e15)),
    Interface(("N", "F2"), 0.3e-15, 0.6, 0.1, complex(0.55e15, 0.1e15))))
theta = np.linspace(0.1, 3.0, 7)
mags = np.zeros((theta.size, 2, 3))
mags[:, 0, 2] = 1.0
mags[:, 1, 0], mags[:, 1, 2] = np.sin(theta), np.cos(theta)
"""


INTERPRETED_VS_COMPILED = '''
import json, sys
import numpy as np
import spintorque as st
from spintorque.transport import solver
from spintorque.transport.nodes import node_spaces
from spintorque.transport.elements import lead_terms, series_shunt

rng = np.random.default_rng(7)
co = st.Ferromagnet("Co", 7.5e-8, 0.46, 59e-9)
cu = st.NormalMetal("Cu", 0.6e-8, 500e-9)
cases = []
for trial in range(24):
    layers = []
    for i in range(int(rng.integers(1, 9))):
        if rng.random() < 0.5:
            v = rng.normal(size=3)
            layers.append(st.Layer(f"F{i}", co, float(10 ** rng.uniform(-10, -7)), tuple(v)))
        else:
            layers.append(st.Layer(f"N{i}", cu, float(10 ** rng.uniform(-10, -6))))
    leads = [st.Lead(), st.Lead(cu), st.Lead(co, tuple(rng.normal(size=3)))]
    stack = st.Stack(tuple(layers), left=leads[trial % 3], right=leads[(trial // 3) % 3],
                     current_density=1e11)
    m = solver.layer_magnetizations(stack)
    spaces = node_spaces(stack, m)
    G = np.array([x.material.spin_conductance for x in stack.layers])
    ratio = np.array([x.thickness / x.material.spin_diffusion_length for x in stack.layers])
    Gs, Gt = series_shunt(G, ratio)
    p = np.array([x.material.polarization for x in stack.layers])
    GL, sL = lead_terms(stack.left)
    GR, sR = lead_terms(stack.right)
    cases.append((spaces.kind, spaces.vec, Gs, Gt, p[None, :, None] * m, GL, GR, sL, sR))
kernels = {"lines": solver.sweep_lines_serial, "general": solver.sweep_serial}
interpreted = {}
for name, kernel in kernels.items():
    for i, args in enumerate(cases):
        if name == "lines" and np.any(args[0] > 1):
            continue
        interpreted[name, i] = kernel.interpreted(*args)
assert "numba" not in sys.modules, "the interpreted path must not load numba"
worst, same, ranks = 0.0, True, set()
for (name, i), (mu, delta) in interpreted.items():
    cmu, cdelta = kernels[name].compiled(*cases[i])
    same &= np.array_equal(mu, cmu) and np.array_equal(delta, cdelta)
    ranks |= set(int(k) for k in cases[i][0].ravel())
print(json.dumps({"same": bool(same), "count": len(interpreted), "ranks": sorted(ranks),
                  "kinds": sorted({name for name, _ in interpreted})}, allow_nan=False))
'''


def test_interpreted_tiny_solves_equal_the_compiled_kernel_bit_for_bit():
    proc = subprocess.run([sys.executable, "-c", INTERPRETED_VS_COMPILED], capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(proc.stdout.splitlines()[-1])
    assert doc["same"] and doc["count"] > 24
    assert doc["ranks"] == [0, 1, 3] and doc["kinds"] == ["general", "lines"]


def test_a_kernel_is_built_once_with_its_module_and_called_through_numba_afterwards():
    code = textwrap.dedent('''
        import sys
        from spintorque.transport import kernel, solver
        assert "numba" not in sys.modules
        wrapper = solver.sweep_serial
        wrapper.dispatcher
        import numba
        from numba.core.registry import CPUDispatcher
        assert all(isinstance(getattr(kernel, n), CPUDispatcher) for n in
                   ("_sweep_one", "_cholesky", "sweep", "sweep_lines", "sweep_lines_serial"))
        assert kernel.prange is numba.prange and "built" in repr(wrapper)
        print("ok")
    ''')
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-3000:]


def _scaled(x, factor=2.0):
    return factor * x.sum()


def test_small_calls_interpret_until_the_work_pays_for_compiling_and_keywords_pass_through():
    from spintorque._jit import Kernel, njit

    kernel = njit(interpret_up_to=4)(_scaled)
    assert isinstance(kernel, Kernel) and "not built" in repr(kernel)
    small, large = np.ones(4), np.ones(5)
    assert kernel(small, factor=3.0) == 12.0 and kernel._dispatcher is None
    assert kernel(small) == 8.0 and kernel.interpreted_work == 8
    assert kernel(small, factor=0.5) == 2.0 and kernel(small) == 8.0
    assert kernel.interpreted_work == 16 and kernel._dispatcher is None  # 4 x 4 elements
    assert kernel(small) == 8.0 and kernel._dispatcher is not None  # budget spent: compiled
    assert kernel(large, factor=1.0) == 5.0 == kernel.compiled(large, 1.0)
