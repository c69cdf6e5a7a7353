"""Teams: two app servers on one PostGIS database each show a claim recorded through
another process, on their next rerun, without a restart."""

from __future__ import annotations

import copy
import json

import pytest

from store import open_store
from store.seed import seed
from tests.browser_helpers import feature_ids, open_dashboard
from tests.conftest import DATA_DIR, start_app, stop_app

pytestmark = pytest.mark.browser


def test_two_servers_on_one_postgis_see_each_others_claims(page, postgis_url, tmp_path,
                                                          offline):
    servers = [start_app(tmp_path / name, {"DATABASE_URL": postgis_url})
               for name in ("first", "second") if (tmp_path / name).mkdir() is None]
    try:
        for server in servers:
            assert "hama-front-2025" not in feature_ids(
                open_dashboard(page, server, "?as_of=2025-02-01"))
        raw = copy.deepcopy(next(f for f in json.loads((DATA_DIR / "features.json").read_text(
            encoding="utf-8"))["features"] if f["id"] == "hama-front"))
        raw.update(id="hama-front-2025", name_en="Hama front, January 2025",
                   reported_on="2025-01-20", valid_from="2025-01-20")
        store = open_store(postgis_url)
        seed(store)  # as a third process would, before recording
        store.record([raw], "analyst-a")
        store.close()
        for server in servers:
            assert "hama-front-2025" in feature_ids(
                open_dashboard(page, server, "?as_of=2025-02-01"))
    finally:
        for server in servers:
            stop_app(server)
    assert offline.attempted == []
