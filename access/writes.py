"""Every write the page can make, each checking on the server, inside the call, that
the session behind it belongs to an editor now (access/gate.py). Hiding the controls
from viewers is for their convenience; these checks are what keeps them out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from access.gate import AccessError, Gate
from store.records import RecordResult, StoredLayer
from store.sql import SqlStore

if TYPE_CHECKING:
    from geo.claims import Retraction
    from imports.run import ImportOptions, ImportOutcome

__all__ = ["WrongThing", "import_report", "record_claim", "retract_claim"]


class WrongThing(AccessError):
    """A write names another thing than the one its form was opened on (a stale or
    swapped form state): refused, nothing written."""

    def __init__(self, opened_id: str | None, named_id: str) -> None:
        super().__init__(
            f"This form was opened on {opened_id or 'a new thing'!r}, but the write names "
            f"{named_id!r}: nothing was written. Open the thing again and retry.")
        self.opened_id, self.named_id = opened_id, named_id


def _check_same_thing(opened_id: str | None, named_id: str) -> None:
    if opened_id != named_id:
        raise WrongThing(opened_id, named_id)


def record_claim(gate: Gate, token: object, store: SqlStore, raw: dict[str, Any], *,
                 opened_id: str | None, opened_at: str | None,
                 new_layer: StoredLayer | None = None) -> RecordResult:
    """One claim, in one transaction, recorded by the signed-in editor.

    `opened_id` is the thing the form was opened on (None: a new thing): a correction
    naming any other thing is refused with WrongThing. `opened_at` is the thing's stamp
    when the form opened (None for a new thing): if another save came between, this one
    is refused with ConflictError. Either way nothing is written. A correction of a
    retracted thing records its claim again, even unchanged: that un-retracts it."""
    editor = gate.editor(token)
    if opened_id is not None:
        _check_same_thing(opened_id, raw.get("id", ""))
    return store.record([raw], editor.name, source="form", new_layer=new_layer,
                        opened_at={raw.get("id", ""): opened_at},
                        reopen=opened_id is not None)


def retract_claim(gate: Gate, token: object, store: SqlStore, feature_id: str, reason: str,
                  *, opened_id: str | None, opened_at: str | None,
                  reported_on: dt.date | None = None) -> Retraction:
    """Close the thing's claim, for the signed-in editor, only if `feature_id` is the
    thing the form was opened on (`opened_id`) and nothing changed since `opened_at`."""
    editor = gate.editor(token)
    _check_same_thing(opened_id, feature_id)
    return store.retract(feature_id, reason, editor.name, reported_on=reported_on,
                         opened_at=opened_at)


def import_report(gate: Gate, token: object, store: SqlStore, path: Path,
                  options: ImportOptions, *, name: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> ImportOutcome:
    """An upload imported as the signed-in editor (its recorder is theirs, whatever the
    options said)."""
    from dataclasses import replace

    from imports.run import import_file

    editor = gate.editor(token)
    return import_file(path, replace(options, recorded_by=editor.name), store, name=name,
                       progress=progress)
