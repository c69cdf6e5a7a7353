"""Two app replicas behind the sticky proxy on one PostGIS, as `make run-team` starts them
(scripts/run_team.py, Debian's HAProxy): an editor signs in on replica A and records a
claim; a session on replica B sees it. Five wrong passwords on A hold the name back on
B."""

from __future__ import annotations

import signal
import socket
import subprocess

import pytest

from scripts.run_team import start_in_background
from store import open_store
from store.users import Users
from tests.browser_helpers import feature_ids, open_dashboard, sign_in, wait_idle
from tests.conftest import AppServer
from tests.test_editing_browser import PASSWORD, _new_id, _place_and_describe

pytestmark = pytest.mark.browser


def _free_pair() -> int:
    """A port p with p + 1 free too (the two replicas)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            try:
                with socket.socket() as second:
                    second.bind(("127.0.0.1", port + 1))
                    return port
            except OSError:
                continue
    raise RuntimeError("no two consecutive free ports")


@pytest.fixture
def team(postgis_url, tmp_path):
    store = open_store(postgis_url)
    Users(store).add("alice", "editor", PASSWORD)
    store.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        proxy_port = probe.getsockname()[1]
    process = start_in_background(2, postgis_url, tmp_path / "team", proxy_port, _free_pair())
    yield AppServer(f"http://127.0.0.1:{proxy_port}", process, tmp_path / "team" / "team.log")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()


def _on_replica(browser, team, replica: str):
    """A browser session the proxy sends to `replica` (its sticky cookie set beforehand)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies([{"name": "POSTURE_REPLICA", "value": replica, "domain": "127.0.0.1",
                          "path": "/"}])
    page = context.new_page()
    frame = open_dashboard(page, team, "?as_of=2024-12-31")
    assert page.locator("#replica").text_content() == replica
    return page, frame


def test_a_claim_recorded_on_one_replica_is_seen_on_the_other(browser, team):
    page_a, _ = _on_replica(browser, team, "app1")
    sign_in(page_a, "alice", PASSWORD)
    page_a.get_by_text("Signed in as alice (editor)").wait_for()
    _place_and_describe(page_a, "Checkpoint")
    page_a.get_by_text("Saved: force-levels.checkpoint-").wait_for()
    assert page_a.locator("#replica").text_content() == "app1"  # still sticky
    page_b, frame_b = _on_replica(browser, team, "app2")
    feature_id = _new_id(frame_b, "force-levels.checkpoint-")
    assert feature_id in feature_ids(frame_b)
    # Each replica served its own session: their logs both exist, the proxy's config names
    # both, and app2 never saw alice's sign-in (her session lives in app1 only).
    assert "Signed in as alice" not in page_b.inner_text("body")
    for page in (page_a, page_b):
        page.context.close()


def _try_password(page, password: str) -> None:
    """One sign-in try, without sign_in's wait for success (a refusal would cost its 10 s
    wait, and the throttle's minute would pass meanwhile)."""
    sidebar = page.locator("[data-testid=stSidebar]")
    form = sidebar.locator("[data-testid=stForm]").filter(
        has=page.get_by_role("button", name="Sign in"))
    if not form.is_visible():
        sidebar.get_by_text("Sign in to edit", exact=True).click()
    form.get_by_label("Name", exact=True).fill("alice")
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name="Sign in").click()
    wait_idle(page)


def test_failed_sign_ins_on_one_replica_hold_the_name_back_on_the_other(browser, team):
    """The throttle lives in the store: wrong passwords on app1 until app1 holds the name
    back, then the right one on app2, which has seen none of them: refused there too."""
    page_a, _ = _on_replica(browser, team, "app1")
    held_back = page_a.get_by_text("Too many failed sign-ins for this name: try again in")
    for _ in range(8):  # five count; a try lost to a rerun is tried again
        _try_password(page_a, "not her password")
        if held_back.is_visible():
            break
    held_back.wait_for(timeout=5_000)
    page_b, _ = _on_replica(browser, team, "app2")
    _try_password(page_b, PASSWORD)
    page_b.get_by_text("Too many failed sign-ins for this name: try again in").wait_for()
    assert page_b.get_by_text("Signed in as alice").count() == 0
    assert page_b.locator("#replica").text_content() == "app2"
    for page in (page_a, page_b):
        page.context.close()
