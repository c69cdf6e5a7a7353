"""The store's tables, the same in the GeoPackage and in PostGIS.

`claims` holds every claim ever recorded, `retractions` every claim closed, `layers`
every layer an import created. None of these three is ever updated or deleted from:
triggers refuse it in both backends. `users` holds who may sign in, and is edited;
`sign_in_failures` holds the last minute's failed sign-ins.
Dates are ISO text in the GeoPackage (GDAL writes them so) and DATE in PostGIS;
SQLAlchemy's Date type reads and writes both the same way.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import (
    Column,
    Date,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
)
from sqlalchemy.types import TypeEngine

__all__ = ["CLAIM_COLUMNS", "SRID", "StoreTables", "store_tables"]

SRID = 4326
# The claims table's columns besides the key and the geometry, in the order the
# GeoPackage backend asks GDAL to create them.
CLAIM_COLUMNS = ("claim_id", "feature_id", "layer", "valid_from", "valid_to", "reported_on",
                 "recorded_at", "recorded_by", "supersedes", "content_hash", "record")


class StoreTables(NamedTuple):
    metadata: MetaData
    claims: Table
    retractions: Table
    layers: Table
    users: Table
    sign_in_failures: Table


def store_tables(geometry_type: TypeEngine | type[TypeEngine] = LargeBinary) -> StoreTables:
    """The tables, with the backend's geometry column type (GeoPackage blobs by default)."""
    metadata = MetaData()
    claims = Table(
        "claims", metadata,
        Column("fid", Integer, primary_key=True, autoincrement=True),
        Column("claim_id", Text, nullable=False, unique=True),
        Column("feature_id", Text, nullable=False),
        Column("layer", Text, nullable=False),
        Column("valid_from", Date),
        Column("valid_to", Date),
        Column("reported_on", Date),
        # UTC, ISO 8601 with microseconds: sorts as text in either backend.
        Column("recorded_at", Text, nullable=False),
        Column("recorded_by", Text, nullable=False),
        Column("supersedes", Text),
        Column("content_hash", Text, nullable=False),
        # The record as validated, canonical JSON (geo/claims.py): the claim itself.
        Column("record", Text, nullable=False),
        Column("geom", geometry_type),
    )
    Index("claims_by_feature", claims.c.feature_id, claims.c.reported_on)
    Index("claims_by_validity", claims.c.valid_from, claims.c.valid_to)
    retractions = Table(
        "retractions", metadata,
        Column("fid", Integer, primary_key=True, autoincrement=True),
        Column("claim_id", Text, nullable=False, unique=True),
        Column("feature_id", Text, nullable=False),
        Column("reason", Text, nullable=False),
        Column("reported_on", Date, nullable=False),
        Column("recorded_at", Text, nullable=False),
        Column("recorded_by", Text, nullable=False),
    )
    # Layers made by imports (`posture-import --layer ID`), beside data/layers.json's.
    layers = Table(
        "layers", metadata,
        Column("fid", Integer, primary_key=True, autoincrement=True),
        Column("layer_id", Text, nullable=False, unique=True),
        Column("title_en", Text, nullable=False),
        Column("title_ar", Text, nullable=False),
        Column("color", Text, nullable=False),
        Column("recorded_at", Text, nullable=False),
        Column("recorded_by", Text, nullable=False),
    )
    # Who may sign in (issue 12): unlike claims, a user's role changes and a user can be
    # removed. The password is only ever stored as an Argon2 hash (store/users.py).
    users = Table(
        "users", metadata,
        Column("fid", Integer, primary_key=True, autoincrement=True),
        Column("name", Text, nullable=False, unique=True),
        Column("password_hash", Text, nullable=False),
        Column("role", Text, nullable=False),
        Column("created_at", Text, nullable=False),
        Column("updated_at", Text, nullable=False),
    )
    # Failed sign-ins of the last minute, by folded name (access/gate.py): in the store, so
    # every app process behind the proxy counts the same ones. Old rows are deleted.
    sign_in_failures = Table(
        "sign_in_failures", metadata,
        Column("fid", Integer, primary_key=True, autoincrement=True),
        Column("name_key", Text, nullable=False),
        Column("failed_at", Float, nullable=False),  # Unix seconds
    )
    Index("sign_in_failures_by_name", sign_in_failures.c.name_key, sign_in_failures.c.failed_at)
    return StoreTables(metadata, claims, retractions, layers, users, sign_in_failures)
