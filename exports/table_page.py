"""The PDF's second page: the posture table of the printed view, with its sources."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure

from exports.furniture import in_reading_order
from exports.paper import pixel_size
from exports.view import View, features_in_view
from geo.posture import PostureRow, posture_rows
from i18n import direction, t

__all__ = ["posture_table_page"]

# (column, characters before wrapping, share of the page width)
_COLUMNS = (("actor", 22, 0.14), ("place", 26, 0.16), ("count", 20, 0.12),
            ("since", 10, 0.08), ("source", 44, 0.26), ("confidence", 16, 0.1),
            ("age_days", 8, 0.06), ("status", 16, 0.08))


def _cell(row: PostureRow, column: str, lang: str) -> str:
    if column == "confidence":
        return t(f"confidence.{row.confidence}", lang)
    if column == "status":
        return t(f"table.status.{row.status}", lang)
    if column == "since":
        return row.since.isoformat() if row.since else ""
    if column == "age_days":
        return "" if row.age_days is None else str(row.age_days)
    if column == "place":
        where = t("list.comma", lang).join(part for part in (row.governorate, row.country)
                                            if part)
        return f"{row.place} ({where})" if where else row.place
    return str(getattr(row, column))


def posture_table_page(view: View, paper: str, dpi: int) -> Figure:
    width, height = pixel_size(paper, dpi)
    figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    lang = view.lang
    rtl = direction(lang) == "rtl"
    columns = list(reversed(_COLUMNS)) if rtl else list(_COLUMNS)
    as_of = view.as_of.isoformat() if view.as_of else t("furniture.latest", lang)
    x_text, align = (0.95, "right") if rtl else (0.05, "left")
    figure.text(x_text, 0.95, in_reading_order(t("table.page_title", lang, as_of=as_of), lang),
                fontsize=13, fontweight="bold", ha=align, va="top")
    # Events are not posture: the map's legend counts them; the table lists forces.
    rows = posture_rows([p for p in features_in_view(view, every_date=True)
                         if p.record.event is None], view.as_of,
                        view.stale_months, lang)
    if not rows:
        figure.text(x_text, 0.88, in_reading_order(t("table.empty", lang), lang), fontsize=9,
                    ha=align, va="top")
        return figure
    lefts, x = [], 0.05
    for _name, _chars, share in columns:
        lefts.append(x)
        x += share * 0.9
    y = 0.89
    size = 6.5 if len(rows) <= 14 else 5.5
    line = size / 72 * 1.35 / (height / dpi)  # one text line, as a fraction of the page

    def draw_row(cells: list[str], bold: bool) -> float:
        wrapped = [textwrap.fill(cell, chars) for cell, (_n, chars, _s) in zip(cells, columns,
                                                                              strict=True)]
        for left, text, (_n, _c, share) in zip(lefts, wrapped, columns, strict=True):
            edge, cell_align = (left + share * 0.9 - 0.006, "right") if rtl else (left, "left")
            figure.text(edge, y, in_reading_order(text, lang), fontsize=size, va="top",
                        ha=cell_align, multialignment=cell_align,
                        fontweight="bold" if bold else "normal")
        return max(text.count("\n") + 1 for text in wrapped) * line + line * 0.6

    y -= draw_row([t(f"table.{name}", lang) for name, _c, _s in columns], bold=True)
    for row in rows:
        if y < 0.06:
            figure.text(x_text, 0.03, in_reading_order(t("table.truncated", lang), lang),
                        fontsize=size, ha=align, color="#8a1c1c")
            break
        y -= draw_row([_cell(row, name, lang) for name, _c, _s in columns], bold=False)
    return figure
