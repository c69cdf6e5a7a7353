"""Event layers at 100,000 events (issue 13), in a real headless Chromium on this machine.

    .venv/bin/python bench/bench_events.py [--events 100000] [--runs 5]

Imports a deterministic ACLED-style CSV (scripts/make_acled_csv.py; nothing is
downloaded) into a GeoPackage and starts the app on it, and a second app on the seed
alone. On warm servers (each page loaded once first) it prints, median of --runs:

- first paint: page load to the map drawn, for the seed-only page, and for the page
  with the event layer on (to its canvas drawn with the window's events);
- toggle of the event layer (sidebar switch, off and on: to the canvas gone / drawn);
- moving the 30-day window by 30 days (the histogram's drag calls the same function);
- bytes the browser fetched for the layer (its column file; cards come on a click);
- the page's JS heap (Chromium's Runtime.getHeapUsage, main page and map iframe).

Beside it, the naive baseline: one folium.CircleMarker per event in one HTML file
(Leaflet served locally), loaded in the same browser with a 60 s limit.
Goals: first paint <= 2 s after the seed-only page's; toggle <= 0.3 s; window
<= 0.3 s; <= 5 MB; heap <= 300 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imports.run import ImportOptions, import_file  # noqa: E402
from scripts.make_acled_csv import write_acled_csv  # noqa: E402
from store import open_store  # noqa: E402
from store.seed import seed  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, find_chromium, start_app, stop_app  # noqa: E402

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
QUERY = "?as_of=2024-06-30"
DRAWN_JS = """() => {
  const w = document.querySelector('MAP_IFRAME')?.contentWindow;
  const s = w && w.postureEvents && w.postureEvents.stats();
  return !!(s && s.length && s[0].loaded && s[0].inWindow > 0 && s[0].mode);
}""".replace("MAP_IFRAME", MAP_IFRAME)
SEED_DRAWN_JS = """() => {
  const d = document.querySelector('MAP_IFRAME')?.contentDocument;
  return !!(d && d.querySelector('path.leaflet-interactive'));
}""".replace("MAP_IFRAME", MAP_IFRAME)
GONE_JS = """() => {
  const w = document.querySelector('MAP_IFRAME').contentWindow;
  return w.postureEvents.stats().length === 0;
}""".replace("MAP_IFRAME", MAP_IFRAME)
MOVE_JS = """(days) => {
  const w = document.querySelector('MAP_IFRAME').contentWindow;
  const f = w.postureEvents.filter();
  const iso = new Date((f.to + days) * 86400000).toISOString().slice(0, 10);
  const started = performance.now();
  w.postureEvents.setFilter({to: iso, days: f.days, types: f.types, actors: f.actors}, null);
  return performance.now() - started;
}""".replace("MAP_IFRAME", MAP_IFRAME)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _paint(page, url: str, ready_js: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(ready_js, timeout=120_000)
    return time.perf_counter() - started


def _heap_mb(page) -> float:
    client = page.context.new_cdp_session(page)
    used = client.send("Runtime.getHeapUsage")["usedSize"]
    client.detach()
    return used / 1e6


def measure_app(browser, seed_url: str, events_url: str, runs: int) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    responses: list = []
    page.on("response", lambda r: responses.append(r) if "/generated/events-" in r.url
            else None)
    _paint(page, seed_url + QUERY, SEED_DRAWN_JS)  # warm both servers
    _paint(page, events_url + QUERY, DRAWN_JS)
    # What went over the wire on this first load (encoded body: the server gzips), and
    # the file itself: the column file; cards come only with a click.
    layer_bytes = max((r.request.sizes()["responseBodySize"] for r in responses), default=0)
    file_bytes = max((len(r.body()) for r in responses), default=0)
    seed_paint = [_paint(page, seed_url + QUERY, SEED_DRAWN_JS) for _ in range(runs)]
    event_paint = []
    for _ in range(runs):
        page.context.clear_cookies()
        event_paint.append(_paint(page, events_url + QUERY, DRAWN_JS))
    heap = _heap_mb(page)
    switch = page.locator("[data-testid=stSidebar] label").filter(
        has=page.get_by_role("switch", name="acled", exact=True))
    off, on = [], []
    for _ in range(runs):
        started = time.perf_counter()
        switch.click()
        page.wait_for_function(GONE_JS, timeout=30_000)
        off.append(time.perf_counter() - started)
        page.wait_for_selector("[data-test-script-state=notRunning]")
        started = time.perf_counter()
        switch.click()
        page.wait_for_function(DRAWN_JS, timeout=30_000)
        on.append(time.perf_counter() - started)
        page.wait_for_selector("[data-test-script-state=notRunning]")
    moves = [page.evaluate(MOVE_JS, -30 if i % 2 else 30) / 1000 for i in range(runs * 2)]
    page.close()
    return {"seed_paint": _median(seed_paint), "event_paint": _median(event_paint),
            "toggle_off": _median(off), "toggle_on": _median(on), "window": _median(moves),
            "bytes": layer_bytes, "file_bytes": file_bytes, "heap_mb": heap}


def measure_baseline(browser, csv_path: Path, folder: Path, events: int) -> dict[str, object]:
    """One folium.CircleMarker per event, as a page built the obvious way would draw them."""
    import csv

    import folium

    from layers.assets import ensure_vendor_assets, local_css, local_js

    vendor = ensure_vendor_assets()
    started = time.perf_counter()
    m = folium.Map(location=[34, 41], zoom_start=6, tiles=None)
    m.default_js = local_js(vendor.as_uri())
    m.default_css = local_css(vendor.as_uri())
    group = folium.FeatureGroup(name="events").add_to(m)
    with csv_path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            folium.CircleMarker([float(row["latitude"]), float(row["longitude"])],
                                radius=3, tooltip=row["notes"]).add_to(group)
    html_path = folder / "baseline.html"
    m.save(str(html_path))
    build = time.perf_counter() - started
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    result: dict[str, object] = {"build_s": build, "html_bytes": html_path.stat().st_size}
    started = time.perf_counter()
    try:
        page.goto(html_path.as_uri(), timeout=60_000)
        page.wait_for_function(f"() => document.querySelectorAll('path.leaflet-interactive')"
                               f".length >= {events}", timeout=60_000)
        result["paint_s"] = time.perf_counter() - started
        result["heap_mb"] = _heap_mb(page)
        # The layer off and on again, as its layer control would (Leaflet removes and
        # re-adds 100,000 SVG paths); timed to the next frame painted.
        toggle = f"""async () => {{
          const map = window['{m.get_name()}'], group = window['{group.get_name()}'];
          const started = performance.now();
          map.hasLayer(group) ? map.removeLayer(group) : map.addLayer(group);
          await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
          return performance.now() - started; }}"""
        result["toggle_off_s"] = page.evaluate(toggle) / 1000
        result["toggle_on_s"] = page.evaluate(toggle) / 1000
    except PlaywrightTimeoutError:
        result["paint_s"] = None  # not drawn within 60 s
    page.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        csv_path = write_acled_csv(folder / "acled.csv", args.events)
        location = str(folder / "events.gpkg")
        store = open_store(location)
        seed(store)
        started = time.perf_counter()
        import_file(csv_path, ImportOptions(recorded_by="bench"), store)
        print(f"imported {args.events:,} events in {time.perf_counter() - started:.1f} s")
        store.close()
        seed_only = str(folder / "seed.gpkg")
        seed(open_store(seed_only))
        servers = [start_app(folder, {"POSTURE_STORE": seed_only}, timeout_s=120),
                   start_app(folder, {"POSTURE_STORE": location}, timeout_s=120)]
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
                app = measure_app(browser, servers[0].url, servers[1].url, args.runs)
                baseline = (None if args.skip_baseline else
                            measure_baseline(browser, csv_path, folder, args.events))
                browser.close()
        finally:
            for server in servers:
                stop_app(server)
    extra = app["event_paint"] - app["seed_paint"]
    print(f"app, {args.events:,} events, median of {args.runs}:")
    print(f"  first paint: seed-only page {app['seed_paint']:.2f} s, with the event layer "
          f"{app['event_paint']:.2f} s (+{extra:.2f} s; goal <= +2 s)")
    print(f"  toggle: off {app['toggle_off'] * 1000:.0f} ms, on {app['toggle_on'] * 1000:.0f} ms "
          "(goal <= 300 ms)")
    print(f"  moving the 30-day window: {app['window'] * 1000:.0f} ms (goal <= 300 ms)")
    print(f"  bytes for the layer: {app['bytes'] / 1e6:.2f} MB sent (gzip), the file "
          f"{app['file_bytes'] / 1e6:.2f} MB (goal <= 5 MB); cached after")
    print(f"  JS heap: {app['heap_mb']:.0f} MB (goal <= 300 MB)")
    if baseline is not None:
        paint = baseline["paint_s"]
        print(f"baseline, one folium.CircleMarker per event: build {baseline['build_s']:.1f} s, "
              f"HTML {int(baseline['html_bytes']) / 1e6:.1f} MB, first paint "
              + (f"{paint:.1f} s, heap {baseline['heap_mb']:.0f} MB, toggle off "
                 f"{baseline['toggle_off_s'] * 1000:.0f} ms, on "
                 f"{baseline['toggle_on_s'] * 1000:.0f} ms; no time window (each window "
                 "would be another page)" if paint is not None
                 else "none within 60 s (timed out)"))


if __name__ == "__main__":
    main()
