"""A claim saved from the claim form with hostile text in every field, exported by the
installed `posture-export`: the SVG and the standalone HTML hold it as text (read back
with lxml: no element it names exists), and the data exports carry it verbatim."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from lxml import etree
from lxml import html as lxml_html

from editing.form import claim_from_form
from store import open_store
from store.seed import seed
from tests.conftest import ROOT

EXPORT = ROOT / ".venv" / "bin" / "posture-export"
HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`</script>"
FIELDS = {"name_en": HOSTILE, "name_ar": HOSTILE, "kind_en": HOSTILE, "actor_en": HOSTILE,
          "count_words_en": HOSTILE, "source_en": HOSTILE, "via_en": HOSTILE,
          "geometry_note_en": HOSTILE, "lon": "41.9", "lat": "34.1", "as_of": "2024-12-01",
          "reported_on": "2024-12-02", "confidence": "media"}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile-form") / "store.gpkg"
    store = open_store(str(path))
    seed(store)
    raw = claim_from_form(FIELDS, layer="force-levels", feature_id="force-levels.hostile-1",
                          placed_by="alice")
    store.record([raw], "alice", source="form")
    store.close()
    return path


def _export(store_path, tmp_path, fmt: str):
    out = tmp_path / f"view.{fmt}"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run([EXPORT, "--format", fmt, "--out", str(out), "--as-of", "2024-12-31",
                           "--layers", "force-levels", "--symbols", "plain"],
                          env={**env, "POSTURE_STORE": str(store_path)}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


def test_the_svg_holds_the_hostile_name_as_text(store_path, tmp_path):
    tree = etree.parse(str(_export(store_path, tmp_path, "svg")))
    assert not tree.xpath("//*[local-name()='img' or local-name()='script']")
    text = "".join(tree.xpath("//text()"))
    assert "<img src=x onerror=alert(1)>" in text


def test_the_html_export_holds_it_as_text_only(store_path, tmp_path):
    page = _export(store_path, tmp_path, "html").read_text(encoding="utf-8")
    document = lxml_html.fromstring(page)
    assert not document.xpath("//img[@src='x']")
    # The hostile closing tag never appears raw, so no script of the export ends early.
    assert "</script>`" not in page
    assert HOSTILE not in page  # never raw: always escaped, in markup or in a JS string
    # Escaped for HTML and for JS template literals alike (DESIGN.md), and there to read.
    assert "&lt;img src=x onerror=alert(1)&gt;&#96;&#36;{alert(2)}&#96;&lt;/script&gt;" in page


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_data_exports_carry_it_verbatim(store_path, tmp_path, fmt):
    out = _export(store_path, tmp_path, fmt)
    if fmt == "geojson":
        features = json.loads(out.read_text(encoding="utf-8"))["features"]
        row = next(f["properties"] for f in features
                   if f["properties"]["id"] == "force-levels.hostile-1")
        assert row["name_en"] == row["actor_en"] == row["count_words_en"] == HOSTILE
        sources = row["sources_json"]  # GDAL may hand a JSON field back parsed
        sources = json.loads(sources) if isinstance(sources, str) else sources
        assert sources[0] == {"who": HOSTILE, "via": HOSTILE}
    else:
        import csv

        with out.open(encoding="utf-8", newline="") as handle:
            row = next(r for r in csv.DictReader(handle) if r["id"] == "force-levels.hostile-1")
        assert row["name_en"] == row["geometry_note"] == HOSTILE
