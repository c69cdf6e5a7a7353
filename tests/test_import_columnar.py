"""The column-by-column fast path builds, for every row it accepts, exactly the record
the row-by-row path builds, and accepts only rows the schema accepts; rows it cannot
prove valid are left to the row-by-row path (imports/columnar.py)."""

from __future__ import annotations

import csv
import hashlib
import json
import random

import pytest

from geo.claims import canonical_json, normal_raw, validated
from imports.columnar import FAST_ROWS_MIN, columnar_records
from imports.columns import column_map
from imports.read import read_table
from imports.rows import RowDefaults, RowError, row_record
from scripts.make_acled_csv import write_acled_csv
from store.records import keys_of


def _compare(path, layer, key, key_is_id=False, source=None):
    """Every claim the fast path writes is the row path's record, as the store would
    write that record: its canonical JSON, digest, keys and geometry."""
    table = read_table(path)
    columns = column_map(table.columns)
    defaults = RowDefaults(path.name, layer, source, key)
    fast = columnar_records(table, columns, defaults, key_is_id, {layer})
    for index, claim in fast.items():
        slow = row_record(table.row(index), None, columns, defaults, key_is_id)
        assert normal_raw(slow) == slow
        text = claim.json_utf8.decode("utf-8")
        assert text == canonical_json(slow), index
        assert json.loads(text) == slow, index
        assert claim.content_hash == hashlib.sha256(claim.json_utf8).hexdigest()
        assert claim.keys == keys_of(slow)
        assert claim.geometry == slow["geometry"]
        validated(slow)  # the schema accepts it
    return table, fast


def _spoil(path, changes):
    """Rewrite some cells of a CSV: {(row index, column): value}."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    for (index, column), value in changes.items():
        rows[index + 1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_acled_rows_are_built_alike_and_odd_ones_go_row_by_row(tmp_path):
    path = write_acled_csv(tmp_path / "acled.csv", rows=FAST_ROWS_MIN + 500)
    odd = {
        (3, "fatalities"): "١٢",  # Arabic-Indic digits: the row path reads them
        (4, "event_date"): "01 December 2024",  # ACLED's other date form
        (5, "event_date"): "2024-02-30",  # no such day: rejected row by row
        (6, "actor1"): "   ",  # blank
        (7, "notes"): "اشتباكات قرب البوكمال",  # Arabic notes: the Arabic summary
        (8, "latitude"): "95.5",  # out of range
        (9, "time_precision"): "7",  # not one of ACLED's codes
        (10, "notes"): "bell\x07",  # a control character
        (11, "location"): "x" * 10_001,  # over the text limit
        (12, "timestamp"): "soon",
        (13, "geo_precision"): "",
    }
    _spoil(path, odd)
    table, fast = _compare(path, "acled", "event_id_cnty")
    assert len(fast) >= len(table) - len(odd)  # the fast path is not a no-op
    for row in (3, 4, 5, 8, 9, 10, 11, 12):
        assert row not in fast
    for row in (5, 8, 9, 10, 11, 12):  # and row by row, these are refused
        with pytest.raises((RowError, Exception)):
            validated(row_record(table.row(row), None, column_map(table.columns),
                                 RowDefaults(path.name, "acled", None, "event_id_cnty"),
                                 False))


def test_generic_rows_in_two_languages_are_built_alike(tmp_path):
    rng = random.Random(5)
    path = tmp_path / "posts.csv"
    names = ["Checkpoint", "نقطة تفتيش", "Depot", "مستودع"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["key", "name", "name_ar", "lon", "lat", "date", "reported_on",
                         "confidence", "source", "via", "link", "count", "summary"])
        for i in range(FAST_ROWS_MIN + 100):
            writer.writerow([
                f"p{i}", rng.choice(names), rng.choice(["", "اسم"]),
                f"{rng.uniform(38, 45):.5f}", f"{rng.uniform(31, 37):.5f}",
                f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                rng.choice(["", "2025-01-02"]), rng.choice(["media", "official", "estimate"]),
                rng.choice(["Rudaw", "وكالة الأنباء", ""]), rng.choice(["", "AFP"]),
                rng.choice(["", "https://example.org/a?b=1", "https://e.org/ü"]),
                rng.choice(["", "12", "1,500", "~300", "0"]),
                rng.choice(["", "text\twith tab", "نص"])])
    table, fast = _compare(path, "posts", "key", source="Analyst")
    assert len(fast) > len(table) // 4  # "1,500", "~300" and a non-ASCII link go row by row


def test_texts_json_escapes_and_odd_numbers_are_written_as_canonical_json_writes_them(
        tmp_path):
    """The fast path writes each claim's JSON itself (imports/json_columns.py): quotes,
    backslashes, tabs and newlines escaped, non-ASCII and U+2028 as they are, a text
    reading "null", and coordinates json writes in exponent form."""
    rng = random.Random(11)
    path = tmp_path / 'posts "quoted" \\ تقرير.csv'
    texts = ['He said "hold"', "C:\\path\\to", "tab\there", "line one\nline two",
             "null", "0.00001", "إلى البوكمال", "emoji 🛰️ and \u2028 separator", "a\\\"b",
             " padded ", "'single'", "</script><b>x</b>", "${alert(1)}"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["key", "name", "lon", "lat", "date", "confidence", "source", "via",
                         "summary", "kind", "actor"])
        for i in range(FAST_ROWS_MIN + 200):
            writer.writerow([
                f"k{i}", rng.choice(texts), rng.choice(["40.5", "0.00001", "-0.0", "045.25",
                                                        "41", "38.1000", "-179.99999"]),
                rng.choice(["33.25", "0.0001", "36.123456789012345", "-0.00002"]),
                "2024-06-01", "media",
                *(rng.choice([*texts, ""]) for _ in range(5))])
    table, fast = _compare(path, "posts", "key", source='Desk "A" \\ مكتب')
    assert len(fast) == len(table)  # every row went the fast way, and matched
    texts_written = [claim.json_utf8.decode() for claim in fast.values()]
    assert any('\\"hold\\"' in text for text in texts_written)
    assert any("line one\\nline two" in text for text in texts_written)
    assert any('"coordinates":[1e-05,' in text for text in texts_written)
    assert any("\u2028" in text for text in texts_written)


def test_rows_checked_in_slices_keep_their_own_indexes(tmp_path, monkeypatch):
    """The fast path checks a large file 20,000 rows at a time (its memory); here 1,000,
    so that every row's claim is still its own row's, odd rows are caught in whichever
    slice they fall, and a row of too many fields is caught at its index, not at the
    index it has inside its slice."""
    import imports.columnar

    monkeypatch.setattr(imports.columnar, "CHUNK_ROWS", 1_000)
    path = write_acled_csv(tmp_path / "acled.csv", rows=FAST_ROWS_MIN + 500)
    _spoil(path, {(0, "latitude"): "95.5", (999, "latitude"): "95.5",
                  (1_000, "event_date"): "2024-02-30", (2_499, "time_precision"): "7"})
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[1_500 + 1].append("stray")  # one field too many, in the second slice
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    table, fast = _compare(path, "acled", "event_id_cnty")
    assert set(table.field_counts) == {1_500}
    assert set(range(len(table))) - set(fast) == {0, 999, 1_000, 1_500, 2_499}
