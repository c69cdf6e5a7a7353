"""The server's CPU time per toggle rerun (issue 26: goal <= 50 ms), on the seed store and
on a store of N ACLED-style events, read from /proc for the server process.

    .venv/bin/python bench/bench_toggle_cpu.py [--toggles 100] [--events 100000]

For each store, the app is started as `make run` starts it, the page loaded in Chromium
and left to settle, then a layer's switch is clicked `--toggles` times, each time until the
server's rerun has reached the map (bench/bench_dashboard.py's waits). The server's user
and system time (/proc/PID/stat, utime + stime) is read before the first click and after
the last: their difference over the toggles is the figure. The browser's own CPU is not in
it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_dashboard import (  # noqa: E402
    CONFIRMED_JS,
    DONE_JS,
    LAST_SERVER_LAYERS_JS,
    MAP_IFRAME,
    TOGGLED,
)
from bench.bench_store_engine import make_store  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, find_chromium, start_app, stop_app  # noqa: E402

IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process, in seconds (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def per_toggle_ms(browser, folder: Path, env: dict[str, str], toggles: int) -> float:
    server = start_app(folder, env, timeout_s=120)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(server.url, timeout=120_000)
        page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").first.wait_for(
            state="attached", timeout=300_000)
        page.wait_for_selector(IDLE, timeout=300_000)
        time.sleep(3)  # the map's first report and the table's rerun, over
        page.wait_for_selector(IDLE, timeout=60_000)
        page.evaluate("() => document.addEventListener('click',"
                      " () => { window.__clickAt = performance.now(); }, true)")
        switch = page.locator("label").filter(
            has=page.get_by_role("switch", name=TOGGLED, exact=True))
        before = cpu_seconds(server.process.pid)
        for index in range(toggles):
            last = page.evaluate(LAST_SERVER_LAYERS_JS)
            switch.click()
            page.wait_for_function(DONE_JS, arg=index % 2 == 1, polling="raf", timeout=60_000)
            page.wait_for_function(CONFIRMED_JS, arg=last, polling="raf", timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
        return (cpu_seconds(server.process.pid) - before) / toggles * 1000
    finally:
        page.close()
        stop_app(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toggles", type=int, default=100)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        browser = playwright.chromium.launch(executable_path=find_chromium(),
                                             args=CHROMIUM_ARGS)
        seed_store = str(folder / "seed.gpkg")
        events_store = str(folder / "events.gpkg")
        make_store(events_store, args.events, folder)
        for label, location in (("seed store", seed_store),
                                (f"{args.events:,} events", events_store)):
            ms = per_toggle_ms(browser, folder, {"POSTURE_STORE": location}, args.toggles)
            print(f"server CPU per toggle rerun, {label}, over {args.toggles} toggles: "
                  f"{ms:.1f} ms (goal <= 50 ms)", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
