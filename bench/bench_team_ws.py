"""Load: N sessions toggling a layer through the sticky proxy (`make run-team`), driven by
a client that speaks Streamlit's own websocket protocol instead of driving N Chromiums
(bench/bench_team.py measures the browsers as much as the servers). Loopback only.

    .venv/bin/python bench/bench_team_ws.py [--sessions 20] [--toggles 10]
        [--replicas 2 1] [--events 0]

Each session does what a browser's page does on the wire:
- GET / through HAProxy, which sets the cookie naming its replica (sticky sessions);
- opens /_stcore/stream with that cookie and asks for the first run (a BackMsg
  rerun_script, as the page sends on connecting), reading the ForwardMsgs to its
  script_finished: the first page's time;
- then switches the "Syria front" layer off and on `--toggles` times: a rerun_script
  carrying the switch's new value, timed to the run's script_finished. Each toggle is
  checked: the map component the run sent must draw the layer, or not, as switched.

Printed per setup: median and p95 of the toggles and of the first pages, the sessions
that finished, each replica's CPU time over the load (from /proc) beside this client's
own, and each replica's resident memory. `--events N` gives the store N ACLED-style events
first (scripts/make_acled_csv.py, nothing downloaded).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_dashboard import percentile  # noqa: E402
from bench.bench_team import rss_mb, start_team, team_processes  # noqa: E402
from store.local_cluster import LocalCluster  # noqa: E402

TOGGLED_LAYER = "syria-front"
SWITCH_KEY = f"layer:{TOGGLED_LAYER}"  # app.py's key for the layer's switch
_LAYERS_SENT = re.compile(r'postureBundle\["layers"\]\["([^"]+)"\]')
_TICKS = os.sysconf("SC_CLK_TCK")


def _rerun(widgets: dict[str, bool] | None = None) -> bytes:
    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.page_script_hash = ""
    for widget_id, value in (widgets or {}).items():
        state = message.rerun_script.widget_states.widgets.add()
        state.id, state.bool_value = widget_id, value
    return message.SerializeToString()


class _Run:
    """What one run sent that the client reads: the switch's id, the layers the map draws."""

    def __init__(self) -> None:
        self.switch_id: str | None = None
        self.layers: set[str] | None = None
        self.finished: int | None = None

    def read(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            self.finished = message.script_finished
        if kind != "delta" or message.delta.WhichOneof("type") != "new_element":
            return
        element = message.delta.new_element
        which = element.WhichOneof("type")
        if which == "checkbox" and element.checkbox.id.endswith(f"-{SWITCH_KEY}"):
            self.switch_id = element.checkbox.id
        elif which == "component_instance" and element.component_instance.json_args:
            args = json.loads(element.component_instance.json_args)
            if isinstance(args, dict) and "feature_group" in args:
                self.layers = set(_LAYERS_SENT.findall(args["feature_group"]))


async def _run_to_end(stream, request: bytes) -> tuple[float, _Run]:
    started = time.perf_counter()
    await stream.send(request)
    run = _Run()
    while run.finished is None:
        message = ForwardMsg()
        message.ParseFromString(await stream.recv())
        run.read(message)
    return time.perf_counter() - started, run


def _sticky_cookie(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return "; ".join(value.split(";", 1)[0]
                         for value in response.headers.get_all("Set-Cookie") or ())


async def session(url: str, toggles: int, deadline: float) -> tuple[float | None, list[float],
                                                                       str | None]:
    """(the first page's seconds, each toggle's seconds, what went wrong or None)."""
    first: float | None = None
    times: list[float] = []
    try:
        cookie = await asyncio.to_thread(_sticky_cookie, url + "/")
        stream_url = url.replace("http://", "ws://") + "/_stcore/stream"
        async with asyncio.timeout(max(1.0, deadline - time.monotonic())), websockets.connect(
                stream_url, subprotocols=["streamlit"], origin=url, max_size=None,
                additional_headers={"Cookie": cookie} if cookie else None) as stream:
            first, run = await _run_to_end(stream, _rerun())
            if run.switch_id is None or run.layers is None or TOGGLED_LAYER not in run.layers:
                return first, times, "the first page had no switch or map for the layer"
            shown = True
            for _ in range(toggles):
                shown = not shown
                seconds, run = await _run_to_end(stream, _rerun({run.switch_id: shown}))
                if run.layers is None or (TOGGLED_LAYER in run.layers) != shown:
                    return first, times, f"a toggle to {shown} drew {sorted(run.layers or ())}"
                times.append(seconds)
    except TimeoutError:
        return first, times, "timed out"
    except (OSError, websockets.WebSocketException) as e:
        return first, times, f"{type(e).__name__}: {e}"
    return first, times, None


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


async def _load(url: str, sessions: int, toggles: int, bound_s: float) -> list:
    deadline = time.monotonic() + bound_s
    return await asyncio.gather(*(session(url, toggles, deadline) for _ in range(sessions)))


def _client_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _summary(values: list[float]) -> str:
    if not values:
        return "none"
    return (f"median {statistics.median(values):.2f} s, p95 {percentile(values, 0.95):.2f} s"
            f" (n={len(values)})")


def _add_events(database_url: str, events: int, folder: Path) -> None:
    from scripts.make_acled_csv import write_acled_csv

    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("POSTURE_STORE", None)
    for start in range(0, events, 100_000):
        path = write_acled_csv(folder / f"acled-{start}.csv", min(100_000, events - start),
                               seed=2024 + start, first=start)
        subprocess.run([str(ROOT / ".venv" / "bin" / "posture-import"), str(path), "--layer",
                        "acled"], check=True, env=env, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--toggles", type=int, default=10)
    parser.add_argument("--replicas", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--events", type=int, default=0)
    parser.add_argument("--bound-s", type=float, default=300.0,
                        help="each setup's time bound for all its sessions")
    args = parser.parse_args()
    cluster = LocalCluster()
    try:
        with tempfile.TemporaryDirectory(prefix="posture-team-ws-") as tmp:
            for replicas in args.replicas:
                database_url = cluster.create_database(f"team_ws_{replicas}")
                if args.events:
                    _add_events(database_url, args.events, Path(tmp))
                team, url = start_team(replicas, database_url, Path(tmp))
                try:
                    servers = team_processes(team.pid)
                    cpu_before = {name: _cpu_s(pid) for name, pid in servers.items()}
                    client_before = _client_cpu_s()
                    started = time.perf_counter()
                    results = asyncio.run(_load(url, args.sessions, args.toggles,
                                                args.bound_s))
                    wall = time.perf_counter() - started
                    client_cpu = _client_cpu_s() - client_before
                    cpu = {name: _cpu_s(pid) - cpu_before[name]
                           for name, pid in servers.items()}
                    memory = {name: rss_mb(pid) for name, pid in servers.items()}
                finally:
                    team.send_signal(signal.SIGTERM)
                    team.wait(timeout=60)
                firsts = [first for first, _, _ in results if first is not None]
                toggles = [t for _, run, _ in results for t in run]
                problems = [problem for _, _, problem in results if problem]
                print(f"{replicas} replica(s), {args.sessions} sessions x {args.toggles} "
                      f"toggles, {args.events:,} events, wall {wall:.0f} s:\n"
                      f"  toggles: {_summary(toggles)}\n"
                      f"  first pages: {_summary(firsts)}\n"
                      f"  sessions finished: {args.sessions - len(problems)}/{args.sessions}"
                      + (f" (first problem: {problems[0]})" if problems else "") + "\n"
                      f"  CPU over the load: this client {client_cpu:.2f} s; "
                      + ", ".join(f"{name} {seconds:.1f} s"
                                  for name, seconds in sorted(cpu.items())) + "\n"
                      "  RSS: " + ", ".join(f"{name} {mb:.0f} MB"
                                            for name, mb in sorted(memory.items())),
                      flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
