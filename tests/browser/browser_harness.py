"""Start JupyterLab or Voila on 127.0.0.1, drive them with a real Chromium.

Shared by the browser tests (``conftest.py`` wraps these in fixtures) and by
``benchmarks/key_to_pixel.py``. Playwright is imported only inside the
functions that need it, so importing this module needs nothing beyond the
standard library and psutil.

Everything a server writes goes into a temporary folder: Jupyter's config,
data and runtime folders, IPython's and matplotlib's, the lesson copy (so the
repository's notebook is never saved over) and the server log. Servers run in
their own process group and :meth:`Server.stop` ends the group and every
process it started (kernels run in sessions of their own), with bounded
waits.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

#: Where Chromium is looked for, in order, after ``$ECMOLIB_CHROMIUM``. The
#: Debian package's real executable comes first: it starts faster than the
#: ``/usr/bin/chromium`` wrapper script.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome")

CHROMIUM_ARGS = (
    "--no-sandbox",  # CI machines run as root, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Only the local server resolves: the tests never depend on the network
    # (Voila links icon fonts from a CDN; they fail at once instead of timing out).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--no-proxy-server",  # straight to 127.0.0.1, whatever proxy the environment names
)

# HTTP straight to 127.0.0.1, whatever proxy the environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))

SERVER_START_TIMEOUT_S = 60.0
SERVER_STOP_TIMEOUT_S = 10.0

# The first Explorer on the page: a box holding sliders and the live figure.
EXPLORER = ".widget-vbox:has(> .widget-slider):has(> img.widget-image)"

# Reads an Explorer's state in the page: every slider's printed readout, its
# value, range and step from the noUiSlider behind it (the handle's
# aria-valuenow is rounded to one decimal), any text widgets in the box (an
# Explorer may print key numbers there), and the PNG on show, fetched from its
# blob URL and hashed. The fetch starts in the same task that reads ``src``,
# so the image cannot be swapped (and its URL revoked) in between.
_READ_EXPLORER_JS = """async (box) => {
    const img = box.querySelector(':scope > img.widget-image');
    const src = img.getAttribute('src') || '';
    let bytes = new Uint8Array(0);
    let error = null;
    try {
        if (src) bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
    } catch (e) {
        error = `cannot read the image at ${src}: ${e}`;
    }
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const sliders = Array.from(box.querySelectorAll(':scope > .widget-slider')).map((s) => {
        const ui = s.querySelector('.noUi-target').noUiSlider;
        return {
            label: s.querySelector('.widget-label').textContent,
            readout: s.querySelector('.widget-readout').textContent,
            value: Number(ui.get(true)),
            min: ui.options.range.min,
            max: ui.options.range.max,
            step: ui.options.step,
        };
    });
    return {
        src: src,
        error: error,
        sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
        size: bytes.length,
        is_png: bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47,
        sliders: sliders,
        texts: Array.from(box.querySelectorAll('.widget-html-content, .widget-label-basic'), (e) => e.textContent),
    };
}"""


# What every Explorer on the page offers a screen reader, and what the page
# shows as plain text: each slider's label (its full text and whether it is
# cut short), its handle's role, accessible name and announced value, the
# printed readout, the figure's text alternative, and the outputs that show
# a widget's Python repr ("VBox(children=(FloatSlider(...") or the static
# stand-in text instead of a live widget.
_ACCESSIBILITY_JS = """() => {
    const explorers = Array.from(document.querySelectorAll('.ecmolib-explorer')).map((box) => ({
        sliders: Array.from(box.querySelectorAll(':scope > .widget-slider')).map((s) => {
            const label = s.querySelector('.widget-label'), handle = s.querySelector('.noUi-handle');
            return {
                label: label.textContent,
                truncated: label.scrollWidth > label.clientWidth + 1,
                title: label.title,
                role: handle.getAttribute('role'),
                name: handle.getAttribute('aria-label'),
                valuetext: handle.getAttribute('aria-valuetext'),
                readout: s.querySelector('.widget-readout').textContent.trim(),
            };
        }),
        alt: (box.querySelector(':scope > img.widget-image') || {}).alt || '',
        // visible images in the explorer's output (the live figure only; no static copy beside it)
        images_in_output: Array.from((box.closest('.jp-OutputArea-output') || box).querySelectorAll('img'))
            .filter((i) => i.offsetParent !== null).length,
    }));
    const outputs = Array.from(document.querySelectorAll('.jp-OutputArea-output'));
    return {
        explorers: explorers,
        raw_reprs: outputs.map((o) => o.innerText || '').filter((t) => /\\b[HV]Box\\(children=|FloatSlider\\(/.test(t)),
        stand_ins: outputs.map((o) => o.innerText || '').filter((t) => t.startsWith('Interactive figure')),
    };
}"""


def accessibility(page) -> dict:
    """Every Explorer's sliders as a screen reader meets them, and any widget repr shown as text."""
    return page.evaluate(_ACCESSIBILITY_JS)


def saved_outputs(page) -> list[dict]:
    """The outputs of the open notebook as JupyterLab shows them: mime type and the first 200 characters."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.jp-OutputArea-output')).map((o) => ({
        mime: o.dataset.mimeType || '', text: (o.innerText || '').slice(0, 200)}))""")


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None."""
    override = os.environ.get("ECMOLIB_CHROMIUM")
    candidates = (override,) if override else CHROMIUM_CANDIDATES
    for name in candidates:
        path = shutil.which(name)
        if path:
            return path
    return None


def playwright_missing() -> str | None:
    """Why Playwright cannot be used, or None if it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"the playwright package is not installed ({exc})"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(folder: Path) -> dict[str, str]:
    """This process's environment with every Jupyter/IPython/matplotlib folder inside ``folder``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        d = folder / var.lower()
        d.mkdir(parents=True, exist_ok=True)
        env[var] = str(d)
    config = Path(env["JUPYTER_CONFIG_DIR"])
    env["JUPYTERLAB_SETTINGS_DIR"] = str(config / "lab" / "user-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(config / "lab" / "workspaces")
    # No "get Jupyter news?" toast over the page, and no request to the internet.
    notification = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # Build matplotlib's font cache in the fresh MPLCONFIGDIR now: a kernel
    # that built it would print "Matplotlib is building the font cache" to
    # stderr in the lesson when that takes over 5 s.
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True,
                   timeout=SERVER_START_TIMEOUT_S, stdin=subprocess.DEVNULL)
    return env


def copy_lesson(name: str, folder: Path) -> Path:
    """Copy ``notebooks/<name>`` into ``folder`` (created) and return the copy's path."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(NOTEBOOKS / name, folder / name))


class Server:
    """A Jupyter server subprocess (JupyterLab or Voila) on 127.0.0.1.

    Use as a context manager, or call :meth:`stop` in a ``finally``.
    """

    def __init__(self, argv: list[str], *, port: int, probe: str, workdir: Path, env: dict[str, str], log: Path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self._probe = probe
        self._log_file = open(log, "wb")
        try:
            self.proc = subprocess.Popen(
                argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True,
            )
        except BaseException:
            self._log_file.close()
            raise
        self._children: dict[int, psutil.Process] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def log_tail(self, chars: int = 4000) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log.read_text(errors="replace")[-chars:]

    def _remember_children(self):
        try:
            for p in psutil.Process(self.proc.pid).children(recursive=True):
                self._children[p.pid] = p
        except psutil.Error:
            pass

    def wait_ready(self, timeout_s: float = SERVER_START_TIMEOUT_S) -> None:
        """Wait until the server answers HTTP on its port (any status counts)."""
        deadline = time.monotonic() + timeout_s
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                _DIRECT.open(self.url + self._probe, timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"server not answering on {self.url} after {timeout_s:.0f} s:\n{self.log_tail()}")
            time.sleep(0.1)

    def stop(self) -> None:
        """End the server, its kernels and anything else it started; bounded waits."""
        if self._log_file.closed:
            return
        self._remember_children()
        try:
            if self.proc.poll() is None:
                # SIGTERM first: the server then shuts its kernels down cleanly.
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(SERVER_STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(SERVER_STOP_TIMEOUT_S)
            try:  # anything left in the server's process group
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            # Kernels run in process groups of their own.
            left = [p for p in self._children.values() if p.is_running()]
            for p in left:
                try:
                    p.terminate()
                except psutil.NoSuchProcess:
                    pass
            _, alive = psutil.wait_procs(left, timeout=5)
            for p in alive:
                try:
                    p.kill()
                except psutil.NoSuchProcess:
                    pass
            psutil.wait_procs(alive, timeout=5)
        finally:
            self._log_file.close()


def _ready(server: Server) -> Server:
    """``server`` once it answers; stopped, and the error raised, if it never does."""
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


def start_lab(notebook_folder: Path, tmp: Path) -> Server:
    """JupyterLab serving ``notebook_folder``, token disabled, app exposed as ``window.jupyterapp``."""
    port = free_port()
    argv = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
        "--ServerApp.token=", "--ServerApp.password=",
        f"--ServerApp.root_dir={notebook_folder}", "--LabApp.expose_app_in_browser=True",
    ]
    return _ready(Server(argv, port=port, probe="/api/status", workdir=notebook_folder,
                         env=isolated_env(tmp / "lab-home"), log=tmp / "jupyterlab.log"))


def start_voila(notebook: Path, tmp: Path) -> Server:
    """Voila rendering one notebook at ``/``, token disabled."""
    port = free_port()
    argv = [
        sys.executable, "-m", "voila", str(notebook), "--no-browser",
        "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0", "--token=",
        "--show_tracebacks=True",  # a failing cell shows its traceback on the page
    ]
    # The probe asks for a file Voila does not have: a 404 proves it answers
    # without starting a kernel, which a request for "/" would.
    return _ready(Server(argv, port=port, probe="/voila/static/not-a-file", workdir=notebook.parent,
                         env=isolated_env(tmp / "voila-home"), log=tmp / "voila.log"))


def launch_chromium(playwright, executable: str, profile: Path):
    """A headless Chromium context with a fresh profile in ``profile``."""
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=executable, headless=True, args=list(CHROMIUM_ARGS),
        viewport={"width": 1280, "height": 900},
    )


def open_lab_notebook(page, server: Server, name: str, *, timeout_ms: float = 60_000) -> None:
    """Open notebook ``name`` in JupyterLab and wait until its kernel is idle."""
    page.goto(f"{server.url}/lab/tree/{name}?reset", wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_function(
        """(name) => {
            const app = window.jupyterapp;
            const w = app && app.shell && app.shell.currentWidget;
            const k = w && w.context && w.context.path === name && w.sessionContext
                && w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.connectionStatus === 'connected' && k.status === 'idle'
                && w.content.widgets.length > 0;
        }""",
        arg=name, timeout=timeout_ms, polling=100,
    )


def run_all_cells(page, *, timeout_ms: float = 90_000) -> object:
    """Run every cell of the current notebook; return what the command resolved to."""
    page.evaluate(
        """() => {
            window.__ecmolibRunAll = undefined;
            window.jupyterapp.commands.execute('notebook:run-all-cells').then(
                (r) => { window.__ecmolibRunAll = {ok: r}; },
                (e) => { window.__ecmolibRunAll = {error: String(e)}; });
        }"""
    )
    page.wait_for_function("window.__ecmolibRunAll !== undefined", timeout=timeout_ms, polling=100)
    return page.evaluate("window.__ecmolibRunAll")


def open_voila(page, server: Server, *, timeout_ms: float = 90_000) -> None:
    """Load Voila's page and wait until every cell has run and the outputs are shown.

    Voila streams the page while it runs the cells and calls
    ``voila_finish()`` after the last one, which removes the spinner
    (``#loading``) and shows ``#rendered_cells``.
    """
    page.goto(server.url + "/", wait_until="commit", timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const cells = document.getElementById('rendered_cells');
            return !!cells && cells.style.display !== 'none' && !document.getElementById('loading');
        }""",
        timeout=timeout_ms, polling=100,
    )


def explorer(page, *, timeout_ms: float = 60_000):
    """The first Explorer on the page (a Playwright locator), once its image has arrived."""
    box = page.locator(EXPLORER).first
    box.locator(":scope > img.widget-image[src]").wait_for(state="attached", timeout=timeout_ms)
    box.locator(":scope > .widget-slider .noUi-handle").first.wait_for(state="attached", timeout=timeout_ms)
    return box


def read_explorer(box) -> dict:
    """Sliders (readout, value, range) and the shown PNG's SHA-256 of an Explorer."""
    return box.evaluate(_READ_EXPLORER_JS)


def wait_for_new_image(box, old_src: str, *, timeout_ms: float = 20_000) -> None:
    """Wait until the Explorer shows an image other than the one at ``old_src``."""
    box.page.wait_for_function(
        """([box, old]) => {
            const img = box.querySelector(':scope > img.widget-image');
            return !!img.getAttribute('src') && img.getAttribute('src') !== old;
        }""",
        arg=[box.element_handle(), old_src], timeout=timeout_ms, polling="raf",
    )


def wait_for_readout(box, index: int, predicate_js: str, *, timeout_ms: float = 20_000) -> None:
    """Wait until slider ``index``'s value satisfies ``predicate_js`` (a JS expression in ``v``)."""
    box.page.wait_for_function(
        f"""([box, i]) => {{
            const s = box.querySelectorAll(':scope > .widget-slider')[i];
            const v = Number(s.querySelector('.noUi-target').noUiSlider.get(true));
            return {predicate_js};
        }}""",
        arg=[box.element_handle(), index], timeout=timeout_ms, polling="raf",
    )


def wait_until_still(handle, *, timeout_ms: float = 10_000) -> None:
    """Wait until a slider handle has stopped moving (page scroll, tap animation) before aiming the mouse at it."""
    handle.page.wait_for_function(
        """(h) => {
            const r = h.getBoundingClientRect();
            const key = `${r.x},${r.y},${r.width},${r.height}`;
            const still = h.__ecmolibRect === key;
            h.__ecmolibRect = key;
            return still && !h.closest('.noUi-target').classList.contains('noUi-state-tap');
        }""",
        arg=handle.element_handle(), timeout=timeout_ms, polling="raf",
    )
