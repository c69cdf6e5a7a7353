"""A feature's card shows its history: who recorded each claim and when, what each
correction changed, and retractions (issue 11, "history" in the card)."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from store import open_store
from store.seed import seed
from tests.conftest import DATA_DIR, clear_data_caches

RAW = json.loads((DATA_DIR / "features.json").read_text(encoding="utf-8"))["features"]


@pytest.fixture
def store_env(tmp_path, monkeypatch):
    location = str(tmp_path / "claims.gpkg")
    monkeypatch.setenv("POSTURE_STORE", location)
    clear_data_caches()
    store = open_store(location)
    seed(store)
    yield store
    store.close()
    clear_data_caches()


def _script(layer_id: str, lang: str = "en", known_on: dt.date | None = None) -> str:
    from layers.builder import layer_script
    from layers.catalogue import layer
    from store.features import store_version

    return layer_script(layer(layer_id), lang, known_on, store_version())


def test_a_correction_and_its_change_show_in_the_card(store_env):
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert f"<bdi>{today}</bdi>: recorded by <bdi>seed</bdi>" in _script("force-levels")
    raw = copy.deepcopy(next(f for f in RAW if f["id"] == "us-troops-iraq"))
    raw["count"]["value"] = 2600
    raw["reported_on"] = "2024-03-01"
    store_env.record([raw], "analyst-a")
    script = _script("force-levels")
    # What changed, in words, by each field's label (FACTS F1: about 2,500).
    assert (f"<bdi>{today}</bdi>: <bdi>analyst-a</bdi> changed <bdi>Count</bdi> "
            "(<bdi>about 2,500</bdi> → <bdi>about 2,600</bdi>), <bdi>Reported on</bdi> "
            "(<bdi>2024-01-25 (inferred)</bdi> → <bdi>2024-03-01 (inferred)</bdi>)") in script
    arabic = _script("force-levels", "ar")
    # Arabic sentences isolate their placeholders (U+2068 … U+2069; i18n/__init__.py).
    assert "غيّر \u2068<bdi>analyst-a</bdi>\u2069 <bdi>العدد</bdi> (<bdi>نحو 2,500</bdi> → " \
        "<bdi>نحو 2,600</bdi>)" in arabic
    # As known before the correction was reported, the card has no such line.
    assert "analyst-a" not in _script("force-levels", known_on=dt.date(2024, 2, 1))


def test_a_retraction_shows_with_its_reason_once_a_newer_claim_stands(store_env):
    raw = copy.deepcopy(next(f for f in RAW if f["id"] == "us-troops-iraq"))
    store_env.retract("us-troops-iraq", "the source withdrew the figure", "analyst-b")
    # Retracted, the thing has no current claim: no mark, no card.
    assert "data-feature='us-troops-iraq'" not in _script("force-levels")
    raw["reported_on"] = "2024-03-01"
    raw["count"]["value"] = 2600
    store_env.record([raw], "analyst-a")
    script = _script("force-levels")
    assert "data-feature='us-troops-iraq'" in script
    assert ": retracted by <bdi>analyst-b</bdi>: the source withdrew the figure</li>" in script
