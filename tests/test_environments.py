"""ecmolib wherever Jupyter runs: without numba, installed read-only, under MPLBACKEND=Agg.

Each test runs a fresh Python (or kernel) in the environment it names, so
what the test process itself has imported does not leak in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]

# A representative subset: the beat-by-beat model (compiled kernel), the VV
# steady state (compiled solver with numpy reference) and a plain-numpy model.
_SUBSET = textwrap.dedent("""
    import time
    t0 = time.perf_counter()
    from ecmolib import blood, hemodynamics, patients, vv, _jit
    s = hemodynamics.simulate(patients.ADULT, 1.0).summary
    assert abs(s["map_mmhg"] - 93.0) < 5.0, s["map_mmhg"]
    v = vv.steady_state(patients.ADULT, 4.0, shunt_fraction=1.0)
    assert 0.85 < float(v.sao2) < 1.0, v.sao2
    assert abs(float(blood.saturation(100.0)) - 0.977) < 0.01
    print(_jit.AVAILABLE, _jit.CACHE_DIR, round(time.perf_counter() - t0, 1))
""")


def _run(code, *, env=None, cwd=None, prefix=(), timeout=300):
    return subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=timeout)


def test_every_model_works_without_numba(tmp_path):
    # A platform without numba wheels: importing numba fails. The same
    # kernels then run as plain Python (slower), the VV solver falls back to
    # its numpy reference; no ModuleNotFoundError.
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text("import sys\nsys.modules['numba'] = None\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    out = _run(_SUBSET, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "False"          # ran without numba


_NO_OVERRIDE = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner",
                "--inh-caps=-dac_override,-dac_read_search,-fowner")


_NO_OVERRIDE = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner",
                "--inh-caps=-dac_override,-dac_read_search,-fowner")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
                    reason="needs root and setpriv (util-linux) to drop the right to write anywhere")
def test_read_only_install_without_writable_home(tmp_path):
    # A hub: ecmolib installed read-only (a copy with every write bit
    # removed, run without root's right to override that) and no writable
    # HOME. Numba must find a cache it can write (the temporary directory)
    # instead of raising "no locator available", and reuse it next time.
    site, home, scratch = tmp_path / "site", tmp_path / "home", tmp_path / "scratch"
    shutil.copytree(ROOT / "ecmolib", site / "ecmolib", ignore=shutil.ignore_patterns("__pycache__"))
    home.mkdir()
    scratch.mkdir()
    for path in [home, site, *site.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "PYTHONPATH": str(site),
           "TMPDIR": str(scratch), "MPLCONFIGDIR": str(scratch / "mpl")}
    first = _run(_SUBSET, env=env, cwd=str(tmp_path), prefix=_NO_OVERRIDE, timeout=600)
    assert first.returncode == 0, first.stderr
    available, cache_dir = first.stdout.split()[:2]
    assert available == "True"
    assert Path(cache_dir).parent == scratch
    assert any(Path(cache_dir).rglob("*.nbi"))           # compiled into the temporary cache ...
    assert not any(site.rglob("*.nbi"))                  # ... and nothing into the package
    again = _run(_SUBSET, env=env, cwd=str(tmp_path), prefix=_NO_OVERRIDE)
    assert again.returncode == 0, again.stderr
    assert float(again.stdout.split()[2]) < float(first.stdout.split()[2])   # the cache was used


def test_lessons_draw_their_figures_whatever_mplbackend_says(tmp_path, monkeypatch):
    # Many containers set MPLBACKEND=Agg, which hides every inline figure
    # unless the lesson selects the inline backend itself
    # (plotting.use_lesson_style does).
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path))
    nb = nbformat.read(ROOT / "notebooks" / "01_oxygen_in_blood.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    images = sum("image/png" in out.get("data", {})
                 for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs)
    committed = nbformat.read(ROOT / "notebooks" / "01_oxygen_in_blood.ipynb", as_version=4)
    expected = sum("image/png" in out.get("data", {})
                   for cell in committed.cells if cell.cell_type == "code" for out in cell.outputs)
    assert expected > 0 and images == expected
