"""Where the committed data lives."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from geo.errors import DataFileError

__all__ = ["DATA_DIR_ENV", "data_dir", "read_data_json"]

DATA_DIR_ENV = "POSTURE_DATA_DIR"
_DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """The data folder; POSTURE_DATA_DIR points the app at another copy (tests use it)."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else _DEFAULT_DATA_DIR


def read_data_json(name: str, what: str) -> Any:
    """Parse a JSON file of the data folder; `what` and `name` name it in the error message.

    Messages give the path relative to the data folder: they reach the page,
    which must not show the server's own paths.
    """
    path = data_dir() / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise DataFileError(f"{what} missing: {name}") from e
    except UnicodeDecodeError as e:
        raise DataFileError(f"{what} unreadable: {name} is not UTF-8 text (byte "
                            f"{e.start}: {e.reason})") from e
    except json.JSONDecodeError as e:
        raise DataFileError(f"{what} unreadable: {name} is not valid JSON: {e.msg} at line "
                            f"{e.lineno}, column {e.colno}") from e
    except (OSError, RecursionError) as e:
        raise DataFileError(f"{what} unreadable: {name}: "
                            f"{getattr(e, 'strerror', None) or type(e).__name__}") from e
