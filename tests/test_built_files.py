"""An event layer's column files are remembered across server starts (layers/built_files.py):
a start on the same store serves the files already built without building them, and
anything that changes what they hold (a write to the layer, another store's claims at
the same path and version, a file pruned since, another data folder) builds them anew,
while a write to another layer does not. Both backends.

A "start" here is the process's caches forgotten (tests/conftest.py's clear_data_caches:
the pictures, the columns, the scripts); the memory on disk is what a new process finds.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from layers.built_files import built_key
from scripts.make_acled_csv import write_acled_csv
from tests.conftest import clear_data_caches
from tests.test_import import env_store, run  # noqa: F401


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    from layers.symbol_cache import CACHE_DIR_ENV

    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


def _script() -> str:
    from layers.catalogue import layer
    from layers.event_layer import event_layer_script
    from store.features import layer_version

    return event_layer_script(layer("acled"), "en", None, layer_version("acled"))


def _file_url(script: str) -> str:
    (url,) = [value for key, value in json.loads(
        script[script.index("{"):script.rindex("}") + 1]).items() if key == "url"]
    return url


def _restart(patch: pytest.MonkeyPatch | None = None) -> None:
    """Forget what this process built; with `patch`, building columns again fails."""
    from layers import event_layer

    clear_data_caches()
    if patch is not None:
        def refused(*_args, **_kwargs):
            raise AssertionError("the columns were built again")

        patch.setattr(event_layer, "_columns", refused)


def test_a_start_on_the_same_store_serves_the_files_built_before(
        env_store, cache_dir, capsys, tmp_path):  # noqa: F811
    from layers.assets import GENERATED_DIR

    run(capsys, write_acled_csv(tmp_path / "acled.csv", rows=40), "--layer", "acled")
    first = _script()
    url = _file_url(first)
    assert (GENERATED_DIR / url.rsplit("/", 1)[1]).is_file()
    with pytest.MonkeyPatch.context() as patch:
        _restart(patch)
        assert _script() == first  # served from the memory: no column built
        # A file pruned since: the memory is void, the columns built again.
        (GENERATED_DIR / url.rsplit("/", 1)[1]).unlink()
        _restart(patch)
        with pytest.raises(AssertionError, match="built again"):
            _script()
    _restart()
    assert _script() == first  # the same columns, written again under the same name
    assert (GENERATED_DIR / url.rsplit("/", 1)[1]).is_file()


def test_a_write_to_the_layer_builds_its_files_anew(env_store, cache_dir, capsys,  # noqa: F811
                                                   tmp_path):
    run(capsys, write_acled_csv(tmp_path / "a.csv", rows=40), "--layer", "acled")
    before = _script()
    run(capsys, write_acled_csv(tmp_path / "b.csv", rows=1, seed=7, first=40), "--layer",
        "acled")
    _restart()
    after = _script()
    assert _file_url(after) != _file_url(before)


def test_a_write_to_another_layer_between_starts_keeps_the_files(
        env_store, cache_dir, capsys, tmp_path):  # noqa: F811
    """Another process records a claim in another layer; the next start (a whole reading,
    at a later store version) serves the event layer's files without building them."""
    from bench.bench_store_engine import PROBE

    run(capsys, write_acled_csv(tmp_path / "acled.csv", rows=40), "--layer", "acled")
    first = _script()
    probe = tmp_path / "probe.geojson"
    probe.write_text(json.dumps(PROBE, ensure_ascii=False), encoding="utf-8")
    run(capsys, probe, "--layer", "syria-front")
    with pytest.MonkeyPatch.context() as patch:
        _restart(patch)
        assert _script() == first


def test_a_retraction_in_the_layer_builds_its_files_anew(env_store, cache_dir, capsys,  # noqa: F811
                                                         tmp_path):
    from store import open_store

    run(capsys, write_acled_csv(tmp_path / "acled.csv", rows=40), "--layer", "acled")
    first = _script()
    store = open_store(env_store)
    try:
        thing = next(c.feature_id for c in store.current() if c.layer == "acled")
        store.retract(thing, "a duplicate", "analyst-a")
    finally:
        store.close()
    _restart()
    assert _file_url(_script()) != _file_url(first)


def test_another_store_at_the_same_place_and_version_is_not_served_the_first_ones_files(
        store_location, cache_dir, capsys, tmp_path, monkeypatch):
    """A store file replaced by a copy that went another way: same path, same fids,
    other events (other claims). Its own columns are built, not the first store's served."""
    from store import open_store
    from store.seed import seed

    env = "DATABASE_URL" if "://" in store_location else "POSTURE_STORE"
    monkeypatch.setenv(env, store_location)
    monkeypatch.setenv("POSTURE_USER", "analyst-a")

    def fresh_store_with(seed_number: int) -> tuple[str, str]:
        """A store made anew at the same place: the seed and 40 events of their own."""
        from store.features import shared_store, store_version

        shared_store().close()  # the page's own opening, or its pooled connections stay
        clear_data_caches()
        if "://" in store_location:
            store = open_store(store_location)
            with store.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS retractions, claims, layers CASCADE")
            store.close()
        else:
            for leftover in ("", "-wal", "-shm"):
                Path(store_location + leftover).unlink(missing_ok=True)
        clear_data_caches()
        store = open_store(store_location)
        seed(store)
        store.close()
        run(capsys, write_acled_csv(tmp_path / f"{seed_number}.csv", rows=40,
                                    seed=seed_number), "--layer", "acled")
        _restart()
        return _script(), store_version()

    (first, first_version), (second, second_version) = fresh_store_with(1), fresh_store_with(2)
    assert first_version == second_version  # only the claims the layer stands on differ
    assert _file_url(first) != _file_url(second)


def test_another_data_folder_builds_its_own(env_store, cache_dir, data_copy):  # noqa: F811
    """The cards follow from the data folder (actors, colours): a copy alike keeps the
    key, a changed one makes another."""
    from geo.paths import DATA_DIR_ENV
    from layers import built_files
    from tests.conftest import DATA_DIR

    in_copy = built_key("event layer", "x")
    os.environ[DATA_DIR_ENV] = str(DATA_DIR)
    try:
        assert built_key("event layer", "x") == in_copy
    finally:
        os.environ[DATA_DIR_ENV] = str(data_copy)
    actors = data_copy / "actors.json"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    built_files._data_digest.cache_clear()
    assert built_key("event layer", "x") != in_copy


def test_a_layer_with_a_series_is_never_remembered(env_store):  # noqa: F811
    """Whether a series' claim is drawn depends on its series' claims in other layers,
    which the key does not name: such a layer gets no key."""
    from layers.built_files import layer_key
    from layers.catalogue import features_of, layer
    from store.features import layer_content

    def key(layer_id: str) -> str | None:
        entry = layer(layer_id)
        return layer_key("canvas points", entry, features_of(entry), layer_content(layer_id))

    assert key("force-levels") is None  # the seed's troop counts over time: a series
    assert key("syria-front") is not None


def test_as_known_on_a_day_with_the_same_claims_builds_nothing(env_store, cache_dir, capsys,  # noqa: F811
                                                               tmp_path, monkeypatch):
    """Switching "As known on" on at a day by which every event was reported: the layer
    stands on the same claims, so its columns, files and table are today's, not built
    again; a day before some reports builds its own."""
    import datetime as dt

    from layers import event_layer, event_legend
    from layers.catalogue import layer

    run(capsys, write_acled_csv(tmp_path / "acled.csv", rows=40), "--layer", "acled")
    acled = layer("acled")
    today = _script()
    table = event_legend.event_table(acled, None)
    columns = event_layer._columns(acled, "en", None)
    late = dt.date(2030, 1, 1)  # after every report
    with monkeypatch.context() as patch:
        def refused(*_args, **_kwargs):
            raise AssertionError("built again")

        patch.setattr(event_layer, "event_columns", refused)
        patch.setattr(event_legend, "_table", refused)
        assert event_layer._columns(acled, "en", late) is columns
        assert event_legend.event_table(acled, late) is table
        assert event_layer.event_layer_script(acled, "en", late, "any") == today
    early = min(dt.date.fromisoformat(p.record.reported_on.isoformat())
                for p in event_layer.features_of(acled))
    assert len(event_layer._columns(acled, "en", early)) < len(columns)
