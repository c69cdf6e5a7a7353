"""Write a file all at once: a hidden temporary file beside the target, renamed into place.

The target is never truncated or half-written. The temporary file carries the
writer's process id, so what a killed run left behind can be told from an
export still in progress and removed by the next export to the same folder.
SIGTERM and SIGHUP end an export through the same clean-up path as an error.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

__all__ = ["PARTIAL_MARK", "remove_leftovers", "terminate_as_exit", "write_atomically"]

PARTIAL_MARK = ".partial-"
# .<target name>.partial-<pid>-<random><extension>, and GDAL's -journal/-wal beside it.
_LEFTOVER = re.compile(r"^\..+\.partial-(\d+)-[A-Za-z0-9_]+")
# Past this age a leftover is removed even if its process id is in use again.
STALE_AFTER_S = 24 * 3600


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files of exports into `folder` whose process has died."""
    removed = []
    now = time.time()
    for entry in folder.iterdir():
        match = _LEFTOVER.match(entry.name)
        if not match:
            continue
        pid = int(match.group(1))
        try:
            age = now - entry.lstat().st_mtime
        except FileNotFoundError:
            continue
        if pid == os.getpid() or (_alive(pid) and age < STALE_AFTER_S):
            continue
        _remove(entry)
        removed.append(entry)
    return removed


def _remove(path: Path) -> None:
    # A writer may leave a folder (GDAL's KML driver did, given no extension).
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def write_atomically(out: Path, extension: str, render: Callable[[Path], None]) -> None:
    """Render into a hidden temporary file beside `out`, then rename it into place.

    The temporary file ends in `.{extension}` whatever `out` is called: GDAL's
    writers choose what to write by it (KML without one becomes a folder).
    """
    folder = out.parent
    remove_leftovers(folder)
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{out.name}{PARTIAL_MARK}"
                                                       f"{os.getpid()}-",
                                    suffix=f".{extension}")
    os.close(handle)
    temporary = Path(name)
    try:
        temporary.unlink()  # some writers (GDAL) refuse to open an existing file
        render(temporary)
        if not temporary.is_file():
            raise OSError(f"the {extension} writer did not produce a file")
        os.replace(temporary, out)
    finally:
        for leftover in folder.glob(f"{temporary.name}*"):  # the file and any -journal
            _remove(leftover)


@contextlib.contextmanager
def terminate_as_exit() -> Iterator[None]:
    """Inside, SIGTERM and SIGHUP raise SystemExit, so `finally` blocks clean up."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set in the main thread
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
