"""Export the view on screen: format, paper, resolution, title, preview and download."""

from __future__ import annotations

import logging
from dataclasses import replace

import streamlit as st

from exports.formats import EXPORT_FORMATS, MIME_TYPES, STATIC_FORMATS
from exports.paper import PAPERS
from exports.view import View
from geo.checks import without_control_characters
from geo.errors import PostureDataError
from i18n import t
from ui.text import plain

__all__ = ["export_panel"]

_log = logging.getLogger(__name__)
Prepared = tuple[str, bytes, str, bytes | None, int]


def _prepare(view: View, fmt: str, paper: str, dpi: int) -> Prepared | None:
    """The file, its name, type, preview and feature count; None, with a message, on failure."""
    # Imported here: matplotlib and the writers would slow every page's first load.
    from exports.render import export_bytes, export_file_name, preview_png
    from exports.view import features_in_view

    lang = view.lang
    try:
        with st.spinner(t("export.rendering", lang, fmt=fmt.upper())):
            return (export_file_name(view, fmt), export_bytes(view, fmt, paper, dpi),
                    MIME_TYPES[fmt],
                    preview_png(view, paper) if fmt in STATIC_FORMATS else None,
                    len(features_in_view(view)))
    except PostureDataError as e:
        st.error(t("app.data_error", lang, error=plain(str(e))))
    except Exception as e:  # the page shows a message, never a traceback
        _log.exception("export of %s failed", fmt)
        st.error(t("export.failed", lang, fmt=fmt.upper(), error=plain(type(e).__name__)))
    return None


def export_panel(view: View) -> None:
    """The export panel for `view`, worded and exported in the view's language."""
    lang = view.lang
    with st.expander(t("export.expander", lang), expanded=False):
        fmt = st.selectbox(t("export.format", lang), EXPORT_FORMATS, key="export:format",
                           format_func=lambda f: t(f"format.{f}", lang))
        title = st.text_input(t("export.title", lang), value=view.heading,
                              key=f"export:title:{lang}", max_chars=120)
        paper, dpi, banner, locator = "a4-landscape", 150, "", False
        if fmt in STATIC_FORMATS:
            paper = st.selectbox(t("export.paper", lang), list(PAPERS), key="export:paper",
                                 format_func=lambda p: t(f"paper.{p}", lang))
            banner = st.text_input(t("export.banner", lang), key="export:banner",
                                   max_chars=200)
            locator = st.checkbox(t("export.locator", lang), key="export:locator")
            dpi = st.select_slider(t("export.dpi", lang), options=[96, 150, 200, 300, 600],
                                   value=150, key="export:dpi")
        clean_title = without_control_characters(title).strip()
        if clean_title != title.strip():
            # Pasted text can carry them; SVG and KML cannot hold them.
            st.warning(t("export.title_cleaned", lang))
        view = replace(view, title=clean_title or None,
                       banner=without_control_characters(banner).strip() or None,
                       locator=locator)
        st.caption(t("export.view", lang, bbox=", ".join(f"{v:.2f}" for v in view.bbox)))
        if st.button(t("export.prepare", lang), key="export:prepare"):
            st.session_state["export:file"] = _prepare(view, fmt, paper, dpi)
        prepared = st.session_state.get("export:file")
        if prepared:
            name, data, mime, preview, count = prepared
            if count == 0:
                st.info(t("export.empty", lang, name=name))
            if preview:
                st.image(preview, caption=t("export.preview", lang, name=name))
            st.download_button(t("export.download", lang, name=name, size=f"{len(data):,}"),
                               data, file_name=name, mime=mime, key="export:download",
                               on_click="ignore")
