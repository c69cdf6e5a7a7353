"""The store survives what real machines do: a killed writer, two writers at once, and
other software (GDAL) reading the GeoPackage. Both backends, with real processes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pyogrio
import pytest
from sqlalchemy import text

from store import open_store
from store.seed import seed
from tests.conftest import DATA_DIR, ROOT

RAW = json.loads((DATA_DIR / "features.json").read_text(encoding="utf-8"))["features"]


def _writer(location: str, prefix: str, count: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.store_writer", location, prefix,
                             str(count)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _claim_count(location: str) -> int:
    store = open_store(location)
    try:
        with store.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM claims")).scalar()
    finally:
        store.close()


def test_gdal_reads_the_geopackage_with_its_spatial_index(tmp_path):
    path = tmp_path / "claims.gpkg"
    store = open_store(str(path))
    seed(store)
    store.close()
    frame = pyogrio.read_dataframe(path, layer="claims")
    assert len(frame) == len(RAW)
    with_geometry = {f["id"] for f in RAW if f.get("geometry")}
    assert set(frame.loc[frame.geometry.notna(), "feature_id"]) == with_geometry
    # Around Al-Bukamal (40.93 E, 34.45 N in FACTS.md's places table): GDAL's
    # bounding-box read goes through the R-tree the store keeps up to date.
    near = pyogrio.read_dataframe(path, layer="claims", bbox=(40.8, 34.3, 41.1, 34.6))
    assert set(near["feature_id"]) >= {"albukamal-crossing", "town-al-bukamal"}
    assert "city-baghdad" not in set(near["feature_id"])
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM rtree_claims_geom").fetchone() == (
            len(with_geometry),)


# The victim's write: as large as the first (the GeoPackage adds it to its indexes and
# R-tree row by row), or larger than all stored (it builds them again, store/gpkg.py).
@pytest.mark.parametrize(("fraction", "victim_count"), [(0.2, 20_000), (0.5, 20_000),
                                                        (0.8, 20_000), (0.4, 25_000),
                                                        (0.8, 25_000)])
def test_a_writer_killed_mid_write_leaves_all_of_it_or_none(store_location, fraction,
                                                            victim_count):
    seeded = open_store(store_location)
    seed(seeded)
    seeded.close()
    before = _claim_count(store_location)
    count = 20_000
    # How long one such write takes here, so the kills land inside it.
    timing = _writer(store_location, "timing", count)
    timing.stdout.readline()
    started = time.monotonic()
    timing.communicate(timeout=300)
    duration = time.monotonic() - started
    assert _claim_count(store_location) == before + count

    victim = _writer(store_location, "victim", victim_count)
    assert victim.stdout.readline().strip() == "ready"
    time.sleep(duration * fraction)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)
    after = _claim_count(store_location)
    assert after in (before + count, before + count + victim_count)
    # Readable and writable again, by this process and (GeoPackage) by GDAL.
    store = open_store(store_location)
    store.retract("hama-front", "checking the store still writes", "test")
    store.close()
    if "://" not in store_location:
        assert len(pyogrio.read_dataframe(store_location, layer="claims")) == after
        with sqlite3.connect(store_location) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("SELECT rtreecheck('rtree_claims_geom')").fetchone() == (
                "ok",)


def test_two_writers_at_once_each_land_exactly_once(store_location):
    open_store(store_location).close()
    first = _writer(store_location, "same", 3_000)
    second = _writer(store_location, "same", 3_000)
    other = _writer(store_location, "other", 2_000)
    outputs = [p.communicate(timeout=300) for p in (first, second, other)]
    for process, (_, err) in zip((first, second, other), outputs, strict=True):
        assert process.returncode == 0, err
    summaries = sorted(out.splitlines()[-1] for out, _ in outputs[:2])
    # One of the two identical writes came first; the other found every claim there.
    assert summaries == ["0 new, 0 changed, 3000 unchanged, 0 retracted, 0 rejected",
                         "3000 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"]
    assert _claim_count(store_location) == 5_000
