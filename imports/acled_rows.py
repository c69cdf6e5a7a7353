"""ACLED's export columns into the fields the generic row rules read, and an event's
coded facts (geo/events.py) from ACLED's columns or from posture-export's own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from imports.row_values import RowError
from imports.row_values import number_value as _number
from imports.row_values import text_value as _text

__all__ = ["ACLED_PRECISION", "acled_fields", "exported_event"]

# ACLED's time_precision: 1 the day, 2 within a week, 3 within a month. A week is
# not a precision the map has, so it is given as the month: never more precise
# than the source.
ACLED_PRECISION = {"1": "day", "2": "month", "3": "month"}


def _acled_timestamp(value: Any) -> str | None:
    """ACLED's `timestamp`: when it last recorded the event, in Unix seconds."""
    text = _text(value)
    if text is None:
        return None
    try:
        return dt.datetime.fromtimestamp(int(float(text)), dt.UTC).date().isoformat()
    except (ValueError, OverflowError, OSError) as e:
        raise RowError("timestamp", value, "is not a Unix time in seconds") from e


def acled_fields(fields: dict[str, Any], get: Any) -> None:
    """ACLED's columns into the fields the generic rules read."""
    event, sub_event, location = (_text(get(c)) for c in ("event_type", "sub_event_type",
                                                          "location"))
    if fields.get("name_en") is None and fields.get("name_ar") is None and location:
        fields["name_en"] = f"{sub_event or event or 'Event'} – {location}"
    fields.setdefault("kind", None)
    if fields["kind"] is None:
        fields["kind"] = sub_event or event
    if fields.get("actor_en") is None:
        fields["actor_en"] = _text(get("actor1"))
    fatalities, _ = _number(get("fatalities"), "fatalities")
    fields["event"] = _event_facts(event, sub_event, get, fatalities)
    if fields.get("count_value") is None and fields.get("count_words_en") is None \
            and fatalities is not None:
        fields["count_words_en"] = f"{fatalities} fatalities reported"
        fields["count_words_ar"] = f"القتلى المبلغ عنهم: {fatalities}"
    if fields.get("reported_on") is None:
        fields["reported_on"] = _acled_timestamp(get("timestamp"))
        fields["acled_reported"] = fields["reported_on"] is not None
    if fields.get("as_of_precision") is None and _text(get("time_precision")):
        precision = _text(get("time_precision"))
        if precision not in ACLED_PRECISION:
            raise RowError("time_precision", precision, "must be 1, 2 or 3 (ACLED's codes)")
        fields["as_of_precision"] = ACLED_PRECISION[precision]
    geo_precision = _text(get("geo_precision"))
    if geo_precision is not None and geo_precision not in ("1", "2", "3"):
        raise RowError("geo_precision", geo_precision, "must be 1, 2 or 3 (ACLED's codes)")
    if geo_precision is not None and fields.get("geometry_approximate") is None:
        fields["geometry_approximate"] = geo_precision != "1"
        if fields.get("geometry_note") is None:
            fields["acled_geometry_note"] = True  # said of a place: not of a row without one
            fields["geometry_note"] = (f"ACLED geo_precision {geo_precision}: "
                                       + ("the town itself" if geo_precision == "1" else
                                          "near the town named" if geo_precision == "2" else
                                          "the province's capital, standing for the province"))
    if fields.get("confidence") is None:
        fields["confidence"] = "media"  # ACLED codes events from media and partner reports
    if fields.get("valid_from") is None and fields.get("valid_to") is None:
        # An event holds on its day: the map as of another day does not show it.
        fields["valid_from"] = fields["valid_to"] = fields.get("as_of")
    if fields.get("source_en") is not None and fields.get("via_en") is None:
        fields["via_en"] = "ACLED"


def _event_facts(event: str | None, sub_event: str | None, get: Any,
                 fatalities: int | None) -> dict[str, Any]:
    """The facts ACLED codes for an event (geo/events.py), as its row gives them."""
    if event is None:
        raise RowError("event_type", None, "an ACLED row needs its event_type")
    precision = _text(get("geo_precision"))
    return {"type": event, "sub_type": sub_event, "actor1": _text(get("actor1")),
            "actor2": _text(get("actor2")), "fatalities": fatalities,
            "geo_precision": int(precision) if precision in ("1", "2", "3") else None}


def exported_event(fields: dict[str, Any]) -> dict[str, Any]:
    """An event's facts from posture-export's event_* columns."""
    precision, _ = _number(fields.get("event_geo_precision"), "event_geo_precision")
    if precision is not None and precision not in (1, 2, 3):
        raise RowError("event_geo_precision", precision, "must be 1, 2 or 3")
    return {"type": _text(fields.get("event_type")),
            "sub_type": _text(fields.get("event_sub_type")),
            "actor1": _text(fields.get("event_actor1")),
            "actor2": _text(fields.get("event_actor2")),
            "fatalities": _number(fields.get("event_fatalities"), "event_fatalities")[0],
            "geo_precision": precision}
