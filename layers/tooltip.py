"""The card shown when a feature is hovered or clicked: what, how many, when, on whose word."""

from __future__ import annotations

import datetime as dt

from geo.change_words import describe_changes
from geo.claims import TrailEntry
from geo.schema import FeatureRecord
from geo.timeline import holds_from, holds_until
from i18n import direction, t
from layers.escape import escape_map_text as esc
from layers.symbology import confidence_style

__all__ = ["feature_card_html", "isolate"]


def isolate(text: str, lang: str | None = None) -> str:
    """Escaped text in its own bidi island, so numbers, dates and fact ids in a
    sentence of the other direction keep their order."""
    attribute = f" dir='{direction(lang)}' lang='{lang}'" if lang else ""
    return f"<bdi{attribute}>{esc(text)}</bdi>"


def _date(value: dt.date | None, lang: str, inferred: bool = False) -> str:
    if value is None:
        return esc(t("card.not_applicable", lang))
    date = isolate(value.isoformat())
    return t("card.inferred", lang, date=date) if inferred else date


def _validity(record: FeatureRecord, lang: str) -> str:
    # The interval the map shows it in: the time model's, not the fields as given (a
    # claim without valid_from holds from its as-of date, never "at every date").
    first, last = holds_from(record), holds_until(record)
    if first is None and last is None:
        return esc(t("card.always", lang))
    start = isolate(first.isoformat()) if first else None
    end = isolate(last.isoformat()) if last else None
    # One sentence per case: "from X to <no end given>" is ungrammatical in Arabic.
    if start and end:
        interval = t("card.from_to", lang, start=start, end=end)
    elif start:
        interval = t("card.from_open", lang, start=start)
    else:
        interval = t("card.until", lang, end=end)
    note = record.text("validity_note", lang)
    return interval + (f". {esc(note)}" if note else "")


def confidence_html(confidence: str, lang: str) -> str:
    mark = confidence_style(confidence).mark
    return (f"<span class='confidence-mark'>{esc(mark)}</span> " if mark else "") \
        + esc(t(f"confidence.{confidence}", lang))


# A card lists a thing's latest history lines; `posture-history ID` prints them all.
TRAIL_LINES = 4


def _trail_line(entry: TrailEntry, lang: str) -> str:
    date = isolate(entry.recorded_at.date().isoformat())
    who = isolate(entry.recorded_by)
    if entry.retraction_reason is not None:
        return t("card.history_retracted", lang, date=date, who=who,
                 reason=esc(entry.retraction_reason))
    if entry.first or not entry.changes:
        return t("card.history_recorded", lang, date=date, who=who)
    worded = describe_changes(*entry.raws, lang) if entry.raws else []
    fields = t("list.comma", lang).join(
        f"{isolate(c.label)} ({isolate(shown_value(c.before))} → {isolate(shown_value(c.after))})"
        for c in worded[:3])
    more = len(worded) - 3
    return t("card.history_changed", lang, date=date, who=who, fields=fields) + (
        f" {esc(t('card.history_more', lang, n=more))}" if more > 0 else "")


def _trail_html(trail: tuple[TrailEntry, ...], lang: str) -> str:
    lines = [f"<li>{_trail_line(entry, lang)}</li>" for entry in trail[-TRAIL_LINES:]]
    earlier = len(trail) - TRAIL_LINES
    if earlier > 0:
        lines.insert(0, f"<li>{esc(t('card.history_earlier', lang, n=earlier))}</li>")
    return f"<ul class='history'>{''.join(lines)}</ul>"


def shown_value(value: object) -> str:
    text = "—" if value is None else f"{value:,}" if isinstance(value, int) and not \
        isinstance(value, bool) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def feature_card_html(record: FeatureRecord, lang: str = "en",
                      trail: tuple[TrailEntry, ...] = ()) -> str:
    """HTML for a feature's tooltip and popup in `lang`; every value from the data is escaped.

    The other language's name stays beside the title, so a reader can match the
    card to sources written in either.
    """
    other = "en" if lang == "ar" else "ar"
    sources = "".join(
        f"<li>{esc(s.text(lang))}"
        + (f" <span class='fact'>[{isolate(s.fact)}]</span>" if s.fact else "")
        + (f" <span class='link'>{isolate(s.link)}</span>" if s.link else "") + "</li>"
        for s in record.sources)
    approx = f" {esc(t('card.approximate', lang))}" if record.geometry_approximate else ""
    rows = [
        ("card.kind", f"{esc(record.text('kind', lang))} · {esc(record.text('actor', lang))}"),
        # The seed is Arabic: its own words for a count stay beside the English ones.
        ("card.count", f"<b class='count'>{esc(record.count.text(lang))}</b>"
                       + (f" · {isolate(record.count.words_ar, 'ar')}"
                          if lang == "en" and record.count.words_ar
                          and "count.words_ar" not in record.filled else "")),
        ("card.as_of", _date(record.as_of, lang)),
        ("card.reported_on", _date(record.reported_on, lang, record.reported_on_inferred)),
        ("card.shown", _validity(record, lang)),
        ("card.confidence", confidence_html(record.confidence, lang)),
        ("card.geometry", esc(record.text("geometry_note", lang) or "") + approx),
    ]
    if trail:
        rows.append(("card.history", _trail_html(trail, lang)))
    table = "".join(f"<tr><th>{esc(t(label, lang))}</th><td>{value}</td></tr>"
                    for label, value in rows)
    return (
        f"<div class='posture-card' dir='{direction(lang)}' lang='{lang}' "
        f"data-feature='{esc(record.id)}'>"
        f"<div class='name'><b>{esc(record.text('name', lang))}</b>"
        + ("" if f"name_{other}" in record.filled else
           f" · {isolate(record.text('name', other) or '', other)}") + "</div>"
        f"<div class='summary'>{esc(record.text('summary', lang) or '')}</div>"
        f"<table>{table}</table>"
        f"<div class='sources'>{esc(t('card.sources', lang))}<ul>{sources}</ul></div></div>"
    )
