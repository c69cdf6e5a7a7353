"""What the page does with imported claims: a new layer gets its switch and is drawn;
a layer of more claims than the map draws yet says so instead of hanging the page."""

from __future__ import annotations

import pytest

from layers.builder import MAX_DRAWN_FEATURES
from scripts.make_acled_csv import write_acled_csv
from tests.app_helpers import run_with_link
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

    rows = MAX_DRAWN_FEATURES + 1
    run(capsys, write_acled_csv(tmp_path / "acled.csv", rows=rows))
    app = run_with_link(as_of="2024-06-01")
    assert not app.exception
    notes = [c.value for c in app.sidebar.caption if "more than the map draws" in c.value]
    assert notes == [f"This layer holds {rows:,} claims, more than the map draws yet "
                     f"({MAX_DRAWN_FEATURES:,}); they are in the store, the posture table and "
                     "the data exports."]
    assert "feature-acled." not in layer_script(layer("acled"), "en", None, store_version())
