"""branca compiles each rendered text once (layers/template_cache.py): a rerun that draws
what an earlier one drew compiles again only the texts that carry the new map's element
ids (branca draws a fresh random id per element each run), draws the same map, and the
cache holds no more than its budget of text."""

from __future__ import annotations

import re

import jinja2
import pytest
from streamlit.testing.v1 import AppTest

from layers import template_cache
from tests.app_helpers import map_args
from tests.conftest import ROOT


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """Every Jinja compilation's source, from now on."""
    seen: list[str] = []
    compile_source = jinja2.Environment.compile

    def counted(self, source, *args, **kwargs):
        seen.append(str(source))
        return compile_source(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return seen


def test_a_rerun_drawing_what_one_drew_before_compiles_nothing(compiles):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    first = map_args(app)
    app.toggle(key="layer:syria-front").set_value(False).run()
    app.toggle(key="layer:syria-front").set_value(True).run()
    compiles.clear()
    app.toggle(key="layer:syria-front").set_value(False).run()
    app.toggle(key="layer:syria-front").set_value(True).run()
    assert not app.exception
    # Without the cache: every rendered piece, about 85 a run; with it, the 8 or so that
    # name this run's elements by their random ids ("map_0f3a…", 32 hex digits).
    again = [source for source in compiles if not ELEMENT_ID.search(source)]
    assert again == [], "\n---\n".join(source[:200] for source in again)
    assert len(compiles) < 20
    assert _without_ids(map_args(app)) == _without_ids(first)


ELEMENT_ID = re.compile(r"_[0-9a-f]{32}\b")


def _without_ids(args: dict) -> str:
    return ELEMENT_ID.sub("_ID", repr(args))


def test_the_cache_keeps_to_its_budget(monkeypatch):
    monkeypatch.setattr(template_cache, "CACHED_CHARS", 100)
    monkeypatch.setattr(template_cache, "_compiled", type(template_cache._compiled)())
    monkeypatch.setattr(template_cache, "_held", [0])
    for index in range(20):
        text = f"<p>{index:02d}</p>" + "x" * 20  # 9 + 20 = 29 characters each
        assert template_cache.compiled_template(text).render() == text
    texts, characters = template_cache.held_texts()
    assert (texts, characters) == (3, 87)  # the last three: 100 characters hold three
    assert template_cache.compiled_template("y" * 101).render() == "y" * 101  # too long
    assert template_cache.held_texts() == (3, 87)
