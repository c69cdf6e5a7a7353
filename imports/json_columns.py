"""Canonical JSON written a column at a time with Arrow's string kernels: the same
text geo/claims.py's `canonical_json` writes for each row's record (keys sorted, no
spacing, non-ASCII as is), without making the records in Python first.

Only for values the columnar checks have already cleared: texts without control
characters other than tab and newline (the only ones JSON needs escaped besides the
quote and the backslash), and numbers formatted by the caller.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["NO_TEXT", "JsonValues", "json_flags", "json_floats", "json_numbers",
           "json_object", "json_strings", "json_texts", "plain_text"]

NO_TEXT = pa.scalar(None, pa.string())
_TRUE = pa.scalar("true")
# From this many rows an object is joined in two halves at once.
HALVES_FROM = 20_000
# What JSON escapes in the texts that reach here, backslash first (json and orjson write
# the same two-character forms for tab and newline).
_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\t", "\\t"))
_NEEDS_ESCAPE = '[\x00-\x1f"\\\\]'
_OTHER_CONTROL = "[\x00-\x08\x0b-\x1f]"


class JsonValues(NamedTuple):
    """A column of JSON values, one per row, null where the row's record leaves the key
    out: texts to be written quoted (escaped already), or values written as they are."""

    values: pa.Array | pa.Scalar
    quoted: bool


def plain_text(value: str) -> bool:
    """Whether `json_strings` writes `value` as JSON does (no other control character)."""
    return not any(ch < " " and ch not in "\t\n" for ch in value)


def json_strings(values: pa.Array | pa.Scalar) -> JsonValues:
    """Texts as JSON strings."""
    if isinstance(values, pa.Scalar):
        text = values.as_py()
        if text is not None and not plain_text(text):
            raise ValueError("a text with a control character JSON writes as \\u00XX")
        return JsonValues(pa.scalar(json.dumps(text, ensure_ascii=False)[1:-1])
                          if text is not None else values, quoted=True)
    if not len(values) or not pc.any(pc.match_substring_regex(values, _NEEDS_ESCAPE)).as_py():
        return JsonValues(values, quoted=True)
    if pc.any(pc.match_substring_regex(values, _OTHER_CONTROL)).as_py():
        raise ValueError("a text with a control character JSON writes as \\u00XX")
    for plain, escaped in _ESCAPES:
        if pc.any(pc.match_substring(values, plain)).as_py():
            values = pc.replace_substring(values, plain, escaped)
    return JsonValues(values, quoted=True)


def json_texts(values: pa.Array | pa.Scalar) -> JsonValues:
    """Values already written as JSON (numbers, objects, true)."""
    return JsonValues(values, quoted=False)


def json_flags(mask: np.ndarray) -> JsonValues:
    """true where the mask is set; null (the member left out) elsewhere."""
    return json_texts(pc.if_else(pa.array(mask), _TRUE, NO_TEXT))


def json_numbers(values: np.ndarray) -> JsonValues:
    """Whole numbers held as floats (NaN for none) as JSON integers; null for NaN."""
    numbers = pa.array(values, type=pa.float64(), from_pandas=True)
    return json_texts(pc.cast(pc.cast(numbers, pa.int64()), pa.string()))


def json_floats(values: np.ndarray) -> JsonValues:
    """Finite floats as json writes them (repr): Arrow's shortest form where it is the
    same text (a fraction from 1e-4 up to 1e16), repr for the others (41.0, 1e-05)."""
    texts = pc.cast(pa.array(values, type=pa.float64()), pa.string())
    size = np.abs(values)
    same = pc.and_(pc.and_(pc.match_substring(texts, "."),
                           pc.invert(pc.match_substring(texts, "e"))),
                   pa.array((size >= 1e-4) & (size < 1e16)))
    others = np.flatnonzero(~same.to_numpy(zero_copy_only=False))
    if len(others):
        texts = pc.replace_with_mask(texts, pc.invert(same),
                                     pa.array([repr(v) for v in values[others].tolist()]))
    return json_texts(texts)


def json_object(members: Mapping[str, JsonValues]) -> pa.Array | pa.ChunkedArray:
    """Each row's members as one JSON object, keys sorted, null members left out. At
    least one member must be an array (the rows' count comes from it). The texts are
    copied once, in one join of every member's pieces."""
    # A member no row holds costs a pass over every row for nothing.
    keys = sorted(key for key, (values, _) in members.items()
                  if (values.is_valid if isinstance(values, pa.Scalar) else
                      values.null_count < len(values)))
    if not keys:
        return pa.array(["{}"] * _rows(members), pa.string())
    # A member every row has anchors the commas: those before it are followed by one,
    # those after it preceded by one. Without such a member the leading comma is cut
    # off instead, which costs a pass over the texts.
    anchor = next((key for key in keys if _always(members[key].values)), None)
    split = keys.index(anchor) if anchor is not None else 0
    pieces: list[pa.Array | str] = []
    for position, key in enumerate(keys):
        values, quoted = members[key]
        quote = '"' if quoted else ""
        opening, closing = f'"{key}":{quote}', quote
        if position > split or anchor is None:
            opening = "," + opening
        elif position < split:
            closing += ","
        if not _always(values):
            present = pc.is_valid(values)
            opening, closing = (pc.if_else(present, opening, NO_TEXT),
                                pc.if_else(present, closing, NO_TEXT))
        if isinstance(values, pa.Scalar):  # one text for every row
            values = values.as_py()
        for piece in (opening, values, closing):
            # Neighbouring constant texts go as one: each piece costs a pass per row.
            if isinstance(piece, str) and pieces and isinstance(pieces[-1], str):
                pieces[-1] += piece
            else:
                pieces.append(piece)
    rows = _rows(members)
    if rows < HALVES_FROM:
        return _joined(pieces, anchored=anchor is not None)
    # Two halves at once: Arrow's kernels let go of the GIL.
    half = rows // 2
    halves = [[piece if isinstance(piece, str) else piece.slice(start, length)
               for piece in pieces] for start, length in ((0, half), (half, rows - half))]
    anchored = anchor is not None
    with ThreadPoolExecutor(max_workers=2) as pool:
        return pa.chunked_array(pool.map(lambda half: _joined(half, anchored=anchored),
                                         halves))


def _joined(pieces: list[pa.Array | str], *, anchored: bool) -> pa.Array:
    if not anchored:
        body = pc.binary_join_element_wise(*pieces, "", null_handling="replace",
                                           null_replacement="")
        return pc.binary_join_element_wise("{", pc.utf8_slice_codeunits(body, 1), "}", "")
    return pc.binary_join_element_wise("{", *pieces, "}", "", null_handling="replace",
                                       null_replacement="")


def _rows(members: Mapping[str, JsonValues]) -> int:
    return next(len(values) for values, _ in members.values()
                if isinstance(values, pa.Array | pa.ChunkedArray))


def _always(values: pa.Array | pa.Scalar) -> bool:
    return values.is_valid if isinstance(values, pa.Scalar) else values.null_count == 0
