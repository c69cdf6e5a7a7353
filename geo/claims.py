"""Claims: one source's statement about one thing, never overwritten.

A claim is a validated feature record (geo/schema.py) with what the store adds
when it records it: who recorded it and when, and which claim it supersedes.
A retraction closes a claim with a reason. Pure: no I/O; store/ persists these.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson

from geo.checks import check_text
from geo.errors import SchemaError
from geo.schema import FEATURES_FILE, FeatureRecord, parse_feature
from geo.stored_record import stored_record

__all__ = [
    "MAX_REASON_CHARS",
    "Change",
    "Claim",
    "Retraction",
    "TrailEntry",
    "canonical_json",
    "changes",
    "check_reason",
    "check_recorder",
    "content_hash",
    "digest",
    "normal_raw",
    "validated",
]

# The same limit as any other free text in the data (geo/checks.py's default).
MAX_REASON_CHARS = 500
MAX_RECORDER_CHARS = 100


# Where orjson writes a float otherwise than the json module: 0.00001 (json: 1e-05) and
# 1e-7 (json: 1e-07). Such a text (or one that merely looks so) is written by json again,
# so a record's text and hash never depend on which of the two wrote it. The plain
# substring tests come first: they are ten times faster than the expression.
_ORJSON_EXPONENT = re.compile(rb"\de-")


def canonical_json(raw: dict[str, Any]) -> str:
    """One text per record content: keys sorted, no spacing, Arabic kept as is."""
    try:
        data = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:  # a lone surrogate, a non-JSON type: json's answer, or its error
        data = None
    # b"null": orjson writes NaN so, json as NaN (None is null to both; rare here).
    if data is None or b"0.0000" in data or b"null" in data or (
            b"e-" in data and _ORJSON_EXPONENT.search(data)):
        return json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return data.decode("utf-8")


# Fields whose absence means this value: a record that spells the default out says
# the same as one that leaves it unsaid.
_DEFAULTS = {("as_of_precision",): "day", ("count", "approximate"): False,
             ("reported_on_inferred",): False, ("geometry_approximate",): False}


def normal_raw(raw: Any, path: tuple[str, ...] = ()) -> Any:
    """The record with what does not change its meaning taken out: empty fields, fields
    at their default, and coordinates written as integers (41 is 41.0). Two records
    with the same normal form say the same thing (an export imported back, say)."""
    if isinstance(raw, dict):
        out = {}
        for key, value in raw.items():
            inner = (*path, key)
            if value is None or (_DEFAULTS.get(inner, object()) == value and \
                    type(value) is type(_DEFAULTS[inner])):
                continue
            if key == "geometry" and isinstance(value, dict) and "coordinates" in value:
                out[key] = {**value, "coordinates": _normal_coordinates(value["coordinates"])}
            else:
                out[key] = normal_raw(value, inner)
        return out
    if isinstance(raw, list | tuple):
        return [normal_raw(item, path) for item in raw]
    return raw


def _normal_coordinates(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_normal_coordinates(item) for item in value]
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else value


def digest(canonical: str) -> str:
    """The digest of a record's canonical JSON (of its normal form)."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(raw: dict[str, Any]) -> str:
    """One digest per meaning: the canonical JSON of the record's normal form."""
    return digest(canonical_json(normal_raw(raw)))


def validated(raw: Any, index: int = 0, source: str = FEATURES_FILE) -> FeatureRecord:
    """The one validator every door uses: seed, import and form."""
    return parse_feature(raw, index, source)


def check_recorder(name: Any) -> str:
    return check_text(name, "claim", "recorded_by", max_chars=MAX_RECORDER_CHARS)


@dataclass(frozen=True)
class Claim:
    """A stored claim: the record as validated when written (its JSON text as stored), the
    thing and layer it is about (the row's keys), and the store's own fields."""

    claim_id: str
    feature_id: str
    layer: str
    text: bytes  # UTF-8: half a str's memory where the record holds Arabic
    recorded_at: dt.datetime
    recorded_by: str
    supersedes: str | None = None

    @property
    def raw(self) -> dict[str, Any]:
        """The record as stored, parsed anew on each ask. A reading holds 100,000 claims'
        UTF-8 text, not their parsed dicts (3 KB each); few ask for it (a card's history,
        the retracted list). A text that is no record's JSON gives the row's keys alone."""
        try:
            parsed = orjson.loads(self.text)
        except orjson.JSONDecodeError:
            parsed = None
        return parsed if isinstance(parsed, dict) else {"id": self.feature_id,
                                                         "layer": self.layer}

    @cached_property
    def record(self) -> FeatureRecord:
        """The record, trusted as checked when written (geo/stored_record.py). A row that
        cannot be read raises SchemaError naming the thing and this claim."""
        try:
            try:
                raw = orjson.loads(self.text)
            except orjson.JSONDecodeError as e:
                raise SchemaError(f"its record is not JSON ({e})") from e
            if not isinstance(raw, dict):
                raise SchemaError("its record is not a JSON object")
            return stored_record(raw)
        except SchemaError as e:
            raise SchemaError(f"{self.feature_id}: stored claim {self.claim_id}: {e}") from e

    @property
    def reported_on(self) -> dt.date | None:
        value = self.raw.get("reported_on")
        return dt.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Retraction:
    """A claim closed, with the reason and the day the source (or analyst) said so."""

    claim_id: str
    reason: str
    reported_on: dt.date
    recorded_at: dt.datetime
    recorded_by: str


def check_reason(reason: Any) -> str:
    return check_text(reason, "retraction", "reason", max_chars=MAX_REASON_CHARS)


@dataclass(frozen=True)
class Change:
    """One field that differs between a claim and the one before it."""

    field: str
    before: Any
    after: Any


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    """Field by field, what `after` changed against `before` (nested fields dotted)."""
    def flat(raw: dict[str, Any] | None, prefix: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in (raw or {}).items():
            if isinstance(value, dict) and key != "geometry":
                out.update(flat(value, f"{prefix}{key}."))
            else:
                out[prefix + key] = value
        return out

    # Normal forms: a field spelled out at its default is no change.
    old, new = flat(normal_raw(before)), flat(normal_raw(after))
    return [Change(key, old.get(key), new.get(key)) for key in sorted(old.keys() | new.keys())
            if old.get(key) != new.get(key)]


@dataclass(frozen=True)
class TrailEntry:
    """One line of a thing's history as its card shows it: a claim recorded (with what
    it changed), or a claim retracted (with why)."""

    recorded_at: dt.datetime
    recorded_by: str
    changes: tuple[Change, ...] = ()
    first: bool = False
    retraction_reason: str | None = None
    # The claim before and this one, where a correction's changes are to be worded.
    raws: tuple[dict[str, Any], dict[str, Any]] | None = None
