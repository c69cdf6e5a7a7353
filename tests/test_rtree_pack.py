"""An R-tree packed whole (store/rtree_pack.py) holds what SQLite's own inserts hold,
passes SQLite's own structure check, answers window queries alike, and takes later
inserts and deletes through SQLite as usual."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import create_engine

from store.rtree_pack import pack_rtree

_TABLE = "CREATE VIRTUAL TABLE boxes USING rtree(id, minx, maxx, miny, maxy)"
_INSERT = "INSERT INTO boxes VALUES (?, ?, ?, ?, ?)"


def _random_boxes(rng: np.random.Generator, count: int, first_id: int) -> list[tuple]:
    """Points and boxes, negative and positive, most not exact as 32-bit floats."""
    x = rng.uniform(-180, 180, count)
    y = rng.uniform(-90, 90, count)
    width = np.where(rng.random(count) < 0.5, 0.0, rng.uniform(0, 3, count))
    height = np.where(width == 0, 0.0, rng.uniform(0, 3, count))
    return [(first_id + i, x[i], x[i] + width[i], y[i], y[i] + height[i])
            for i in range(count)]


def _engine(tmp_path, name):
    engine = create_engine(f"sqlite:///{tmp_path / name}")
    with engine.begin() as conn:
        conn.exec_driver_sql(_TABLE)
    return engine


def _windows(rng: np.random.Generator) -> list[tuple[float, float, float, float]]:
    windows = []
    for _ in range(40):
        x, y = rng.uniform(-180, 170), rng.uniform(-90, 80)
        windows.append((x, x + rng.uniform(0.01, 40), y, y + rng.uniform(0.01, 40)))
    return windows


def _state(conn, windows):
    entries = conn.exec_driver_sql("SELECT * FROM boxes ORDER BY id").all()
    found = [sorted(row[0] for row in conn.exec_driver_sql(
        "SELECT id FROM boxes WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?",
        (x0, x1, y0, y1))) for x0, x1, y0, y1 in windows]
    return entries, found


@pytest.mark.parametrize(("stored", "added"), [(0, 0), (0, 1), (0, 51), (3, 49), (0, 52),
                                              (10, 2_700), (200, 20_000)])
def test_a_packed_tree_holds_and_finds_what_sqlites_inserts_would(tmp_path, stored, added):
    rng = np.random.default_rng(stored * 7 + added)
    before, after = _random_boxes(rng, stored, 1), _random_boxes(rng, added, stored + 1)
    windows = _windows(rng)
    inserted, packed = _engine(tmp_path, "inserted.db"), _engine(tmp_path, "packed.db")
    with inserted.begin() as conn:
        conn.exec_driver_sql(_INSERT, before + after) if before + after else None
        expected = _state(conn, windows)
    with packed.begin() as conn:
        if before:
            conn.exec_driver_sql(_INSERT, before)
    with packed.begin() as conn:
        if after:
            pack_rtree(conn, "boxes", np.array([row[0] for row in after], dtype=np.int64),
                       np.array([row[1:] for row in after], dtype=np.float64))
        else:
            pack_rtree(conn, "boxes", np.empty(0, dtype=np.int64), np.empty((0, 4)))
    with packed.connect() as conn:  # a new connection reads the tree from the file
        assert conn.exec_driver_sql("SELECT rtreecheck('boxes')").scalar() == "ok"
        assert _state(conn, windows) == expected
    later = _random_boxes(rng, 300, stored + added + 1)
    with packed.begin() as conn, inserted.begin() as other:
        for db in (conn, other):  # SQLite's own inserts and deletes on top of it
            db.exec_driver_sql(_INSERT, later)
            db.exec_driver_sql("DELETE FROM boxes WHERE id % 3 = 0")
    with packed.connect() as conn, inserted.connect() as other:
        assert conn.exec_driver_sql("SELECT rtreecheck('boxes')").scalar() == "ok"
        assert _state(conn, windows) == _state(other, windows)
