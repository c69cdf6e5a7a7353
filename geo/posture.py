"""The posture table: one row per force on the map at a date, with where, how many,
since when, on whose word, and how old the figure is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from geo.actors import actor
from geo.basemap import country_name, governorates
from geo.derive import country_of_total
from geo.features import PlacedFeature
from geo.timeline import features_at, holds_from, holds_on, stale_at
from i18n import t

__all__ = ["STATUSES", "PostureRow", "posture_rows"]

STATUSES = ("current", "faded", "superseded")


@dataclass(frozen=True)
class PostureRow:
    feature_id: str
    actor: str
    place: str
    governorate: str
    country: str
    count: str
    since: dt.date | None
    reported_on: dt.date | None
    source: str
    confidence: str  # the level's id; the page words it
    age_days: int | None  # from the figure's date to the table's date
    status: str  # current, faded (older than the fading age) or superseded
    lat: float
    lon: float


def _where_each(features: list[PlacedFeature], lang: str) -> list[tuple[str, str]]:
    """(governorates, countries) each feature lies in, in the governorates' table order; a
    country total names its country. One query of the table's spatial index for all:
    one intersects() per feature took 40 s for a layer of 50,000 points."""
    table = governorates()
    names = table["name_ar" if lang == "ar" else "name_en"].astype(str).tolist()
    isos = [str(iso) for iso in table["iso_a2"]]
    totals = [country_of_total(p.record.geometry_ref) for p in features]
    measured = [i for i, total in enumerate(totals) if not total]
    touched: dict[int, list[int]] = {i: [] for i in measured}
    if measured:
        found, rows = table.sindex.query([features[i].geometry for i in measured],
                                         predicate="intersects")
        for index, row in sorted(zip(found.tolist(), rows.tolist(), strict=True)):
            touched[measured[index]].append(row)
    separator = t("list.comma", lang)
    where = []
    for i, total in enumerate(totals):
        if total:
            where.append(("", country_name(total, lang)))
            continue
        countries = dict.fromkeys(country_name(isos[row], lang) for row in touched[i])
        where.append((separator.join(names[row] for row in touched[i]),
                      separator.join(countries)))
    return where


def _anchor(p: PlacedFeature) -> tuple[float, float]:
    point = p.geometry if p.geometry.geom_type == "Point" else \
        p.geometry.representative_point()
    return point.y, point.x


def posture_rows(features: Iterable[PlacedFeature], date: dt.date | None,
                 stale_months: int, lang: str = "en") -> list[PostureRow]:
    """The forces in `features` at `date` (None: every date), reference geography left
    out: those drawn, then those a newer figure of their series supersedes."""
    sourced = [p for p in features if p.record.confidence != "reference"]
    valid = [p for p in sourced if date is None or holds_on(p.record, date)]
    shown = {p.record.id for p in features_at(valid, date)}
    faded = set(stale_at(valid, date, stale_months))
    rows = []
    for p, (governorate, country) in zip(valid, _where_each(valid, lang), strict=True):
        record = p.record
        status = "superseded" if record.id not in shown else \
            "faded" if record.id in faded else "current"
        lat, lon = _anchor(p)
        who = actor(record.actor).name(lang) if record.actor else record.text("actor", lang)
        rows.append(PostureRow(
            feature_id=record.id, actor=who or "", place=record.text("name", lang) or "",
            governorate=governorate, country=country, count=record.count.text(lang),
            since=holds_from(record), reported_on=record.reported_on,
            source=t("list.semicolon", lang).join(
                s.cited(lang, "()") for s in record.sources),
            confidence=record.confidence,
            age_days=(date - record.as_of).days if date and record.as_of else None,
            status=status, lat=lat, lon=lon))
    return rows
