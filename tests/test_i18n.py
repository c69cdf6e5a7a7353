"""UI strings: one table per language, the same keys and placeholders in each, and
every key the code asks for present."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from editing.form import FORM_FIELDS
from exports.formats import EXPORT_FORMATS
from exports.paper import PAPERS
from geo.change_words import WORDED_FIELDS
from geo.posture import STATUSES
from geo.schema import CONFIDENCE_LEVELS, SYMBOLS
from geo.sidc import AFFILIATIONS
from geo.what_changed import CHANGE_KINDS
from i18n import LANGUAGES, direction, strings, t
from imports.read import FILE_KINDS
from imports.run import REPORT_COLUMNS
from imports.table import MISSING_WHAT
from layers.basemap import BASEMAPS
from layers.event_data import CARD_LABELS
from store.users import ROLES
from ui.dates import COMPARE_AXES
from ui.editor_panel import FORM_GROUPS
from ui.first_reading import STAGES as READING_STAGES
from ui.import_panel import PREVIEW_COLUMNS, RESULT_COUNTS, WORDED_IMPORT_FIELDS
from ui.posture_table import COLUMNS as TABLE_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
# t("key", ...) with a literal key, anywhere in the project's own code.
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.\-]+)["']""")
# f"prefix.{...}" keys: the families built from data, checked against their sources below.
FAMILY_KEY = re.compile(r"""\bt\(\s*f["']([a-z_.]+)\.\{""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _code_files() -> list[Path]:
    folders = ["geo", "layers", "exports", "ui", "i18n"]
    return [ROOT / "app.py", *(p for f in folders for p in (ROOT / f).glob("*.py"))]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_is_in_every_language(lang):
    english = set(strings("en"))
    assert set(strings(lang)) == english, (
        f"missing in {lang}: {sorted(english - set(strings(lang)))}; "
        f"only in {lang}: {sorted(set(strings(lang)) - english)}")


def test_no_string_is_empty_and_arabic_is_arabic():
    for lang in LANGUAGES:
        for key, text in strings(lang).items():
            assert text.strip(), f"{lang}:{key} is empty"
    for key, text in strings("ar").items():
        words = re.sub(r"\{[^}]*\}|FACTS", "", strings("en")[key])
        if re.search("[A-Za-z]{3}", words):
            assert ARABIC_LETTER.search(text), f"ar:{key} is not translated: {text!r}"


def test_placeholders_match_across_languages():
    for key, text in strings("en").items():
        assert _placeholders(strings("ar")[key]) == _placeholders(text), key


def test_every_key_the_code_uses_exists():
    used = {key for path in _code_files()
            for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 60  # the scan found the code's calls
    assert sorted(used - set(strings("en"))) == []


def test_every_key_family_the_code_builds_exists():
    families = {prefix for path in _code_files()
                for prefix in FAMILY_KEY.findall(path.read_text(encoding="utf-8"))}
    members = {"confidence": CONFIDENCE_LEVELS, "legend.symbol": SYMBOLS, "basemap": BASEMAPS,
               "month": range(1, 13), "paper": PAPERS, "format": EXPORT_FORMATS,
               "units.affiliation": AFFILIATIONS, "table.status": STATUSES,
               "table": (*TABLE_COLUMNS, "symbol"), "changes.axis": COMPARE_AXES,
               "import.report": REPORT_COLUMNS, "auth.role": ROLES,
               "import.field": WORDED_IMPORT_FIELDS, "import.missing": MISSING_WHAT,
               "import.preview": PREVIEW_COLUMNS, "import.count": RESULT_COUNTS,
               "import.kind": range(len(FILE_KINDS)),
               "edit.field": (*FORM_FIELDS, "layer"), "edit.mode": ("new", "edit"),
               "edit.group": [group for group, _ in FORM_GROUPS], "events.card": CARD_LABELS,
               "field": WORDED_FIELDS, "reading": READING_STAGES,
               "whatchanged": (*CHANGE_KINDS, "appeared_line", "ended_line")}
    assert families <= set(members), f"a key family with no test: {families - set(members)}"
    for prefix in families:
        for name in members[prefix]:
            for lang in LANGUAGES:
                assert f"{prefix}.{name}" in strings(lang), f"{lang}:{prefix}.{name}"


def test_missing_key_fails_loudly():
    with pytest.raises(KeyError):
        t("no.such.key", "ar")
    with pytest.raises(ValueError, match="'fr'"):
        t("app.title", "fr")


def test_direction_and_filling():
    assert direction("ar") == "rtl"
    assert direction("en") == "ltr"
    assert t("count.about", "ar", number="2,500") == "نحو 2,500"


def test_strings_are_safe_inside_html_and_template_literals():
    # Templates are filled with escaped values and placed in HTML and in JS
    # template literals unescaped themselves, so they must need no escaping.
    for lang in LANGUAGES:
        for key, text in strings(lang).items():
            for unsafe in ("`", "${", "\\", "<", ">", "&"):
                assert unsafe not in text, f"{lang}:{key} contains {unsafe!r}"


def test_latin_values_in_arabic_text_are_isolated():
    # Chromium shows an unisolated ISO date in right-to-left text as 25-01-2024.
    assert t("dates.quick_part1", "ar", date="2024-01-25") == \
        "تقرير الجزء الأول (\u20682024-01-25\u2069)"
    assert t("dates.quick_part1", "en", date="2024-01-25") == "Part 1 report (2024-01-25)"
    assert t("source.via", "ar", who="رويترز", via="الحرة") == "رويترز، عبر الحرة"
    assert t("count.about", "ar", number="131,000") == "نحو 131,000"
