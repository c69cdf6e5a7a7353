"""Where a thing's record stands: the last claim or retraction recorded about it. An
editor opens a thing at its stamp, and a save checks the stamp has not moved (an
optimistic version check, inside the write's lock, the same in both backends)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, Table, select

from store.records import ConflictError, FeatureStamp, parse_time

__all__ = ["check_unchanged", "last_stamp"]


def last_stamp(conn: Connection, claims: Table, retractions: Table,
               feature_id: str) -> FeatureStamp | None:
    c, r = claims.c, retractions.c
    claim = conn.execute(select(c.claim_id, c.recorded_at, c.recorded_by).where(
        c.feature_id == feature_id).order_by(c.fid.desc()).limit(1)).first()
    retraction = conn.execute(select(r.claim_id, r.recorded_at, r.recorded_by).where(
        r.feature_id == feature_id).order_by(r.fid.desc()).limit(1)).first()
    # Recording times are UTC text with microseconds: later sorts later.
    if retraction is not None and (claim is None or retraction.recorded_at >= claim.recorded_at):
        return FeatureStamp("retraction", retraction.claim_id,
                            parse_time(retraction.recorded_at), retraction.recorded_by)
    if claim is None:
        return None
    return FeatureStamp("claim", claim.claim_id, parse_time(claim.recorded_at),
                        claim.recorded_by)


def check_unchanged(conn: Connection, claims: Table, retractions: Table,
                    opened_at: Mapping[str, str | None]) -> None:
    """Raise ConflictError for the first thing whose stamp is not the one it was opened
    at (None: opened as a new thing, so any claim about it since is a conflict)."""
    for feature_id, token in opened_at.items():
        now = last_stamp(conn, claims, retractions, feature_id)
        if (now.token if now else None) != token:
            raise ConflictError(feature_id, now)
