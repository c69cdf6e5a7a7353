"""Load the feature records and give each its geometry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import numpy as np
import shapely
from shapely import Geometry
from shapely.errors import ShapelyError
from shapely.geometry import LineString, Point, shape

from geo.actors import actor
from geo.basemap import governorates
from geo.checks import check_identifier, check_text, shown
from geo.derive import arrow, resolve_geometry_ref
from geo.errors import SchemaError
from geo.paths import read_data_json
from geo.schema import FEATURES_FILE, Count, FeatureRecord, Source, parse_feature

__all__ = ["UNPLACED", "PlacedFeature", "Undrawable", "check_record_set", "governorate_labels",
           "load_features", "place", "place_each", "record_set_problems", "seed_raws",
           "series_titles"]


# About 200 m: finer than a pixel at the zooms the map allows below 9, and it
# keeps the page light. Measurements use the full-precision geometry.
DISPLAY_TOLERANCE_DEG = 0.002
DISPLAY_GRID_DEG = 1e-4


@dataclass(frozen=True)
class PlacedFeature:
    """A validated record with the geometry it is measured on."""

    record: FeatureRecord
    geometry: Geometry

    @cached_property
    def display_geometry(self) -> Geometry:
        """The geometry as drawn: simplified lines and areas, rounded coordinates."""
        if self.geometry.geom_type == "Point" or self.record.symbol == "arrow":
            return self.geometry
        simple = self.geometry.simplify(DISPLAY_TOLERANCE_DEG, preserve_topology=True)
        return shapely.set_precision(simple, DISPLAY_GRID_DEG)

    @cached_property
    def movement(self) -> LineString | None:
        """For an arrow, the two-point line it was drawn from: where from, where to."""
        if self.record.symbol != "arrow":
            return None
        if self.record.geometry_ref is not None:
            return resolve_geometry_ref(self.record.geometry_ref)  # type: ignore[return-value]
        return shape(self.record.geometry)  # type: ignore[return-value]


@cache
def _feature_file() -> dict[str, Any]:
    payload = read_data_json(FEATURES_FILE, "feature file")
    if not isinstance(payload, dict) or not isinstance(payload.get("features"), list):
        raise SchemaError(f"{FEATURES_FILE}: expected an object with a 'features' list")
    return payload


@cache
def series_titles() -> dict[str, tuple[str, str]]:
    """Each series' name in English and Arabic: one force in one country over time."""
    raw = _feature_file().get("series", {})
    if not isinstance(raw, dict):
        raise SchemaError(f"{FEATURES_FILE}: 'series' must be an object of series ids")
    titles = {}
    for series_id, entry in raw.items():
        where = f"{FEATURES_FILE}: series {shown(series_id)}"
        check_identifier(series_id, where)
        if not isinstance(entry, dict):
            raise SchemaError(f"{where}: must be an object with title_en and title_ar")
        titles[series_id] = (check_text(entry.get("title_en"), where, "title_en", max_chars=200),
                             check_text(entry.get("title_ar"), where, "title_ar", max_chars=200))
    return titles


def seed_raws() -> list[Any]:
    """The committed data's feature records, as written (the store's seed)."""
    return _feature_file()["features"]


@cache
def load_features() -> tuple[FeatureRecord, ...]:
    """Read and validate data/features.json; ids must be unique, series declared, every
    geometry drawable."""
    records = tuple(parse_feature(raw, index) for index, raw in enumerate(seed_raws()))
    check_record_set(records)
    # The committed file is held to all of it, geometry too: a reading of the store sets
    # an undrawable claim aside (place_each), but the seed's own must be drawable.
    place(records)
    return records


def check_record_set(records: Iterable[FeatureRecord], where: str = FEATURES_FILE) -> None:
    """What holds across records: ids unique, actors listed, series declared and kept
    to one layer each. SchemaError names the first record that breaks it."""
    problems = record_set_problems(tuple(records))
    if problems:
        raise SchemaError(f"{where}: {problems[min(problems)]}")


def record_set_problems(records: tuple[FeatureRecord, ...]) -> dict[int, str]:
    """What check_record_set finds, by each offending record's position: a reading of the
    store leaves those records off and draws the rest. A series spanning layers is
    blamed on the records outside its most used layer."""
    problems: dict[int, str] = {}
    seen: set[str] = set()
    declared = series_titles()
    layers_of: dict[str, dict[str, list[int]]] = {}
    for index, record in enumerate(records):
        if record.id in seen:
            problems[index] = f"feature id {record.id!r} is used twice"
            continue
        seen.add(record.id)
        if record.actor is not None:
            try:
                actor(record.actor)
            except KeyError:
                problems[index] = (f"feature {record.id!r}: field 'actor' is "
                                   f"{record.actor!r}, which actors.json does not list")
                continue
        if record.series is not None:
            if record.series not in declared:
                problems[index] = (f"feature {record.id!r}: field 'series' is "
                                   f"{record.series!r}, which the file's 'series' does not "
                                   "declare")
                continue
            # The map supersedes within a series layer by layer.
            layers_of.setdefault(record.series, {}).setdefault(record.layer, []).append(index)
    for series, layers in layers_of.items():
        if len(layers) > 1:
            kept = max(layers, key=lambda layer: len(layers[layer]))
            for layer, indexes in layers.items():
                for index in indexes if layer != kept else ():
                    problems[index] = (f"series {series!r} spans layers {sorted(layers)}; "
                                       "a series keeps to one layer")
    return problems


# An unplaced event's geometry: empty, so it intersects no view and no bounds.
UNPLACED = Point()


def _points_made(records: tuple[FeatureRecord, ...]) -> dict[int, Point]:
    """The plain two-coordinate Points of `records` (by position), made in one call:
    shapely's Point() one by one took 9 µs each, most of placing 100,000 events. Each is
    finite, so valid; any other record's geometry is made, and checked, on its own."""
    where = [index for index, record in enumerate(records)
             if record.geometry is not None and record.symbol != "arrow"
             and record.geometry.get("type") == "Point"
             and len(record.geometry.get("coordinates") or ()) == 2]
    if not where:
        return {}
    try:
        coordinates = np.array([records[index].geometry["coordinates"]  # type: ignore[index]
                                for index in where], dtype=float)
    except (TypeError, ValueError):
        return {}
    finite = np.isfinite(coordinates).all(axis=1)
    made = shapely.points(coordinates)
    return {index: point for index, point, ok in zip(where, made, finite, strict=True) if ok}


def _geometry_of(record: FeatureRecord, where: str | None = None,
                 made: Point | None = None) -> Geometry:
    """`made`: the record's Point already made from its coordinates (_points_made)."""
    where = where or f"{FEATURES_FILE}: feature {record.id!r}"
    if record.unplaced:
        return UNPLACED
    if made is not None:
        return made
    if record.geometry_ref is not None:
        try:
            geometry = resolve_geometry_ref(record.geometry_ref)
        except SchemaError as e:
            raise SchemaError(f"{where}: field 'geometry_ref': {e}") from e
    else:
        # The schema checked types, nesting and ranges; shapely may still refuse
        # a shape (a ring of three positions, say).
        try:
            geometry = shape(record.geometry)
        except (ShapelyError, AttributeError, KeyError, TypeError, ValueError,
                IndexError) as e:
            raise SchemaError(f"{where}: field 'geometry' is not a valid GeoJSON "
                              f"{record.geometry.get('type') if record.geometry else ''}: "
                              f"{e}") from e
    if record.symbol == "arrow":
        if not isinstance(geometry, LineString) or len(geometry.coords) != 2:
            raise SchemaError(f"{where}: field 'geometry': an arrow needs a two-point "
                              "LineString")
        if geometry.length == 0:
            raise SchemaError(f"{where}: field 'geometry': an arrow's two points must differ")
        geometry = arrow(geometry.coords[0], geometry.coords[-1])
    if record.symbol in ("point", "proportional", "place", "label") and not isinstance(
            geometry, Point):
        raise SchemaError(f"{where}: field 'geometry': symbol {record.symbol!r} needs a Point")
    if geometry.is_empty or not geometry.is_valid:
        raise SchemaError(f"{where}: field 'geometry' is empty or invalid "
                          f"({shapely.is_valid_reason(geometry)})")
    return geometry


@cache
def governorate_labels() -> tuple[PlacedFeature, ...]:
    """Name labels for Iraq's and Syria's governorates, sourced to Natural Earth."""
    labels = []
    for row in governorates().itertuples():
        point = (Point(row.label_lon, row.label_lat) if row.label_lon is not None
                 else row.geometry.representative_point())
        record = FeatureRecord(
            id=f"governorate-{row.iso_3166_2}", layer="context", symbol="label",
            name_en=row.name_en, name_ar=row.name_ar, kind="governorate name",
            kind_ar="اسم محافظة",
            actor_en="Iraq" if row.iso_a2 == "IQ" else "Syria",
            actor_ar="العراق" if row.iso_a2 == "IQ" else "سوريا",
            summary_en=f"Governorate {row.iso_3166_2}.", summary_ar=f"محافظة {row.iso_3166_2}.",
            count=Count(words_en="no figure given", words_ar="لم يُذكر رقم"),
            as_of=None, reported_on=None, reported_on_inferred=False,
            sources=(Source(who="Natural Earth 1:10m admin-1", via=None, fact="basemap",
                            who_ar="Natural Earth 1:10m، التقسيمات الإدارية"),),
            confidence="reference", geometry_approximate=False,
            geometry_note=f"Natural Earth's label point for governorate {row.iso_3166_2}.",
            geometry_note_ar=f"نقطة التسمية في Natural Earth للمحافظة {row.iso_3166_2}.",
            geometry=None, geometry_ref=f"admin1:{row.iso_3166_2}",
        )
        labels.append(PlacedFeature(record, point))
    return tuple(labels)


def place(records: Iterable[FeatureRecord]) -> tuple[PlacedFeature, ...]:
    """Each record with its geometry resolved (the store's placed_features calls this)."""
    return tuple(PlacedFeature(record, _geometry_of(record)) for record in records)


@dataclass(frozen=True)
class Undrawable:
    """A stored claim the map cannot draw: left off the map and every export, and named
    with why, so that an editor can still open it (`feature`), correct or retract it."""

    feature_id: str
    layer: str
    reason: str
    # The claim as far as it can be read, for the editor's form (its geometry as stored,
    # or empty); None when the record itself cannot be read.
    feature: PlacedFeature | None


def _as_stored(record: FeatureRecord) -> PlacedFeature:
    try:
        geometry = shape(record.geometry) if record.geometry is not None else UNPLACED
    except (ShapelyError, AttributeError, KeyError, TypeError, ValueError, IndexError):
        geometry = UNPLACED
    return PlacedFeature(record, geometry)


def place_each(records: Iterable[FeatureRecord]
               ) -> tuple[tuple[PlacedFeature, ...], tuple[Undrawable, ...]]:
    """`place`, record by record: what cannot be drawn (a geometry that crosses itself,
    an actor no longer listed) is set aside with its reason instead of failing them all."""
    records = tuple(records)
    problems = record_set_problems(records)
    points = _points_made(records)
    placed, undrawable = [], []
    for index, record in enumerate(records):
        reason = problems.get(index)
        if reason is None:
            where = f"feature {record.id!r}"
            try:
                placed.append(PlacedFeature(record, _geometry_of(record, where,
                                                                 points.get(index))))
                continue
            except SchemaError as e:
                reason = str(e).removeprefix(f"{where}: ")
        undrawable.append(Undrawable(record.id, record.layer, reason, _as_stored(record)))
    return tuple(placed), tuple(undrawable)
