"""Every write the page can make, each checking on the server, inside the call, that
the session behind it belongs to an editor now (access/gate.py). Hiding the controls
from viewers is for their convenience; these checks are what keeps them out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from access.gate import Gate
from store.records import RecordResult, StoredLayer
from store.sql import SqlStore

if TYPE_CHECKING:
    from geo.claims import Retraction
    from imports.run import ImportOptions, ImportOutcome

__all__ = ["import_report", "record_claim", "retract_claim"]


def record_claim(gate: Gate, token: object, store: SqlStore, raw: dict[str, Any], *,
                 opened_at: str | None, new_layer: StoredLayer | None = None
                 ) -> RecordResult:
    """One claim, in one transaction, recorded by the signed-in editor. `opened_at` is
    the thing's stamp when the form opened (None for a new thing): if another save came
    between, this one is refused with ConflictError and nothing is written."""
    editor = gate.editor(token)
    return store.record([raw], editor.name, source="form", new_layer=new_layer,
                        opened_at={raw.get("id", ""): opened_at})


def retract_claim(gate: Gate, token: object, store: SqlStore, feature_id: str, reason: str,
                  *, opened_at: str | None, reported_on: dt.date | None = None
                  ) -> Retraction:
    editor = gate.editor(token)
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
