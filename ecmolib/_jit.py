"""Numba where it can run, plain Python where it cannot, and a cache that always works.

ecmolib's two compiled models (the beat-by-beat circulation and the compiled
VV/VA steady-state solver) are written so that the same functions run as
plain Python when numba is missing (a platform without numba wheels, an
in-browser Python): slower, never wrong. :func:`njit` is numba's ``njit``
with ``cache=True`` when numba imports, and the identity otherwise. Numba
itself (about 100 MB in memory) is imported only when something is
compiled or :data:`AVAILABLE` is asked for; :func:`loaded` tells whether it
is in memory already, so that a caller can skip it for small problems.

Where numba caches its machine code. Numba writes next to the source when
that folder is writable, else in the user's cache directory, and raises
"no locator available" when neither is (a read-only install with no
writable HOME, common on hubs and in containers). On import this module
makes sure a writable place exists before any function is compiled: an
``NUMBA_CACHE_DIR`` set by the administrator is kept; otherwise, if the
package folder is not writable, the user's cache folder
(``$XDG_CACHE_HOME/ecmolib/numba`` or ``~/.cache/ecmolib/numba``), else a
folder in the system's temporary directory. Machine code compiled into the
package folder beforehand (an image built with ``python -m
ecmolib._warm_up``) is copied there, so that numba uses it instead of
compiling again. If no folder can be written at all, functions compile
without a cache.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["AVAILABLE", "CACHE_DIR", "loaded", "njit"]

_PACKAGE = Path(__file__).resolve().parent


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".ecmolib-probe-"):
            pass
        return True
    except OSError:
        return False


def _user_cache_dir() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or (os.path.join(os.path.expanduser("~"), ".cache")
                                                if os.path.expanduser("~") != "~" else None)
    return Path(base) / "ecmolib" / "numba" if base else None


def _choose_cache_dir() -> Path | None:
    """A folder numba can write to, or None when the package folder itself is writable."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    if _writable(_PACKAGE / "__pycache__"):
        return None
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    for folder in (_user_cache_dir(), Path(tempfile.gettempdir()) / f"ecmolib-numba-{uid}"):
        if folder is not None and _writable(folder):
            return folder
    return Path()  # nowhere: compile without a cache


def _seed(cache_dir: Path) -> None:
    """Copy machine code compiled into the package folder to numba's user-provided cache layout."""
    import hashlib

    for pycache in (_PACKAGE / "__pycache__", *(_PACKAGE.glob("*/__pycache__"))):
        source_dir = str(pycache.parent)
        # numba's _UserProvidedCacheLocator: <CACHE_DIR>/<folder>_<sha1 of its absolute path>
        target = cache_dir / f"{pycache.parent.name}_{hashlib.sha1(source_dir.encode()).hexdigest()}"
        for f in (*pycache.glob("*.nbi"), *pycache.glob("*.nbc")):
            if not (target / f.name).exists():
                try:
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(f, target / f.name)
                except OSError:
                    return


CACHE_DIR = _choose_cache_dir()
_CACHE = CACHE_DIR != Path()
if CACHE_DIR is not None and _CACHE:
    os.environ.setdefault("NUMBA_CACHE_DIR", str(CACHE_DIR))

_numba = None        # the numba module once imported, False if it cannot be
_AVAILABLE = None    # unknown until something asks


def _load():
    """Import numba on first need (it holds about 100 MB; lessons that never
    compile should not pay for it) and point it at the cache chosen above."""
    global _numba, _AVAILABLE
    if _AVAILABLE is None:
        try:
            import numba
        except ImportError:  # numba missing: the same functions as plain Python
            _numba, _AVAILABLE = False, False
        else:
            _numba, _AVAILABLE = numba, True
            if CACHE_DIR is not None and _CACHE:
                numba.config.CACHE_DIR = str(CACHE_DIR)  # also when numba was imported before ecmolib
                _seed(CACHE_DIR)
    return _AVAILABLE


def loaded() -> bool:
    """True once numba has been imported successfully (by ecmolib or by anyone else)."""
    if _AVAILABLE is None and "numba" in sys.modules and sys.modules["numba"] is not None:
        _load()
    return bool(_AVAILABLE)


def __getattr__(name):
    # AVAILABLE (numba importable) is decided on first access, not on import.
    if name == "AVAILABLE":
        return _load()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def njit(**options):
    """``numba.njit(cache=True, **options)``, or the identity without numba."""
    if not _load():
        return lambda fn: fn
    return _numba.njit(cache=_CACHE, **options)
