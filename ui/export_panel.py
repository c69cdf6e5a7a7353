"""Export the view on screen: format, paper, resolution, title, preview and download."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from exports.formats import EXPORT_FORMATS, MIME_TYPES, STATIC_FORMATS
from exports.paper import PAPERS
from exports.view import View
from i18n import t

__all__ = ["export_panel"]


def export_panel(view: View) -> None:
    """The export panel for `view`, worded and exported in the view's language."""
    lang = view.lang
    with st.expander(t("export.expander", lang), expanded=False):
        fmt = st.selectbox(t("export.format", lang), EXPORT_FORMATS, key="export:format",
                           format_func=str.upper)
        title = st.text_input(t("export.title", lang), value=view.heading,
                              key=f"export:title:{lang}", max_chars=120)
        paper, dpi = "a4-landscape", 150
        if fmt in STATIC_FORMATS:
            paper = st.selectbox(t("export.paper", lang), list(PAPERS), key="export:paper")
            dpi = st.select_slider(t("export.dpi", lang), options=[96, 150, 200, 300, 600],
                                   value=150, key="export:dpi")
        view = replace(view, title=title.strip() or None)
        st.caption(t("export.view", lang, bbox=", ".join(f"{v:.2f}" for v in view.bbox)))
        if st.button(t("export.prepare", lang), key="export:prepare"):
            # Imported here: matplotlib and the writers would slow every page's first load.
            from exports.render import export_bytes, export_file_name, preview_png

            with st.spinner(t("export.rendering", lang, fmt=fmt.upper())):
                st.session_state["export:file"] = (
                    export_file_name(view, fmt), export_bytes(view, fmt, paper, dpi),
                    MIME_TYPES[fmt],
                    preview_png(view, paper) if fmt in STATIC_FORMATS else None)
        prepared = st.session_state.get("export:file")
        if prepared:
            name, data, mime, preview = prepared
            if preview:
                st.image(preview, caption=t("export.preview", lang, name=name))
            st.download_button(t("export.download", lang, name=name, size=f"{len(data):,}"),
                               data, file_name=name, mime=mime, key="export:download",
                               on_click="ignore")
