"""Data text reaching the map can neither add markup nor run as a template literal."""

from __future__ import annotations

import dataclasses

import pytest

from layers.escape import escape_map_text
from layers.tooltip import feature_card_html
from store.features import placed_features

PAYLOADS = [
    '<img src=x onerror="alert(1)">',
    "${document.title=7*7}",
    "`; alert(1); `",
    "back\\slash \\u0041",
    "</script><script>alert(1)</script>",
    "' onmouseover='alert(1)",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_text_has_no_live_characters(payload):
    escaped = escape_map_text(payload)
    for dangerous in ("<", ">", "`", "${", "\\", '"', "'"):
        assert dangerous not in escaped


def test_plain_text_and_arabic_pass_through():
    assert escape_map_text("Al-Qaim → Jordan, ~2,500 (العشرات)") == \
        "Al-Qaim → Jordan, ~2,500 (العشرات)"


def test_card_escapes_every_field():
    record = placed_features()[5].record
    hostile = dataclasses.replace(
        record, name_en=PAYLOADS[0], name_ar=PAYLOADS[1], summary_en=PAYLOADS[2],
        geometry_note=PAYLOADS[3], kind=PAYLOADS[4], actor_en=PAYLOADS[5])
    card = feature_card_html(hostile)
    assert "<img" not in card
    assert "${" not in card
    assert "`" not in card
    assert "\\" not in card
    assert "<script" not in card
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in card


def test_arabic_card_escapes_every_arabic_field():
    record = placed_features()[5].record
    source = dataclasses.replace(record.sources[0], who_ar=PAYLOADS[0], via_ar=PAYLOADS[1])
    hostile = dataclasses.replace(
        record, name_ar=PAYLOADS[0], summary_ar=PAYLOADS[2], geometry_note_ar=PAYLOADS[3],
        kind_ar=PAYLOADS[4], actor_ar=PAYLOADS[5], validity_note_ar=PAYLOADS[1],
        name_en=PAYLOADS[2], sources=(source,))
    card = feature_card_html(hostile, "ar")
    for dangerous in ("<img", "${", "`", "\\", "<script"):
        assert dangerous not in card
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in card


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_card_escapes_hostile_count_words_in_either_language(lang):
    # The English card also shows the seed's Arabic words for the count, and the
    # Arabic card the Arabic ones: both must go through the escaping.
    record = placed_features()[5].record
    hostile_count = dataclasses.replace(record.count, words_en=PAYLOADS[1],
                                        words_ar=PAYLOADS[0])
    card = feature_card_html(dataclasses.replace(record, count=hostile_count), lang)
    for dangerous in ("<img", "${", "`", "\\"):
        assert dangerous not in card
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in card
