"""The VA steady state on a 200 x 200 grid: where the time goes, measured, not asserted.

Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/va_grid.py

The lesson target is a 200 x 200 grid (ECMO flow x native output) in at
most 100 ms. The grid is :func:`ecmolib.va.steady_state` over ECMO flow
0.5-6 L/min x native output 0-5 L/min (adult, lung shunt 0.8, FiO2 0.5,
femoral return), as in ``benchmarks/run.py``, and the same over 2-6 x
0.5-5 L/min. For each it prints

* the wall time with the usual threads (median and minimum of repeated
  calls);
* the processor time of one thread, split into the compiled per-element
  solver (:mod:`ecmolib._vv_compiled`) and everything else (input checks,
  aorta, result objects: Python and numpy);
* the balance evaluations per element and the processor time per
  evaluation;

with the compiled solver's cross-row starting points on and off
(``_vv_compiled._ROW_PREDICTION``; a version of ecmolib without that
switch is measured once), and the wall time of smaller square grids.
Processor times are less disturbed by other work on a shared machine than
wall times; the wall time with two threads is at best about half the
compiled solver's one-thread time plus the rest. Writes the same lines to
``benchmarks/va_grid.txt`` (``--append``: adds them, under ``--label``, to
compare two versions of ecmolib measured one after the other).
Compare figures only with figures from the same machine and run.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np

from ecmolib import _vv_compiled, patients, va

HERE = Path(__file__).resolve().parent
GRIDS = {
    "ECMO 0.5-6 x native 0-5 L/min": (np.linspace(0.5, 6.0, 200), np.linspace(0.0, 5.0, 200)[:, None]),
    "ECMO 2-6 x native 0.5-5 L/min": (np.linspace(2.0, 6.0, 200), np.linspace(0.5, 5.0, 200)[:, None]),
}


def grid(qec, qn):
    return va.steady_state(patients.ADULT, qec, native_output_l_min=qn, shunt_fraction=0.8, fio2=0.5)


def wall(qec, qn, repeat=15):
    grid(qec, qn)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        grid(qec, qn)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), float(np.min(times))


def one_thread(qec, qn, repeat=5):
    """Processor time [s] of one thread: total and compiled solver (minimum of ``repeat``), evaluations."""
    real = _vv_compiled.solve
    solver, evals = [], []

    def timed(*args):
        t0 = time.process_time()
        out = real(*args)
        solver.append(time.process_time() - t0)
        evals.append(float(np.mean(out["evaluations"])))
        return out

    saved = _vv_compiled._MAX_WORKERS
    _vv_compiled._MAX_WORKERS, _vv_compiled.solve = 1, timed
    try:
        grid(qec, qn)
        total = []
        for _ in range(repeat):
            t0 = time.process_time()
            grid(qec, qn)
            total.append(time.process_time() - t0)
    finally:
        _vv_compiled._MAX_WORKERS, _vv_compiled.solve = saved, real
    return min(total), min(solver), evals[-1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--label", default="", help="a name for the version of ecmolib measured")
    ap.add_argument("--append", action="store_true", help="add to benchmarks/va_grid.txt instead of replacing it")
    args = ap.parse_args(argv)
    switch = hasattr(_vv_compiled, "_ROW_PREDICTION")
    lines = [f"# ecmolib VA grid{' (' + args.label + ')' if args.label else ''}, {time.strftime('%Y-%m-%d %H:%M')}, "
             f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
             f"{_vv_compiled._workers()} threads, load average {' '.join(f'{x:.1f}' for x in _load())}"]
    for label, (qec, qn) in GRIDS.items():
        for on in ((False, True) if switch else (None,)):
            if switch:
                _vv_compiled._ROW_PREDICTION = on
            try:
                med, low = wall(qec, qn)
                total, solver, evals = one_thread(qec, qn)
            finally:
                if switch:
                    _vv_compiled._ROW_PREDICTION = True
            n = qec.size * qn.size
            rows = "" if on is None else f", rows {'on ' if on else 'off'}"
            lines.append(
                f"{label}{rows}: wall median {med * 1e3:6.1f} ms  min {low * 1e3:6.1f} ms"
                f" | one thread: solver {solver * 1e3:6.1f} ms + rest {(total - solver) * 1e3:5.1f} ms,"
                f" {evals:.2f} evaluations/element, {solver / (evals * n) * 1e6:.2f} us/evaluation")
    qec_all, qn_all = GRIDS["ECMO 0.5-6 x native 0-5 L/min"]
    for size in (100, 150):
        qec, qn = np.linspace(qec_all[0], qec_all[-1], size), np.linspace(qn_all[0, 0], qn_all[-1, 0], size)[:, None]
        med, low = wall(qec, qn)
        lines.append(f"ECMO 0.5-6 x native 0-5 L/min, {size}x{size}: wall median {med * 1e3:6.1f} ms  "
                     f"min {low * 1e3:6.1f} ms")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    out = HERE / "va_grid.txt"
    if args.append and out.exists():
        text = out.read_text() + text
    out.write_text(text)


def _load():
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return [float("nan")] * 3


if __name__ == "__main__":
    main()
