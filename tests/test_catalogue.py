"""The layer catalogue's contract, one parametrized test per layer, and its documentation."""

from __future__ import annotations

import folium
import pytest

from geo.schema import FeatureRecord
from layers.builder import build_layer, layer_script
from layers.catalogue import catalogue, features_of, groups
from layers.legend import legend_html
from tests.conftest import ROOT

ENTRIES = catalogue()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_layer_contract(entry):
    # loads
    placed = features_of(entry)
    assert placed, f"layer {entry.id} has no features"
    for p in placed:
        record: FeatureRecord = p.record
        # validates (parsing already checked the schema; geometry must be drawable)
        assert p.geometry.is_valid
        assert not p.geometry.is_empty
        assert record.name_en
        assert record.name_ar
        assert record.kind
        assert record.actor_en
        # has sources
        assert record.sources
        assert all(s.who.strip() for s in record.sources)
        assert record.geometry_note.strip()
        if record.confidence != "reference":
            assert record.as_of
            assert record.reported_on
    # renders: every feature's marks carry the layer's and the feature's classes
    group = build_layer(entry)
    m = folium.Map(tiles=None)
    group.add_to(m)
    html = m.get_root().render()
    for p in placed:
        assert f"feature-{p.record.id}" in html
    script = layer_script(entry)
    assert f"layer-{entry.id}" in script
    assert "parent" in script


def test_every_layer_belongs_to_a_declared_group():
    group_ids = {g.id for g in groups()}
    assert {e.group for e in ENTRIES} <= group_ids


def test_the_seed_layers_are_all_there():
    assert {e.id for e in ENTRIES} >= {"border", "alqaim-jordan-sector", "nineveh", "albukamal",
                                       "syria-front", "force-levels", "context"}


def test_legend_explains_every_layer():
    legend = legend_html(ENTRIES)
    for entry in ENTRIES:
        assert f"data-layer='{entry.id}'" in legend
    assert "Area proportional to the count" in legend


def test_readme_documents_every_layer():
    # The layer table lives in docs/map.md, which the README links.
    readme = (ROOT / "docs" / "map.md").read_text(encoding="utf-8")
    assert "docs/map.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    for entry in ENTRIES:
        assert f"`{entry.id}`" in readme, f"docs/map.md does not describe layer {entry.id}"


def test_no_number_is_invented_where_the_source_gives_words():
    for entry in ENTRIES:
        for p in features_of(entry):
            if p.record.count.value is None:
                assert p.record.symbol != "proportional"
    counts = {p.record.id: p.record.count for e in ENTRIES for p in features_of(e)}
    assert counts["pmf-crossing-into-syria"].words_en == "dozens"
    assert counts["alqaim-jordan-armour"].value is None
    assert counts["us-troops-iraq"].value == 2500
    assert counts["us-troops-syria"].value == 900
    assert counts["iraq-armed-forces"].value == 495_000
    assert counts["coalition-iraq-2009"].value == 131_000
    assert counts["coalition-iraq-2011"].value == 0
