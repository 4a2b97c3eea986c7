#!/usr/bin/env python3
"""Project tasks: one file, standard library only, any OS with Python 3.11+.

    python3 dev.py lessons    set up .venv and open the lessons in JupyterLab
    python3 dev.py test       set up .venv and run every test (pytest + nbval)
    python3 dev.py execute    re-run every notebook headless, in order, from a
                              clean kernel, and save it with its outputs
    python3 dev.py bench      run the benchmarks and print their figures
    python3 dev.py editions OUTDIR
                              write the student, instructor and site editions
                              of the lessons into OUTDIR
    python3 dev.py scenario NOTEBOOK [--patient NEONATE|INFANT|CHILD|ADULT]
                            [--variation LABEL] --out DIR
                              write (and run) a lesson with another patient or
                              one of its clinical variations into DIR, and
                              report errors, stderr, nan or inf in its outputs
                              (--list shows the lesson's variations)

"Set up" creates ``.venv`` beside this file, installs the pinned environment
from ``binder/requirements.txt`` (the same pins Binder uses) and ecmolib in
editable mode. It is skipped when nothing it depends on has changed, so the
second run starts at once.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PINS = ROOT / "binder" / "requirements.txt"
STAMP = VENV / ".ecmolib-setup"
FIRST_LESSON = "notebooks/00_start_here.ipynb"


def venv_python() -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return VENV / sub


def say(msg: str) -> None:
    print(f"[dev.py] {msg}", flush=True)


def run(*cmd, **kw) -> None:
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def setup() -> Path:
    """Create or refresh .venv from the pinned requirements; return its python."""
    if sys.version_info < (3, 11):
        sys.exit(f"ecmolib needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    digest = hashlib.sha256(PINS.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    py = venv_python()
    if py.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return py
    t0 = time.perf_counter()
    if not py.exists():
        say(f"creating {VENV.name} with Python {sys.version.split()[0]}")
        run(sys.executable, "-m", "venv", VENV)
    say("installing the pinned environment (binder/requirements.txt); about a minute on a fresh machine")
    run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", PINS)
    run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "-e", ROOT)
    # Build matplotlib's font cache now, so that no notebook's first plot
    # prints "Matplotlib is building the font cache" to stderr.
    run(py, "-c", "import matplotlib.pyplot")
    compile_kernels(py)
    STAMP.write_text(digest)
    say(f"environment ready in {time.perf_counter() - t0:.0f} s")
    return py


def compile_kernels(py: Path) -> None:
    """Compile ecmolib's numba kernels now rather than in a lesson's first cell (cached on disk)."""
    t0 = time.perf_counter()
    run(py, "-m", "ecmolib._warm_up")
    if time.perf_counter() - t0 > 2.0:
        say(f"compiled ecmolib's numba kernels in {time.perf_counter() - t0:.0f} s (cached from now on)")


def lessons(args: list[str]) -> int:
    py = setup()
    compile_kernels(py)  # again after a change to ecmolib (well under a second otherwise)
    say(f"opening JupyterLab at {FIRST_LESSON} (stop it with Ctrl-C)")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        args = ["--allow-root", *args]  # containers often run as root; JupyterLab refuses that by default
    # JupyterLab runs in a session of its own, so Ctrl-C in the terminal
    # reaches only this script, which then asks the server to shut down
    # (SIGTERM: kernels stopped, runtime files removed) and waits for it.
    server = subprocess.Popen([str(py), "-m", "jupyter", "lab", FIRST_LESSON, *args], cwd=ROOT,
                              start_new_session=os.name == "posix")
    try:
        return server.wait()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        say("stopping JupyterLab")
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        say("JupyterLab stopped")
        return 0


def test(args: list[str]) -> int:
    py = setup()
    t0 = time.perf_counter()
    code = subprocess.call([str(py), "-m", "pytest", *args], cwd=ROOT)
    say(f"pytest finished in {time.perf_counter() - t0:.0f} s with exit code {code}")
    if code == 5:
        say("pytest collected no tests: that is a failure here")
    return code


def execute(args: list[str]) -> int:
    py = setup()
    return subprocess.call([str(py), str(ROOT / "tools" / "execute_notebooks.py"), *args], cwd=ROOT)


def bench(args: list[str]) -> int:
    py = setup()
    return subprocess.call([str(py), str(ROOT / "benchmarks" / "run.py"), *args], cwd=ROOT)


def editions(args: list[str]) -> int:
    py = setup()
    return subprocess.call([str(py), str(ROOT / "tools" / "editions.py"), *args], cwd=ROOT)


def scenario(args: list[str]) -> int:
    py = setup()
    return subprocess.call([str(py), str(ROOT / "tools" / "scenario.py"), *args], cwd=ROOT)


TASKS = {"lessons": lessons, "test": test, "execute": execute, "bench": bench, "editions": editions,
         "scenario": scenario}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in TASKS:
        print(__doc__)
        return 2
    return TASKS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
