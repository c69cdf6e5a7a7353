"""What the page does with imported claims: a new layer gets its switch and is drawn;
a layer of more claims than the map draws yet says so instead of hanging the page."""

from __future__ import annotations

import pytest

from layers.builder import MAX_DRAWN_FEATURES
from scripts.make_acled_csv import write_acled_csv
from tests.app_helpers import layers_sent, map_args, run_with_link
from tests.test_import import GOOD_ROWS, HEADER, env_store, run, write_csv  # noqa: F401


@pytest.fixture
def store_location(tmp_path) -> str:
    """These run the page, so the GeoPackage only (the contract is the store's tests')."""
    return str(tmp_path / "claims.gpkg")


def _switches(app) -> list[str]:
    return [toggle.label for toggle in app.sidebar.toggle]


def test_an_imported_layer_gets_a_switch_and_is_drawn(env_store, capsys, tmp_path):  # noqa: F811
    from layers.builder import layer_script
    from layers.catalogue import layer
    from store.features import store_version

    run(capsys, write_csv(tmp_path / "posts.csv", HEADER, GOOD_ROWS), "--layer", "posts",
        "--key", "key")
    app = run_with_link(as_of="2024-12-31")
    assert not app.exception
    assert "posts" in _switches(app)
    script = layer_script(layer("posts"), "en", None, store_version())
    assert all(f"feature-posts.r{i}" in script for i in (1, 2, 3))


def test_a_layer_too_big_to_draw_says_so(env_store, capsys, tmp_path):  # noqa: F811
    from layers.builder import layer_script
    from layers.catalogue import layer
    from store.features import store_version

    # Posts, not events: each would be drawn as its own marks.
    rows = MAX_DRAWN_FEATURES + 1
    posts = [[f"p{i}", f"Post {i}", 40 + (i % 50) / 10, 33 + (i // 50) / 20, "2024-12-03",
              "media", "Rudaw", "10"] for i in range(rows)]
    run(capsys, write_csv(tmp_path / "posts.csv", HEADER, posts), "--layer", "posts",
        "--key", "key")
    app = run_with_link(as_of="2024-12-31")
    assert not app.exception
    notes = [c.value for c in app.sidebar.caption if "more than the map draws" in c.value]
    assert notes == [f"This layer holds {rows:,} claims, more than the map draws yet "
                     f"({MAX_DRAWN_FEATURES:,}); they are in the store, the posture table and "
                     "the data exports."]
    assert "feature-posts." not in layer_script(layer("posts"), "en", None, store_version())


def test_a_large_event_layer_is_drawn_from_its_columns(env_store, capsys, tmp_path):  # noqa: F811
    from layers.catalogue import layer
    from layers.event_layer import event_layer_script
    from store.features import store_version

    rows = MAX_DRAWN_FEATURES + 1
    run(capsys, write_acled_csv(tmp_path / "acled.csv", rows=rows))
    app = run_with_link(as_of="2024-06-30", events_days="abc", event_types="Battles|Nope")
    assert not app.exception
    assert not [c.value for c in app.sidebar.caption if "more than the map draws" in c.value]
    assert "acled" in layers_sent(map_args(app))
    assert app.sidebar.number_input(key="events:days").value == 30  # the bad link's days
    assert app.sidebar.multiselect(key="events:event_types").value == ["Battles"]
    notices = [toast.value for toast in app.toast]
    assert any("events_days" in n and "abc" in n for n in notices), notices
    assert any("event_types" in n and "Nope" in n for n in notices), notices
    script = event_layer_script(layer("acled"), "en", None, store_version())
    assert "postureEvents.layer(parent, map" in script
    assert "feature-acled." not in script  # columns in a file, never one element per event
