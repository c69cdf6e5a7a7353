"""What the map's labels say: a country total reads as a total, not as a force at a spot."""

from __future__ import annotations

import pytest

from layers.builder import layer_script
from layers.catalogue import layer
from layers.symbology import figure_label
from store.features import placed_features


def _label(feature_id: str, lang: str) -> str:
    record = next(p.record for p in placed_features() if p.record.id == feature_id)
    return figure_label(record, lang)[0]


# FACTS.md F1 and F4: country-wide figures, drawn at the middle of their country.
@pytest.mark.parametrize(("feature_id", "lang", "expected"), [
    ("us-troops-iraq", "en", "~2,500 US, Iraq total · Jan 2024"),
    ("us-troops-syria", "en", "~900 US, Syria total · Jan 2024"),
    ("iraq-armed-forces", "en", "495,000 Iraqi, Iraq total · 2020"),
    ("us-troops-syria", "ar", "زهاء 900 أميركي، إجمالي سوريا · كانون الثاني 2024"),
])
def test_a_country_total_says_it_is_the_countrys_total(feature_id, lang, expected):
    assert _label(feature_id, lang) == expected


def test_a_force_at_a_place_is_not_called_a_total():
    # FACTS.md B9: the PMF fighters crossing at Al-Bukamal, "dozens", no number.
    assert _label("pmf-crossing-into-syria", "en") == "Dozens of PMF fighters · Dec 2024"


def test_the_live_map_draws_the_totals_label():
    # Prerendered JS escapes non-ASCII: the middle dot is \u00b7 there.
    script = layer_script(layer("force-levels"), "en")
    assert r"~900 US, Syria total \u00b7 Jan 2024" in script
    assert r"~2,500 US, Iraq total \u00b7 Jan 2024" in script
