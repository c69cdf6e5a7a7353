"""The fast path's second half: the rows imports/columnar.py proved valid, written as
the store keeps them (canonical JSON, its digest, the keys it indexes) a column at a
time, without making a record per row in Python first.

Each text is the one `canonical_json` writes for the record imports/rows.py builds
for that row, byte for byte (tests/test_import_columnar.py compares them for every
row), so the same file imported either way is the same claim.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.claims import canonical_json
from imports.json_columns import (
    NO_TEXT,
    JsonValues,
    json_flags,
    json_floats,
    json_numbers,
    json_object,
    json_strings,
    json_texts,
    plain_text,
)
from imports.rows import DEFAULT_ACTOR, DEFAULT_KIND, DEFAULT_SUMMARY, NO_FIGURE
from store.records import RecordKeys, SerializedRecord

__all__ = ["ProvenColumns", "serialized_records"]



@dataclass(frozen=True)
class ProvenColumns:
    """Every row's fields as imports/columnar.py read and checked them."""

    texts: Mapping[str, pd.Series]  # the bilingual texts, and the source's who and who_ar
    ids: pd.Series
    layer: pd.Series
    lon: pd.Series
    lat: pd.Series
    as_of: pd.Series
    reported: pd.Series
    inferred: np.ndarray  # reported_on taken from as_of
    confidence: pd.Series
    precision: pd.Series
    number: pd.Series  # the count's figure, NaN for none
    link: pd.Series
    approximate: np.ndarray
    # ACLED's coded facts (geo/events.py), None for a file that is not ACLED's.
    events: Mapping[str, pd.Series] | None
    event_numbers: Mapping[str, pd.Series]
    file_name: str


def _position_note(file_name: str) -> tuple[str, str]:
    return (f"Position as given in {file_name}.", f"الموقع كما ورد في {file_name}.")


def writes_plainly(file_name: str, source: str | None) -> bool:
    """Whether the words a row may take from outside the file (its name, --source) are
    texts json_columns writes as JSON does; if not, every row goes row by row."""
    return all(plain_text(text) for text in (*_position_note(file_name), source or ""))


def serialized_records(keep: np.ndarray, proven: ProvenColumns
                       ) -> dict[int, SerializedRecord]:
    """Row index -> the row's claim, for the rows `keep` names."""
    if not len(keep):
        return {}
    rows = pa.array(keep)

    def column(series: pd.Series) -> pa.Array:
        taken = pc.take(pa.array(series, type=pa.string(), from_pandas=True), rows)
        return taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken

    def numbers(series: pd.Series) -> JsonValues:
        return json_numbers(series.to_numpy(dtype=float)[keep])

    # Every text column, each row's default words put in, then all of them escaped at
    # once: Arrow's kernels let go of the GIL, so two columns are escaped at a time.
    texts: dict[str, pa.Array] = {}
    for (en, ar), default in ((("name_en", "name_ar"), None),
                              (("kind", "kind_ar"), DEFAULT_KIND),
                              (("actor_en", "actor_ar"), DEFAULT_ACTOR),
                              (("summary_en", "summary_ar"), DEFAULT_SUMMARY),
                              (("geometry_note", "geometry_note_ar"),
                               _position_note(proven.file_name))):
        english, arabic = column(proven.texts[en]), column(proven.texts[ar])
        if default is not None:  # a row giving neither language gets the default words
            neither = pc.and_(pc.is_null(english), pc.is_null(arabic))
            english = pc.if_else(neither, default[0], english)
            arabic = pc.if_else(neither, default[1], arabic)
        texts[en], texts[ar] = english, arabic
    precision = column(proven.precision)
    texts.update({
        "count.words_en": column(proven.texts["count_words_en"]),
        "count.words_ar": column(proven.texts["count_words_ar"]),
        "id": column(proven.ids), "layer": column(proven.layer),
        "as_of": column(proven.as_of), "reported_on": column(proven.reported),
        "confidence": column(proven.confidence),
        "as_of_precision": pc.if_else(pc.equal(precision, "day"), NO_TEXT, precision),
        "source.who": column(proven.texts["who"]), "source.who_ar": column(proven.texts["who_ar"]),
        "source.via": column(proven.texts["via_en"]),
        "source.via_ar": column(proven.texts["via_ar"]), "source.link": column(proven.link)})
    for key, values in (proven.events or {}).items():
        texts[f"event.{key}"] = column(values)
    with ThreadPoolExecutor(max_workers=2) as pool:
        written = dict(zip(texts, pool.map(json_strings, texts.values()), strict=True))

    def part(prefix: str) -> dict[str, JsonValues]:
        return {key[len(prefix):]: values for key, values in written.items()
                if key.startswith(prefix)}

    members = {key: values for key, values in written.items() if "." not in key}
    count = json_object({"value": numbers(proven.number), **part("count.")})
    members["count"] = json_texts(
        pc.if_else(pc.equal(count, "{}"), canonical_json(NO_FIGURE), count))
    members.update(symbol=json_strings(pa.scalar("point")),
                   reported_on_inferred=json_flags(proven.inferred[keep]),
                   geometry_approximate=json_flags(proven.approximate[keep]))
    members["sources"] = json_texts(
        pc.binary_join_element_wise("[", json_object(part("source.")), "]", ""))
    if proven.events is not None:  # an event holds on its day (imports/rows.py)
        members["valid_from"] = members["valid_to"] = written["as_of"]
        facts = part("event.")
        facts.update({key: numbers(values) for key, values in proven.event_numbers.items()})
        members["event"] = json_texts(json_object(facts))
    xs, ys = proven.lon.to_numpy(dtype=float)[keep], proven.lat.to_numpy(dtype=float)[keep]
    # json's float form, which is canonical_json's (it turns to json where orjson's
    # form differs).
    members["geometry"] = json_texts(pc.binary_join_element_wise(
        '{"coordinates":[', json_floats(xs).values, ",", json_floats(ys).values,
        '],"type":"Point"}', ""))
    # As UTF-8 bytes: digested and stored as they are (store/records.py).
    written = json_object(members).cast(pa.binary()).to_pylist()
    return _records(keep.tolist(), written, proven, column, xs.tolist(), ys.tolist())


def _records(indexes: list[int], written: list[bytes], proven: ProvenColumns,
             column,  # noqa: ANN001
             xs: list[float], ys: list[float]) -> dict[int, SerializedRecord]:
    day = dt.date.fromisoformat
    days = [day(text) for text in column(proven.as_of).to_pylist()]
    valid = days if proven.events is not None else [None] * len(days)
    reported = [day(text) for text in column(proven.reported).to_pylist()]
    sha256 = hashlib.sha256
    return {index: SerializedRecord(RecordKeys(feature_id, layer, since, until, on), utf8,
                                    sha256(utf8).hexdigest(),
                                    {"type": "Point", "coordinates": [x, y]})
            for index, feature_id, layer, since, until, on, utf8, x, y in zip(
                indexes, column(proven.ids).to_pylist(), column(proven.layer).to_pylist(),
                valid, valid, reported, written, xs, ys, strict=True)}
