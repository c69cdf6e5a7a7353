"""JSON written a column at a time (imports/json_columns.py) is, row for row, the text
the standard library's json writes for the same object: keys sorted, no spacing,
non-ASCII as is, missing members left out."""

from __future__ import annotations

import json
import random

import numpy as np
import pyarrow as pa
import pytest

from imports import json_columns
from imports.json_columns import (
    json_floats,
    json_numbers,
    json_object,
    json_strings,
    json_texts,
)

_TEXTS = ['plain', 'He said "hold"', "C:\\dir", "tab\there", "two\nlines", "البوكمال",
          "🛰️", "\u2028", "", "null", "a\\\"b", "</script>", "${x}"]


def _stdlib(row: dict) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("halves_from", [json_columns.HALVES_FROM, 150])
@pytest.mark.parametrize("seed", range(4))
def test_objects_are_written_as_the_json_module_writes_them(seed, halves_from, monkeypatch):
    """Joined whole or (from HALVES_FROM rows, here lowered) in two halves at once."""
    monkeypatch.setattr(json_columns, "HALVES_FROM", halves_from)
    rng = random.Random(seed)
    count = 400
    # Even seeds have members every row holds (the commas anchor on the first); odd
    # ones have none, so the leading comma is cut instead, and some rows are empty.
    always = seed == 0
    columns = {
        "zeta": [rng.choice(_TEXTS) for _ in range(count)] if always else
        [rng.choice([*_TEXTS, None]) for _ in range(count)],
        "alpha": [rng.choice([*_TEXTS, None, None]) for _ in range(count)],
        "mid_key": [rng.choice([None, None, None, "x"]) for _ in range(count)],
    }
    numbers = [rng.choice([float("nan"), 0.0, 7.0, 1500.0]) for _ in range(count)]
    flags = [rng.random() < 0.3 for _ in range(count)]
    members = {key: json_strings(pa.array(values, pa.string()))
               for key, values in columns.items()}
    members["count"] = json_numbers(np.array(numbers))
    members["flag"] = json_texts(pa.array(["true" if f else None for f in flags], pa.string()))
    if seed % 2 == 0:
        members["kind"] = json_strings(pa.scalar('"a" report'))
    written = json_object(members).to_pylist()
    for index, text in enumerate(written):
        row = {key: values[index] for key, values in columns.items()
               if values[index] is not None}
        if numbers[index] == numbers[index]:
            row["count"] = int(numbers[index])
        if flags[index]:
            row["flag"] = True
        if seed % 2 == 0:
            row["kind"] = '"a" report'
        assert text == _stdlib(row), index


def test_a_member_no_row_holds_leaves_an_empty_object():
    nothing = json_strings(pa.array([None, None], pa.string()))
    assert json_object({"a": nothing, "b": nothing}).to_pylist() == ["{}", "{}"]


def test_a_control_character_json_would_write_as_a_code_is_refused():
    with pytest.raises(ValueError, match="control character"):
        json_strings(pa.array(["bell\x07"]))
    with pytest.raises(ValueError, match="control character"):
        json_strings(pa.scalar("bell\x07"))


def test_floats_are_written_as_the_json_module_writes_them():
    rng = np.random.default_rng(3)
    values = np.concatenate([
        rng.uniform(-180, 180, 2_000), np.round(rng.uniform(-90, 90, 500), 4),
        [0.0, -0.0, 41.0, -7.0, 1e-05, -2e-05, 0.0001, 0.00012, 9.9999e-05, 1e16, 1.5e17,
         123456789012345.6, 1 / 3, 5e-324]])
    written = json_floats(values).values.to_pylist()
    assert written == [json.dumps(value) for value in values.tolist()]
