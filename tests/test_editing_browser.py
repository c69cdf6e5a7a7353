"""Editing on the map in Chromium (issue 12): an editor signs in, places a point, fills
the form and sees the thing on the map, without the map remounting; corrects its count
and reads the history; retracts it, and finds it gone today but there as known on
yesterday. A reader gets no editing controls; guessing passwords is throttled; of two
saves from one opening, the second is refused; hostile text stays text."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from store import open_store
from store.users import Users
from tests.browser_helpers import (
    feature_ids,
    hover_card,
    map_frame,
    open_dashboard,
    pick_option,
    sign_in,
    wait_idle,
)
from tests.conftest import start_app, stop_app

pytestmark = pytest.mark.browser

PASSWORD = "editors write claims"
HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`</script>"
MAP = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture
def server(tmp_path):
    """A server on a store of its own, with two editors and a viewer."""
    location = str(tmp_path / "store.gpkg")
    store = open_store(location)
    users = Users(store)
    users.add("alice", "editor", PASSWORD)
    users.add("bob", "editor", PASSWORD)
    users.add("victor", "viewer", PASSWORD)
    store.close()
    started = start_app(tmp_path, {"POSTURE_STORE": location})
    yield started
    stop_app(started)


def _panel(page):
    return page.locator("[data-testid=stExpander]").filter(has_text="What to do")


def _fill(form, values: dict[str, str]) -> None:
    for label, value in values.items():
        form.get_by_label(label, exact=True).fill(value)


def _place_and_describe(page, name: str, extra: dict[str, str] | None = None) -> None:
    # An editor's map mounts once after sign-in and reports that mount with a rerun;
    # start on the settled page.
    page.frame_locator(MAP).locator("path.leaflet-interactive").first.wait_for()
    wait_idle(page)
    panel = _panel(page)
    pick_option(page, panel, "Layer", "Force levels", "Force levels: troop counts")
    page.locator("label").filter(
        has=page.get_by_role("switch", name="Place by clicking the map", exact=True)).click()
    wait_idle(page)
    # An empty stretch of desert in western Iraq, away from every drawn feature.
    page.locator(MAP).scroll_into_view_if_needed()
    box = page.locator(MAP).bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.85)
    form = panel.locator("[data-testid=stForm]").filter(
        has=page.get_by_role("button", name="Save the claim"))
    longitude = form.get_by_label("Longitude", exact=True)
    page.wait_for_function("(el) => el.value !== ''", arg=longitude.element_handle(),
                           timeout=30_000)
    wait_idle(page)  # the page's rerun that filled it
    assert 35 < float(longitude.input_value()) < 48  # in Iraq or Syria, where clicked
    _fill(form, {"Name (English)": name, "As of (the date the report describes)": "2024-12-01",
                 "Reported on": "2024-12-02", "Source: who (English)": "Rudaw",
                 "Count: a number": "200", **(extra or {})})
    pick_option(page, form, "Confidence", "reported by media", "reported by media")
    form.get_by_role("button", name="Save the claim").click()
    wait_idle(page)


def _retract(page, name: str, feature_id: str, reason: str) -> None:
    """Type a reason, press Retract, and confirm the question that names the thing."""
    retract = _panel(page).locator("[data-testid=stForm]").filter(
        has=page.get_by_role("button", name="Retract"))
    retract.get_by_label("Reason to retract", exact=True).fill(reason)
    retract.get_by_role("button", name="Retract").click()
    wait_idle(page)
    _panel(page).get_by_text(f"Retract '{name}' ({feature_id})? Reason: {reason}").wait_for()
    _panel(page).get_by_role("button", name="Yes, retract it").click()
    wait_idle(page)


def _correcting_as_alice(page):
    """Sign in as alice on the settled map and turn the panel to "Correct or retract"."""
    sign_in(page, "alice", PASSWORD)
    page.frame_locator(MAP).locator("path.leaflet-interactive").first.wait_for()
    wait_idle(page)
    panel = _panel(page)
    panel.get_by_text("Correct or retract", exact=True).click()
    wait_idle(page)
    return panel


def _selector(feature_id: str) -> str:
    return ".leaflet-interactive.feature-" + feature_id.replace(".", "\\.")


def _new_id(frame, prefix: str) -> str:
    found = [i for i in feature_ids(frame) if i.startswith(prefix)]
    assert len(found) == 1, found
    return found[0]


def test_an_editor_places_corrects_and_retracts_a_claim(page, server, offline):
    open_dashboard(page, server, "?as_of=2024-12-31")
    sign_in(page, "alice", PASSWORD)
    page.get_by_text("Signed in as alice (editor)").wait_for()
    # An editor's map is mounted once at sign-in (it also reports clicks); from then on
    # a save redraws it in place.
    page.frame_locator(MAP).locator("path.leaflet-interactive").first.wait_for()
    wait_idle(page)
    map_frame(page).evaluate("() => { window.postureMark = 'kept'; }")
    _place_and_describe(page, "Forward post")
    page.get_by_text("Saved: force-levels.forward-post-").wait_for()
    frame = map_frame(page)
    frame.wait_for_function("() => !!document.querySelector('[class*=\"feature-force-levels"
                            ".forward-post-\"]')", timeout=30_000)
    assert frame.evaluate("() => window.postureMark") == "kept"  # drawn without a remount
    feature_id = _new_id(frame, "force-levels.forward-post-")
    card = hover_card(frame, _selector(feature_id))
    assert "Forward post" in card
    assert "recorded by alice" in card
    page.screenshot(path=str(server.log_path.parent / "placed.png"))

    # Correct its count: the form opens on the current claim.
    panel = _panel(page)
    panel.get_by_text("Correct or retract", exact=True).click()
    wait_idle(page)
    pick_option(page, panel, "Thing", "Forward post", f"Forward post ({feature_id})")
    form = panel.locator("[data-testid=stForm]").filter(
        has=page.get_by_role("button", name="Save the correction"))
    expect(form.get_by_label("Count: a number", exact=True)).to_have_value("200")
    form.get_by_label("Count: a number", exact=True).fill("250")
    form.get_by_role("button", name="Save the correction").click()
    wait_idle(page)
    page.get_by_text(f"Saved: {feature_id}").wait_for()
    history = _panel(page).locator("[data-testid=stTable]").filter(has_text="Recorded")
    history.get_by_text("Count: 200 → 250").wait_for()  # in words, by its label
    assert history.get_by_text("first claim").count() == 1
    assert history.get_by_role("cell", name="alice", exact=True).count() == 2
    page.screenshot(path=str(server.log_path.parent / "history.png"))

    # Retract it: gone today, there as known on yesterday. After the save the form
    # stays on the same thing.
    expect(_panel(page).get_by_text(f"Correcting Forward post ({feature_id})")).to_be_visible()
    _retract(page, "Forward post", feature_id, "the source withdrew it")
    page.get_by_text(f"Retracted: {feature_id}").wait_for()
    assert feature_id not in feature_ids(open_dashboard(page, server, "?as_of=2024-12-31"))
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert feature_id in feature_ids(
        open_dashboard(page, server, f"?as_of=2024-12-31&known_on={yesterday}"))
    assert offline.attempted == []


def test_the_history_lists_who_changed_what(page, server, offline):
    open_dashboard(page, server, "?as_of=2024-12-31")
    sign_in(page, "alice", PASSWORD)
    panel = _panel(page)
    panel.get_by_text("Correct or retract", exact=True).click()
    wait_idle(page)
    pick_option(page, panel, "Thing", "US troops in Iraq", "US troops in Iraq (us-troops-iraq)")
    form = panel.locator("[data-testid=stForm]").filter(
        has=page.get_by_role("button", name="Save the correction"))
    expect(form.get_by_label("Count: a number", exact=True)).to_have_value("2500")  # F1
    form.get_by_label("Count: a number", exact=True).fill("2600")
    form.get_by_role("button", name="Save the correction").click()
    wait_idle(page)
    page.get_by_text("Saved: us-troops-iraq").wait_for()
    history = _panel(page).locator("[data-testid=stTable]").filter(has_text="Recorded")
    history.get_by_text("Count: about 2,500 → about 2,600").wait_for()
    row = history.locator("tr").filter(has_text="Count: about 2,500 → about 2,600")
    assert row.get_by_role("cell", name="alice", exact=True).count() == 1
    # The seed's claim was recorded by the seeding, reported on 25 January 2024 (F1).
    assert history.locator("tr").filter(has_text="first claim").filter(
        has_text="2024-01-25").count() == 1
    assert offline.attempted == []


def test_a_reader_and_a_viewer_get_no_editing_controls(page, server, offline):
    open_dashboard(page, server)
    assert page.get_by_text("What to do").count() == 0
    sign_in(page, "victor", PASSWORD)
    page.get_by_text("Signed in as victor (viewer)").wait_for()
    assert page.get_by_text("What to do").count() == 0
    assert page.get_by_text("Import a report", exact=True).count() == 0
    assert offline.attempted == []


def test_wrong_passwords_are_throttled(page, server, offline):
    open_dashboard(page, server)
    for _ in range(5):
        sign_in(page, "alice", "not her password")
        page.get_by_text("Wrong name or password.").wait_for()
    sign_in(page, "alice", PASSWORD)
    page.get_by_text("Too many failed sign-ins for this name: try again in").wait_for()
    assert page.get_by_text("Signed in as alice").count() == 0
    assert offline.attempted == []


def test_the_second_of_two_saves_is_refused_showing_both(browser, server):
    pages = []
    for name in ("alice", "bob"):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        open_dashboard(page, server, "?as_of=2024-12-31")
        sign_in(page, name, PASSWORD)
        panel = _panel(page)
        panel.get_by_text("Correct or retract", exact=True).click()
        wait_idle(page)
        pick_option(page, panel, "Thing", "US troops in Iraq", "US troops in Iraq (us-troops-iraq)")
        expect(panel.get_by_label("Count: a number", exact=True).first).to_have_value("2500")
        pages.append(page)
    for page, figure in zip(pages[::-1], ("2600", "2700"), strict=True):  # bob first
        form = _panel(page).locator("[data-testid=stForm]").filter(
            has=page.get_by_role("button", name="Save the correction"))
        form.get_by_label("Count: a number", exact=True).fill(figure)
        form.get_by_role("button", name="Save the correction").click()
        wait_idle(page)
    alice = pages[0]
    alice.get_by_text("us-troops-iraq: changed since you opened it by bob at").wait_for()
    table = _panel(alice).locator("[data-testid=stTable]").filter(has_text="Theirs (saved)")
    assert "2600" in table.inner_text()
    assert "2700" in table.inner_text()
    # What she typed is still in her form.
    form = _panel(alice).locator("[data-testid=stForm]").filter(
        has=alice.get_by_role("button", name="Save the correction"))
    expect(form.get_by_label("Count: a number", exact=True)).to_have_value("2700")
    alice.screenshot(path=str(server.log_path.parent / "conflict.png"))
    for page in pages:
        page.context.close()


def test_hostile_text_in_the_form_stays_text(page, server, offline):
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    open_dashboard(page, server, "?as_of=2024-12-31")
    sign_in(page, "alice", PASSWORD)
    _place_and_describe(page, HOSTILE, {
        "Name (Arabic)": HOSTILE, "Kind (English)": HOSTILE, "Actor (English)": HOSTILE,
        "Count in words (English)": HOSTILE, "Source: via whom": HOSTILE,
        "Note on the place": HOSTILE})
    page.get_by_text("Saved: force-levels.img-src-x-onerror").wait_for()
    frame = map_frame(page)
    frame.wait_for_function("() => !!document.querySelector('[class*=\"feature-force-levels"
                            ".img-src-x\"]')", timeout=30_000)
    feature_id = _new_id(frame, "force-levels.img-src-x")
    card = hover_card(frame, _selector(feature_id))
    assert HOSTILE in card
    assert frame.locator("img[src=x]").count() == 0
    assert page.locator("img[src=x]").count() == 0
    panel = _panel(page)
    panel.get_by_text("Correct or retract", exact=True).click()
    wait_idle(page)
    pick_option(page, panel, "Thing", "img src", f"{HOSTILE} ({feature_id})")
    wait_idle(page)
    assert page.locator("img[src=x]").count() == 0
    assert alerts == []
    assert offline.attempted == []


def test_a_retraction_touches_only_the_thing_opened(page, server, offline, tmp_path):
    """The bug report: after a retraction the form moved on to another thing with the
    reason still typed, and a second press retracted that one. Now: Enter in the reason
    retracts nothing, Retract asks by name, the form closes after it, nothing else is
    retracted, and the retracted thing's history is found again under the table."""
    open_dashboard(page, server, "?as_of=2024-12-31")
    panel = _correcting_as_alice(page)
    pick_option(page, panel, "Thing", "Idlib", "Idlib taken earlier (idlib-taken)")
    expect(panel.get_by_text("Correcting Idlib taken earlier (idlib-taken)")
           ).to_be_visible()
    # Enter in the reason field submits nothing.
    reason = panel.get_by_label("Reason to retract", exact=True)
    reason.fill("a test of Enter")
    reason.press("Enter")
    wait_idle(page)
    assert panel.get_by_role("button", name="Yes, retract it").count() == 0
    # Retract with no reason asks for one and asks nothing else.
    reason.fill("")
    panel.get_by_role("button", name="Retract").click()
    wait_idle(page)
    panel.get_by_text("Give a reason to retract").wait_for()
    assert panel.get_by_role("button", name="Yes, retract it").count() == 0
    _retract(page, "Idlib taken earlier", "idlib-taken", "the source withdrew it")
    page.get_by_text("Retracted: idlib-taken").wait_for()
    # The form closed: no thing is open, so there is no Retract to press again.
    assert panel.get_by_role("button", name="Retract").count() == 0
    assert panel.get_by_text("Correcting ").count() == 0
    store = open_store(str(tmp_path / "store.gpkg"))  # the server's (the fixture's)
    try:
        assert [c.feature_id for c, _ in store.retracted()] == ["idlib-taken"]
    finally:
        store.close()
    # The retracted thing's history is reachable: under the posture table.
    page.locator("label").filter(has=page.get_by_role(
        "switch", name="Show retracted things", exact=True)).first.click()
    wait_idle(page)
    pick_option(page, page, "History of a retracted thing", "Idlib",
            "Idlib taken earlier (idlib-taken)")
    history = page.locator("[data-testid=stTable]").filter(has_text="Recorded")
    history.get_by_text("retracted: the source withdrew it").wait_for()
    assert offline.attempted == []


def test_a_claim_that_cannot_be_drawn_is_named_and_retracted_from_the_page(
        page, server, offline, tmp_path):
    """Issue 24: a stored polygon that crosses itself took the whole page down. Now the
    map and the rest are drawn, a notice under the map names the claim and why, and an
    editor opens it from the editing panel and retracts it."""
    from tests.test_undrawable import BOW_TIE, _plant

    _plant(str(tmp_path / "store.gpkg"), BOW_TIE)
    frame = open_dashboard(page, server, "?as_of=2024-12-31")
    page.get_by_text("Could not be drawn: 1 claim(s) are left off the map").wait_for()
    named = page.locator("[data-testid=stTable]").filter(has_text="probe-bow")
    expect(named).to_contain_text("Self-intersection[41 34]")
    drawn = feature_ids(frame)
    assert {"iraq-syria-border", "alqaim-jordan-armour"} <= drawn
    assert "probe-bow" not in drawn
    panel = _correcting_as_alice(page)
    pick_option(page, panel, "Thing", "Bow", "Bow tie (not drawn) (probe-bow)")
    # Opened as stored: the form shows the polygon as it was written.
    wkt = panel.get_by_label("Line or area (WKT)", exact=True)
    expect(wkt).to_have_value("POLYGON ((40 33, 42 35, 42 33, 40 35, 40 33))")
    _retract(page, "Bow tie", "probe-bow", "it crosses itself")
    page.get_by_text("Retracted: probe-bow").wait_for()
    expect(page.get_by_text("Could not be drawn")).to_have_count(0)
    assert offline.attempted == []
