"""The import section, under the map for a signed-in editor: choose a file (and a sheet),
the layer from a list, the key column; see the first rows as they will be read; import;
see the result, with every rejected row in a full-width table. The same import as
`posture-import` (imports/run.py), in the reader's words."""

from __future__ import annotations

import io
import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from access.uploaders import set_uploader
from geo.checks import check_identifier
from geo.errors import PostureDataError, SchemaError
from i18n import t
from store.features import shared_store
from ui.text import label_text, plain

if TYPE_CHECKING:
    from imports.preview import FileShape, Preview
    from imports.run import ImportOptions, ImportOutcome
    from imports.table import FileTable

__all__ = ["ACCEPTED_TYPES", "PREVIEW_COLUMNS", "RESULT_COUNTS", "WORDED_IMPORT_FIELDS",
           "allow_uploads", "import_section"]

_log = logging.getLogger(__name__)
ACCEPTED_TYPES = ["geojson", "json", "gpkg", "kml", "kmz", "zip", "csv", "tsv", "txt", "xlsx",
                  "xlsm", "ods"]
_RESULT_KEY = "import:result"
_TABLE_KEY = "import:table"
_FROM_FILE, _NEW = "\x00file", "\x00new"  # the layer list's two choices that are no layer
_AUTOMATIC = "\x00auto"  # the key list's "as the file says"
# The fields the page words (i18n import.field.<field>); any other is shown by its name.
WORDED_IMPORT_FIELDS = ("id", "layer", "name_en", "name_ar", "lon", "lat", "wkt", "as_of",
                  "reported_on", "confidence", "source_en", "source_ar", "source_link",
                  "count_value", "kind", "actor_en", "summary_en")
PREVIEW_COLUMNS = ("row", "id", "layer", "name", "date", "place", "confidence", "source",
                   "count", "problem")
RESULT_COUNTS = ("new", "changed", "unchanged", "rejected")
SHOWN_REJECTED = 200  # rows of the rejected table on the page; the report holds them all
_EITHER_FIELDS = {"name_en", "kind", "actor_en", "summary_en", "source_en"}


@contextmanager
def _saved(upload: Any) -> Iterator[tuple[Path, str]]:
    """The upload as a file of its own name (its extension is checked against its
    content); only the last part of the name is used, never a path."""
    name = Path(upload.name).name or "upload"
    with tempfile.TemporaryDirectory(prefix="posture-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(upload.getvalue())
        yield path, name


def _without_folder(message: str, path: Path) -> str:
    # The reader names the file by its upload name; a library's own message may still
    # carry the server's temporary folder, which is nobody's business.
    folder = str(path.parent)
    return message.replace(f"{folder}/", "").replace(folder, "")


def _file_error(error: Exception, path: Path, lang: str) -> str:
    from imports.table import MissingColumns

    if isinstance(error, MissingColumns):
        return t("import.missing", lang, what="; ".join(
            t(f"import.missing.{code}", lang) for code in error.missing),
            columns=", ".join(error.columns[:20]))
    return _without_folder(str(error), path)


def _slug(file_name: str) -> str:
    """A new layer's id from the file's name: "My places (2).kml" -> "my-places-2"."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(file_name).stem.lower()).strip("-")
    return (stem or "imported")[:60]


def _layer_choice(shape: FileShape, layer_titles: dict[str, str], name: str, widget: str,
                  lang: str) -> str | None:
    """The layer picked: a layer's id, or None for the file's own layer column."""
    options = ([_FROM_FILE] if shape.layer_column else []) + list(layer_titles) + [_NEW]
    default = _FROM_FILE if shape.layer_column else "acled" if shape.acled else _NEW

    def worded(option: str) -> str:
        if option == _FROM_FILE:
            return t("import.layer_from_file", lang, column=shape.layer_column)
        if option == _NEW:
            return t("import.layer_new", lang)
        return f"{layer_titles[option]} ({option})"

    chosen = st.selectbox(t("import.layer", lang), options,
                          index=options.index(default) if default in options else
                          len(options) - 1, format_func=lambda o: label_text(worded(o)),
                          key=f"{widget}:layer", help=t("import.layer_help", lang))
    if chosen == _FROM_FILE:
        return None
    if chosen == _NEW:
        return st.text_input(t("import.layer_new_id", lang), value=_slug(name), max_chars=100,
                             key=f"{widget}:new_layer",
                             help=t("import.layer_new_help", lang)).strip() or None
    return chosen


def _usable_id(layer: str) -> bool:
    try:
        check_identifier(layer, "the new layer")
    except SchemaError:
        return False
    return True


def _key_choice(shape: FileShape, widget: str, lang: str) -> str | None:
    from imports.place_key import PLACE_KEY

    columns = [c for c in shape.columns if c != PLACE_KEY]
    chosen = st.selectbox(t("import.key", lang), [_AUTOMATIC, *columns],
                          format_func=lambda o: label_text(
                              t("import.key_automatic", lang) if o == _AUTOMATIC else o),
                          key=f"{widget}:key", help=t("import.key_help", lang))
    return None if chosen == _AUTOMATIC else chosen


def _field_words(field: str, lang: str) -> str:
    if field in WORDED_IMPORT_FIELDS:
        words = t(f"import.field.{field}", lang)
        return t("import.field.either", lang, field=words) if field in _EITHER_FIELDS \
            else words
    return field


def _show_preview(preview: Preview, lang: str) -> None:
    from imports.read import FILE_KINDS

    kind = t(f"import.kind.{FILE_KINDS.index(preview.kind)}", lang) \
        if preview.kind in FILE_KINDS else plain(preview.kind)
    st.markdown(t("import.preview.about", lang, kind=kind, rows=f"{preview.rows:,}"))
    st.caption(t("import.preview.keyed_by_column", lang, column=plain(preview.keyed_by))
               if preview.keyed_by else t("import.preview.keyed_by_place", lang))
    matched = pd.DataFrame([(column, _field_words(field, lang))
                            for column, field in preview.matched],
                           columns=[t("import.preview.column", lang),
                                    t("import.preview.read_as", lang)])
    st.table(matched, hide_index=True, border="horizontal")
    if preview.ignored:
        st.caption(t("import.preview.ignored", lang,
                     columns=plain(", ".join(preview.ignored))))
    if preview.new_layer:
        st.caption(t("import.preview.new_layer", lang, layer=plain(preview.new_layer)))
    st.markdown(t("import.preview.first_rows", lang, count=len(preview.sample)))
    st.table(_sample_frame(preview, lang), hide_index=True, border="horizontal")


def _left_to_right(text: str, lang: str) -> str:
    """A coordinate pair or a date kept in its order in a right-to-left page: unisolated,
    "41.05, 34.40" showed as "34.40 ,41.05" (Unicode's left-to-right isolate)."""
    return f"\u2066{text}\u2069" if text and lang == "ar" else text


def _sample_frame(preview: Preview, lang: str) -> pd.DataFrame:
    rows = []
    for row in preview.sample:
        claim = row.claim
        if claim is None:
            problem = row.problem
            said = (f"{problem.field}: {problem.reason}" + (f" ({problem.value})"
                                                           if problem.value else "")
                    ) if problem else t("import.preview.basemap_row", lang)
            rows.append((row.row, *([""] * 8), said))
            continue
        geometry = claim.get("geometry") or {}
        place = (", ".join(f"{c:.4f}" for c in geometry["coordinates"])
                 if geometry.get("type") == "Point" else geometry.get("type", ""))
        source = (claim.get("sources") or [{}])[0]
        count = claim.get("count", {})
        rows.append((row.row, claim["id"], claim["layer"],
                     claim.get("name_en") or claim.get("name_ar") or "",
                     _left_to_right(claim.get("as_of") or "", lang),
                     _left_to_right(place, lang),
                     t(f"confidence.{claim['confidence']}", lang),
                     source.get("who") or source.get("who_ar") or "",
                     count.get("value", count.get(f"words_{lang}") or count.get("words_en")
                               or count.get("words_ar") or ""),
                     ""))
    frame = pd.DataFrame(rows, columns=list(PREVIEW_COLUMNS))
    frame["count"] = frame["count"].astype(str)
    return frame.rename(columns={c: t(f"import.preview.{c}", lang) for c in PREVIEW_COLUMNS})


def _run(path: Path, name: str, options: ImportOptions, token: str, lang: str
         ) -> tuple[str, object]:
    """("outcome", ImportOutcome) or ("error", message)."""
    from access.gate import AccessError
    from access.writes import import_report
    from imports.read import ImportFileError
    from ui.signin import current_gate

    bar = st.progress(0.0, text=t("import.reading", lang))

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0),
                     text=t("import.progress", lang, done=f"{done:,}", total=f"{total:,}"))

    try:
        return "outcome", import_report(current_gate(), token, shared_store(), path, options,
                                        name=name, progress=progress)
    except (ImportFileError, AccessError) as e:
        return "error", _file_error(e, path, lang)
    except PostureDataError as e:
        return "error", t("import.store_failed", lang, error=str(e))
    except Exception as e:  # the page shows a message, never a traceback
        _log.exception("import of %s failed", name)
        return "error", t("import.failed", lang, error=type(e).__name__)
    finally:
        bar.empty()


def _show_result(result: tuple[str, object], lang: str) -> None:
    from imports.run import REPORT_COLUMNS

    kind, value = result
    if kind == "error":
        st.error(plain(str(value)))
        return
    outcome: ImportOutcome = value  # type: ignore[assignment]
    counts = outcome.result
    line = t("import.summary", lang, new=counts.new, changed=counts.changed,
             unchanged=counts.unchanged, retracted=counts.retracted,
             rejected=outcome.rejected)
    if outcome.problems:
        st.warning(t("import.rejected", lang, summary=line) if outcome.written or
                   counts.new or counts.changed else t("import.nothing", lang, summary=line))
    else:
        st.success(t("import.done", lang, summary=line))
    numbers = (counts.new, counts.changed, counts.unchanged, outcome.rejected)
    for column, label, number in zip(st.columns(len(RESULT_COUNTS)), RESULT_COUNTS, numbers,
                                     strict=True):
        column.metric(t(f"import.count.{label}", lang), f"{number:,}")
    if not outcome.written and not outcome.problems:
        st.caption(t("import.dry_run_note", lang))
    if outcome.keyed_by is None:
        st.caption(t("import.keyed_by_place_note", lang, file=plain(outcome.file_name)))
    for notice in outcome.notices:
        st.caption(plain(notice))
    if counts.layer_created:
        st.caption(t("import.layer_made", lang, layer=plain(counts.layer_created)))
    if outcome.problems:
        frame = pd.DataFrame([(p.row, p.field, p.value, p.reason) for p in outcome.problems],
                             columns=list(REPORT_COLUMNS))
        # A table of text, wrapped to the page's width: a reason is read whole.
        st.table(frame.head(SHOWN_REJECTED).rename(
            columns={c: t(f"import.report.{c}", lang) for c in REPORT_COLUMNS}),
            hide_index=True, border="horizontal")
        if len(frame) > SHOWN_REJECTED:
            st.caption(t("import.report_more", lang, shown=SHOWN_REJECTED,
                         total=f"{len(frame):,}"))
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


def import_section(token: str, layer_titles: dict[str, str], lang: str) -> None:
    """The import section, full width, for a signed-in editor (the import checks that
    again, and records as them)."""
    with st.expander(t("import.expander", lang), expanded=_RESULT_KEY in st.session_state
                     or st.session_state.get("import:file") is not None):
        _import_fragment(token, layer_titles, lang)


@st.fragment
def _import_fragment(token: str, layer_titles: dict[str, str], lang: str) -> None:
    # Its own fragment: choosing a sheet, a layer or a key reruns the section, not the map.
    upload = st.file_uploader(t("import.file", lang), type=ACCEPTED_TYPES, key="import:file",
                              help=t("import.file_help", lang))
    if upload is not None:
        _chosen_file(upload, token, layer_titles, lang)
    else:
        st.session_state.pop(_TABLE_KEY, None)
    shown = st.session_state.get(_RESULT_KEY)
    # The last import's result, while its file is still the one chosen.
    if shown is not None and (upload is None or shown[0] == upload.file_id):
        _show_result(shown[1], lang)


def _read_once(path: Path, name: str, sheet: str | None, file_id: str) -> FileTable:
    """The file read, kept for this session while its file and sheet stay chosen: each
    choice reruns the section, and a workbook of 100,000 rows takes seconds to read."""
    from imports.read import read_table

    kept = st.session_state.get(_TABLE_KEY)
    if kept is not None and kept[0] == (file_id, sheet):
        return kept[1]
    st.session_state.pop(_TABLE_KEY, None)  # one file's table at a time
    table = read_table(path, name, sheet)
    st.session_state[_TABLE_KEY] = ((file_id, sheet), table)
    return table


def _chosen_file(upload: Any, token: str, layer_titles: dict[str, str], lang: str) -> None:
    from imports.preview import file_shape, preview_file, sheets_of
    from imports.read import ImportFileError
    from imports.run import ImportOptions

    widget = f"import:{upload.file_id}"  # a new file starts from its own defaults
    with _saved(upload) as (path, name):
        try:
            _, sheets = sheets_of(path, name)
            sheet = st.selectbox(t("import.sheet", lang), sheets, key=f"{widget}:sheet",
                                 format_func=label_text) if len(sheets) > 1 else None
            table = _read_once(path, name, sheet, upload.file_id)
            shape = file_shape(table, sheets)
        except ImportFileError as e:
            st.error(plain(_file_error(e, path, lang)))
            return
        left, middle, right = st.columns(3)
        with left:
            layer = _layer_choice(shape, layer_titles, name, widget, lang)
        with middle:
            key = _key_choice(shape, widget, lang)
        with right:
            source = st.text_input(t("import.source", lang), key=f"{widget}:source",
                                   max_chars=200, help=t("import.source_help", lang))
        if layer is not None and not _usable_id(layer):
            st.error(t("import.layer_new_bad", lang, id=plain(layer)))
            return
        options = ImportOptions(layer=layer, key=key, source=source.strip() or None,
                                sheet=sheet)
        try:
            preview = preview_file(path, name, options, shared_store(), table=table,
                                   sheets=sheets)
        except ImportFileError as e:
            st.error(plain(_file_error(e, path, lang)))
            return
        except PostureDataError as e:
            st.error(t("import.store_failed", lang, error=plain(str(e))))
            return
        _show_preview(preview, lang)
        partial = st.checkbox(t("import.partial", lang), key=f"{widget}:partial")
        retract = st.checkbox(t("import.retract_missing", lang), key=f"{widget}:retract")
        dry_run = st.checkbox(t("import.dry_run", lang), key=f"{widget}:dry_run")
        if not st.button(t("import.submit", lang), type="primary", key=f"{widget}:submit"):
            return
        result = _run(path, name, ImportOptions(
            layer=layer, key=key, source=options.source, sheet=sheet, partial=partial,
            retract_missing=retract, dry_run=dry_run), token, lang)
    st.session_state[_RESULT_KEY] = (upload.file_id, result)
    if result[0] == "outcome" and result[1].written:  # type: ignore[union-attr]
        st.rerun(scope="app")  # the page pinned the store's version: draw the new claims
