"""Static snapshots: exact sizes, the border where it should be, and the furniture."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from pypdf import PdfReader
from shapely.geometry import LineString

from exports.paper import pixel_size
from exports.static_map import draw_static, write_static
from exports.view import View
from geo.derive import iraq_syria_border
from layers.catalogue import catalogue, layer

BORDER_RGB = tuple(int(layer("border").color[i:i + 2], 16) for i in (1, 3, 5))
ALL_DEFAULT = tuple(e.id for e in catalogue() if e.default_on)


def border_point_at(lat: float) -> tuple[float, float]:
    # North of the Al-Qaim sector, where only the border line is drawn.
    crossing = iraq_syria_border().intersection(LineString([(35, lat), (45, lat)]))
    return crossing.x, crossing.y


def colour_near(image: Image.Image, xy: tuple[int, int], rgb: tuple[int, ...],
                radius: int = 4, tolerance: float = 40) -> bool:
    x0, y0 = xy
    for x in range(x0 - radius, x0 + radius + 1):
        for y in range(y0 - radius, y0 + radius + 1):
            pixel = image.getpixel((x, y))[:3]
            if sum((a - b) ** 2 for a, b in zip(pixel, rgb, strict=True)) ** 0.5 < tolerance:
                return True
    return False


@pytest.mark.parametrize(("paper", "dpi"), [("a4-landscape", 96), ("a4-portrait", 150),
                                            ("letter-landscape", 300), ("letter-portrait", 120),
                                            ("1080p", 96), ("1080p", 200),
                                            ("a4-landscape", 600)])
def test_png_has_the_exact_pixel_size(tmp_path, paper, dpi):
    out = tmp_path / "map.png"
    write_static(View(), "png", out, paper=paper, dpi=dpi)
    with Image.open(out) as image:
        assert image.size == pixel_size(paper, dpi)


def test_a4_sizes_are_the_paper_at_that_dpi():
    assert pixel_size("a4-landscape", 300) == (3508, 2480)
    assert pixel_size("letter-portrait", 100) == (850, 1100)
    assert pixel_size("1080p", 300) == (1920, 1080)


def test_png_shows_the_border_and_hiding_it_removes_its_colour(tmp_path):
    # 35.5 N: north of the Al-Qaim sector and south of Nineveh's label, which since label
    # placement may cross the border further north: only the border line is drawn here.
    lonlat = border_point_at(35.5)
    shown = write_static(View(layer_ids=ALL_DEFAULT), "png", tmp_path / "shown.png", dpi=120)
    without = tuple(i for i in ALL_DEFAULT if i != "border")
    write_static(View(layer_ids=without), "png", tmp_path / "hidden.png", dpi=120)
    xy = shown.pixel_of(*lonlat)
    with Image.open(tmp_path / "shown.png") as on, Image.open(tmp_path / "hidden.png") as off:
        on, off = on.convert("RGB"), off.convert("RGB")
        assert len(on.getcolors(maxcolors=1 << 24)) > 50, "the image is blank"
        assert colour_near(on, xy, BORDER_RGB)
        assert not colour_near(off, xy, BORDER_RGB)


def test_pdf_holds_title_date_and_every_source_in_view(tmp_path):
    view = View(title="Briefing: Iraq–Syria border", as_of=dt.date(2024, 12, 2))
    out = tmp_path / "map.pdf"
    write_static(view, "pdf", out)
    # The map's page; the second page is the posture table, which lists superseded
    # figures as such (tests/test_posture_table.py).
    text = PdfReader(out).pages[0].extract_text()
    flat = re.sub(r"\s+", " ", text)
    assert "Briefing: Iraq–Syria border" in flat
    assert "2024-12-02" in flat
    for source in SOURCES_2024_12_02:
        assert source in flat, source
    # Each source names its FACTS rows and the report's date (FACTS.md: Part 2 of
    # 2024-12-02, Part 1 of 2024-01-25).
    assert "a senior Syrian army source, via Reuters · FACTS B7 · Alhurra report of " \
        "2024-12-02" in flat
    assert "the report, via AFP · FACTS F1, F2 · Alhurra report of 2024-01-25" in flat
    # FACTS F3's coalition figures are superseded in their series by F1's US figure of
    # January 2024: neither they nor their source (SIPRI) are on the December map.
    assert "SIPRI" not in flat


# Whom FACTS.md credits for each figure on the default map of 2 December 2024, with the
# outlet that carried it: written out by hand, so a source printed without "via whom"
# (or not at all) fails.
SOURCES_2024_12_02 = [
    "Maj. Gen. Yahya Rasool, spokesman of the Commander-in-Chief, via Alhurra",  # B1-B3
    "Iraqi government (Ministerial Council for National Security), via Alhurra",  # B4
    "Lt. Gen. Mohammed al-Saidi, Border Forces commander, via Alhurra",  # B5
    "Iraqi Ministry of Interior, via Alhurra",  # B6
    "a senior Syrian army source, via Reuters",  # B7
    "two Syrian military sources, via Reuters",  # B8
    "Reuters; Syrian sources, via Alhurra",  # B9
    "two Syrian army sources, via Reuters",  # B10
    "the report, via AFP",  # F1, F2
    "IISS, via the World Bank",  # F4
    "Natural Earth 1:10m admin-1",  # the basemap
]


def test_svg_parses_and_holds_the_legend(tmp_path):
    out = tmp_path / "map.svg"
    write_static(View(layer_ids=("border", "albukamal")), "svg", out)
    root = ET.parse(out).getroot()
    text = " ".join(t for t in root.itertext())
    flat = re.sub(r"\s+", " ", text)
    assert layer("border").title_en in flat
    assert "Al-Bukamal crossing: PMF fighters" in flat
    assert layer("force-levels").title_en not in flat  # only the layers shown


def test_caveat_appears_only_with_approximate_geometry(tmp_path):
    exact = tmp_path / "exact.svg"
    write_static(View(layer_ids=("border",)), "svg", exact)
    approx = tmp_path / "approx.svg"
    write_static(View(layer_ids=("albukamal",)), "svg", approx)
    assert "Caveat" not in exact.read_text()
    assert "Caveat" in approx.read_text()


def test_arabic_snapshot_uses_the_arabic_names(tmp_path):
    # Every Arabic glyph must come from a font that has it: matplotlib warns
    # "Glyph ... missing" otherwise, and draws boxes.
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        write_static(View(layer_ids=("albukamal", "border", "context"), lang="ar"), "png",
                     tmp_path / "map.png")
    out = tmp_path / "map.svg"
    write_static(View(layer_ids=("albukamal", "border"), lang="ar"), "svg", out)
    text = out.read_text(encoding="utf-8")
    assert "العشرات من مقاتلي الحشد" in text
    assert layer("border").title_ar in text


def test_command_line_writes_a_png(tmp_path):
    from exports.cli import main

    out = tmp_path / "map.png"
    assert main(["--format", "png", "--out", str(out), "--paper", "1080p", "--dpi", "96"]) == 0
    with Image.open(out) as image:
        assert image.size == (1920, 1080)
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


@pytest.mark.parametrize("bbox", [(35.5, 31.5, 46.0, 38.0), (40.0, 34.0, 42.0, 35.0)])
def test_scale_bar_is_true_at_the_map_latitude(bbox):
    from geo.measure import distance_km

    static = draw_static(View(bbox=bbox), "a4-landscape", 96)
    bars = [line for line in static.ax.get_lines() if line.get_linewidth() == 3
            and len(line.get_xdata()) == 2 and line.get_ydata()[0] == line.get_ydata()[1]]
    assert len(bars) == 1
    (x0, x1), (lat, _) = bars[0].get_xdata(), bars[0].get_ydata()
    label = next(t.get_text() for t in static.ax.texts if t.get_text().endswith(" km"))
    assert distance_km(x0, lat, x1, lat) == pytest.approx(float(label.split()[0]), rel=0.01)


def visible_label_boxes(static) -> list[tuple[str, object]]:
    return [(text, box) for text, box, _ in _visible_texts(static)]


def _visible_texts(static) -> list[tuple[str, object, str | None]]:
    """Every visible text on the map: labels (owner None) and unit symbols' amplifiers
    (count, actor), each with the symbol it belongs to."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    canvas = FigureCanvasAgg(static.figure)
    canvas.draw()  # measured as drawn: a symbol's parts are placed by its draw
    renderer = canvas.get_renderer()
    texts = [(t.get_text(), t.get_window_extent(renderer), None) for t in static.ax.texts
             if t.get_visible() and (t.get_gid() or "").startswith("posture-label-")]
    frame = static.ax.get_window_extent(renderer)
    for artist in static.ax.artists:
        # A symbol whose anchor is out of the view is not drawn (annotation_clip).
        if (artist.get_gid() or "").startswith("unit-") and frame.contains(
                *static.ax.transData.transform(artist.xy)):
            texts += [(child.get_text(), child.get_window_extent(renderer), artist.get_gid())
                      for child in artist.offsetbox.get_children()
                      if isinstance(child, Text) and child.get_visible()]
    return texts


def unit_frames(static) -> list[tuple[str, object]]:
    """Each unit symbol's frame (its patches, not its texts), by the symbol's id."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    canvas = FigureCanvasAgg(static.figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    frames = []
    view = static.ax.get_window_extent(renderer)
    for artist in static.ax.artists:
        if (artist.get_gid() or "").startswith("unit-") and view.contains(
                *static.ax.transData.transform(artist.xy)):
            frames.append((artist.get_gid(), Bbox.union([
                child.get_window_extent(renderer) for child in artist.offsetbox.get_children()
                if not isinstance(child, Text)])))
    return frames


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("bbox", [(35.5, 31.5, 46.0, 38.0),  # the default view
                                  (40.3, 33.9, 41.8, 34.9),  # Al-Qaim, zoomed in
                                  (36.0, 35.0, 38.5, 36.8)])  # Aleppo to Hama
def test_printed_labels_never_overlap_and_stay_in_the_frame(lang, bbox):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from exports.label_layout import point_boxes

    static = draw_static(View(bbox=bbox, lang=lang, as_of=dt.date(2024, 12, 2)),
                         "a4-landscape", 150)
    renderer = FigureCanvasAgg(static.figure).get_renderer()
    frame = static.ax.get_window_extent(renderer)
    labels = visible_label_boxes(static)
    assert labels, "no label was drawn"
    symbols = unit_frames(static)
    for text, box, owner in _visible_texts(static):
        for unit, unit_box in symbols:
            # An amplifier sits against its own symbol; no text overprints another's.
            assert unit == owner or not box.overlaps(unit_box), f"{text!r} covers {unit}"
    for index, (text, box) in enumerate(labels):
        assert frame.x0 <= box.x0, f"{text!r} leaves the frame"
        assert box.x1 <= frame.x1, f"{text!r} leaves the frame"
        assert frame.y0 <= box.y0, f"{text!r} leaves the frame"
        assert box.y1 <= frame.y1, f"{text!r} leaves the frame"
        for other, other_box in labels[index + 1:]:
            assert not box.overlaps(other_box), (text, other)
        for point in point_boxes(static.ax):
            assert not box.overlaps(point), f"{text!r} covers a point symbol"


def test_printed_figures_carry_their_dates(tmp_path):
    out = tmp_path / "map.svg"
    write_static(View(layer_ids=("force-levels",), as_of=dt.date(2024, 12, 2)), "svg", out)
    flat = re.sub(r"\s+", " ", " ".join(ET.parse(out).getroot().itertext()))
    # FACTS F1, F2 (January 2024) and F4 (a 2020 estimate).
    assert "~2,500 US, Iraq total · Jan 2024" in flat
    assert "~900 US, Syria total · Jan 2024" in flat
    assert "495,000 Iraqi, Iraq total · 2020" in flat
    # Superseded in their series by F1: not on the December 2024 map.
    assert "131,000 coalition" not in flat
    assert "0 coalition" not in flat


def test_a_handling_banner_is_printed_at_the_top_and_the_bottom(tmp_path):
    from exports.cli import main

    out = tmp_path / "map.svg"
    assert main(["--format", "svg", "--out", str(out), "--banner",
                 "UNCLASSIFIED // FOR BRIEFING"]) == 0
    root = ET.parse(out).getroot()
    texts = [" ".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts.count("UNCLASSIFIED // FOR BRIEFING") == 2


def test_printed_confidence_swatches_carry_their_marks():
    from matplotlib.text import Text

    static = draw_static(View(as_of=dt.date(2024, 12, 2)), "a4-landscape", 96)
    legend = static.figure.legends[0]
    marks_alone = {t.get_text() for t in legend.findobj(Text)}
    # The levels in view on 2 December 2024 and their marks (layers/symbology.py).
    assert {"✔", "◐", "~", "?"} <= marks_alone


def test_print_has_a_circle_size_key_at_map_size():
    from matplotlib.patches import Circle

    from exports.static_map import PX_TO_PT

    static = draw_static(View(as_of=dt.date(2024, 12, 2)), "a4-landscape", 96)
    keys = [a for a in static.figure.axes if a.get_gid() == "size-key"]
    assert len(keys) == 1
    radii = sorted(round(c.get_radius(), 2) for c in keys[0].patches if isinstance(c, Circle))
    # 60 px for 500,000 (the live map's reference), area proportional: sqrt(1/5), sqrt(1/50).
    expected = sorted(round(60 * PX_TO_PT * (n / 500_000) ** 0.5, 2)
                      for n in (500_000, 100_000, 10_000))
    assert radii == expected
    assert [t.get_text() for t in keys[0].texts] == ["500,000", "100,000", "10,000"]
    # No size key where no count is drawn.
    borders = draw_static(View(layer_ids=("border",)), "a4-landscape", 96)
    assert not [a for a in borders.figure.axes if a.get_gid() == "size-key"]


def _text_runs(pdf) -> list[tuple[float, float, str]]:
    """Every run of text pypdf finds on the page, at its page position (x, y)."""
    runs: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            runs.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))

    PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_printed_source_opens_with_its_bullet_on_the_reading_side(tmp_path, lang):
    # An Arabic line that opens with a Latin name ("Natural Earth 1:10m") once read
    # left to right, bullet on the left, among right-to-left lines.
    out = tmp_path / "map.pdf"
    write_static(View(as_of=dt.date(2024, 12, 2), lang=lang), "pdf", out)
    runs = _text_runs(out)
    width = float(PdfReader(out).pages[0].mediabox.width)
    column = [r for r in runs if r[0] > 0.74 * width]  # the sources column
    bullets = [r for r in column if "•" in r[2]]
    assert len(bullets) >= len(SOURCES_2024_12_02)
    for x, y, _ in bullets:
        line = [rx for rx, ry, _ in column if abs(ry - y) < 1.0]
        if lang == "ar":
            assert x >= max(line), f"a bullet left of its Arabic line at y={y:.1f}"
        else:
            assert x <= min(line), f"a bullet right of its English line at y={y:.1f}"
