"""Where the committed data lives."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_DIR_ENV", "data_dir"]

DATA_DIR_ENV = "POSTURE_DATA_DIR"
_DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """The data folder; POSTURE_DATA_DIR points the app at another copy (tests use it)."""
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else _DEFAULT_DATA_DIR
