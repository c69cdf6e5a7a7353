"""An event layer as compact columns in one static, content-hashed file (issue 13).

100,000 events as GeoJSON are 23 MB of text that Leaflet turns into 100,000 DOM
elements; here they are typed arrays the browser reads in one fetch and draws on a
canvas (layers/event_layer.js). The file is

    uint32 header length (little-endian) | header JSON (UTF-8) | padding to 4 bytes |
    each column, in the header's order, at its offset

Columns are sorted by day, so a time window is one contiguous range found by binary
search. Texts repeated across events (types, actors, sources) are dictionaries in the
header and indices in the columns. Each event's card (its name, notes and sources)
is not in it: cards sit in chunk files of CARD_CHUNK events, fetched only when a card
is opened, so the bytes the map needs stay small however long the notes are.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from geo.errors import SchemaError
from geo.features import PlacedFeature
from geo.filters import actor_label
from i18n import t

__all__ = [
    "CARD_CHUNK",
    "CARD_LABELS",
    "COLUMNS",
    "EPOCH",
    "NO_FATALITIES",
    "EventColumns",
    "event_columns",
    "inline_event_url",
    "point_columns",
    "subset",
    "write_event_files",
    "written_event_files",
]

CARD_CHUNK = 2_000
# Name, type, in the file's order: widest first, so each column starts aligned.
COLUMNS = (("lon", "float32"), ("lat", "float32"), ("fatalities", "uint32"),
           ("day", "uint16"), ("actor1", "uint16"), ("actor2", "uint16"),
           ("source", "uint16"), ("type", "uint8"), ("precision", "uint8"))
# Day numbers count from here in a uint16: 1900 (the importer's earliest date) to 2079.
EPOCH = dt.date(1900, 1, 1)
NO_FATALITIES = 0xFFFFFFFF
# Dictionary index 0 is "not given"; a dictionary of more than this many texts does
# not fit its uint16 (or uint8, for types) column.
_LIMITS = {"type": 0xFF, "actor": 0xFFFF, "source": 0xFFFF}


@dataclass(frozen=True)
class EventColumns:
    """One event layer's events, sorted by day, with their cards in the same order."""

    columns: dict[str, np.ndarray]
    types: list[str]
    actors: list[str]
    sources: list[str]
    ids: list[str]
    cards: list[dict[str, Any]]
    # False: points of a layer that is not of events (layers/point_canvas.py), drawn
    # whatever the events' window and filters, and kept out of the histogram.
    windowed: bool = True

    def __len__(self) -> int:
        return len(self.ids)


class _Dictionary:
    def __init__(self, what: str) -> None:
        self.texts = [""]
        self._index = {"": 0}
        self._what = what

    def code(self, text: str | None) -> int:
        if not text:
            return 0
        found = self._index.get(text)
        if found is None:
            if len(self.texts) > _LIMITS[self._what]:
                raise SchemaError(f"an event layer has more than {_LIMITS[self._what]:,} "
                                  f"distinct {self._what}s: too many to draw; split it")
            found = self._index[text] = len(self.texts)
            self.texts.append(text)
        return found


def _card(p: PlacedFeature, lang: str) -> dict[str, Any]:
    record, event = p.record, p.record.event
    assert event is not None
    return {"id": record.id, "name": record.text("name", lang),
            "date": record.as_of.isoformat() if record.as_of else "",
            "sub_type": event.sub_type or "", "notes": record.text("summary", lang),
            "where": record.text("geometry_note", lang),
            "sources": "; ".join(s.cited(lang) for s in record.sources),
            "reported": record.reported_on.isoformat() if record.reported_on else ""}


class _Row(NamedTuple):
    """One event's values as its columns hold them, before the dictionaries code them."""

    lon: float
    lat: float
    day: int
    type: str
    actor1: str | None
    actor2: str | None
    source: str
    fatalities: int
    precision: int
    card: dict[str, Any]


# Each event's row by (thing, language, kind of row), with the placed feature it was made from: a
# store's next version (or another known-on day) holds mostly the same placed features,
# so their rows are made once, not for each of 100,000 events again (about 2 s).
_ROWS: dict[tuple[str, str, bool], tuple[PlacedFeature, _Row]] = {}
_ROWS_LOCK = threading.Lock()


def _held_row(p: PlacedFeature, lang: str, windowed: bool) -> _Row:
    key = (p.record.id, lang, windowed)
    held = _ROWS.get(key)
    if held is not None and held[0] is p:
        return held[1]
    row = _row(p, lang) if windowed else _point_row(p, lang)
    with _ROWS_LOCK:
        _ROWS[key] = (p, row)
    return row


def _point_row(p: PlacedFeature, lang: str) -> _Row:
    """A point that is not an event, as the event canvas draws it: its kind for a type,
    its actor, its first source, its as-of day; no fatalities."""
    record = p.record
    day = (record.as_of - EPOCH).days if record.as_of and record.as_of >= EPOCH else 0
    card = {"id": record.id, "name": record.text("name", lang),
            "date": record.as_of.isoformat() if record.as_of else "", "sub_type": "",
            "notes": record.text("summary", lang), "where": record.text("geometry_note", lang),
            "sources": "; ".join(s.cited(lang) for s in record.sources),
            "reported": record.reported_on.isoformat() if record.reported_on else ""}
    return _Row(p.geometry.x, p.geometry.y, day, record.text("kind", lang) or "",
                actor_label(record, lang), None,
                record.sources[0].text(lang) if record.sources else "", NO_FATALITIES, 0, card)


def _row(p: PlacedFeature, lang: str) -> _Row:
    record, event = p.record, p.record.event
    assert event is not None
    assert record.as_of is not None
    # No coordinates: NaN, which the canvas never draws but counts (event_layer.js).
    lon, lat = (np.nan, np.nan) if record.unplaced else (p.geometry.x, p.geometry.y)
    return _Row(lon, lat, (record.as_of - EPOCH).days, event.type, event.actor1,
                event.actor2, record.sources[0].text(lang),
                NO_FATALITIES if event.fatalities is None else event.fatalities,
                event.geo_precision or 0, _card(p, lang))


def event_columns(features: Sequence[PlacedFeature], lang: str = "en") -> EventColumns:
    """The events among `features` (those whose claims carry event facts), by day."""
    events = sorted((p for p in features if p.record.event is not None
                     and p.record.as_of is not None and p.geometry.geom_type == "Point"),
                    key=lambda p: (p.record.as_of, p.record.id))
    return _columns(events, [_held_row(p, lang, True) for p in events], windowed=True)


def point_columns(features: Sequence[PlacedFeature], lang: str = "en") -> EventColumns:
    """The points among `features` that are not events, for the canvas: a layer too large
    to draw mark by mark (layers/point_canvas.py). In their given order; undrawn by any
    window (their day is their as-of date, for the card)."""
    points = [p for p in features if p.record.event is None
              and p.geometry.geom_type == "Point" and not p.geometry.is_empty]
    return _columns(points, [_held_row(p, lang, False) for p in points], windowed=False)


def _columns(features: list[PlacedFeature], rows: list[_Row], *, windowed: bool
             ) -> EventColumns:
    types, actors = _Dictionary("type"), _Dictionary("actor")
    for name in sorted({row.type for row in rows}):
        types.code(name)  # coded in name order: the legend's colours follow it
    sources = _Dictionary("source")
    # Coded in the rows' order, actor1 before actor2, as the file has always had them.
    actor_codes = [(actors.code(row.actor1), actors.code(row.actor2)) for row in rows]
    columns = {
        "lon": np.array([row.lon for row in rows], dtype="float32"),
        "lat": np.array([row.lat for row in rows], dtype="float32"),
        "day": np.array([row.day for row in rows], dtype="uint16"),
        "type": np.array([types.code(row.type) for row in rows], dtype="uint8"),
        "actor1": np.array([first for first, _ in actor_codes], dtype="uint16"),
        "actor2": np.array([second for _, second in actor_codes], dtype="uint16"),
        "source": np.array([sources.code(row.source) for row in rows], dtype="uint16"),
        "fatalities": np.array([row.fatalities for row in rows], dtype="uint32"),
        "precision": np.array([row.precision for row in rows], dtype="uint8"),
    }
    return EventColumns({name: columns[name] for name, _ in COLUMNS},
                        types.texts, actors.texts, sources.texts,
                        [p.record.id for p in features], [row.card for row in rows], windowed)


def _encode(events: EventColumns, card_urls: list[str], legend: dict[str, str]) -> bytes:
    offsets, body, position = [], [], 0
    for name, kind in COLUMNS:
        data = events.columns[name].astype(f"<{np.dtype(kind).str[1:]}").tobytes()
        offsets.append({"name": name, "type": kind, "offset": position})
        body.append(data)
        position += len(data)
    header = json.dumps({"count": len(events), "epoch": EPOCH.isoformat(),
                         "columns": offsets, "types": events.types, "actors": events.actors,
                         "sources": events.sources, "cards": card_urls,
                         "card_chunk": CARD_CHUNK, "labels": legend,
                         "windowed": events.windowed},
                        ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header += b" " * (-(len(header) + 4) % 4)
    return struct.pack("<I", len(header)) + header + b"".join(body)


# The words of an event's card and of the histogram, by the name event_layer.js reads.
CARD_LABELS = ("type", "actors", "fatalities", "where", "sources", "notes", "reported",
               "precision3", "window", "unplaced", "none")


def _labels(lang: str) -> dict[str, str]:
    return {key: t(f"events.card.{key}", lang) for key in CARD_LABELS}


_WRITING = threading.Lock()


def _write(path: Path, data: bytes) -> None:
    if path.is_file():
        path.touch()  # still in use: the bundles' pruning keeps it (layers/bundle.py)
        return
    with _WRITING:
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)  # atomic: another server never reads half a file


def _card_chunks(events: EventColumns) -> list[bytes]:
    return [json.dumps(events.cards[start:start + CARD_CHUNK], ensure_ascii=False,
                       separators=(",", ":")).encode("utf-8")
            for start in range(0, len(events), CARD_CHUNK)]


def inline_event_url(events: EventColumns, lang: str) -> str:
    """The layer's file as a data: URL, its cards in it as data: URLs too: for the HTML
    export, which opens from disk with no server to fetch from."""
    cards = ["data:application/json;base64," + base64.b64encode(chunk).decode("ascii")
             for chunk in _card_chunks(events)]
    return ("data:application/octet-stream;base64,"
            + base64.b64encode(_encode(events, cards, _labels(lang))).decode("ascii"))


def subset(events: EventColumns, keep: np.ndarray) -> EventColumns:
    """The events where `keep` is true, in the same order."""
    chosen = np.flatnonzero(keep)
    return EventColumns({name: column[chosen] for name, column in events.columns.items()},
                        events.types, events.actors, events.sources,
                        [events.ids[i] for i in chosen], [events.cards[i] for i in chosen],
                        events.windowed)


def write_event_files(events: EventColumns, layer_id: str, lang: str, target_dir: Path,
                      base_url: str) -> str:
    """Write the layer's file and its card chunks under content-hashed names; returns
    the file's URL. Unchanged events keep their names, so the browser's cache holds."""
    return written_event_files(events, layer_id, lang, target_dir, base_url)[0]


def written_event_files(events: EventColumns, layer_id: str, lang: str, target_dir: Path,
                        base_url: str) -> tuple[str, list[str]]:
    """write_event_files, and the names of the files it wrote (layers/built_files.py
    remembers them across starts)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    card_urls, names = [], []
    for chunk in _card_chunks(events):
        name = f"events-{layer_id}-{lang}-cards-{hashlib.sha256(chunk).hexdigest()[:16]}.json"
        _write(target_dir / name, chunk)
        card_urls.append(f"{base_url}/{name}")
        names.append(name)
    data = _encode(events, card_urls, _labels(lang))
    name = f"events-{layer_id}-{lang}-{hashlib.sha256(data).hexdigest()[:16]}.bin"
    _write(target_dir / name, data)
    return f"{base_url}/{name}", [*names, name]
