"""milsymbol's drawings kept on disk between server starts.

milsymbol loads its tables (about 0.6 s and 130 MB here) before its first symbol. The
symbols of the data do not change between starts, so each start after the first reads
them from one JSON file instead, and milsymbol is loaded only for a symbol the file lacks.
The file is named after milsymbol's version and this module's format, so an upgrade or a
change of drawing options starts a new file; it lives in var/ (git-ignored), never in the
static folder the server publishes.
"""

from __future__ import annotations

import json
import os
import threading
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

__all__ = ["CACHE_DIR_ENV", "cache_path", "lookup", "remember", "save"]

CACHE_DIR_ENV = "POSTURE_CACHE_DIR"
_DEFAULT_DIR = Path(__file__).resolve().parent.parent / "var" / "cache"
# Raise when the drawing options in layers/unit_symbols.py change: old files then go unused.
FORMAT = 1
# Hostile or throwaway data (tests) must not grow the file without bound.
MAX_ENTRIES = 5_000

_lock = threading.Lock()


def cache_path() -> Path:
    folder = Path(os.environ.get(CACHE_DIR_ENV) or _DEFAULT_DIR)
    return folder / f"unit-symbols-milsymbol-{version('milsymbol')}-f{FORMAT}.json"


@cache
def _store() -> dict[str, Any]:
    try:
        loaded = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        loaded = None
    if not isinstance(loaded, dict) or not isinstance(loaded.get("entries"), dict):
        loaded = {"entries": {}}
    return {"entries": loaded["entries"], "dirty": False}


def lookup(key: str) -> Any:
    """What was remembered under `key`, or None."""
    return _store()["entries"].get(key)


def remember(key: str, value: Any) -> None:
    with _lock:
        store = _store()
        if key not in store["entries"] and len(store["entries"]) < MAX_ENTRIES:
            store["entries"][key] = value
            store["dirty"] = True


def save() -> None:
    """Write what was added since the last save; a failed write only costs speed."""
    with _lock:
        store = _store()
        if not store["dirty"]:
            return
        path = cache_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_text(json.dumps({"entries": store["entries"]}), encoding="utf-8")
            temporary.replace(path)  # atomic: another server never reads half a file
            store["dirty"] = False
        except OSError:
            pass
