"""The Arabic interface outside the page: cards, legend, layer bundle and exports
are worded in Arabic, right to left, from the data's own Arabic text."""

from __future__ import annotations

import re

import pytest

from exports.html import build_html
from exports.static_map import draw_static
from exports.view import View
from i18n import strings, t
from layers.bundle import bundle_source
from layers.catalogue import catalogue, layer
from layers.legend import legend_html
from layers.tooltip import feature_card_html
from store.features import placed_features

PMF = next(p.record for p in placed_features() if p.record.id == "pmf-crossing-into-syria")
ARABIC = re.compile("[\u0600-\u06ff]")


def _english_labels() -> list[str]:
    return [strings("en")[k] for k in ("card.count", "card.reported_on", "card.sources",
                                       "card.confidence")]


def test_card_in_arabic_is_right_to_left_with_the_seeds_words():
    card = feature_card_html(PMF, "ar")
    assert "dir='rtl' lang='ar'" in card
    assert "العشرات" in card  # the seed's own word for "dozens"
    assert PMF.name_ar in card
    assert "مصدر بارز في الجيش السوري، عبر رويترز" in card
    assert t("confidence.media_anonymous", "ar") in card
    for label in _english_labels():
        assert f">{label}<" not in card
    # The English name stays beside the Arabic one, isolated so it keeps its order.
    assert f"<bdi dir='ltr' lang='en'>{PMF.name_en}</bdi>" in card
    # Fact ids and dates sit in their own bidi islands inside the Arabic text.
    assert "[<bdi>B7</bdi>]" in card
    assert "<bdi>2024-12-01</bdi>" in card


def test_card_in_english_keeps_english_labels():
    card = feature_card_html(PMF, "en")
    assert "dir='ltr' lang='en'" in card
    assert "dozens" in card
    for label in _english_labels():
        assert f">{label}<" in card


def test_legend_in_arabic():
    legend = legend_html([layer("albukamal"), layer("force-levels")], "ar")
    assert "class='posture-legend' dir='rtl' lang='ar'" in legend
    assert layer("albukamal").title_ar in legend
    assert t("legend.symbol.arrow", "ar") in legend
    assert "Area proportional" not in legend


def test_arabic_bundle_draws_arabic_labels_and_cards():
    arabic, english = bundle_source(catalogue(), "ar"), bundle_source(catalogue(), "en")
    assert "العشرات من مقاتلي الحشد" in arabic  # the PMF label, in the seed's words
    assert "Dozens of PMF fighters" not in arabic
    assert "Dozens of PMF fighters" in english
    assert "سوريا" in arabic  # the basemap's country names
    assert t("card.reported_on", "ar") in arabic
    assert t("card.reported_on", "en") not in arabic


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_static_furniture_is_in_the_views_language(lang):
    static = draw_static(View(layer_ids=("albukamal", "border"), lang=lang), "a4-landscape", 96)
    texts = [x.get_text() for x in static.figure.texts] + [
        x.get_text() for x in static.ax.texts]
    joined = "\n".join(texts)
    assert t("furniture.default_title", lang) in joined
    assert t("furniture.sources", lang) + "\n" in joined
    assert t("furniture.facts", lang) in joined
    assert joined.count(t("furniture.north", lang)) >= 1
    assert static.figure.legends[0].get_title().get_text() == t("furniture.legend", lang)
    other = "en" if lang == "ar" else "ar"
    for key in ("furniture.sources", "furniture.facts", "furniture.legend"):
        assert t(key, other) not in joined
    if lang == "ar":
        # Every line opens with a right-to-left mark (U+200F): matplotlib sets each
        # line as its own paragraph, directed by its first strong letter.
        caveat = next(x for x in texts if x.startswith("\u200fتنبيه"))
        assert all(line.startswith("\u200f") for line in caveat.split("\n"))
        assert PMF.name_ar in caveat.replace("\n\u200f", " ")
        # Arabic furniture is flush right.
        title = next(x for x in static.figure.texts if x.get_text() == "\u200f" + t(
            "furniture.default_title", "ar"))
        assert title.get_horizontalalignment() == "right"


def test_html_export_in_arabic():
    html = build_html(View(layer_ids=("albukamal",), lang="ar"))
    assert "class='posture-panel' dir='rtl' lang='ar'" in html
    assert f"<title>{t('furniture.default_title', 'ar')}</title>" in html
    assert "مصدر بارز في الجيش السوري، عبر رويترز" in html
    assert "العشرات من مقاتلي الحشد" in html
    assert ARABIC.search(layer("albukamal").title_ar)


def country_labels(script: str) -> set[str]:
    """The country names the basemap script writes as labels."""
    import json

    htmls = re.findall(r'"html": ("(?:[^"\\]|\\.)*"),\s*"iconSize": \[\d+, \d+\],\s*'
                       r'"iconAnchor": \[\d+, \d+\],\s*"className": "country-label"', script)
    return {re.sub("</?span>", "", json.loads(h)) for h in htmls}


def test_basemap_country_names_follow_the_language():
    from layers.basemap_vector import vector_basemap_script

    # Natural Earth's names, written out by hand; none of these words occurs in a feature.
    english, arabic = country_labels(vector_basemap_script("en")), country_labels(
        vector_basemap_script("ar"))
    assert {"Iraq", "Syria", "Jordan", "Turkey", "Iran", "Saudi Arabia"} <= english
    assert {"العراق", "سوريا", "الأردن", "تركيا", "إيران", "السعودية"} <= arabic
    assert not any(ARABIC.search(name) for name in english)
    assert all(ARABIC.search(name) for name in arabic)


def test_an_open_interval_reads_as_a_sentence_in_either_language():
    # The PMF crossing is shown from 2024-12-01 with no end (FACTS B7).
    # The date sits in its own isolate (t() wraps Latin values in Arabic sentences).
    assert "منذ \u2068<bdi>2024-12-01</bdi>\u2069، دون نهاية مذكورة" in \
        feature_card_html(PMF, "ar")
    assert "from <bdi>2024-12-01</bdi>, with no end given" in feature_card_html(PMF, "en")
    assert "إلى لم تُذكر نهاية" not in feature_card_html(PMF, "ar")


def test_the_import_previews_dates_and_places_keep_their_order_in_arabic():
    """In a right-to-left table "41.05, 34.40" showed as "34.40 ,41.05": the preview puts a
    date and a coordinate pair in a left-to-right isolate (U+2066 … U+2069) in Arabic."""
    from imports.preview import Preview, PreviewRow
    from ui.import_panel import _sample_frame

    claim = {"id": "posts.r1", "layer": "posts", "name_ar": "نقطة تفتيش", "as_of": "2024-12-03",
             "geometry": {"type": "Point", "coordinates": [41.05, 34.4]},
             "confidence": "media", "sources": [{"who": "Rudaw"}],
             "count": {"words_en": "no figure given", "words_ar": "لم يُذكر رقم"}}
    preview = Preview("CSV", 1, (), (), (), "key", "posts", None, (), (PreviewRow(2, claim, None),))
    arabic = _sample_frame(preview, "ar").iloc[0].tolist()
    assert arabic[4:9] == ["\u20662024-12-03\u2069", "\u206641.0500, 34.4000\u2069",
                           "نقلته وسائل إعلام", "Rudaw", "لم يُذكر رقم"]
    english = _sample_frame(preview, "en").iloc[0].tolist()
    assert english[4:9] == ["2024-12-03", "41.0500, 34.4000", "reported by media", "Rudaw",
                            "no figure given"]
