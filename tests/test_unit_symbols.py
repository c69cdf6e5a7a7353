"""Unit symbols: codes in the data, affiliation by viewpoint, amplifiers, escaping,
and the switch between symbols and plain markers."""

from __future__ import annotations

import json
import re

import folium
import milsymbol
import pytest
from lxml import etree

from tests.conftest import DATA_DIR, clear_data_caches, load_json

SVG_NS = "{http://www.w3.org/2000/svg}"

# The units the issue names, by feature id (written by hand from shared/FACTS.md).
UNIT_FEATURES = {
    "alqaim-jordan-armour": "iraqi-army",  # B1, B2: armoured units, Al-Qaim → Jordan
    "nineveh-nw-reinforcement": "iraqi-army",  # B3: armoured and mechanised units
    "pmf-crossing-into-syria": "pmf-kh-fatemiyoun",  # B7: Kataib Hezbollah, Liwa Fatemiyoun
    "us-troops-iraq": "us-forces",  # F1
    "us-troops-syria": "us-forces",  # F2
    "iraq-armed-forces": "iraqi-armed-forces",
    "aleppo-taken": "syrian-opposition",  # B9
    "hama-front": "syrian-opposition",  # B9
}
# MIL-STD-2525D's light fills of the frame, by standard identity.
FILL = {"unknown": "rgb(255,255,128)", "friend": "rgb(128,224,255)",
        "hostile": "rgb(255,128,128)", "neutral": "rgb(170,255,170)"}


def _features() -> list[dict]:
    return load_json(DATA_DIR / "features.json")["features"]


def _frame_fill(svg: str) -> str:
    root = etree.fromstring(svg.encode("utf-8"))
    return root.find(f"{SVG_NS}path").get("fill")


def _texts(svg: str) -> list[str]:
    root = etree.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


def test_every_code_in_the_data_is_a_valid_20_digit_code_for_every_affiliation():
    coded = [f for f in _features() if "sidc" in f]
    assert {f["id"] for f in coded} >= set(UNIT_FEATURES)
    for feature in coded:
        code = feature["sidc"]
        assert re.fullmatch(r"1[013]\d{18}", code), feature["id"]
        for identity in "1346":  # unknown, friend, neutral, hostile
            assert milsymbol.Symbol(code[:3] + identity + code[4:]).is_valid(), feature["id"]


def test_each_named_unit_has_its_actor_and_no_invented_echelon():
    by_id = {f["id"]: f for f in _features()}
    for feature_id, actor_id in UNIT_FEATURES.items():
        assert by_id[feature_id]["actor"] == actor_id
        # The report gives no echelon for any of them ("dozens of fighters", "units").
        assert by_id[feature_id]["sidc"][8:10] == "00", feature_id


def test_the_militia_is_infantry_named_in_its_designation():
    from geo.features import load_features
    from layers.unit_symbols import feature_symbol

    pmf = next(r for r in load_features() if r.id == "pmf-crossing-into-syria")
    assert pmf.sidc[10:16] == "121100"  # 2525D land unit: infantry
    texts = _texts(feature_symbol(pmf, "neutral", "en").svg)
    assert "dozens" in texts  # quantity as reported, in words: the source gives no number
    assert any("KH" in text and "Fatemiyoun" in text for text in texts)


def test_affiliation_follows_the_viewpoint():
    from geo.features import load_features
    from layers.unit_symbols import feature_symbol

    records = {r.id: r for r in load_features()}
    expected = {  # data/actors.json's rule for the US-led coalition, written out by hand
        "pmf-crossing-into-syria": "hostile", "us-troops-iraq": "friend",
        "alqaim-jordan-armour": "friend", "aleppo-taken": "unknown"}
    for feature_id, side in expected.items():
        record = records[feature_id]
        assert _frame_fill(feature_symbol(record, "neutral", "en").svg) == FILL["unknown"]
        assert _frame_fill(feature_symbol(record, "us-led-coalition", "en").svg) == FILL[side]


def test_quantity_shows_the_count_as_reported_in_both_languages():
    from geo.features import load_features
    from layers.unit_symbols import feature_symbol

    records = {r.id: r for r in load_features()}
    assert "about 2,500" in _texts(feature_symbol(records["us-troops-iraq"], "neutral", "en").svg)
    assert "495,000" in _texts(feature_symbol(records["iraq-armed-forces"], "neutral", "en").svg)
    arabic = _texts(feature_symbol(records["pmf-crossing-into-syria"], "neutral", "ar").svg)
    # Arabic runs are isolated right to left inside the symbol's left-to-right text.
    assert "\u2067العشرات\u2069" in arabic
    assert any("كتائب حزب الله" in text for text in arabic)


def test_amplifier_text_cannot_break_out_of_the_svg_or_a_template_literal(data_copy):
    actors = load_json(data_copy / "actors.json")
    hostile = "</text><script>alert(1)</script>`${alert(2)}`\\"
    actors["actors"][0]["designation_en"] = hostile
    (data_copy / "actors.json").write_text(json.dumps(actors), encoding="utf-8")
    clear_data_caches()
    from geo.features import load_features
    from layers.unit_symbols import feature_symbol

    armour = next(r for r in load_features() if r.id == "alqaim-jordan-armour")
    svg = feature_symbol(armour, "neutral", "en").svg
    assert "<script" not in svg
    assert "`" not in svg
    assert "${" not in svg
    assert "\\" not in svg
    assert hostile in _texts(svg)  # shown as text, whole


@pytest.mark.parametrize(("field", "value", "message"), [
    ("sidc", "12345", "field 'sidc' must be a 20-digit"),
    ("sidc", "SFGPUCI----D---", "field 'sidc' must be a 20-digit"),
    ("sidc", "10011000001299990000", "names no MIL-STD-2525D symbol"),
    ("actor", "nobody", "field 'actor' is 'nobody', which actors.json does not list"),
])
def test_a_bad_code_or_actor_is_refused_naming_feature_and_field(data_copy, field, value,
                                                                 message):
    payload = load_json(data_copy / "features.json")
    target = next(f for f in payload["features"] if f["id"] == "hama-front")
    target[field] = value
    (data_copy / "features.json").write_text(json.dumps(payload), encoding="utf-8")
    clear_data_caches()
    from geo.errors import SchemaError
    from layers.catalogue import check_data_folder

    with pytest.raises(SchemaError, match=re.escape(message)) as error:
        check_data_folder()
    assert "'hama-front'" in str(error.value)


def test_a_code_without_an_actor_is_refused(data_copy):
    payload = load_json(data_copy / "features.json")
    target = next(f for f in payload["features"] if f["id"] == "hama-front")
    del target["actor"]
    (data_copy / "features.json").write_text(json.dumps(payload), encoding="utf-8")
    clear_data_caches()
    from geo.errors import SchemaError
    from layers.catalogue import check_data_folder

    with pytest.raises(SchemaError, match="'hama-front': a feature with a 'sidc' needs an"):
        check_data_folder()


@pytest.mark.parametrize(("change", "message"), [
    (lambda a: a.update(default_viewpoint="nobody"), "'default_viewpoint' must be one of"),
    (lambda a: a["actors"][0]["affiliation"].update({"us-led-coalition": "ally"}),
     "affiliation.us-led-coalition must be one of"),
    (lambda a: a["actors"][0]["affiliation"].update({"martians": "friend"}),
     "affiliation names viewpoint 'martians'"),
])
def test_a_bad_actors_table_is_refused_with_what_is_wrong(data_copy, change, message):
    actors = load_json(data_copy / "actors.json")
    change(actors)
    (data_copy / "actors.json").write_text(json.dumps(actors), encoding="utf-8")
    clear_data_caches()
    from geo.errors import SchemaError
    from layers.catalogue import check_data_folder

    with pytest.raises(SchemaError, match=re.escape(message)):
        check_data_folder()


def _rendered(layer_id: str, display) -> str:
    from layers.builder import build_layer
    from layers.catalogue import layer

    m = folium.Map(tiles=None)
    build_layer(layer(layer_id), display=display).add_to(m)
    return m.get_root().render()


def test_the_switch_draws_symbols_or_the_plain_markers_in_their_place():
    from layers.unit_symbols import Display

    units = _rendered("syria-front", Display(units=True, viewpoint="neutral"))
    plain = _rendered("syria-front", Display(units=False, viewpoint="neutral"))
    for feature_id in ("aleppo-taken", "hama-front"):
        assert re.search(rf"feature-{feature_id} posture-unit unit-unknown", units)
        assert f"feature-{feature_id} posture-unit" not in plain
        # The plain circle marker is the one a symbol replaces.
        circle = rf'L\.circleMarker\([^)]*"className": "[^"]*feature-{feature_id}"'
        assert re.search(circle, plain)
        assert not re.search(circle, units)
    # Idlib has no code: its marker stays whatever the switch says.
    assert "feature-idlib-taken" in units
    assert "feature-idlib-taken posture-unit" not in units


def test_the_legend_shows_each_units_symbol_from_the_chosen_viewpoint():
    import base64

    from layers.catalogue import catalogue
    from layers.legend import legend_html
    from layers.unit_symbols import Display

    html = legend_html(catalogue(), "en", display=Display(True, "us-led-coalition"))
    rows = re.findall(r"<li data-unit='(\d{20})' data-actor='([^']+)'>"
                      r"<img class='unit-swatch' src='data:image/svg\+xml;base64,([^']+)'", html)
    actors = {actor for _code, actor, _image in rows}
    assert actors == set(UNIT_FEATURES.values()) | {"us-led-coalition"}
    for code, actor, image in rows:
        svg = base64.b64decode(image).decode("utf-8")
        side = {"pmf-kh-fatemiyoun": "hostile", "syrian-opposition": "unknown"}.get(actor,
                                                                                     "friend")
        assert _frame_fill(svg) == FILL[side], actor
        assert code[3] == {"friend": "3", "hostile": "6", "unknown": "1"}[side]
    assert "Seen from: US-led coalition" in html
    assert "data-unit=" not in legend_html(catalogue(), "en", display=Display(False, "neutral"))
