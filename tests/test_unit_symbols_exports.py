"""Unit symbols in the exports and the page: vector in SVG, the viewpoint named, the
switch and the viewpoint kept in the link."""

from __future__ import annotations

import pytest
from lxml import etree
from pypdf import PdfReader

from exports.view import View
from layers.unit_symbols import Display
from tests.app_helpers import layer_display, map_args, run_with_link

SVG = "{http://www.w3.org/2000/svg}"
# Shown at the latest report (2024-12-02) in the default view; hand-written from FACTS.md.
UNITS_AT_LATEST = {"alqaim-jordan-armour", "nineveh-nw-reinforcement", "pmf-crossing-into-syria",
                   "aleppo-taken", "hama-front", "us-troops-iraq", "us-troops-syria",
                   "iraq-armed-forces"}


def _view(**display) -> View:
    import datetime as dt

    return View(as_of=dt.date(2024, 12, 2), display=Display(**display))


def _svg_units(path) -> dict[str, etree._Element]:
    root = etree.parse(str(path)).getroot()
    return {g.get("id")[len("unit-"):]: g for g in root.iter(f"{SVG}g")
            if (g.get("id") or "").startswith("unit-")}


def _fills(group: etree._Element) -> list[str]:
    fills = []
    for path in group.iter(f"{SVG}path"):
        style = dict(part.split(":", 1) for part in (path.get("style") or "").split(";")
                     if ":" in part)
        fills.append(style.get("fill", "").strip())
    return fills


def test_the_svg_export_draws_each_unit_as_vector_paths_from_the_viewpoint(tmp_path):
    from exports.static_map import write_static

    neutral, coalition = tmp_path / "neutral.svg", tmp_path / "coalition.svg"
    write_static(_view(units=True, viewpoint="neutral"), "svg", neutral)
    write_static(_view(units=True, viewpoint="us-led-coalition"), "svg", coalition)
    units = _svg_units(neutral)
    assert set(units) == UNITS_AT_LATEST
    for feature_id, group in units.items():
        assert group.find(f".//{SVG}image") is None, feature_id  # no raster inside
        assert "#ffff80" in _fills(group), feature_id  # 2525's unknown fill
    pmf = _svg_units(coalition)["pmf-crossing-into-syria"]
    assert "#ff8080" in _fills(pmf)  # hostile from the coalition's viewpoint
    assert "#80e0ff" in _fills(_svg_units(coalition)["us-troops-iraq"])  # friend
    texts = ["".join(t.itertext()) for t in pmf.iter(f"{SVG}text")]
    assert "dozens" in texts
    # At this scale the PMF's actor would overprint the Al-Qaim sector's symbol, so it
    # gives way (exports/label_layout.py); zoomed in to Al-Qaim, the two symbols part
    # and both amplifiers are printed, as text.
    assert "PMF: KH, Fatemiyoun" not in texts
    closer = tmp_path / "al-qaim.svg"
    write_static(View(bbox=(40.0, 33.5, 42.0, 35.0), as_of=_view().as_of,
                      display=Display(units=True, viewpoint="us-led-coalition")), "svg", closer)
    texts = ["".join(t.itertext()) for t in
             _svg_units(closer)["pmf-crossing-into-syria"].iter(f"{SVG}text")]
    assert "dozens" in texts
    assert "PMF: KH, Fatemiyoun" in texts


def test_plain_markers_export_no_unit_symbol(tmp_path):
    from exports.static_map import write_static

    path = tmp_path / "plain.svg"
    write_static(_view(units=False, viewpoint="neutral"), "svg", path)
    assert _svg_units(path) == {}


def test_the_pdf_says_which_viewpoint_it_used(tmp_path):
    from exports.static_map import write_static

    path = tmp_path / "map.pdf"
    write_static(_view(units=True, viewpoint="us-led-coalition"), "pdf", path)
    text = PdfReader(str(path)).pages[0].extract_text()
    assert "unit symbols seen from: US-led coalition" in text


def test_arabic_amplifiers_are_printed_as_shaped_arabic_text(tmp_path):
    import datetime as dt

    from exports.static_map import write_static

    path = tmp_path / "ar.svg"
    write_static(View(as_of=dt.date(2024, 12, 2), lang="ar"), "svg", path)
    pmf = _svg_units(path)["pmf-crossing-into-syria"]
    texts = ["".join(t.itertext()) for t in pmf.iter(f"{SVG}text")]
    # The words of the seed, without the isolate controls the live SVG carries.
    assert "العشرات" in texts
    assert not any(c in "".join(texts) for c in "\u2066\u2067\u2068\u2069")


def test_printed_labels_stay_clear_of_unit_symbols():
    import datetime as dt

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from exports.label_layout import LABEL_GID, UNIT_GID
    from exports.static_map import draw_static

    for lang in ("en", "ar"):
        static = draw_static(View(as_of=dt.date(2024, 12, 2), lang=lang), "a4-landscape", 150)
        renderer = FigureCanvasAgg(static.figure).get_renderer()
        symbols = [a.get_window_extent(renderer) for a in static.ax.artists
                   if (a.get_gid() or "").startswith(UNIT_GID)]
        assert len(symbols) == len(UNITS_AT_LATEST)
        labels = [t for t in static.ax.texts
                  if (t.get_gid() or "").startswith(LABEL_GID) and t.get_visible()]
        assert labels
        for label in labels:
            box = label.get_window_extent(renderer)
            for symbol in symbols:
                assert not box.overlaps(symbol), (lang, label.get_text())


def test_the_command_line_refuses_an_unknown_viewpoint(tmp_path, capsys):
    from exports.cli import main

    with pytest.raises(SystemExit) as exit_code:
        main(["--format", "png", "--out", str(tmp_path / "m.png"), "--viewpoint", "martians"])
    assert exit_code.value.code == 2
    assert ("argument --viewpoint: unknown viewpoint 'martians'; known: neutral, "
            "us-led-coalition") in capsys.readouterr().err


def test_the_link_sets_the_switch_and_the_viewpoint_and_keeps_them():
    at = run_with_link(symbols="plain", viewpoint="us-led-coalition")
    assert not at.exception
    assert layer_display(map_args(at), "syria-front") == {"units": False,
                                                         "viewpoint": "us-led-coalition"}
    assert at.query_params["symbols"] == "plain"
    assert at.query_params["viewpoint"] == "us-led-coalition"


def test_a_bad_viewpoint_or_mode_in_the_link_falls_back_with_a_notice():
    at = run_with_link(symbols="glyphs", viewpoint="martians")
    assert not at.exception
    assert layer_display(map_args(at), "albukamal") == {"units": True, "viewpoint": "neutral"}
    notices = [n.value for n in at.toast]
    assert any("Ignored symbols=glyphs" in n for n in notices), notices
    assert any("Ignored viewpoint=martians" in n and "neutral, us-led-coalition" in n
               for n in notices), notices


def test_the_printed_legend_draws_each_units_symbol_from_the_viewpoint():
    from matplotlib.patches import PathPatch

    from exports.static_map import draw_static

    static = draw_static(_view(units=True, viewpoint="us-led-coalition"), "a4-landscape", 96)
    legend = static.figure.legends[0]
    labels = [text.get_text() for text in legend.get_texts()]
    assert "PMF: KH, Fatemiyoun (hostile)" in labels
    assert "US (friend)" in labels
    assert "Opposition (unknown)" in labels
    # The entries are drawn with the symbols' own paths (outside the map's axes): the
    # hostile one in 2525's hostile fill, #ff8080.
    hostile = [a for a in static.figure.findobj(PathPatch) if a.axes is None
               and tuple(round(c, 3) for c in a.get_facecolor()[:3]) == (1.0, 0.502, 0.502)]
    assert hostile
    plain = draw_static(_view(units=False, viewpoint="neutral"), "a4-landscape", 96)
    assert not any("(unknown)" in text.get_text() for text in plain.figure.legends[0].get_texts())


def test_data_exports_carry_each_units_code_as_the_viewpoint_draws_it(tmp_path):
    import json

    from exports.cli import main

    out = tmp_path / "units.geojson"
    assert main(["--format", "geojson", "--out", str(out), "--as-of", "2024-12-02",
                 "--viewpoint", "us-led-coalition"]) == 0
    rows = {f["properties"]["id"]: f["properties"]
            for f in json.loads(out.read_text())["features"]}
    pmf = rows["pmf-crossing-into-syria"]
    # data/features.json's code with its 4th digit set to 6, hostile (2525D).
    assert pmf["sidc"] == "10061000001211000000"
    assert (pmf["affiliation"], pmf["viewpoint"]) == ("hostile", "us-led-coalition")
    assert rows["us-troops-iraq"]["sidc"][3] == "3"  # friend
    assert rows["city-baghdad"]["sidc"] is None  # a place, not a unit
