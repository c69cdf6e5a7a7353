"""What a reader of a large store waits for, server side (issue 26): the page's runs in
Streamlit's AppTest on a store of N ACLED-style events, GeoPackage (and PostGIS).

    .venv/bin/python bench/bench_store_engine.py [--events 100000] [--postgis]
        [--app-root PATH]

Each store is seeded and given N events by `posture-import` (scripts/make_acled_csv.py;
nothing is downloaded). Then, in this process, as a server would:

- the first page run, cold (nothing read yet in the process);
- another process records one claim (a `posture-import` of one point into the Syria
  front layer), and the page's next run: its time, and what it read (the process's
  read counts, store/picture.py; the bench fails if it read the store whole again);
- "As known on an earlier day" switched on, then moved to another day;
- the process's resident memory after all of it;
- in a second process, the first page of a server started again on the same store.

`--app-root` runs another checkout's app.py (a worktree of the commit before this work,
for the figures beside each other); read counts are printed only where it has them.
Timings are one run each: the first page is cold only once per process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "geometry": {"type": "Point", "coordinates": [36.9, 35.4]},
    "properties": {"id": "bench-probe", "name_en": "Bench probe", "name_ar": "مسبار",
                   "kind": "front", "as_of": "2024-12-02", "reported_on": "2024-12-02",
                   "source": "Bench", "confidence": "reported"}}]}


def _env(location: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POSTURE_STORE")}
    env["DATABASE_URL" if "://" in location else "POSTURE_STORE"] = location
    return env


def make_store(location: str, events: int, folder: Path) -> None:
    from scripts.make_acled_csv import write_acled_csv

    command = str(ROOT / ".venv" / "bin" / "posture-import")
    for start in range(0, events, 100_000):  # an import takes 100,000 rows a file
        rows = min(100_000, events - start)
        path = write_acled_csv(folder / f"acled-{start}.csv", rows, seed=2024 + start,
                               first=start)
        subprocess.run([command, str(path), "--layer", "acled"], check=True,
                       env=_env(location), capture_output=True)


def _run(app, what: str) -> float:
    started = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - started
    if app.exception:
        raise SystemExit(f"{what}: the page failed: {app.exception}")
    return seconds


def _counts(app_root: Path) -> dict[str, int] | None:
    if not (app_root / "store" / "reading_stats.py").is_file():
        return None  # a checkout before store pictures
    from store.reading_stats import read_counts

    return vars(read_counts())


def measure(location: str, app_root: Path, folder: Path, *, restart: bool = False
            ) -> dict[str, object]:
    """The figures for one store, in this process (run once per process: cold is cold).
    `restart`: only the first page, of a server started again on the same store (what
    the first start built and remembered on disk, layers/built_files.py, is there)."""
    os.environ.update(_env(location))
    os.environ.pop("DATABASE_URL" if "://" not in location else "POSTURE_STORE", None)
    sys.path.insert(0, str(app_root))
    os.chdir(app_root)
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(app_root / "app.py"), default_timeout=900)
    if restart:
        return {"first page after a restart (s)": _run(app, "first page after a restart")}
    figures: dict[str, object] = {"first page, cold (s)": _run(app, "first page")}
    figures["rerun, nothing written (s)"] = _run(app, "rerun")
    probe = folder / "probe.geojson"
    probe.write_text(json.dumps(PROBE, ensure_ascii=False), encoding="utf-8")
    subprocess.run([str(ROOT / ".venv" / "bin" / "posture-import"), str(probe), "--layer",
                    "syria-front"], check=True, env=_env(location), capture_output=True)
    before = _counts(app_root)
    figures["rerun after another process's one claim (s)"] = _run(app, "rerun after write")
    after = _counts(app_root)
    if before is not None and after is not None:
        read = {key: after[key] - before[key] for key in after}
        figures["read for that rerun"] = read
        if read["full_readings"] or read["claim_keys_read"] != 1:
            raise SystemExit(f"the rerun after one claim read the store again: {read}")
    app.checkbox(key="known").check()
    figures["'As known on' switched on (s)"] = _run(app, "known on")
    app.slider(key="known_on").set_value(dt.date(2024, 11, 15))
    figures["'As known on' moved (s)"] = _run(app, "known on moved")
    figures["resident memory, peak (MB)"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--postgis", action="store_true")
    parser.add_argument("--app-root", type=Path, default=ROOT)
    parser.add_argument("--location", help=argparse.SUPPRESS)  # one backend, in a child
    parser.add_argument("--restart", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.location:
        figures = measure(args.location, args.app_root.resolve(), Path(tempfile.mkdtemp()),
                          restart=args.restart)
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        locations = {"GeoPackage": str(folder / "store.gpkg")}
        cluster = None
        if args.postgis:
            from tests.postgis_cluster import Cluster

            cluster = Cluster()
            locations["PostGIS"] = cluster.new_database()
        try:
            for backend, location in locations.items():
                started = time.perf_counter()
                make_store(location, args.events, folder)
                print(f"{backend}: {args.events:,} events imported in "
                      f"{time.perf_counter() - started:.0f} s", flush=True)
                # Each backend in a process of its own: the first page is cold. Then
                # a second process on the same store: a server started again.
                for restart in ((), ("--restart",)):
                    done = subprocess.run(
                        [sys.executable, __file__, "--location", location, "--app-root",
                         str(args.app_root), *restart], capture_output=True, text=True,
                        check=False)
                    if done.returncode:
                        raise SystemExit(f"{backend}: {done.stderr[-3000:]}")
                    figures = json.loads(done.stdout.strip().splitlines()[-1])
                    for name, value in figures.items():
                        shown = f"{value:.2f}" if isinstance(value, float) else value
                        print(f"  {backend}, {args.app_root.name}: {name}: {shown}",
                              flush=True)
        finally:
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    main()
