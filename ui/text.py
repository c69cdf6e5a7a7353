"""Data text shown inside Streamlit markdown."""

from __future__ import annotations

import re

__all__ = ["WORD_JOINER", "label_text", "plain"]

# Every character Markdown gives a meaning to, escaped.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~])")
# GitHub's Markdown, which Streamlit renders, links a bare "http://…", "www.…" or
# "name@host.tld" after escapes are resolved, so no escape stops it. An invisible word
# joiner (U+2060) after the scheme or before the "@" does: the text reads the same.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www)(?=[:.])|(?=@)")
# What makes a link or an image of text in a widget's label: "](" and "![", besides the
# bare URLs above (which "<…>" autolinks need too). Labels show HTML as text.
_LABEL_LINK = re.compile(r"(?<=\])(?=\()|(?<=!)(?=\[)")


def _unlinked(text: str) -> str:
    return _AUTOLINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER, text)


def plain(text: str) -> str:
    """`text` shown as itself inside Streamlit markdown: no emphasis, links or HTML."""
    return _MARKDOWN.sub(r"\\\1", _unlinked(text))


def label_text(text: str) -> str:
    """`text` as a widget's label: never a link or an image. Streamlit also puts a
    label, as given, in the widget's aria-label, so backslashes would be read out and
    break the widget's name: word joiners, which are not, break the link syntax instead.
    Emphasis stays possible (it fetches nothing and links nowhere)."""
    return _LABEL_LINK.sub(WORD_JOINER, _unlinked(text))
