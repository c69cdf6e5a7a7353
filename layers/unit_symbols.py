"""Military unit symbols (MIL-STD-2525D / APP-6D) drawn by milsymbol, one SVG per
code and amplifier set, for the live map, the legend and every export.

milsymbol loads its tables on the first symbol (about half a second) and returns a
placeholder, after about 190 ms, for a code it does not know: so every code is
checked once when the data loads, and each symbol is drawn once per process.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache

import milsymbol

from geo.actors import actor, affiliation, default_viewpoint, viewpoints
from geo.errors import SchemaError
from geo.features import PlacedFeature
from geo.schema import FEATURES_FILE, FeatureRecord
from geo.sidc import with_affiliation
from layers import symbol_cache
from layers.symbology import ARROW_PX, screen_angle

__all__ = [
    "SYMBOL_FONT",
    "SYMBOL_SIZE",
    "Display",
    "UnitKind",
    "UnitSymbol",
    "check_unit_codes",
    "feature_symbol",
    "known_unit_code",
    "symbol_anchor",
    "symbol_shift_px",
    "unit_kinds",
    "unit_symbol",
    "viewpoint_variants",
]

# milsymbol's size: the frame's height in CSS pixels is about 0.75 × this.
SYMBOL_SIZE = 26
SYMBOL_FONT = "DejaVu Sans, Arial, sans-serif"

# First strong right-to-left letter: Arabic (and Hebrew) blocks.
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


@dataclass(frozen=True)
class Display:
    """How the map draws units: as symbols (or plain markers), seen from a viewpoint."""

    units: bool = True
    viewpoint: str = field(default_factory=default_viewpoint)

    def as_json(self) -> dict[str, object]:
        return {"units": self.units, "viewpoint": self.viewpoint}


@dataclass(frozen=True)
class UnitSymbol:
    """One drawn symbol: its SVG, its size in CSS pixels, and the point of the frame
    (its centre) that sits on the feature's position."""

    svg: str
    width: float
    height: float
    anchor_x: float
    anchor_y: float


def _isolated(text: str) -> str:
    # An Arabic amplifier ("نحو 2,500") keeps its own right-to-left order inside the
    # symbol, whose text runs are laid out left to right: a right-to-left isolate.
    return f"\u2067{text}\u2069" if text and _RTL.search(text) else text


def _safe_for_scripts(svg: str) -> str:
    # milsymbol escapes <, > and & in amplifier text; the SVG also travels inside JS
    # template literals and string attributes, so backticks, "$" and backslashes go too.
    return svg.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


# milsymbol's first call loads its tables: two threads (the server's warm-up and the
# first page) must not both load them.
_milsymbol = threading.Lock()


@lru_cache(maxsize=1024)
def unit_symbol(sidc: str, quantity: str = "", designation: str = "",
                size: float = SYMBOL_SIZE) -> UnitSymbol:
    """The symbol for a code with its quantity (above the frame) and unique designation."""
    key = json.dumps(["symbol", sidc, quantity, designation, size])
    kept = symbol_cache.lookup(key)
    if kept is not None:
        return UnitSymbol(**kept)
    with _milsymbol:
        symbol = milsymbol.Symbol(sidc, size=size, quantity=_isolated(quantity),
                                  unique_designation=_isolated(designation),
                                  font_family=SYMBOL_FONT)
        dimensions, anchor = symbol.get_size(), symbol.get_anchor()
        drawn = UnitSymbol(svg=_safe_for_scripts(symbol.as_svg()),
                           width=round(float(dimensions["width"]), 2),
                           height=round(float(dimensions["height"]), 2),
                           anchor_x=round(float(anchor["x"]), 2),
                           anchor_y=round(float(anchor["y"]), 2))
    symbol_cache.remember(key, asdict(drawn))
    return drawn


def feature_symbol(record: FeatureRecord, viewpoint_id: str, lang: str,
                   amplifiers: bool = True) -> UnitSymbol | None:
    """A unit feature's symbol as `viewpoint_id` sees it, amplifiers (count and force) in
    `lang`; None for features that are not units."""
    if record.sidc is None or record.actor is None:
        return None
    code = with_affiliation(record.sidc, affiliation(record.actor, viewpoint_id))
    if not amplifiers:
        return unit_symbol(code)
    return unit_symbol(code, record.count.amplifier(lang), actor(record.actor).designation(lang))


@dataclass(frozen=True)
class UnitKind:
    """One legend entry: a symbol code as a viewpoint draws it, and whose it is."""

    code: str
    actor: str
    affiliation: str


def unit_kinds(records: Iterable[FeatureRecord], viewpoint_id: str) -> list[UnitKind]:
    """The distinct (code, actor) pairs of the unit records, in order, from a viewpoint:
    what the live legend and the printed one each list once."""
    kinds: dict[tuple[str, str], UnitKind] = {}
    for record in records:
        if record.sidc is None or record.actor is None:
            continue
        side = affiliation(record.actor, viewpoint_id)
        code = with_affiliation(record.sidc, side)
        kinds.setdefault((code, record.actor), UnitKind(code, record.actor, side))
    return list(kinds.values())


def viewpoint_variants(record: FeatureRecord) -> dict[str, tuple[str, ...]]:
    """The affiliations the feature can take, each with the viewpoints that give it it."""
    variants: dict[str, list[str]] = {}
    if record.sidc is not None and record.actor is not None:
        for viewpoint in viewpoints():
            variants.setdefault(affiliation(record.actor, viewpoint.id), []).append(viewpoint.id)
    return {side: tuple(ids) for side, ids in variants.items()}


def symbol_anchor(p: PlacedFeature) -> tuple[float, float]:
    """(lat, lon) where a unit's symbol stands: on its point, at the middle of its line
    or its movement, or inside its area."""
    if p.record.symbol == "arrow" and p.movement is not None:
        point = p.movement.interpolate(0.5, normalized=True)
    elif p.record.symbol in ("line", "deployment_line"):
        point = p.display_geometry.interpolate(0.5, normalized=True)
    elif p.geometry.geom_type == "Point":
        point = p.geometry
    else:
        point = p.geometry.representative_point()
    return point.y, point.x


def symbol_shift_px(p: PlacedFeature, slot: tuple[int, int] = (0, 1)) -> tuple[float, float]:
    """Screen pixels (x right, y down) from the anchor to the symbol's frame centre.

    Behind a movement arrow's tail, so the arrow reads as the unit's move; side by side
    where `slot` (index, count) says several units share one anchor (country totals).
    """
    frame_half = SYMBOL_SIZE * 0.75
    x = y = 0.0
    if p.record.symbol == "arrow" and p.movement is not None:
        angle = math.radians(screen_angle(p.movement.coords[0], p.movement.coords[-1]))
        distance = ARROW_PX[0] / 2 + frame_half + 4
        x, y = -distance * math.cos(angle), -distance * math.sin(angle)
    index, count = slot
    return x + (index - (count - 1) / 2) * (2 * frame_half + 6), y


@cache
def _known(sidc: str) -> bool:
    key = json.dumps(["known", sidc])
    kept = symbol_cache.lookup(key)
    if kept is not None:
        return bool(kept)
    with _milsymbol:
        known = bool(milsymbol.Symbol(sidc, size=SYMBOL_SIZE).is_valid())
    symbol_cache.remember(key, known)
    return known


def known_unit_code(sidc: str) -> bool:
    """Whether the renderer draws `sidc` as a symbol (not its placeholder)."""
    known = _known(sidc)
    symbol_cache.save()
    return known


def check_unit_codes(records: tuple[FeatureRecord, ...]) -> None:
    """Refuse a code the renderer does not know, naming the feature and the field:
    the renderer would draw a placeholder silently."""
    for record in records:
        if record.sidc is not None and not _known(record.sidc):
            symbol_cache.save()
            raise SchemaError(f"{FEATURES_FILE}: feature {record.id!r}: field 'sidc' is "
                              f"{record.sidc!r}, which names no "
                              "MIL-STD-2525D symbol (check the symbol set and entity digits)")
    symbol_cache.save()
