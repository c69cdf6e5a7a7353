"""Data text shown inside Streamlit markdown."""

from __future__ import annotations

import re

__all__ = ["plain"]


def plain(text: str) -> str:
    """`text` shown as itself inside Streamlit markdown: no emphasis, links or HTML."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>$~])", r"\\\1", text)
