"""The place search finds places by any usual spelling, offline."""

from __future__ import annotations

import pytest

from geo.gazetteer import normalise, search
from geo.measure import distance_km


@pytest.mark.parametrize("query", ["Al-Bukamal", "Abu Kamal", "Albu Kamal", "abukamal",
                                   "البوكمال", "أبو كمال", "  al bukamal "])
def test_every_spelling_of_al_bukamal(query):
    best = search(query)[0]
    assert best.id == "al-bukamal"
    assert distance_km(best.lon, best.lat, 40.918, 34.453) < 1


@pytest.mark.parametrize(("query", "place_id"), [
    ("Halab", "aleppo"), ("حلب", "aleppo"), ("Idleb", "idlib"), ("ادلب", "idlib"),
    ("إدلب", "idlib"), ("Shingal", "sinjar"), ("Mawsil", "mosul"), ("التنف", "al-walid-al-tanf"),
    ("Nineveh", "governorate-IQ-NI"), ("IQ-NI", "governorate-IQ-NI"),
])
def test_other_places_and_governorates(query, place_id):
    assert search(query)[0].id == place_id


def test_prefixes_find_places_and_nonsense_finds_none():
    assert search("Mos")[0].id == "mosul"
    assert search("zzzz") == []
    assert search("") == []
    assert search("<script>") == []


def test_arabic_letter_variants_are_one():
    assert normalise("إدلب") == normalise("ادلب") == normalise("أدلب")
