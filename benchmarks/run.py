"""Speed of the models and of the lesson collection, measured, not asserted.

Run through the project runner (it sets up the environment first)::

    python3 dev.py bench            # everything: models, sliders, notebooks,
                                    # key-to-pixel in Chromium, fresh install
    python3 dev.py bench --quick    # models and sliders only

Prints one line per figure and writes the same lines to
``benchmarks/results.txt`` so the figures travel with the code that made
them. Timings are medians (and 95th percentiles) of repeated calls on this
machine; compare them only with figures from the same machine.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ecmolib import blood, circuit, hemodynamics, oxygenator, patients, va, vv

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def median_p95(times):
    """Median and 95th percentile of ``times``."""
    return float(np.median(times)), float(np.percentile(times, 95))


def timed(fn, *, repeat):
    """Median and 95th-percentile wall time of ``fn()`` [s]."""
    fn()  # warm caches (calibrations are computed once, lazily)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return median_p95(times)


def fmt_ms(label, med, p95, extra=""):
    return f"{label:<58s} median {med * 1e3:8.2f} ms   p95 {p95 * 1e3:8.2f} ms{extra}"


def model_figures():
    lines = []
    rng = np.random.default_rng(0)

    po2 = rng.uniform(1.0, 600.0, 1_000_000)
    med, p95 = timed(lambda: blood.saturation(po2), repeat=20)
    lines.append(fmt_ms("blood.saturation, 10^6 points", med, p95,
                        f"   ({1 / med:.0f} M points/s)"))

    so2 = rng.uniform(0.01, 0.99, 1_000_000)
    med, p95 = timed(lambda: blood.po2_from_saturation(so2), repeat=10)
    lines.append(fmt_ms("blood.po2_from_saturation, 10^6 points", med, p95))

    inlet = blood.BloodGas(po2_mmhg=40.0, pco2_mmhg=46.0, hb_g_dl=12.0)
    oxy = oxygenator.ADULT
    med, p95 = timed(lambda: oxygenator.exchange(oxy, inlet, 4.0, sweep_l_min=4.0, fdo2=1.0), repeat=50)
    lines.append(fmt_ms("oxygenator.exchange, scalar", med, p95))

    flows = np.linspace(0.5, 7.0, 100)
    sweeps = np.linspace(0.5, 10.0, 100)[:, None]
    med, p95 = timed(lambda: oxygenator.exchange(oxy, inlet, flows, sweep_l_min=sweeps, fdo2=1.0), repeat=10)
    lines.append(fmt_ms("oxygenator.exchange, 100x100 grid (flow x sweep)", med, p95))

    c = circuit.ADULT_VA
    med, p95 = timed(lambda: circuit.operating_point(c, 3500.0, venous_pressure_mmhg=8.0,
                                                     arterial_pressure_mmhg=70.0), repeat=50)
    lines.append(fmt_ms("circuit.operating_point, scalar", med, p95))

    rpms = np.linspace(1000.0, 4500.0, 200)
    pas = np.linspace(40.0, 100.0, 200)[:, None]
    med, p95 = timed(lambda: circuit.operating_point(c, rpms, venous_pressure_mmhg=8.0,
                                                     arterial_pressure_mmhg=pas), repeat=10)
    lines.append(fmt_ms("circuit.operating_point, 200x200 grid (rpm x pressure)", med, p95))
    return lines


def steady_state_figures():
    from ecmolib import _vv_compiled

    adult = patients.ADULT
    lines = []
    med, p95 = timed(lambda: vv.steady_state(adult, 3.5, shunt_fraction=1.0), repeat=20)
    lines.append(fmt_ms("vv.steady_state, one state (dead lungs, 3.5 L/min)", med, p95))
    med, p95 = timed(lambda: va.steady_state(adult, 4.0, native_output_l_min=1.0, shunt_fraction=0.8,
                                             fio2=0.5), repeat=10)
    lines.append(fmt_ms("va.steady_state, one state (femoral, 4 L/min)", med, p95))
    qec = np.linspace(2.0, 7.0, 200)
    co = np.linspace(3.0, 9.0, 200)[:, None]
    threads = _vv_compiled._workers()
    evals = []
    real = _vv_compiled.solve

    def counting(*args):
        out = real(*args)
        evals.append(float(np.mean(out["evaluations"])))
        return out

    _vv_compiled.solve = counting
    try:
        med, p95 = timed(lambda: vv.steady_state(adult, qec, cardiac_output_l_min=co, shunt_fraction=1.0),
                         repeat=7)
    finally:
        _vv_compiled.solve = real
    lines.append(fmt_ms("vv.steady_state, 200x200 grid (ECMO flow x cardiac output)", med, p95,
                        f"   (dead lungs, {threads} threads, {evals[-1]:.2f} evaluations per element)"))
    med, p95 = timed(lambda: vv.steady_state(adult, qec, cardiac_output_l_min=co, shunt_fraction=0.5,
                                             fio2=0.6), repeat=7)
    lines.append(fmt_ms("vv.steady_state, 200x200 grid, shunt 0.5, FiO2 0.6", med, p95,
                        f"   ({threads} threads)"))
    for label, module, name, value, repeat in (
            ("vv.steady_state, 200x200 grid, dead lungs, one thread", _vv_compiled, "_MAX_WORKERS", 1, 5),
            ("vv.steady_state, 200x200 grid, numpy reference solver", vv, "_USE_COMPILED", False, 3)):
        saved = getattr(module, name)
        setattr(module, name, value)
        try:
            med, p95 = timed(lambda: vv.steady_state(adult, qec, cardiac_output_l_min=co, shunt_fraction=1.0),
                             repeat=repeat)
        finally:
            setattr(module, name, saved)
        lines.append(fmt_ms(label, med, p95))
    # VA: ECMO flow x native output, failing lungs (the differential-hypoxia
    # picture); the same compiled solver in VA mode, then one thread and the
    # numpy reference for comparison.
    qec_va = np.linspace(0.5, 6.0, 200)
    qn = np.linspace(0.0, 5.0, 200)[:, None]

    def va_grid():
        return va.steady_state(adult, qec_va, native_output_l_min=qn, shunt_fraction=0.8, fio2=0.5)

    evals.clear()
    _vv_compiled.solve = counting
    try:
        va_grid()
    finally:
        _vv_compiled.solve = real
    va_evals = evals[-1]

    for label, module, name, value, repeat in (
            ("va.steady_state, 200x200 grid (ECMO flow x native output)", _vv_compiled, "_MAX_WORKERS",
             _vv_compiled._MAX_WORKERS, 7),
            ("va.steady_state, 200x200 grid, one thread", _vv_compiled, "_MAX_WORKERS", 1, 5),
            ("va.steady_state, 200x200 grid, numpy reference solver", vv, "_USE_COMPILED", False, 3)):
        saved = getattr(module, name)
        setattr(module, name, value)
        try:
            med, p95 = timed(va_grid, repeat=repeat)
        finally:
            setattr(module, name, saved)
        lines.append(fmt_ms(label, med, p95, f"   (shunt 0.8, FiO2 0.5, {threads} threads, "
                            f"{va_evals:.2f} evaluations per element)" if value == _vv_compiled._MAX_WORKERS else ""))
    # The same without the supply-limited corner (ECMO 2-6 L/min, native
    # output 0.5-5 L/min), next to the VV grid it compares with.
    qec_mid, qn_mid = np.linspace(2.0, 6.0, 200), np.linspace(0.5, 5.0, 200)[:, None]
    med, p95 = timed(lambda: va.steady_state(adult, qec_mid, native_output_l_min=qn_mid, shunt_fraction=0.8,
                                             fio2=0.5), repeat=7)
    lines.append(fmt_ms("va.steady_state, 200x200 grid, ECMO 2-6 x native 0.5-5 L/min", med, p95,
                        f"   (shunt 0.8, FiO2 0.5, {threads} threads)"))
    return lines


def compile_figures():
    """First call of the compiled VV solver with an empty numba cache (a copy of ecmolib)."""
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "ecmolib", Path(tmp) / "ecmolib", ignore=shutil.ignore_patterns("__pycache__"))
        code = ("import time; t0 = time.perf_counter(); from ecmolib import patients, vv; "
                "vv.steady_state(patients.ADULT, 3.0); print(time.perf_counter() - t0)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp, check=True)
    first = float(out.stdout.split()[-1])
    return [f"{'vv.steady_state, first call with an empty numba cache':<58s} {first:8.1f} s   (compiles once)"]


def hemodynamics_figures():
    """Beat-by-beat speed: 200 s recorded after the warm-up to steady state.

    Three figures per case: recorded seconds per wall second (the warm-up's
    cost included, as a lesson sees it), all simulated seconds (warm-up
    plus recording) per wall second, and 200 s continued from the final
    state with no warm-up (the integrator alone, as an explorer that steps
    a running simulation sees it).
    """
    adult = patients.ADULT
    shock = dict(hemodynamics.CONDITIONS["cardiogenic_shock"])
    hemodynamics.simulate(adult, 5.0)  # compile (numba caches to disk) and warm up
    hemodynamics.simulate(adult, 5.0, rpm=3500.0, circuit=circuit.ADULT_VA)
    lines = []
    duration = 200.0
    for label, patient, kw in [
            ("healthy adult", adult, {}),
            ("cardiogenic shock + VA 4 L/min", adult, {**shock, "va_flow_l_min": 4.0}),
            ("cardiogenic shock + VA at 3500 rpm", adult, {**shock, "rpm": 3500.0, "circuit": circuit.ADULT_VA}),
            ("CPR (arrest, compressions)", adult, {"arrest": True, "compressions": True}),
            ("CPR + VA 4 L/min", adult, {"arrest": True, "compressions": True, "va_flow_l_min": 4.0}),
            ("healthy neonate", patients.NEONATE, {})]:
        wall = []
        for _ in range(3):
            t0 = time.perf_counter()
            tr = hemodynamics.simulate(patient, duration, **kw)
            wall.append(time.perf_counter() - t0)
        best = min(wall)
        go_on = []
        for _ in range(3):
            t0 = time.perf_counter()
            hemodynamics.simulate(patient, duration, **kw, initial_state=tr.final_state)
            go_on.append(time.perf_counter() - t0)
        lines.append(f"{f'hemodynamics.simulate, {label}, {duration:.0f} s':<66s} {best * 1e3:8.1f} ms"
                     f"   ({duration / best:.0f} recorded s per wall s; "
                     f"{(duration + tr.warmup_s) / best:.0f} with the {tr.warmup_s:.0f} s warm-up; "
                     f"continued without warm-up: {duration / min(go_on):.0f})")
    return lines


def _slider_times(explorer, key, spec):
    """Wall times [s] of moving slider ``key`` across 21 positions it can take, end to end."""
    grid = spec.grid()
    positions = grid[np.linspace(0, grid.size - 1, 21).round().astype(int)]
    times = []
    for value in positions:
        t0 = time.perf_counter()
        explorer.refresh(**{key: float(value)})
        times.append(time.perf_counter() - t0)
    return times


def widget_figures():
    """Every lesson widget: time of one slider move (model + redraw + PNG), as the widget runs it.

    The live figure has two device pixels per CSS pixel (sharp on HiDPI
    screens); for each explorer's first slider the same move is also timed
    at one, which is what the sharper picture costs.
    """
    import matplotlib

    matplotlib.use("Agg")
    from ecmolib import plotting, views

    plotting.use_lesson_style()
    lines = []
    for name, factory in views.EXPLORERS.items():
        explorer = factory()
        explorer.refresh()  # first draw of the live figure
        for key, spec in explorer.specs.items():
            lines.append(fmt_ms(f"slider update, {name}: {key}", *median_p95(_slider_times(explorer, key, spec))))
        at_1x = factory()
        at_1x.pixel_ratio = 1.0
        at_1x.refresh()
        key, spec = next(iter(at_1x.specs.items()))
        lines.append(fmt_ms(f"  same at 1x pixels, {name}: {key}", *median_p95(_slider_times(at_1x, key, spec))))
    return lines


def notebook_figures():
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "execute_notebooks.py"), "--dry-run"],
                         capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if out.returncode:
        raise SystemExit(out.stdout + out.stderr)
    lines = [f"notebook {line}" for line in out.stdout.splitlines() if line.strip()]
    lines.append(f"{'notebook collection, headless, clean kernels (wall)':<58s} {wall:8.1f} s")
    return lines


def install_figures():
    """Wall time of a fresh virtual environment with the pinned requirements and ecmolib.

    pip's cache is bypassed (``--no-cache-dir``) so every wheel is fetched
    and unpacked again, as on a new machine; what the network costs depends
    on where the package index is.
    """
    with tempfile.TemporaryDirectory() as tmp:
        env = Path(tmp) / "venv"
        py = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-cache-dir", "--disable-pip-version-check",
                        "-r", str(ROOT / "binder" / "requirements.txt")], check=True, capture_output=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
                        str(ROOT)], check=True, capture_output=True)
        wall = time.perf_counter() - t0
    return [f"{'fresh environment: venv + pinned requirements + ecmolib (no pip cache)':<58s} {wall:8.1f} s"]


def key_to_pixel_figures():
    """Run benchmarks/key_to_pixel.py (headless Chromium) and return its lines."""
    out = subprocess.run([sys.executable, str(HERE / "key_to_pixel.py")], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        return [f"key-to-pixel: not measured ({(out.stdout + out.stderr).strip().splitlines()[-1:]})"]
    return [line for line in (HERE / "key_to_pixel.txt").read_text().splitlines() if not line.startswith("# ecmolib")]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="models and sliders only: skip the notebooks, the browser and the fresh install")
    args = ap.parse_args(argv)
    header = (f"# ecmolib benchmarks, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
              f"numpy {np.__version__}, {platform.machine()}, {platform.system()}")
    lines = [header, *model_figures(), *steady_state_figures(), *hemodynamics_figures(), *widget_figures()]
    if not args.quick:
        lines += compile_figures()
        lines += notebook_figures()
        lines += key_to_pixel_figures()
        lines += install_figures()
    text = "\n".join(lines) + "\n"
    print(text, end="")
    (HERE / "results.txt").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
