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
(``_vv_compiled._ROW_PREDICTION``). Processor times are less disturbed by
other work on a shared machine than wall times; the wall time with two
threads is at best about half the compiled solver's one-thread time plus
the rest. Writes the same lines to ``benchmarks/va_grid.txt``.
Compare figures only with figures from the same machine and run.
"""

from __future__ import annotations

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


def main():
    lines = [f"# ecmolib VA grid, {time.strftime('%Y-%m-%d %H:%M')}, Python {platform.python_version()}, "
             f"numpy {np.__version__}, {platform.machine()}, {_vv_compiled._workers()} threads, "
             f"load average {' '.join(f'{x:.1f}' for x in _load())}"]
    for label, (qec, qn) in GRIDS.items():
        for on in (False, True):
            _vv_compiled._ROW_PREDICTION = on
            try:
                med, low = wall(qec, qn)
                total, solver, evals = one_thread(qec, qn)
            finally:
                _vv_compiled._ROW_PREDICTION = True
            n = qec.size * qn.size
            lines.append(
                f"{label}, rows {'on ' if on else 'off'}: wall median {med * 1e3:6.1f} ms  min {low * 1e3:6.1f} ms"
                f" | one thread: solver {solver * 1e3:6.1f} ms + rest {(total - solver) * 1e3:5.1f} ms,"
                f" {evals:.2f} evaluations/element, {solver / (evals * n) * 1e6:.2f} us/evaluation")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    (HERE / "va_grid.txt").write_text(text)


def _load():
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return [float("nan")] * 3


if __name__ == "__main__":
    main()
