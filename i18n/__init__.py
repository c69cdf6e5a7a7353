"""Every user-facing string, once per language: i18n/en.json and i18n/ar.json.

Keys are flat and dotted (`card.count`). Values are `str.format` templates; a
test keeps the two files' keys and placeholders in step and checks that every
key the code asks for exists.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Literal

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "direction", "strings", "t"]

LANGUAGES: tuple[str, ...] = ("en", "ar")
DEFAULT_LANGUAGE = "en"
_FOLDER = Path(__file__).resolve().parent
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
_PLAIN_NUMBER = re.compile(r"^[\d.,\s]*$")
# Unicode's first-strong isolate and its closing mark: invisible, honoured by
# browsers and by matplotlib's text shaping alike.
_ISOLATE, _END_ISOLATE = "\u2068", "\u2069"


@cache
def strings(lang: str) -> dict[str, str]:
    """The whole table of one language."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} is not one of {LANGUAGES}")
    with open(_FOLDER / f"{lang}.json", encoding="utf-8") as f:
        table = json.load(f)
    return {k: v for k, v in table.items() if not k.startswith("_")}


def t(key: str, lang: str, **values: object) -> str:
    """The string `key` in `lang`, with `values` filled in.

    A missing key raises KeyError: the key test guarantees there are none, and
    a silent English fallback would hide a gap in the Arabic interface.
    """
    text = strings(lang)[key]
    if direction(lang) == "rtl":
        values = {name: _isolated(value) for name, value in values.items()}
    return text.format(**values) if values else text


def _isolated(value: object) -> object:
    """A Latin or mixed value (a date, an id, a coordinate list) inside right-to-left
    text, isolated so it keeps its own order: unisolated, 2024-01-25 shows as
    25-01-2024 in Chromium. Arabic text and plain numbers need nothing."""
    text = str(value)
    if _ARABIC_LETTER.search(text) or _PLAIN_NUMBER.match(text):
        return value
    return _ISOLATE + text + _END_ISOLATE


def direction(lang: str) -> Literal["ltr", "rtl"]:
    return "rtl" if lang == "ar" else "ltr"
