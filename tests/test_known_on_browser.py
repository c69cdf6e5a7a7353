"""A link with `known_on` draws the map as it was known that day, in a real browser."""

from __future__ import annotations

import pytest

from tests.browser_helpers import feature_ids, open_dashboard

pytestmark = pytest.mark.browser


def test_a_link_with_known_on_draws_the_map_as_known_that_day(page, app_server, offline):
    # FACTS.md: part 2 of the report (the PMF crossing, Hama) is of 2024-12-02; the
    # Al-Bukamal crossing is reference geography, known all along.
    then = feature_ids(open_dashboard(page, app_server, "?as_of=2024-12-02&known_on=2024-06-01"))
    assert "pmf-crossing-into-syria" not in then
    assert "hama-front" not in then
    assert "albukamal-crossing" in then
    assert page.get_by_role("checkbox", name="As known on an earlier day").is_checked()
    assert "known_on=2024-06-01" in page.url
    now = feature_ids(open_dashboard(page, app_server, "?as_of=2024-12-02"))
    assert {"pmf-crossing-into-syria", "hama-front", "albukamal-crossing"} <= now
    assert offline.attempted == []
