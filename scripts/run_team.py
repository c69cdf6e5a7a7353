"""Several app processes behind one sticky proxy, on one PostGIS: `make run-team`.

    python scripts/run_team.py [--replicas 2] [--port 8501] [--first-app-port 8601]

Streamlit keeps each session's state in the process that served it, so the proxy must
send every request of a browser to the same replica: HAProxy (Debian's `haproxy`)
inserts a cookie naming the replica on the first response and routes by it; a
replica that fails its health check (/_stcore/health) gets no new sessions.

The store is the database DATABASE_URL names, or else a PostgreSQL cluster of this
machine kept in var/team/pg (made on first use, started and stopped with the team).
Ctrl-C (or SIGTERM) stops the proxy, the replicas and that cluster. Every process
listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEAM_DIR = ROOT / "var" / "team"
HAPROXY = "haproxy"
COOKIE = "POSTURE_REPLICA"


def haproxy_config(port: int, app_ports: list[int]) -> str:
    servers = "\n".join(f"    server app{i} 127.0.0.1:{app_port} check cookie app{i}"
                        for i, app_port in enumerate(app_ports, start=1))
    return f"""# Written by scripts/run_team.py: {len(app_ports)} replica(s), one sticky proxy.
global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    # Streamlit holds one websocket per browser tab for as long as the tab is open.
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h

frontend posture
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance leastconn
    # Sticky sessions: the first response sets the cookie; later requests (the page's
    # websocket among them) go where it says.
    cookie {COOKIE} insert indirect nocache httponly
    option httpchk GET /_stcore/health
{servers}
"""


def _wait_healthy(url: str, process: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the process exited ({process.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not become healthy in {timeout_s:.0f} s")


def start_in_background(replicas: int, database_url: str, folder: Path, port: int,
                        first_app_port: int, timeout_s: float = 180) -> subprocess.Popen:
    """This script as a child process (for the tests and bench/bench_team.py), returned
    once the team is up; its output goes to `folder`/team.log. SIGTERM stops it."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "team.log"
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--replicas", str(replicas),
         "--port", str(port), "--first-app-port", str(first_app_port), "--dir", str(folder)],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url},
        stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout_s
    while "The team is up" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"run_team did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)
    return process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8501, help="the proxy's port")
    parser.add_argument("--first-app-port", type=int, default=8601)
    parser.add_argument("--pg-port", type=int, default=55433,
                        help="the local cluster's (socket) port, when DATABASE_URL is unset")
    parser.add_argument("--dir", type=Path, default=TEAM_DIR,
                        help="where the logs, the proxy's config and the local cluster live")
    args = parser.parse_args(argv)
    team_dir: Path = args.dir
    if not 1 <= args.replicas <= 16:
        parser.error("--replicas: give 1 to 16")
    # Its logs may name the database with its password: every file made from here on is
    # this account's alone. The folder is shut too, but for passing through when root
    # runs the team: the cluster inside runs as postgres (store/local_cluster.py).
    os.umask(0o077)
    team_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(team_dir, 0o711 if os.geteuid() == 0 else 0o700)
    cluster = None
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        from store.local_cluster import LocalCluster

        cluster = LocalCluster(team_dir / "pg", port=args.pg_port)
        # As a role of the app's own, not the cluster's superuser (store/local_cluster.py).
        database_url = cluster.app_url("posture")
    processes: list[subprocess.Popen] = []

    def stop(*_: object) -> None:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if cluster is not None:
            cluster.stop()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        # One seeding before the replicas start, so they do not all seed at once.
        from store import open_store
        from store.seed import seed
        from store.users import WRITING_ROLES, Users

        store = open_store(database_url)
        seed(store)
        if not any(u.role in WRITING_ROLES for u in Users(store).all()):
            # The URL holds the app role's password: kept in a file of this account's, not
            # shown on the console.
            url_file = team_dir / "database.url"
            url_file.write_text(database_url + "\n", encoding="utf-8")
            print("No editor yet; add the first one with\n"
                  f"    DATABASE_URL=\"$(cat {url_file})\" .venv/bin/posture-users add NAME "
                  "--role editor", flush=True)
        store.close()
        app_ports = [args.first_app_port + i for i in range(args.replicas)]
        for index, app_port in enumerate(app_ports, start=1):
            env = {**os.environ, "DATABASE_URL": database_url, "POSTURE_REPLICA": f"app{index}"}
            log = (team_dir / f"app{index}.log").open("w")
            processes.append(subprocess.Popen(
                [sys.executable, str(ROOT / "scripts" / "serve.py"), str(ROOT / "app.py"),
                 "--server.port", str(app_port), "--server.address", "127.0.0.1",
                 "--server.headless", "true", "--browser.gatherUsageStats", "false",
                 "--server.fileWatcherType", "none"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        for app_port, process in zip(app_ports, processes, strict=True):
            _wait_healthy(f"http://127.0.0.1:{app_port}", process)
        config = team_dir / "haproxy.cfg"
        config.write_text(haproxy_config(args.port, app_ports), encoding="utf-8")
        proxy = subprocess.Popen([HAPROXY, "-f", str(config), "-db"], cwd=team_dir,
                                 stdout=(team_dir / "haproxy.log").open("w"),
                                 stderr=subprocess.STDOUT)
        processes.append(proxy)
        _wait_healthy(f"http://127.0.0.1:{args.port}", proxy)
        print(f"The team is up at http://127.0.0.1:{args.port}: {args.replicas} replica(s) on "
              f"ports {', '.join(map(str, app_ports))}, one PostGIS "
              f"({'DATABASE_URL' if cluster is None else cluster.folder}). Ctrl-C stops it.",
              flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        failed = next(p for p in processes if p.poll() is not None)
        print(f"a process exited ({failed.args[0]}: {failed.returncode}); stopping the team",
              file=sys.stderr)
        stop()
    except BaseException:
        if not isinstance(sys.exc_info()[1], SystemExit):
            for process in processes:
                process.kill()
            if cluster is not None:
                cluster.stop()
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
