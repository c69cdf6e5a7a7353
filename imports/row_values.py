"""Plain values from a file's cells: text, whole numbers, and the error a row raises."""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["ARABIC_DIGITS", "RowError", "number_value", "text_value"]

ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_THOUSANDS = re.compile(r"(?<=\d)[,،٬\s'](?=\d{3}\b)")


class RowError(Exception):
    def __init__(self, field: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


def text_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def number_value(value: Any, field: str) -> tuple[int | None, bool]:
    """A whole number of people, and whether it was marked approximate ("~2,500")."""
    if value is None:
        return None, False
    if isinstance(value, bool):
        raise RowError(field, value, "must be a whole number")
    if isinstance(value, int):
        return value, False
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise RowError(field, value, "must be a whole number")
        return int(value), False
    text = str(value).strip().translate(ARABIC_DIGITS)
    approximate = text[:1] in ("~", "≈")
    text = _THOUSANDS.sub("", text.lstrip("~≈ "))
    if not re.fullmatch(r"\d{1,12}", text):
        raise RowError(field, value, "must be a whole number (words go in count_words)")
    return int(text), approximate
