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


def read_data_json(name: str, what: str) -> tuple[Path, Any]:
    """Parse a JSON file of the data folder; `what` names it in the error message."""
    path = data_dir() / name
    try:
        return path, json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise DataFileError(f"{what} missing: {path}") from e
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DataFileError(f"{what} unreadable: {path}: {e}") from e
