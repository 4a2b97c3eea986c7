"""The project command: ``python3 dev.py lessons`` starts JupyterLab and stops it cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(os.name != "posix", reason="Ctrl-C is a POSIX signal here")
def test_ctrl_c_stops_the_lessons_cleanly(tmp_path):
    runtime = tmp_path / "runtime"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"), "IPYTHONDIR": str(tmp_path / "ipython")}
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "dev.py"), "lessons", "--no-browser", f"--port={port}",
                             "--ip=127.0.0.1", "--ServerApp.token=''"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not any(runtime.glob("jpserver-*.json")):
            assert proc.poll() is None and time.monotonic() < deadline, "JupyterLab did not start"
            time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGINT)          # Ctrl-C in the terminal reaches the whole group
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, out
    assert "Traceback" not in out
    assert "JupyterLab stopped" in out
    assert not any(runtime.glob("jpserver-*")), "stale runtime files left behind"


def test_every_task_is_in_the_usage_text(capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    assert dev.main([]) == 2
    usage = capsys.readouterr().out
    for task in dev.TASKS:
        assert f"python3 dev.py {task}" in usage
