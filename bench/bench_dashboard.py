"""Dashboard benchmark in a real headless Chromium on this machine.

Prints, for app.py and for a naive baseline (bench/naive_app.py) in the same run:
cold start (server launch to map drawn), toggle latency (median and p95 over
N toggles, from the click event to the map's DOM changing, and to the map
receiving the server's rerun), and the map payload (websocket bytes of the first page load,
and the static files the page fetched from /app/static/). For the app alone, the time
label placement takes per view, in the browser and in print.

    make bench            # or: .venv/bin/python bench/bench_dashboard.py --toggles 20
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM_ARGS, find_chromium, start_app, stop_app  # noqa: E402

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
TOGGLED = "Force levels: troop counts"
LAYER_CLASS = "layer-force-levels"

# Evaluated in the main page, so it survives the iframe being replaced (baseline).
DONE_JS = """(shown) => {
  const frame = document.querySelector('MAP_IFRAME');
  const doc = frame && frame.contentDocument;
  if (!doc) return false;
  const present = doc.querySelectorAll('.LAYER_CLASS').length > 0;
  if (present === shown) { window.__doneAt = performance.now(); return true; }
  return false;
}""".replace("MAP_IFRAME", MAP_IFRAME).replace("LAYER_CLASS", LAYER_CLASS)


# The app applies a toggle in the browser at once; the server's rerun then
# sends the authoritative layer set, which streamlit-folium records here.
LAST_SERVER_LAYERS_JS = """() => {
  const w = document.querySelector('MAP_IFRAME').contentWindow;
  return w.__GLOBAL_DATA__ ? w.__GLOBAL_DATA__.last_feature_group : null;
}""".replace("MAP_IFRAME", MAP_IFRAME)
CONFIRMED_JS = """(previous) => {
  const w = document.querySelector('MAP_IFRAME').contentWindow;
  const now = w.__GLOBAL_DATA__ ? w.__GLOBAL_DATA__.last_feature_group : null;
  if (now !== previous) { window.__confirmedAt = performance.now(); return true; }
  return false;
}""".replace("MAP_IFRAME", MAP_IFRAME)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def cold_start(script: str, browser, root: Path = ROOT) -> float:
    """Seconds from launching the server to the map's layers drawn in a fresh page."""
    with tempfile.TemporaryDirectory() as tmp:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        started = time.perf_counter()
        server = start_app(Path(tmp), app_script=script, root=root)
        try:
            page.goto(server.url)
            page.frame_locator(MAP_IFRAME).locator(f".{LAYER_CLASS}").first.wait_for(
                state="attached", timeout=60_000)
            return time.perf_counter() - started
        finally:
            stop_app(server)
            page.close()


def measure(script: str, toggles: int, browser, optimistic: bool,
            cold_starts: int, root: Path = ROOT) -> dict[str, object]:
    extra_cold_starts = [cold_start(script, browser, root) for _ in range(cold_starts - 1)]
    with tempfile.TemporaryDirectory() as tmp:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        offline: list[str] = []
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:"))
            else (offline.append(r.request.url), r.abort()))
        received: dict[str, int] = {}
        page.on("response", lambda r: received.__setitem__(r.url, len(r.body()))
                if "/app/static/" in r.url else None)
        frames: list[int] = []
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda f: frames.append(len(f))))

        started = time.perf_counter()
        server = start_app(Path(tmp), app_script=script, root=root)
        healthy = time.perf_counter() - started
        try:
            page.goto(server.url)
            page.frame_locator(MAP_IFRAME).locator(f".{LAYER_CLASS}").first.wait_for(
                state="attached", timeout=60_000)
            first_cold_start = time.perf_counter() - started
            page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
            page.locator(MAP_IFRAME).scroll_into_view_if_needed()
            first_load_bytes = sum(frames)
            bundle_bytes = sum(n for url, n in received.items() if "/generated/" in url)
            library_bytes = sum(n for url, n in received.items() if "/generated/" not in url)
            page.evaluate("() => document.addEventListener('click',"
                          " () => { window.__clickAt = performance.now(); }, true)")
            toggle = page.locator("label").filter(
                has=page.get_by_role("switch", name=TOGGLED, exact=True))
            latencies, confirmed = [], []
            for index in range(toggles):
                shown = index % 2 == 1
                before = page.evaluate(LAST_SERVER_LAYERS_JS)
                toggle.click()
                page.wait_for_function(DONE_JS, arg=shown, polling="raf", timeout=30_000)
                latencies.append(page.evaluate("() => window.__doneAt - window.__clickAt") / 1000)
                if optimistic:
                    page.wait_for_function(CONFIRMED_JS, arg=before, polling="raf",
                                           timeout=30_000)
                    confirmed.append(
                        page.evaluate("() => window.__confirmedAt - window.__clickAt") / 1000)
                else:  # the baseline shows nothing until the server's rerun arrives
                    confirmed.append(latencies[-1])
                page.wait_for_selector(
                    "[data-testid=stApp][data-test-script-state=notRunning]")
                page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").first.wait_for(
                    state="attached")
        finally:
            stop_app(server)
            page.close()
    return {
        "cold_start_median_s": round(statistics.median([first_cold_start,
                                                         *extra_cold_starts]), 3),
        "cold_start_runs_s": [round(t, 3) for t in (first_cold_start, *extra_cold_starts)],
        "server_healthy_s": round(healthy, 3),
        "toggle_median_s": round(statistics.median(latencies), 3),
        "toggle_runs_s": [round(t, 4) for t in latencies],
        "toggle_p95_s": round(percentile(latencies, 0.95), 3),
        "server_confirmed_median_s": round(statistics.median(confirmed), 3),
        "server_confirmed_p95_s": round(percentile(confirmed, 0.95), 3),
        "first_load_websocket_bytes": first_load_bytes,
        "layer_bundle_bytes": bundle_bytes,
        "map_payload_bytes": first_load_bytes + bundle_bytes,
        "leaflet_bytes": library_bytes,
        "requests_leaving_machine": len(offline),
    }


# Views the label placement is timed on: the default and zooms 6-11 around three places
# (FACTS.md's places table), as in tests/test_browser.py.
LABEL_VIEWS = [(34.6, 40.6, 6)] + [(lat, lon, zoom) for lat, lon in
                                   ((34.369, 41.094), (36.34, 43.13), (36.20, 37.16))
                                   for zoom in range(6, 12)]


def label_placement_ms(browser) -> dict[str, object]:
    """Milliseconds the browser spends placing the map's labels, per view and language."""
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        server = start_app(Path(tmp))
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            for lang in ("en", "ar"):
                page.goto(f"{server.url}/?lang={lang}")
                page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
                frame = page.frame_locator(MAP_IFRAME)
                frame.locator("path.leaflet-interactive").first.wait_for(state="attached")
                handle = page.locator(MAP_IFRAME).element_handle().content_frame()
                handle.wait_for_function("() => window.postureLabelRuns > 0")
                for lat, lon, zoom in LABEL_VIEWS:
                    runs = handle.evaluate("() => window.postureLabelRuns")
                    handle.evaluate(f"() => map_div.setView([{lat}, {lon}], {zoom},"
                                    " {animate: false})")
                    handle.wait_for_function(f"() => window.postureLabelRuns > {runs}")
                    times.append(handle.evaluate("() => window.postureLabelMs"))
        finally:
            stop_app(server)
            page.close()
    return {"views": len(times), "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2), "max_ms": round(max(times), 2)}


def print_placement_ms() -> dict[str, object]:
    """Milliseconds matplotlib's label placement takes on a freshly drawn printed view."""
    from exports.static_map import draw_static
    from exports.view import View

    times = [draw_static(View(bbox=bbox, lang=lang), "a4-landscape", 150).label_ms
             for lang in ("en", "ar") for bbox in ((35.5, 31.5, 46.0, 38.0),
                                                   (40.3, 33.9, 41.8, 34.9),
                                                   (36.0, 35.0, 38.5, 36.8))]
    return {"views": len(times), "median_ms": round(statistics.median(times), 2),
            "max_ms": round(max(times), 2)}


SYMBOL_COST = """
import json, time
from geo.actors import viewpoints
from geo.features import load_features
records = load_features()
def draw_all():
    drawn = 0
    for lang in ("en", "ar"):
        for viewpoint in viewpoints():
            for record in records:
                drawn += feature_symbol(record, viewpoint.id, lang) is not None
    return drawn
def resident_kb():
    # Current, not peak: Linux carries a parent's peak (ru_maxrss) into a child it execs.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
memory_before = resident_kb()
started = time.perf_counter()
from layers.unit_symbols import feature_symbol
drawn = draw_all()
first = time.perf_counter() - started
memory_after = resident_kb()
started = time.perf_counter()
draw_all()
again = time.perf_counter() - started
print(json.dumps({"symbols": drawn, "first_load_s": round(first, 3),
                  "first_load_mb": round((memory_after - memory_before) / 1024, 1),
                  "per_rerun_ms": round(again * 1000, 3)}))
"""


def symbol_cost() -> dict[str, object]:
    """The unit symbols' cost in a fresh process: the first load (every seed symbol in both
    languages from every viewpoint) with no disk cache, so milsymbol loads its tables, then
    in a later start that finds them on disk (layers/symbol_cache.py); and a rerun's (every
    symbol again, from memory)."""
    import os

    results = {}
    with tempfile.TemporaryDirectory() as cache_dir:
        env = {**os.environ, "POSTURE_CACHE_DIR": cache_dir}
        for start in ("first start", "later start"):
            out = subprocess.run([sys.executable, "-c", SYMBOL_COST + "\n"
                                  "from layers import symbol_cache; symbol_cache.save()"],
                                 cwd=ROOT, check=True, capture_output=True, text=True,
                                 env=env).stdout
            results[start] = json.loads(out.strip().splitlines()[-1])
    return results


def serve_static_beside(script: str) -> None:
    # Streamlit serves ./static next to the main script; the baseline lives in
    # bench/, so it gets a link to the same folder.
    link = (ROOT / script).parent / "static"
    if not link.exists():
        link.symlink_to(ROOT / "static", target_is_directory=True)


def main() -> None:
    serve_static_beside("bench/naive_app.py")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toggles", type=int, default=20)
    parser.add_argument("--cold-starts", type=int, default=5,
                        help="server launches per app; the median is reported")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(),
                                             args=CHROMIUM_ARGS)
        results = {
            "app.py": measure("app.py", args.toggles, browser, optimistic=True,
                              cold_starts=args.cold_starts),
            "naive baseline": measure("bench/naive_app.py", args.toggles, browser,
                                      optimistic=False, cold_starts=args.cold_starts),
            "label placement, live map": label_placement_ms(browser),
            "label placement, print": print_placement_ms(),
            "unit symbols": symbol_cost(),
        }
        browser.close()
    print(json.dumps(results, indent=2))
    app, naive = results["app.py"], results["naive baseline"]
    speedup = naive["toggle_median_s"] / app["toggle_median_s"]
    print(f"toggle median: {app['toggle_median_s']:.3f} s vs baseline "
          f"{naive['toggle_median_s']:.3f} s ({speedup:.1f}x faster); goal <= 0.1 s and >= 3x")
    print(f"cold start median: {app['cold_start_median_s']:.2f} s (baseline "
          f"{naive['cold_start_median_s']:.2f} s); goal <= 3 s")
    print(f"map payload: {app['map_payload_bytes']:,} bytes (websocket + layer bundle), plus "
          f"{app['leaflet_bytes']:,} bytes of Leaflet; goal <= 300 KB")
    live, printed = results["label placement, live map"], results["label placement, print"]
    print(f"label placement: live map median {live['median_ms']} ms, max {live['max_ms']} ms "
          f"over {live['views']} views; print median {printed['median_ms']} ms; "
          "goal <= 50 ms per view")
    first, later = results["unit symbols"]["first start"], results["unit symbols"]["later start"]
    print(f"unit symbols ({first['symbols']}): first start {first['first_load_s']} s and "
          f"+{first['first_load_mb']} MB (milsymbol's tables); later starts, from the disk "
          f"cache, {later['first_load_s']} s and +{later['first_load_mb']} MB; per rerun "
          f"{later['per_rerun_ms']} ms; their SVG is inside the map payload above")


if __name__ == "__main__":
    main()
