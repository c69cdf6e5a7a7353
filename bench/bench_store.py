"""The claims store at scale, in both backends: write rate, and one view's features.

Records 100,000 deterministic event-like point claims (one day each, spread over two
years, reported the next day) next to the seed, then times what one map view asks of
the store: the claims as known on a day and holding on the as-of date, validated and
placed. Prints one line per backend.

    .venv/bin/python bench/bench_store.py [--rows 100000] [--postgis]

`--postgis` starts a throwaway cluster as the tests do (tests/postgis_cluster.py).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.features import check_record_set, place  # noqa: E402
from store import open_store  # noqa: E402
from store.seed import seed  # noqa: E402

FIRST_DAY = dt.date(2023, 1, 1)
DAYS = 730


def event_claims(rows: int) -> list[dict]:
    template = next(f for f in json.loads((ROOT / "data" / "features.json").read_text(
        encoding="utf-8"))["features"] if f["id"] == "hama-front")
    claims = []
    for index in range(rows):
        day = FIRST_DAY + dt.timedelta(days=index % DAYS)
        claim = copy.deepcopy(template)
        claim.update(id=f"event-{index}", valid_from=day.isoformat(), valid_to=day.isoformat(),
                     reported_on=(day + dt.timedelta(days=1)).isoformat(),
                     as_of=day.isoformat(), name_en=f"Event {index}", name_ar=f"حدث {index}")
        claim["geometry"] = {"type": "Point", "coordinates": [
            round(36 + (index * 7919 % 10_000) / 1000, 4),
            round(32 + (index * 104_729 % 6_000) / 1000, 4)]}
        claims.append(claim)
    return claims


def view_features(store, known_on: dt.date, as_of: dt.date) -> int:
    records = tuple(c.record for c in store.current(known_on, valid_on=as_of))
    check_record_set(records, "bench")
    return len(place(records))


def measure(location: str, claims: list[dict], label: str) -> None:
    store = open_store(location)
    seed(store)
    started = time.perf_counter()
    for start in range(0, len(claims), 20_000):  # as an import would, file by file
        store.record(claims[start:start + 20_000], "bench")
    write_s = time.perf_counter() - started
    views = [(FIRST_DAY + dt.timedelta(days=d + 1), FIRST_DAY + dt.timedelta(days=d))
             for d in range(100, DAYS, 90)]
    times, counts = [], []
    for known_on, as_of in views:
        started = time.perf_counter()
        counts.append(view_features(store, known_on, as_of))
        times.append(time.perf_counter() - started)
    store.close()
    print(f"{label}: wrote {len(claims):,} claims in {write_s:.1f} s "
          f"({len(claims) / write_s:,.0f} rows/s through SqlStore.record); one view's "
          f"features with {len(claims):,} claims stored: median "
          f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
          f"({len(views)} views, {min(counts)}–{max(counts)} features each); "
          "goal <= 200 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgis", action="store_true")
    args = parser.parse_args()
    claims = event_claims(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        measure(str(Path(folder) / "bench.gpkg"), claims, "GeoPackage")
    if args.postgis:
        from tests.postgis_cluster import Cluster

        cluster = Cluster()
        try:
            measure(cluster.new_database(), claims, "PostGIS")
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
