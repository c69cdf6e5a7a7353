"""A claim's stored text and its content hash: the canonical JSON is the json module's
(sort_keys, no spacing, Arabic kept), whichever library wrote it. Stores made before
the text was written by orjson hold hashes of json's text, so every record must give
exactly json's text, or an unchanged report would be recorded again."""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from geo.claims import canonical_json, content_hash


def json_module_text(raw: object) -> str:
    return json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("raw", [
    {"geometry": {"type": "Point", "coordinates": [0.00001, 34.5]}},  # json: 1e-05
    {"geometry": {"type": "Point", "coordinates": [-2.5e-07, 1e-12]}},  # json: e-07
    {"geometry": {"type": "Point", "coordinates": [1e16, 1e22]}},
    {"count": {"value": 10**20}},  # past 64 bits
    {"name_en": "half a pair \ud800"},  # a lone surrogate
    {"value": float("nan")},
    {"valid_to": None},
    {"name_ar": "قوات\u2028الحشد \"الشعبي\" \\ \x00\x1f", "é": 1, "e": 2, "Z": 3},
    {"coordinates": (41.1, 34.4)},
])
def test_the_text_is_the_json_modules_for_awkward_values(raw):
    assert canonical_json(raw) == json_module_text(raw)


def test_the_text_is_the_json_modules_for_many_points():
    generator = random.Random(11)
    for _ in range(20_000):
        raw = {"id": f"acled.IRQ{generator.randrange(10**6)}",
               "geometry": {"type": "Point", "coordinates": [
                   generator.uniform(-180, 180) * 10 ** generator.randint(-9, 0),
                   generator.uniform(-90, 90)]},
               "count": {"value": generator.randint(0, 10**7)},
               "confidence": generator.random()}
        assert canonical_json(raw) == json_module_text(raw)


def test_a_value_json_cannot_write_is_still_refused():
    import datetime as dt

    with pytest.raises(TypeError):
        canonical_json({"valid_from": dt.date(2024, 12, 1)})


def test_the_hash_is_sha256_of_the_normal_forms_json():
    raw = {"id": "x", "layer": "l", "valid_to": None, "as_of_precision": "day",
           "geometry": {"type": "Point", "coordinates": [41, 34.5]},
           "name_ar": "القائم"}
    normal = '{"geometry":{"coordinates":[41.0,34.5],"type":"Point"},"id":"x",' \
             '"layer":"l","name_ar":"القائم"}'
    assert content_hash(raw) == hashlib.sha256(normal.encode("utf-8")).hexdigest()
