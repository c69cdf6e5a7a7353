"""Load: 20 browser sessions toggling layers through the sticky proxy, with two app
replicas and then one, on one PostGIS (scripts/run_team.py). Loopback only, bounded in
time.

    .venv/bin/python bench/bench_team.py [--sessions 20] [--toggles 5] [--replicas 2 1]

Each session opens the page through HAProxy, waits for its map, then switches one layer
off and on `--toggles` times. A toggle's time is from the click to the server's rerun
confirming it in the map (streamlit-folium's last feature group changing): the switch
itself shows in the browser at once, so what load slows down is this round trip. A
session that has not finished when the time bound (`--bound-s`) passes is counted as
timed out, not waited for. Printed per setup: median and p95 toggle times, the sessions
that finished, and the resident memory (RSS) of each replica and of the proxy.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_dashboard import (  # noqa: E402 - the server's confirmation, read alike
    CONFIRMED_JS,
    LAST_SERVER_LAYERS_JS,
    MAP_IFRAME,
    percentile,
)
from scripts.run_team import start_in_background  # noqa: E402
from store.local_cluster import LocalCluster  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, find_chromium  # noqa: E402

TOGGLED = "Syria front: Aleppo, Idlib, Hama (Dec 2024)"
IDLE = ("[data-testid=stApp][data-test-connection-state=CONNECTED]"
        "[data-test-script-state=notRunning]")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def free_block(count: int) -> int:
    """A port p with p .. p + count - 1 all free (one per replica)."""
    for _ in range(100):
        first = free_port()
        sockets = []
        try:
            for port in range(first, first + count):
                probe = socket.socket()
                sockets.append(probe)
                probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for probe in sockets:
                probe.close()
    raise SystemExit(f"no {count} consecutive free ports")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def team_processes(team_pid: int) -> dict[str, int]:
    """The team's replicas (by the port they serve) and its proxy, by pid."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("PPid:")), 0)
        if parent != team_pid:
            continue
        if b"haproxy" in command[0]:
            found["proxy (haproxy)"] = int(entry.name)
        elif b"--server.port" in command:
            port = command[command.index(b"--server.port") + 1].decode()
            found[f"replica on :{port}"] = int(entry.name)
    return found


async def session(browser, url: str, toggles: int, deadline: float) -> list[float]:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")) else route.abort())
    page = await context.new_page()
    times: list[float] = []
    try:
        remaining = max(1.0, deadline - time.monotonic()) * 1000
        await page.goto(url, timeout=remaining)
        await page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").first.wait_for(
            state="attached", timeout=max(1.0, deadline - time.monotonic()) * 1000)
        await page.wait_for_selector(IDLE, timeout=max(1.0, deadline - time.monotonic()) * 1000)
        switch = page.locator("label").filter(has=page.get_by_role("switch", name=TOGGLED,
                                                                    exact=True))
        for _ in range(toggles):
            before = await page.evaluate(LAST_SERVER_LAYERS_JS)
            started = time.perf_counter()
            await switch.click(timeout=max(1.0, deadline - time.monotonic()) * 1000)
            await page.wait_for_function(CONFIRMED_JS, arg=before, polling=50,
                                         timeout=max(1.0, deadline - time.monotonic()) * 1000)
            times.append(time.perf_counter() - started)
            await page.wait_for_selector(IDLE, timeout=max(1.0, deadline - time.monotonic())
                                         * 1000)
    except Exception:  # a session past the bound is counted, not raised
        pass
    finally:
        await context.close()
    return times


async def load(url: str, sessions: int, toggles: int, bound_s: float) -> list[list[float]]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=find_chromium(),
                                                   args=CHROMIUM_ARGS)
        deadline = time.monotonic() + bound_s
        results = await asyncio.gather(*(session(browser, url, toggles, deadline)
                                         for _ in range(sessions)))
        await browser.close()
    return list(results)


def start_team(replicas: int, database_url: str, folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = start_in_background(replicas, database_url, folder / f"team-{replicas}", port,
                                  free_block(replicas))
    return process, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--toggles", type=int, default=5)
    parser.add_argument("--replicas", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--bound-s", type=float, default=240.0,
                        help="each setup's time bound for all its sessions")
    args = parser.parse_args()
    cluster = LocalCluster()
    try:
        with tempfile.TemporaryDirectory(prefix="posture-team-") as tmp:
            for replicas in args.replicas:
                database_url = cluster.create_database(f"team_{replicas}")
                team, url = start_team(replicas, database_url, Path(tmp))
                try:
                    started = time.perf_counter()
                    results = asyncio.run(load(url, args.sessions, args.toggles, args.bound_s))
                    wall = time.perf_counter() - started
                    memory = {name: rss_mb(pid)
                              for name, pid in sorted(team_processes(team.pid).items())}
                finally:
                    team.send_signal(signal.SIGTERM)
                    team.wait(timeout=60)
                times = [t for run in results for t in run]
                finished = sum(1 for run in results if len(run) == args.toggles)
                summary = (f"median {statistics.median(times):.2f} s, p95 "
                           f"{percentile(times, 0.95):.2f} s over {len(times)} toggles"
                           if times else "no toggle finished")
                print(f"{replicas} replica(s), {args.sessions} sessions x {args.toggles} "
                      f"toggles: {summary}; {finished}/{args.sessions} sessions finished "
                      f"within {args.bound_s:.0f} s (wall {wall:.0f} s); RSS: "
                      + ", ".join(f"{name} {mb:.0f} MB" for name, mb in memory.items()),
                      flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
