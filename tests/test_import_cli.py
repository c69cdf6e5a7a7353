"""The installed `posture-import` command as other tools call it: its output and exit
status, a SIGKILL in the middle of an import, and two imports at once. Both backends,
real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
from sqlalchemy import text

from scripts.make_acled_csv import write_acled_csv
from store import open_store
from store.seed import seed
from tests.conftest import ROOT
from tests.test_import import GOOD_ROWS, HEADER, write_csv

IMPORT = ROOT / ".venv" / "bin" / "posture-import"


def _env(location: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POSTURE_STORE")}
    env["DATABASE_URL" if "://" in location else "POSTURE_STORE"] = location
    env["POSTURE_USER"] = "analyst-b"
    return env


def _start(location: str, *args: object) -> subprocess.Popen:
    return subprocess.Popen([IMPORT, *map(str, args)], env=_env(location), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)


def _import(location: str, *args: object) -> subprocess.CompletedProcess:
    process = _start(location, *args)
    out, err = process.communicate(timeout=600)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _count(location: str, sql: str) -> int:
    store = open_store(location)
    try:
        with store.engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        store.close()


@pytest.fixture
def seeded(store_location) -> str:
    store = open_store(store_location)
    seed(store)
    store.close()
    return store_location


def test_the_command_prints_one_summary_line_and_exits_0_2_or_3(seeded, tmp_path):
    good = write_csv(tmp_path / "posts.csv", HEADER, GOOD_ROWS)
    result = _import(seeded, good, "--layer", "posts", "--key", "key")
    assert (result.returncode, result.stdout) == (
        0, "3 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected\n"), result.stderr
    bad = write_csv(tmp_path / "bad.csv", HEADER, [[*GOOD_ROWS[0][:3], 95, *GOOD_ROWS[0][4:]]])
    result = _import(seeded, bad, "--layer", "posts", "--key", "key")
    assert (result.returncode, result.stdout) == (
        3, "0 new, 0 changed, 0 unchanged, 0 retracted, 1 rejected\n")
    assert "rejected: row 2, lat: latitude is out of range" in result.stderr
    result = _import(seeded, tmp_path / "missing.csv")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("posture-import: error: missing.csv: cannot be read")
    result = _import(seeded, good, "--partial", "--bogus")
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_import_killed_midway_leaves_all_of_it_or_none(seeded, tmp_path):
    path = write_acled_csv(tmp_path / "acled.csv", rows=5_000)
    claims = "SELECT count(*) FROM claims WHERE layer = 'acled'"
    layers = "SELECT count(*) FROM layers WHERE layer_id = 'acled'"
    # How long the whole import takes here (a dry run writes nothing), so the kills land
    # inside one.
    started = time.monotonic()
    assert _import(seeded, path, "--dry-run").returncode == 0
    duration = time.monotonic() - started
    for fraction in (0.5, 0.8, 0.95):
        victim = _start(seeded, path)
        time.sleep(duration * fraction)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=60)
        landed = _count(seeded, claims)
        assert landed in (0, 5_000), fraction
        # The layer is made in the same transaction as its claims.
        assert _count(seeded, layers) == (1 if landed else 0)
        if landed:
            break
    result = _import(seeded, path)
    assert result.returncode == 0
    assert _count(seeded, claims) == 5_000


def test_two_imports_of_one_file_at_once_land_each_claim_once(seeded, tmp_path):
    path = write_acled_csv(tmp_path / "acled.csv", rows=3_000)
    other = write_acled_csv(tmp_path / "other.csv", rows=2_000, seed=7)
    first, second, third = (_start(seeded, path), _start(seeded, path),
                            _start(seeded, other, "--layer", "acled-b"))
    outs = [p.communicate(timeout=600) for p in (first, second, third)]
    assert [p.returncode for p in (first, second, third)] == [0, 0, 0], outs
    summaries = sorted(out.strip() for out, _ in outs[:2])
    assert summaries == ["0 new, 0 changed, 3000 unchanged, 0 retracted, 0 rejected",
                         "3000 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"]
    assert _count(seeded, "SELECT count(*) FROM claims WHERE layer = 'acled'") == 3_000
    assert _count(seeded, "SELECT count(*) FROM claims WHERE layer = 'acled-b'") == 2_000
    assert _count(seeded, "SELECT count(DISTINCT feature_id) FROM claims") == \
        _count(seeded, "SELECT count(*) FROM claims")



def test_a_bulk_import_keeps_the_geopackage_whole_for_gdal(tmp_path):
    """Above store/gpkg.py's BULK_ROWS the import maintains the R-tree and GDAL's feature
    count itself: GDAL must still find every point through its spatial index."""
    import csv
    import sqlite3

    import pyogrio

    location = str(tmp_path / "claims.gpkg")
    path = write_acled_csv(tmp_path / "acled.csv", rows=2_500)
    result = _import(location, path)  # more claims than stored: the R-tree packed whole
    assert result.returncode == 0, result.stderr
    more = write_acled_csv(tmp_path / "more.csv", rows=1_200, seed=7)
    result = _import(location, more, "--layer", "acled-more")  # fewer: inserted one by one
    assert result.returncode == 0, result.stderr
    box = (40.0, 33.0, 42.0, 35.0)
    inside = {f"{layer}.{row['event_id_cnty']}" for layer, file in (("acled", path),
                                                                     ("acled-more", more))
              for row in csv.DictReader(file.open())
              if box[0] <= float(row["longitude"]) <= box[2]
              and box[1] <= float(row["latitude"]) <= box[3]}
    assert len(inside) > 50
    found = pyogrio.read_dataframe(location, layer="claims", bbox=box)
    assert {f for f in found["feature_id"] if f.startswith("acled")} == inside
    # GDAL decodes each point the bulk path encoded, at the file's own coordinates.
    given = {f"{layer}.{row['event_id_cnty']}": (float(row["longitude"]),
                                                 float(row["latitude"]))
             for layer, file in (("acled", path), ("acled-more", more))
             for row in csv.DictReader(file.open())}
    decoded = {feature_id: (point.x, point.y) for feature_id, point in
               zip(found["feature_id"], found.geometry, strict=True) if feature_id in given}
    assert decoded == {feature_id: given[feature_id] for feature_id in inside}
    with sqlite3.connect(location) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT rtreecheck('rtree_claims_geom')").fetchone() == ("ok",)
        # The record was bound as UTF-8 bytes: it must still be TEXT, for GDAL and json.
        assert conn.execute("SELECT DISTINCT typeof(record) FROM claims").fetchall() == [
            ("text",)]
        arabic = conn.execute("SELECT record FROM claims WHERE feature_id = 'acled.SYR1'"
                              ).fetchone()[0]
        assert json.loads(arabic)["count"]["words_ar"].startswith("القتلى")
        with_geometry = conn.execute("SELECT count(*) FROM claims WHERE geom IS NOT NULL"
                                     ).fetchone()[0]
        assert conn.execute("SELECT count(*) FROM rtree_claims_geom").fetchone()[0] == \
            with_geometry
        assert conn.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE "
                            "table_name = 'claims'").fetchone()[0] == \
            conn.execute("SELECT count(*) FROM claims").fetchone()[0]
        triggers = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"rtree_claims_geom_insert", "trigger_insert_feature_count_claims"} <= triggers
        # The secondary indexes, dropped and built again around a large insert, are back.
        indexes = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'claims'")}
        assert {"claims_by_feature", "claims_by_validity", "claims_claim_id"} <= indexes
