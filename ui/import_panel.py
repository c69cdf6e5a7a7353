"""Import a report from the sidebar: upload, options, progress, summary and the per-row
report, the same import as `posture-import` (imports/run.py)."""

from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from access.uploaders import set_uploader
from geo.errors import PostureDataError
from i18n import t
from store.features import shared_store
from ui.text import plain

if TYPE_CHECKING:
    from imports.run import ImportOptions, ImportOutcome

__all__ = ["ACCEPTED_TYPES", "import_panel"]

_log = logging.getLogger(__name__)
ACCEPTED_TYPES = ["geojson", "json", "gpkg", "kml", "kmz", "zip", "csv", "tsv", "txt"]
_RESULT_KEY = "import:result"


def _run(upload: object, options: ImportOptions, token: str, lang: str) -> tuple[str, object]:
    """("outcome", ImportOutcome) or ("error", message)."""
    # Imported on use: the importer's readers are not on the first page's path.
    from access.gate import AccessError
    from access.writes import import_report
    from imports.read import ImportFileError
    from ui.signin import current_gate

    bar = st.progress(0.0, text=t("import.reading", lang))

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0),
                     text=t("import.progress", lang, done=f"{done:,}", total=f"{total:,}"))

    # The upload's own name keeps its extension, which the importer checks against
    # the content; only the last part of it is used, never a path.
    name = Path(upload.name).name or "upload"  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory(prefix="posture-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(upload.getvalue())  # type: ignore[attr-defined]
        try:
            outcome = import_report(current_gate(), token, shared_store(), path, options,
                                    name=name, progress=progress)
        except (ImportFileError, AccessError) as e:
            # The reader names the file by its upload name; a library's own message may
            # still carry the server's temporary folder, which is nobody's business.
            return "error", str(e).replace(f"{folder}/", "").replace(folder, "")
        except PostureDataError as e:
            return "error", t("import.store_failed", lang, error=str(e))
        except Exception as e:  # the page shows a message, never a traceback
            _log.exception("import of %s failed", name)
            return "error", t("import.failed", lang, error=type(e).__name__)
        finally:
            bar.empty()
    return "outcome", outcome


def _show(result: tuple[str, object], lang: str) -> None:
    from imports.run import REPORT_COLUMNS

    kind, value = result
    if kind == "error":
        st.error(plain(str(value)))
        return
    outcome: ImportOutcome = value  # type: ignore[assignment]
    # The command line's summary is English for the tools that read it; the page's is
    # the reader's language.
    result = outcome.result
    line = t("import.summary", lang, new=result.new, changed=result.changed,
             unchanged=result.unchanged, retracted=result.retracted, rejected=outcome.rejected)
    if outcome.problems:
        st.warning(t("import.rejected", lang, summary=line) if outcome.written or
                   outcome.result.new or outcome.result.changed
                   else t("import.nothing", lang, summary=line))
    else:
        st.success(t("import.done", lang, summary=line))
    if not outcome.written and not outcome.problems:
        st.caption(t("import.dry_run_note", lang))
    for notice in outcome.notices:
        st.caption(plain(notice))
    if outcome.result.layer_created:
        st.caption(t("import.layer_made", lang, layer=plain(outcome.result.layer_created)))
    if outcome.problems:
        frame = pd.DataFrame([(p.row, p.field, p.value, p.reason) for p in outcome.problems],
                             columns=list(REPORT_COLUMNS))
        # The reason before the value: the sidebar is narrow, and the reason is the news.
        shown = frame[["row", "field", "reason", "value"]]
        st.dataframe(shown.rename(columns={c: t(f"import.report.{c}", lang)
                                           for c in REPORT_COLUMNS}),
                     hide_index=True, width="stretch")
        report = io.StringIO()
        frame.to_csv(report, index=False)
        st.download_button(t("import.report_download", lang), report.getvalue().encode("utf-8"),
                           file_name=f"{Path(outcome.file_name).stem}-report.csv",
                           mime="text/csv", key="import:report")


def allow_uploads(editing: bool) -> None:
    """Say, on every run, whether this session's page is an editor's: the server refuses
    uploads to any other (web/guard.py, access/uploaders.py)."""
    context = get_script_run_ctx()
    if context is not None:
        set_uploader(context.session_id, editing)


def import_panel(token: str, lang: str) -> None:
    """The sidebar's import form, for a signed-in editor (the import checks that again,
    and records as them); after an import that wrote, the page reruns to draw it."""
    with st.sidebar.expander(t("import.expander", lang), expanded=_RESULT_KEY in
                             st.session_state):
        with st.form("import:form"):
            upload = st.file_uploader(t("import.file", lang), type=ACCEPTED_TYPES,
                                      key="import:file", help=t("import.file_help", lang))
            layer = st.text_input(t("import.layer", lang), key="import:layer", max_chars=100,
                                  help=t("import.layer_help", lang))
            key = st.text_input(t("import.key", lang), key="import:key", max_chars=100,
                                help=t("import.key_help", lang))
            source = st.text_input(t("import.source", lang), key="import:source",
                                   max_chars=200, help=t("import.source_help", lang))
            partial = st.checkbox(t("import.partial", lang), key="import:partial")
            retract = st.checkbox(t("import.retract_missing", lang), key="import:retract")
            dry_run = st.checkbox(t("import.dry_run", lang), key="import:dry_run")
            submitted = st.form_submit_button(t("import.submit", lang))
        if submitted:
            if upload is None:
                st.session_state[_RESULT_KEY] = ("error", t("import.no_file", lang))
            else:
                from imports.run import ImportOptions

                options = ImportOptions(layer=layer.strip() or None, key=key.strip() or None,
                                        source=source.strip() or None, partial=partial,
                                        retract_missing=retract, dry_run=dry_run)
                result = _run(upload, options, token, lang)
                st.session_state[_RESULT_KEY] = result
                if result[0] == "outcome" and result[1].written:  # type: ignore[union-attr]
                    st.rerun()  # the page pinned the store's version: draw the new claims
        if _RESULT_KEY in st.session_state:
            _show(st.session_state[_RESULT_KEY], lang)
