"""Where the map and its furniture go on the page: beside the map on landscape pages and
screens, under it on portrait pages (beside it, the legend ran off an A4 portrait page)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Column", "PageLayout", "page_layout"]


@dataclass(frozen=True)
class Column:
    """A column of furniture, as figure fractions: its left and right edges and its top."""

    left: float
    right: float
    top: float


@dataclass(frozen=True)
class PageLayout:
    map_axes: tuple[float, float, float, float]  # left, bottom, width, height
    legend: Column  # the legend and the circle-size key, under or beside it
    sources: Column  # the same column as the legend (under it), or one of its own
    sources_under_legend: bool

    @property
    def map_right(self) -> float:
        return self.map_axes[0] + self.map_axes[2]


_SIDE_COLUMN = Column(0.75, 0.97, 0.90)  # legend, size key and sources, one under another
LANDSCAPE = PageLayout((0.03, 0.16, 0.70, 0.74), _SIDE_COLUMN, _SIDE_COLUMN, True)
# Two columns under the map: the wide one for the legend with the size key beside it,
# the narrow one for the sources; right to left, the legend's column is on the right.
_PORTRAIT_MAP = (0.05, 0.47, 0.90, 0.42)
_TOP = 0.45


def page_layout(width: float, height: float, rtl: bool) -> PageLayout:
    """The layout for a page of `width` × `height` inches, in the page's direction."""
    if width >= height:
        return LANDSCAPE
    if rtl:
        return PageLayout(_PORTRAIT_MAP, Column(0.42, 0.95, _TOP), Column(0.05, 0.39, _TOP),
                          False)
    return PageLayout(_PORTRAIT_MAP, Column(0.05, 0.58, _TOP), Column(0.61, 0.95, _TOP), False)
