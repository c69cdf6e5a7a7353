"""The card shown when a feature is hovered or clicked: what, how many, when, on whose word."""

from __future__ import annotations

import datetime as dt

from geo.schema import CONFIDENCE_LEVELS, FeatureRecord
from layers.escape import escape_map_text as esc

__all__ = ["feature_card_html"]


def _date(value: dt.date | None, inferred: bool = False) -> str:
    if value is None:
        return "not applicable (reference geography)"
    return value.isoformat() + (" (inferred from the report's weekday)" if inferred else "")


def _validity(record: FeatureRecord) -> str:
    if record.valid_from is None and record.valid_to is None:
        return "at every date"
    start = record.valid_from.isoformat() if record.valid_from else "the start"
    end = record.valid_to.isoformat() if record.valid_to else "no end given"
    note = f". {record.validity_note}" if record.validity_note else ""
    return f"from {start} to {end}{note}"


def feature_card_html(record: FeatureRecord) -> str:
    """HTML for a feature's tooltip and popup; every value from the data is escaped."""
    sources = "".join(
        f"<li>{esc(s.text())} <span class='fact'>[{esc(s.fact)}]</span></li>"
        for s in record.sources)
    approx = " (approximate)" if record.geometry_approximate else ""
    rows = [
        ("Kind", f"{esc(record.kind)} · {esc(record.actor_en)} · "
                 f"<span dir='rtl' lang='ar'>{esc(record.actor_ar)}</span>"),
        ("Count", f"<b class='count'>{esc(record.count.text_en())}</b>"
                  + (f" · <span dir='rtl' lang='ar'>{esc(record.count.words_ar)}</span>"
                     if record.count.words_ar else "")),
        ("As of", esc(_date(record.as_of))),
        ("Reported on", esc(_date(record.reported_on, record.reported_on_inferred))),
        ("Shown", esc(_validity(record))),
        ("Confidence", esc(CONFIDENCE_LEVELS[record.confidence])),
        ("Geometry", esc(record.geometry_note) + approx),
    ]
    table = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
    return (
        f"<div class='posture-card' data-feature='{esc(record.id)}'>"
        f"<div class='name'><b>{esc(record.name_en)}</b> · "
        f"<span dir='rtl' lang='ar'>{esc(record.name_ar)}</span></div>"
        f"<div class='summary'>{esc(record.summary_en)}</div>"
        f"<table>{table}</table>"
        f"<div class='sources'>Sources:<ul>{sources}</ul></div></div>"
    )
