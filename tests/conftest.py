"""Shared fixtures: the data folder, a real Streamlit server, and an offline Chromium.

The rule for every test (tests/README.md): an expected value comes from outside the
code under test (FACTS.md, a literal written by hand, the raw data file, or an
independent library such as pyproj, pypdf or lxml), never from the function tested.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
# On this machine: the app on loopback, and files (the standalone HTML export).
LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "file://", "data:", "blob:", "about:")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def find_chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate:
            return candidate
    raise RuntimeError("No Chromium found: `make test` installs Debian's chromium; "
                       "or set CHROMIUM_PATH")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_app(tmp_dir: Path, env_extra: dict[str, str] | None = None,
              timeout_s: float = 60.0, app_script: str = "app.py",
              extra_args: tuple[str, ...] = (), port: int | None = None,
              root: Path = ROOT) -> AppServer:
    """Start the app as `make run` does, on a free port (or `port`); wait for
    /_stcore/health. `extra_args` go to `streamlit run` (`--secrets.files PATH`, say);
    `root` is the checkout whose app runs (another commit's worktree, for an A/B)."""
    port = port or free_port()
    log_path = tmp_dir / f"streamlit-{port}.log"
    env = {**os.environ, **(env_extra or {})}
    process = subprocess.Popen(
        [sys.executable, str(root / "scripts" / "serve.py"), str(root / app_script),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false", *extra_args],
        cwd=root, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        # The port was free a moment ago; make sure it is this process that
        # answers, not another test run's server that took the port meanwhile.
        ours = f"127.0.0.1:{port}" in log_path.read_text(errors="replace")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if ours and response.read().decode().strip() == "ok" and process.poll() is None:
                    return AppServer(url, process, log_path)
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy in {timeout_s}s")


def stop_app(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    server = start_app(tmp_path_factory.mktemp("app"))
    yield server
    stop_app(server)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": find_chromium(),
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Tall enough that the whole map is on screen: Playwright misplaces clicks on
    # SVG inside an iframe when it has to scroll the page first.
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@dataclass
class OfflineGuard:
    """Every request that would leave 127.0.0.1 is aborted and remembered."""

    attempted: list[str] = field(default_factory=list)
    # Each attempt with the address of the page that made it.
    attempted_from: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture
def offline(context) -> OfflineGuard:
    guard = OfflineGuard()

    def route(route):
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            guard.attempted.append(url)
            try:
                page_url = route.request.frame.url
            except PlaywrightError:  # a service worker's request has no frame
                page_url = ""
            guard.attempted_from.append((url, page_url))
            route.abort()

    context.route("**/*", route)
    return guard


def copy_data_dir(target: Path) -> Path:
    """A writable copy of data/ for tests that plant bad or hostile records."""
    shutil.copytree(DATA_DIR, target)
    return target


def clear_data_caches() -> None:
    """Forget loaded data: the app loads it once per process, tests switch data folders."""
    from geo import actors, basemap, derive, features, gazetteer
    from layers import basemap_vector, builder, catalogue, event_layer, event_legend
    from store import features as store_features

    for module in (actors, basemap, derive, features, gazetteer, basemap_vector, builder,
                   catalogue, event_layer, event_legend, store_features):
        for name in dir(module):
            cached = getattr(module, name)
            if (callable(cached) and hasattr(cached, "cache_clear")
                    and not isinstance(cached, type)):  # a cache object, not its class
                cached.cache_clear()


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Iterator[Path]:
    """A copy of data/ that the app and geo/ read instead of the committed one."""
    from geo.paths import DATA_DIR_ENV

    target = copy_data_dir(tmp_path / "data")
    monkeypatch.setenv(DATA_DIR_ENV, str(target))
    clear_data_caches()
    yield target
    monkeypatch.delenv(DATA_DIR_ENV)
    clear_data_caches()


@pytest.fixture(autouse=True, scope="session")
def _session_store(tmp_path_factory) -> Iterator[Path]:
    """The tests' own var/ (stores, caches): a fresh store seeded from the data, never
    the developer's var/posture.gpkg. Apps the tests start inherit it."""
    from store.location import VAR_DIR_ENV

    var = tmp_path_factory.mktemp("var")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(VAR_DIR_ENV, str(var))
        patch.delenv("DATABASE_URL", raising=False)
        patch.delenv("POSTURE_STORE", raising=False)
        yield var


@pytest.fixture(scope="session")
def postgis_cluster() -> Iterator[object]:
    """A throwaway PostgreSQL + PostGIS for the session (tests/postgis_cluster.py)."""
    from tests.postgis_cluster import Cluster

    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgis_url(postgis_cluster) -> str:
    """A fresh, empty PostGIS database for one test."""
    return postgis_cluster.new_database()


@pytest.fixture(params=["geopackage", "postgis"])
def store_location(request, tmp_path) -> str:
    """Where a contract test's store is: each test runs against both backends."""
    if request.param == "geopackage":
        return str(tmp_path / "claims.gpkg")
    return request.getfixturevalue("postgis_url")


@pytest.fixture
def store(store_location):
    """The store at `store_location` (each backend in turn), opened and seeded."""
    from store import open_store
    from store.seed import seed

    opened = open_store(store_location)
    seed(opened)
    yield opened
    opened.close()


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def app():
    """The page run once by AppTest, as a first visitor sees it."""
    from streamlit.testing.v1 import AppTest

    from tests.app_helpers import APP

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at
