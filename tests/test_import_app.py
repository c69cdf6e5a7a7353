"""What the page does with imported claims: a new layer gets its switch and is drawn;
a layer of more claims than the map draws yet says so instead of hanging the page."""

from __future__ import annotations

import json
import re

import pytest

from layers.builder import MAX_DRAWN_FEATURES
from scripts.make_acled_csv import write_acled_csv
from tests.app_helpers import layer_display, layers_sent, map_args, run_with_link, shown_ids
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


def test_a_layer_too_big_to_draw_mark_by_mark_is_drawn_on_the_canvas(env_store, capsys,  # noqa: F811
                                                                     tmp_path):
    """Posts, not events, more than the map draws one by one: the page says how they are
    drawn, and the layer's call names a column file holding exactly the posts shown at
    the as-of date (one is dated after it), read back by hand (tests/test_events.py)."""
    from layers.assets import GENERATED_DIR, GENERATED_URL
    from layers.bundle import bundle_source
    from layers.catalogue import catalogue
    from tests.test_events import _read

    rows = MAX_DRAWN_FEATURES + 1
    posts = [[f"p{i}", f"Post {i}", 40 + (i % 50) / 10, 33 + (i // 50) / 20,
              "2024-12-03" if i else "2025-01-02", "media", "Rudaw", "10"]
             for i in range(rows)]
    run(capsys, write_csv(tmp_path / "posts.csv", HEADER, posts), "--layer", "posts",
        "--key", "key")
    app = run_with_link(as_of="2024-12-31")
    assert not app.exception
    notes = [c.value for c in app.sidebar.caption if "more than the map draws" in c.value]
    assert notes == [f"This layer holds {rows:,} claims, more than the map draws one by one "
                     f"({MAX_DRAWN_FEATURES:,}): they are drawn as counts by area below zoom "
                     "8, and as dots from it (a click opens a dot's card)."]
    args = map_args(app)
    assert "posts" in layers_sent(args)
    assert shown_ids(args, "posts") == []  # no 2,001 ids on every rerun
    url = layer_display(args, "posts")["points_url"]
    assert url.startswith(GENERATED_URL + "/events-posts-en-")
    header, columns = _read(GENERATED_DIR / url.removeprefix(GENERATED_URL + "/"))
    assert header["windowed"] is False
    assert header["count"] == rows - 1  # p0 is dated 2025-01-02, after the as-of date
    assert header["types"] == ["", "report"]  # an imported row's kind
    cards = [card for chunk in header["cards"] for card in json.loads(
        (GENERATED_DIR / chunk.removeprefix(GENERATED_URL + "/")).read_text(encoding="utf-8"))]
    assert [card["id"] for card in cards] == [f"posts.p{i}" for i in range(1, rows)]
    assert cards[0]["name"] == "Post 1"
    assert abs(float(columns["lon"][0]) - 40.1) < 1e-4
    assert abs(float(columns["lat"][0]) - 33.0) < 1e-4
    posts_body = bundle_source([e for e in catalogue() if e.id == "posts"])
    assert "postureEvents.layer(parent, map, config)" in posts_body
    assert "feature-posts." not in posts_body  # never one element per post


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


def test_thousands_of_new_posts_keep_the_page_light_and_the_csvs_whole(env_store, capsys,  # noqa: F811
                                                                        tmp_path):
    """2,001 posts appeared in the week: "What changed" lists 200 changes of a kind and
    says how many more, with the whole list as CSV; the posture table shows its first
    2,000 rows and says of how many. (50,000 of either hung the browser.)"""
    import csv
    import datetime as dt
    import io

    from exports.changes import change_report, write_changes
    from geo.filters import Filters
    from layers.catalogue import catalogue
    from ui.changes_panel import SHOWN_LINES
    from ui.posture_table import SHOWN_ROWS

    rows = SHOWN_ROWS + 1
    posts = [[f"p{i}", f"Post {i}", 40 + (i % 50) / 10, 33 + (i // 50) / 20, "2024-12-03",
              "media", "Rudaw", "10"] for i in range(rows)]
    run(capsys, write_csv(tmp_path / "posts.csv", HEADER, posts), "--layer", "posts",
        "--key", "key")
    app = run_with_link(as_of="2024-12-05")
    assert not app.exception
    appeared = next(m.value for m in app.main.get("markdown")
                    if m.value.startswith("**Appeared**"))
    total = int(appeared.split("(", 1)[1].split(")", 1)[0].replace(",", ""))
    assert total >= rows  # every post, and the seed's things that began in the week
    assert len([line for line in appeared.splitlines() if line.startswith("- ")]) \
        == SHOWN_LINES
    assert appeared.endswith(f"… and {total - SHOWN_LINES:,} more: save the change list as "
                             "CSV for all of them.")
    assert "Save the change list as CSV" in [b.proto.label for b in app.get("download_button")]
    report = change_report(catalogue(), dt.date(2024, 11, 28), dt.date(2024, 12, 5),
                           Filters(), None)
    listed = io.StringIO()
    write_changes(report, listed, "en")
    names = {row["name"] for row in csv.DictReader(io.StringIO(listed.getvalue()))
             if row["change"] == "appeared"}
    assert {f"Post {i}" for i in range(rows)} <= names
    assert len(names) == total
    (table,) = [e for e in app.main if type(e).__name__ == "Dataframe"]
    assert len(table.value) == SHOWN_ROWS
    forces = int(next(c.value for c in app.main.caption
                      if c.value.startswith("The table shows the first"))
                 .split(" of ", 1)[1].split(" rows", 1)[0].replace(",", ""))
    assert forces >= rows
    assert {f"Post {i}" for i in range(1_000)} <= set(table.value["place"])


def test_a_canvas_layer_prints_as_one_set_of_dots_with_its_source(env_store, capsys,  # noqa: F811
                                                                   tmp_path):
    """In print, a layer too large to mark one by one is drawn as on the live map from
    zoom 8 (a dot per post, unlabelled) and its source is listed; marking and labelling
    50,000 posts one by one took more than 5 minutes."""
    import datetime as dt

    from matplotlib.collections import PathCollection

    from exports.static_map import draw_static
    from exports.view import View

    rows = MAX_DRAWN_FEATURES + 1
    posts = [[f"p{i}", f"Post {i}", 40 + (i % 50) / 10, 33 + (i // 50) / 20, "2024-12-03",
              "media", "Rudaw", "10"] for i in range(rows)]
    run(capsys, write_csv(tmp_path / "posts.csv", HEADER, posts), "--layer", "posts",
        "--key", "key")
    drawn = draw_static(View(layer_ids=("posts", "border"), as_of=dt.date(2024, 12, 31)),
                        "a4-landscape", 60)
    dots = [c for c in drawn.ax.collections if isinstance(c, PathCollection)
            and len(c.get_offsets()) == rows]
    assert len(dots) == 1
    assert sorted(map(tuple, dots[0].get_offsets().tolist()))[:2] == [(40.0, 33.0),
                                                                      (40.0, 33.05)]
    texts = " ".join(t.get_text() for t in (*drawn.ax.texts, *drawn.figure.texts))
    assert "Post 1" not in texts
    assert "Rudaw" in texts


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_canvas_layers_points_at_the_edges_of_the_day_and_the_filters(env_store, capsys,  # noqa: F811
                                                                        tmp_path, lang):
    """Posts p0-p2000 dated 2024-12-03, except p1 (2024-12-04) and p2 (official, not media):
    on 2024-12-03 every post but p1 shows, on 2024-12-02 none; a confidence filter keeps
    p2 alone; the HTML export carries the same points inline, read back by hand."""
    import base64
    import datetime as dt
    import struct

    from exports.html import build_html
    from exports.view import View
    from geo.filters import Filters
    from layers.catalogue import layer
    from layers.point_canvas import canvas_points

    rows = MAX_DRAWN_FEATURES + 1
    posts = [[f"p{i}", f"Post {i}", 40 + (i % 50) / 10, 33 + (i // 50) / 20,
              "2024-12-04" if i == 1 else "2024-12-03", "official" if i == 2 else "media",
              "Rudaw", "10"] for i in range(rows)]
    run(capsys, write_csv(tmp_path / "posts.csv", HEADER, posts), "--layer", "posts",
        "--key", "key")
    posts_layer = layer("posts")
    everyone = [f"posts.p{i}" for i in range(rows) if i != 1]
    assert sorted(canvas_points(posts_layer, lang, None, dt.date(2024, 12, 3)).ids) == \
        sorted(everyone)
    assert canvas_points(posts_layer, lang, None, dt.date(2024, 12, 2)).ids == []
    assert len(canvas_points(posts_layer, lang, None, dt.date(2024, 12, 4)).ids) == rows
    official = Filters(confidence=("official",))
    assert canvas_points(posts_layer, lang, None, dt.date(2024, 12, 3), official).ids == \
        ["posts.p2"]
    page = build_html(View(layer_ids=("posts",), as_of=dt.date(2024, 12, 3), lang=lang,
                           filters=official))
    urls = [u for u in re.findall(r'"points_url": "data:application/octet-stream;base64,'
                                  r'([A-Za-z0-9+/=]+)"', page)]
    assert len(urls) == 1
    data = base64.b64decode(urls[0])
    (length,) = struct.unpack_from("<I", data)
    header = json.loads(data[4:4 + length])
    assert header["count"] == 1
    assert header["windowed"] is False
