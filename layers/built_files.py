"""Which static files a layer's columns were built into, remembered on disk across starts.

An event layer's columns (layers/event_data.py) take seconds to build for 100,000 events,
yet they follow only from the claims the layer stands on, the data folder and the code. So
the names of the files they were written to are remembered under a key made of exactly
those, and a server started again serves the same files without building them, whatever
was written to other layers meanwhile. Any change to the code (geo/, layers/, store/,
i18n/) or the data folder makes a new key; a file pruned since (layers/bundle.py) makes
the memory void. A layer with a series is not remembered: whether a series' claim can be
drawn depends on claims in other layers, which its key does not name.

The memory lives in var/cache (POSTURE_CACHE_DIR), never in the static folder the server
publishes.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from geo.paths import data_dir
from layers.symbol_cache import CACHE_DIR_ENV

__all__ = ["built_key", "layer_key", "remembered_files"]

_ROOT = Path(__file__).resolve().parent.parent
_DEFAULT_DIR = _ROOT / "var" / "cache"
# What the built files follow from besides the store: the code that writes them.
_CODE = ("geo", "layers", "store", "i18n")
# A memory older than this is dropped when another is written: its files are pruned too.
STALE_AFTER_S = 24 * 3600
_lock = threading.Lock()


def _folder() -> Path:
    return Path(os.environ.get(CACHE_DIR_ENV) or _DEFAULT_DIR) / "built-files"


def _digest_of(root: Path, files: Iterable[Path]) -> str:
    """Of the files' names (below `root`) and contents: a copy of a folder digests alike."""
    digest = hashlib.sha256()
    for path in sorted(files):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def _code_digest() -> str:
    return _digest_of(_ROOT, (path for folder in _CODE for path in (_ROOT / folder).rglob("*")))


@cache
def _data_digest(folder: Path) -> str:
    return _digest_of(folder, folder.rglob("*"))


def built_key(*parts: object) -> str:
    """The key of what `parts` (a layer, a language, a day, the claims the layer stands
    on: store/features.py's `layer_content`) build, with the code and the data folder
    they are built by."""
    text = json.dumps([_code_digest(), _data_digest(data_dir()), [repr(p) for p in parts]])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def layer_key(what: str, entry: object, features: Iterable[Any], content: str,
              *view: object) -> str | None:
    """built_key for what is built from a layer's `features` standing on `content`, and
    the view (`view`); None for a layer with a series (never remembered)."""
    if any(p.record.series is not None for p in features):
        return None
    return built_key(what, entry, content, *view)


def remembered_files(key: str | None, folder: Path,
                     build: Callable[[], tuple[str, list[str]]]) -> str:
    """The URL `build` returned for `key`, from the memory when every file it wrote is
    still in `folder` (each touched, so the pruning keeps it), or from `build` (which
    returns its URL and the names of the files it wrote in `folder`), then remembered.
    `key` None: built, never remembered."""
    if key is None:
        return build()[0]
    path = _folder() / f"{key}.json"
    try:
        held = json.loads(path.read_text(encoding="utf-8"))
        url, names = held["url"], held["files"]
        if all((folder / name).is_file() for name in names):
            for name in names:
                (folder / name).touch()
            path.touch()  # in use: the pruning of memories keeps it
            return url
    except (OSError, ValueError, KeyError, TypeError):
        pass  # never built, or its memory unreadable: built again, nothing lost
    url, names = build()
    _remember(path, {"url": url, "files": names})
    return url


def _remember(path: Path, held: dict[str, object]) -> None:
    """Written atomically; a failed write only costs the next start its time."""
    with _lock:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_text(json.dumps(held), encoding="utf-8")
            temporary.replace(path)
            cutoff = time.time() - STALE_AFTER_S
            for old in path.parent.glob("*.json"):
                if old.stat().st_mtime < cutoff:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
