"""What the store reads and writes besides the claims themselves: the result of a write,
a history entry, a layer an import made, and the ids and times the store sets."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from geo.claims import Change, Claim, Retraction
from geo.errors import StoreError

__all__ = ["ConflictError", "FeatureStamp", "HistoryEntry", "RecordKeys", "RecordResult",
           "SerializedRecord", "StoredLayer", "claim_from_row", "keys_of", "new_claim_ids",
           "parse_time", "record_text", "retraction_from_row", "utc_now_text"]


class RecordKeys(NamedTuple):
    """What the claims table indexes, read from a record already validated."""

    id: str
    layer: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    reported_on: dt.date | None


class SerializedRecord(NamedTuple):
    """A record its importer validated and wrote out itself: its keys, its canonical
    JSON (geo/claims.py's, of its normal form) as UTF-8, that text's digest and its
    geometry. The store takes them as they are (imports/columnar.py writes 100,000 at
    once); the UTF-8 goes to SQLite as it is, never decoded and encoded again."""

    keys: RecordKeys
    json_utf8: bytes
    content_hash: str
    geometry: dict[str, Any] | None


def record_text(record: str | bytes) -> str:
    """A claim's JSON as text, from a SerializedRecord's UTF-8 or as it is."""
    return record.decode("utf-8") if isinstance(record, bytes) else record


def keys_of(raw: dict[str, Any]) -> RecordKeys:
    def day(key: str) -> dt.date | None:
        return dt.date.fromisoformat(raw[key]) if raw.get(key) else None

    return RecordKeys(raw["id"], raw["layer"], day("valid_from"), day("valid_to"),
                      day("reported_on"))


def new_claim_ids(count: int) -> list[str]:
    """`count` claim ids, 32 hex digits each like a UUID's: the time, 32 random bits,
    then a counter. Unique across writers, and in order within one write, so the
    unique index on them grows at its end instead of at random places."""
    prefix = f"{time.time_ns():016x}{os.urandom(4).hex()}"
    return [f"{prefix}{index:08x}" for index in range(count)]

def claim_from_row(row: Any) -> Claim:
    """A claims-table row (claim_id, record, recorded_at, recorded_by, supersedes; and
    feature_id and layer where selected) as a Claim. Its record is parsed when first asked
    for (Claim.record): one that cannot be read is not a crash but a thing listed as
    undrawable, by the row's keys."""
    mapping = row._mapping
    text = row.record.encode("utf-8") if isinstance(row.record, str) else row.record
    feature_id, layer = mapping.get("feature_id"), mapping.get("layer")
    if feature_id is None or layer is None:  # a query that did not select them: the record's
        feature_id, layer = _record_keys(text)
    return Claim(claim_id=row.claim_id, feature_id=feature_id, layer=layer, text=text,
                 recorded_at=parse_time(row.recorded_at), recorded_by=row.recorded_by,
                 supersedes=row.supersedes)


def _record_keys(text: bytes) -> tuple[str, str]:
    try:
        raw = orjson.loads(text)
    except orjson.JSONDecodeError:
        raw = None
    if not isinstance(raw, dict):
        return "?", "?"
    return str(raw.get("id", "?")), str(raw.get("layer", "?"))


def retraction_from_row(row: Any) -> Retraction:
    """A retractions-table row as a Retraction."""
    return Retraction(row.claim_id, row.reason, row.reported_on,
                      parse_time(row.recorded_at), row.recorded_by)


def utc_now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> dt.datetime:
    """A time utc_now_text wrote (fromisoformat: strptime took 8 s for a 100,000-claim
    store's two reads)."""
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None or parsed.utcoffset() != dt.timedelta(0):
        raise ValueError(f"not a UTC time: {text!r}")
    return parsed


@dataclass(frozen=True)
class StoredLayer:
    """A layer an import made, with its default style."""

    layer_id: str
    title_en: str
    title_ar: str
    color: str
    recorded_at: dt.datetime | None = None
    recorded_by: str | None = None


@dataclass(frozen=True)
class RecordResult:
    """What one write did, as `posture-import` reports it."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    retracted: int = 0
    layer_created: str | None = None
    retracted_ids: tuple[str, ...] = ()

    def summary(self, rejected: int = 0) -> str:
        return (f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                f"{self.retracted} retracted, {rejected} rejected")


@dataclass(frozen=True)
class HistoryEntry:
    """One event in a thing's history: a claim recorded, or a claim retracted."""

    claim: Claim | None
    retraction: Retraction | None
    changes: tuple[Change, ...] = ()
    # The claim recorded before this one (None: the first), to word what it changed.
    before_raw: dict[str, Any] | None = None

    @property
    def recorded_at(self) -> dt.datetime:
        return self.claim.recorded_at if self.claim else self.retraction.recorded_at  # type: ignore[union-attr]


@dataclass(frozen=True)
class FeatureStamp:
    """The last thing recorded about a thing: a claim, or a retraction of one. An editor
    opens a thing at a stamp; their save is refused if the stamp has moved since."""

    kind: str  # "claim" or "retraction"
    claim_id: str
    recorded_at: dt.datetime
    recorded_by: str

    @property
    def token(self) -> str:
        return f"{self.kind}:{self.claim_id}"


class ConflictError(StoreError):
    """A save about a thing someone else changed since the editor opened it."""

    def __init__(self, feature_id: str, stamp: FeatureStamp | None) -> None:
        self.feature_id, self.stamp = feature_id, stamp
        if stamp is None:
            said = "it is no longer in the store"
        else:
            action = "retracted" if stamp.kind == "retraction" else "changed"
            said = (f"{action} since you opened it by {stamp.recorded_by} at "
                    f"{stamp.recorded_at.strftime('%Y-%m-%d %H:%M:%S UTC')}")
        super().__init__(f"{feature_id}: {said}; nothing was saved")
