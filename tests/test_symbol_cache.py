"""Unit symbols kept on disk: a later start draws them without loading milsymbol."""

from __future__ import annotations

import milsymbol
import pytest

CODE = "10061000001211000000"  # a hostile infantry unit (2525D)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    from layers import symbol_cache, unit_symbols

    monkeypatch.setenv(symbol_cache.CACHE_DIR_ENV, str(tmp_path))

    def forget() -> None:
        symbol_cache._store.cache_clear()
        unit_symbols.unit_symbol.cache_clear()
        unit_symbols._known.cache_clear()

    forget()
    yield forget
    forget()


def test_a_later_start_reads_symbols_from_disk_without_milsymbol(fresh_cache, monkeypatch):
    from layers import symbol_cache
    from layers.unit_symbols import _known, unit_symbol

    drawn = unit_symbol(CODE, "dozens", "PMF")
    assert _known(CODE)
    symbol_cache.save()
    assert symbol_cache.cache_path().is_file()
    fresh_cache()  # a new process: nothing in memory

    def unavailable(*_args, **_kwargs):
        raise AssertionError("milsymbol was asked for a symbol the disk cache holds")

    monkeypatch.setattr(milsymbol, "Symbol", unavailable)
    assert unit_symbol(CODE, "dozens", "PMF") == drawn
    assert _known(CODE)


def test_a_broken_cache_file_is_ignored(fresh_cache):
    from layers import symbol_cache
    from layers.unit_symbols import unit_symbol

    path = symbol_cache.cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    fresh_cache()
    assert "<svg" in unit_symbol(CODE).svg  # drawn by milsymbol again
    symbol_cache.save()
    assert path.read_text(encoding="utf-8").startswith('{"entries"')
