"""The exceptions geo/ raises: one base class, so callers can catch them all."""

from __future__ import annotations

__all__ = ["DataFileError", "PostureDataError", "SchemaError", "StoreError"]


class PostureDataError(Exception):
    """Base class: something in the project's data is wrong or missing."""


class DataFileError(PostureDataError):
    """A data file is missing, unreadable or not valid JSON/GeoJSON."""


class SchemaError(PostureDataError):
    """A record does not match the schema; the message names the record and field."""


class StoreError(PostureDataError):
    """The claims store cannot be opened or written; the message says which and why."""
