"""The card shown when a feature is hovered or clicked: what, how many, when, on whose word."""

from __future__ import annotations

import datetime as dt

from geo.schema import FeatureRecord
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
    if record.valid_from is None and record.valid_to is None:
        return esc(t("card.always", lang))
    start = isolate(record.valid_from.isoformat()) if record.valid_from else None
    end = isolate(record.valid_to.isoformat()) if record.valid_to else None
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


def feature_card_html(record: FeatureRecord, lang: str = "en") -> str:
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
                          if lang == "en" and record.count.words_ar else "")),
        ("card.as_of", _date(record.as_of, lang)),
        ("card.reported_on", _date(record.reported_on, lang, record.reported_on_inferred)),
        ("card.shown", _validity(record, lang)),
        ("card.confidence", confidence_html(record.confidence, lang)),
        ("card.geometry", esc(record.text("geometry_note", lang) or "") + approx),
    ]
    table = "".join(f"<tr><th>{esc(t(label, lang))}</th><td>{value}</td></tr>"
                    for label, value in rows)
    return (
        f"<div class='posture-card' dir='{direction(lang)}' lang='{lang}' "
        f"data-feature='{esc(record.id)}'>"
        f"<div class='name'><b>{esc(record.text('name', lang))}</b> · "
        f"{isolate(record.text('name', other) or '', other)}</div>"
        f"<div class='summary'>{esc(record.text('summary', lang) or '')}</div>"
        f"<table>{table}</table>"
        f"<div class='sources'>{esc(t('card.sources', lang))}<ul>{sources}</ul></div></div>"
    )
