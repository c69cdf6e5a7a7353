"""Data text shown inside Streamlit markdown."""

from __future__ import annotations

import re

__all__ = ["WORD_JOINER", "plain"]

# Every character Markdown gives a meaning to, escaped.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~])")
# GitHub's Markdown, which Streamlit renders, links a bare "http://…", "www.…" or
# "name@host.tld" after escapes are resolved, so no escape stops it. An invisible word
# joiner (U+2060) after the scheme or before the "@" does: the text reads the same.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www)(?=[:.])|(?=@)")


def plain(text: str) -> str:
    """`text` shown as itself inside Streamlit markdown: no emphasis, links or HTML."""
    return _MARKDOWN.sub(r"\\\1", _AUTOLINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER,
                                                  text))
