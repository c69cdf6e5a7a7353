"""What changed between two days, read for a view and worded: the page's "What changed"
section (ui/changes_panel.py) and `posture-export --changes-since` (a CSV) share it."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from geo.change_words import describe_changes
from geo.claims import Claim
from geo.errors import SchemaError
from geo.filters import Filters
from geo.what_changed import CHANGE_KINDS, ChangeItem, ChangeReport, what_changed
from i18n import t
from layers.catalogue import LayerEntry, features_of
from store.features import feature_trails, recorded, retracted_things, store_version
from store.location import store_location

__all__ = ["CSV_COLUMNS", "change_report", "change_what", "change_who", "write_changes",
           "write_changes_csv"]

CSV_COLUMNS = ("change", "id", "name", "layer", "day", "what", "recorded_by", "recorded_at",
               "sources", "reason")


def change_report(entries: Iterable[LayerEntry], since: dt.date, until: dt.date,
                  filters: Filters, known_on: dt.date | None) -> ChangeReport:
    """The report of the layers `entries` through `filters`, as known on `known_on`:
    made once per store version and question (the page asks on every rerun)."""
    return _report(store_location(), store_version(), tuple(entries), since, until, filters,
                   known_on)


@lru_cache(maxsize=16)
def _report(location: str, version: str, entries: tuple[LayerEntry, ...], since: dt.date,
            until: dt.date, filters: Filters, known_on: dt.date | None) -> ChangeReport:
    layers = {e.id for e in entries}
    features = [p for e in entries for p in features_of(e, known_on)]
    retracted = [(c, r) for c, r in retracted_things(known_on)
                 if _readable(c) and c.record.layer in layers]
    return what_changed(features, since, until, recorded=recorded(known_on),
                        trails=feature_trails(known_on), retracted=retracted,
                        keep=filters.keeps)


def _readable(claim: Claim) -> bool:
    """Whether the claim's record reads under today's schema: one that does not is left
    out of the list (the map's "could not be drawn" notice names current ones), never
    the reason the list fails."""
    try:
        claim.record  # noqa: B018
    except SchemaError:
        return False
    return True


def change_what(item: ChangeItem, lang: str) -> str:
    """What the change was, in words: a count's two figures, a correction's fields."""
    record = item.record
    day = item.day.isoformat() if item.day else "—"
    if item.kind == "count_changed" and item.before is not None:
        return t("whatchanged.count_line", lang, before=item.before.count.text(lang),
                 after=record.count.text(lang), day=day)
    if item.kind == "corrected" and item.raws is not None:
        return t("list.semicolon", lang).join(c.text() for c in describe_changes(*item.raws, lang))
    if item.kind == "retracted":
        return t("whatchanged.retracted_line", lang, day=day, reason=item.reason or "")
    return t(f"whatchanged.{item.kind}_line", lang, count=record.count.text(lang), day=day)


def _sources(item: ChangeItem, lang: str) -> str:
    return t("list.semicolon", lang).join(s.cited(lang, "()") for s in item.record.sources)


def change_who(item: ChangeItem, lang: str) -> str:
    """Who recorded it, when, and on whose word."""
    return t("whatchanged.who", lang, who=item.recorded_by or "—",
             when=item.recorded_at.date().isoformat() if item.recorded_at else "—",
             sources=_sources(item, lang))


def write_changes_csv(report: ChangeReport, path: Path, lang: str) -> None:
    """One row per change, in the order of CHANGE_KINDS; events counted in the last rows."""
    with path.open("w", encoding="utf-8", newline="") as out:
        write_changes(report, out, lang)


def write_changes(report: ChangeReport, out: TextIO, lang: str) -> None:
    """write_changes_csv's rows, into `out` (the page's download holds them in memory)."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for kind in CHANGE_KINDS:
        for item in report.of(kind):
            writer.writerow([
                kind, item.feature_id, item.record.text("name", lang) or "",
                item.record.layer, item.day.isoformat() if item.day else "",
                change_what(item, lang), item.recorded_by,
                item.recorded_at.isoformat() if item.recorded_at else "",
                _sources(item, lang), item.reason or ""])
    for layer, count in sorted(report.events_by_layer.items()):
        writer.writerow(["events", "", "", layer, "",
                         t("whatchanged.events_csv", lang, n=count), "", "", "", ""])
