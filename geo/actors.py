"""The actors table (data/actors.json): who each force is, and its affiliation from
each viewpoint the map can take."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from geo.checks import check_identifier, check_text, shown
from geo.errors import SchemaError
from geo.paths import read_data_json
from geo.sidc import AFFILIATIONS

__all__ = ["ACTORS_FILE", "Actor", "Viewpoint", "actor", "actors", "affiliation",
           "default_viewpoint", "viewpoint", "viewpoint_title", "viewpoints"]

ACTORS_FILE = "actors.json"
MAX_TITLE_CHARS = 200


@dataclass(frozen=True)
class Viewpoint:
    id: str
    title_en: str
    title_ar: str
    rule_en: str
    rule_ar: str
    default_affiliation: str

    def title(self, lang: str) -> str:
        return self.title_ar if lang == "ar" else self.title_en

    def rule(self, lang: str) -> str:
        return self.rule_ar if lang == "ar" else self.rule_en


@dataclass(frozen=True)
class Actor:
    id: str
    name_en: str
    name_ar: str
    # The unit symbol's text amplifier: short enough to sit beside the frame.
    designation_en: str
    designation_ar: str
    affiliation: dict[str, str] = field(hash=False, compare=False)

    def name(self, lang: str) -> str:
        return self.name_ar if lang == "ar" else self.name_en

    def designation(self, lang: str) -> str:
        return self.designation_ar if lang == "ar" else self.designation_en


def _object(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: must be an object, got {shown(raw)}")
    return raw


def _affiliation_value(value: Any, where: str, key: str) -> str:
    if value not in AFFILIATIONS:
        raise SchemaError(f"{where}: {key} must be one of {AFFILIATIONS}, got {shown(value)}")
    return value


def _unique(ids: list[str], what: str) -> list[str]:
    if len(set(ids)) != len(ids):
        raise SchemaError(f"{ACTORS_FILE}: {what} ids must be unique, got {ids}")
    return ids


@cache
def _table() -> tuple[tuple[Viewpoint, ...], tuple[Actor, ...], str]:
    raw = _object(read_data_json(ACTORS_FILE, "actors table"), ACTORS_FILE)
    raw_viewpoints, raw_actors = raw.get("viewpoints"), raw.get("actors")
    if not isinstance(raw_viewpoints, list) or not raw_viewpoints:
        raise SchemaError(f"{ACTORS_FILE}: 'viewpoints' must be a non-empty list")
    if not isinstance(raw_actors, list):
        raise SchemaError(f"{ACTORS_FILE}: 'actors' must be a list")
    found_viewpoints = []
    for index, entry in enumerate(raw_viewpoints):
        where = f"{ACTORS_FILE}: viewpoint #{index}"
        entry = _object(entry, where)
        viewpoint_id = check_identifier(entry.get("id"), where)
        where = f"{ACTORS_FILE}: viewpoint {viewpoint_id!r}"
        found_viewpoints.append(Viewpoint(
            id=viewpoint_id,
            **{key: check_text(entry.get(key), where, key, max_chars=MAX_TITLE_CHARS)
               for key in ("title_en", "title_ar")},
            **{key: check_text(entry.get(key), where, key) for key in ("rule_en", "rule_ar")},
            default_affiliation=_affiliation_value(entry.get("default_affiliation"), where,
                                                   "default_affiliation")))
    viewpoint_ids = _unique([v.id for v in found_viewpoints], "viewpoint")
    default = raw.get("default_viewpoint")
    if default not in viewpoint_ids:
        raise SchemaError(f"{ACTORS_FILE}: 'default_viewpoint' must be one of {viewpoint_ids}, "
                          f"got {shown(default)}")
    found_actors = []
    for index, entry in enumerate(raw_actors):
        where = f"{ACTORS_FILE}: actor #{index}"
        entry = _object(entry, where)
        actor_id = check_identifier(entry.get("id"), where)
        where = f"{ACTORS_FILE}: actor {actor_id!r}"
        sides = _object(entry.get("affiliation", {}), f"{where}: field 'affiliation'")
        for viewpoint_id, value in sides.items():
            if viewpoint_id not in viewpoint_ids:
                raise SchemaError(f"{where}: affiliation names viewpoint {shown(viewpoint_id)}, "
                                  f"which is not one of {viewpoint_ids}")
            _affiliation_value(value, where, f"affiliation.{viewpoint_id}")
        found_actors.append(Actor(
            id=actor_id,
            **{key: check_text(entry.get(key), where, key, max_chars=MAX_TITLE_CHARS)
               for key in ("name_en", "name_ar", "designation_en", "designation_ar")},
            affiliation=dict(sides)))
    _unique([a.id for a in found_actors], "actor")
    return tuple(found_viewpoints), tuple(found_actors), default


def viewpoints() -> tuple[Viewpoint, ...]:
    return _table()[0]


def actors() -> tuple[Actor, ...]:
    return _table()[1]


def default_viewpoint() -> str:
    return _table()[2]


def actor(actor_id: str) -> Actor:
    for candidate in actors():
        if candidate.id == actor_id:
            return candidate
    raise KeyError(actor_id)


def viewpoint(viewpoint_id: str) -> Viewpoint:
    return next(v for v in viewpoints() if v.id == viewpoint_id)


def viewpoint_title(viewpoint_id: str, lang: str) -> str:
    return viewpoint(viewpoint_id).title(lang)


def affiliation(actor_id: str, viewpoint_id: str) -> str:
    """Friend, hostile, neutral or unknown: how `viewpoint_id` sees the actor."""
    default = viewpoint(viewpoint_id).default_affiliation
    return actor(actor_id).affiliation.get(viewpoint_id, default)
