"""The claim form: what an editor types, turned into a claim record by the importer's own
rules (imports/rows.py) and the one validator (geo/claims.py), so a form and a file
row are held to the same standard and a refusal names the field.

A form is a flat mapping of field -> text, keyed by the importer's column names. A
new thing's form starts empty but for where it was placed; an edit's form starts
from the thing's current claim as our exports write it (exports/data.py), so every
field the form does not show (labels, series, further sources, a symbol code's
amplifiers…) is carried over unchanged.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import shapely

from exports.data import features_frame
from geo.claims import validated
from geo.errors import SchemaError
from geo.events import UNPLACED_NOTE
from geo.features import PlacedFeature
from geo.validity import Repair
from imports.columns import column_map
from imports.rows import RowDefaults, RowError, check_drawable, problem_from, row_record

__all__ = ["FORM_FIELDS", "FormProblem", "claim_from_form", "form_of", "new_feature_id"]

# The fields the form shows, by the importer's column names, in the form's order.
FORM_FIELDS = (
    "name_en", "name_ar", "kind_en", "kind_ar", "actor_en", "actor_ar",
    "count_value", "count_low", "count_high", "count_words_en", "count_words_ar",
    "as_of", "valid_from", "valid_to", "reported_on",
    "source_en", "source_ar", "via_en", "source_link", "confidence",
    "geometry_approximate", "geometry_note_en", "sidc", "lon", "lat", "wkt",
)
# The export columns whose form field has another name.
_EXPORT_TO_FORM = {"kind": "kind_en", "geometry_note": "geometry_note_en"}
# Export columns that are worded from the others and never read back.
_FOR_READING = ("count_text", "count_text_ar", "sources", "sources_ar", "confidence_text",
                "confidence_text_ar", "affiliation")
_SOURCE_FIELDS = {"source_en": "who", "source_ar": "who_ar", "via_en": "via",
                  "source_link": "link"}
# A field as the schema names it in a message -> the form's field.
_MESSAGE_FIELD = {"kind": "kind_en", "geometry_note": "geometry_note_en", "geometry": "wkt",
                  **{f"sources.0.{key}": field for field, key in _SOURCE_FIELDS.items()}}
_SLUG = re.compile(r"[^a-z0-9]+")


class FormProblem(SchemaError):
    """A form that cannot be a claim: the field, the value given, and why."""

    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field, self.value, self.reason = field, value, reason


@dataclass(frozen=True)
class OpenedForm:
    """A form as it opens: its fields, and the columns it carries but does not show."""

    fields: dict[str, str]
    carried: dict[str, Any]


def new_feature_id(layer: str, name: str | None) -> str:
    """A new thing's id: its layer, a slug of its English name, and six random hex
    digits, so two editors naming two things alike never collide."""
    slug = _SLUG.sub("-", (name or "").lower()).strip("-")[:40] or "claim"
    return f"{layer}.{slug}-{secrets.token_hex(3)}"


def _plain(value: Any) -> Any:
    """A frame's cell as a plain Python value: None for any missing marker."""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def _text(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_of(feature: PlacedFeature) -> OpenedForm:
    """The form of a thing's current claim: its fields as text, the rest carried."""
    frame = features_frame([feature])
    row = {column: frame.iloc[0][column] for column in frame.columns if column != "geometry"}
    geometry = frame.geometry.iloc[0]
    fields: dict[str, str] = {}
    carried: dict[str, Any] = {}
    for column, value in row.items():
        name = _EXPORT_TO_FORM.get(column, column)
        if column in _FOR_READING:
            continue
        if name in FORM_FIELDS:
            fields[name] = _text(value)
        else:
            carried[column] = _plain(value)
    sources = json.loads(row["sources_json"] or "[]")
    first = sources[0] if sources else {}
    for field, key in _SOURCE_FIELDS.items():
        fields[field] = first.get(key, "")
    if _plain(row["geometry_ref"]) is not None:
        pass  # drawn from the basemap (a country's centre, say): no place to edit
    elif geometry is not None and geometry.geom_type == "Point" and row["symbol"] != "arrow":
        fields["lon"], fields["lat"] = repr(geometry.x), repr(geometry.y)
    elif geometry is not None:
        fields["wkt"] = shapely.to_wkt(geometry, rounding_precision=-1)
    return OpenedForm(fields, carried)


def claim_from_form(fields: Mapping[str, str], *, layer: str, feature_id: str,
                    carried: Mapping[str, Any] | None = None,
                    placed_by: str = "an editor",
                    repairs: list[Repair] | None = None) -> dict[str, Any]:
    """The claim record the form states; FormProblem names the first field wrong. A
    place made valid (a drawn area that crosses itself) is added to `repairs`."""
    row: dict[str, Any] = {key: (value.strip() or None) if isinstance(value, str) else value
                           for key, value in fields.items() if key in FORM_FIELDS}
    row.update({key: value for key, value in (carried or {}).items()
                if key not in row and key not in _FOR_READING})
    if row.get("wkt"):
        row.pop("lon", None)
        row.pop("lat", None)
    if row.get("sources_json"):
        # The form edits the first source; any further ones stay as they were.
        sources = json.loads(row["sources_json"])
        first = {key: value for key, value in (sources[0] if sources else {}).items()
                 if key not in _SOURCE_FIELDS.values()}
        first.update({key: row[field] for field, key in _SOURCE_FIELDS.items()
                      if row.get(field)})
        row["sources_json"] = json.dumps([first, *sources[1:]], ensure_ascii=False)
    placed = row.get("wkt") or row.get("lon") or row.get("lat")
    if (row.get("geometry_note_en"), row.get("geometry_note_ar")) == UNPLACED_NOTE and placed:
        row["geometry_note_en"] = row["geometry_note_ar"] = None  # an event placed at last
    if not row.get("geometry_note_en") and not row.get("geometry_note_ar"):
        row["geometry_note_en"] = f"Placed on the map by {placed_by}."
        row["geometry_note_ar"] = f"وضعه على الخريطة {placed_by}."
    row["id"], row["layer"] = feature_id, layer
    columns = column_map(list(row))
    defaults = RowDefaults("the map", layer=layer, key="id")
    try:
        raw = row_record(row, None, columns, defaults, key_is_id=True, repairs=repairs)
        check_drawable(validated(raw, 0, "form"), "form")
    except (RowError, SchemaError) as e:
        problem = problem_from(e, 0, columns.fields(row))
        raise FormProblem(_MESSAGE_FIELD.get(problem.field, problem.field), problem.value,
                          problem.reason) from e
    return raw
