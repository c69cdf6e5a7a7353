"""Symbol identification codes (MIL-STD-2525D / APP-6D, 20 digits): their form, and
the one digit a viewpoint changes.

Only the form is checked here; whether the code names a symbol the renderer knows is
checked by layers/unit_symbols.py, which owns the renderer.
"""

from __future__ import annotations

import re

from geo.checks import shown
from geo.errors import SchemaError

__all__ = ["AFFILIATIONS", "IDENTITY_DIGIT", "check_sidc", "echelon_of", "with_affiliation"]

# Version 10 is 2525D, 11 is 2525D change 1, 13 is 2525E. Letter-style 2525C codes
# are refused: the renderer loads half a gigabyte of tables for them.
_SIDC = re.compile(r"^1[013][0-9]{18}$")

# Digit 4 (standard identity) as a viewpoint assigns it.
IDENTITY_DIGIT = {"unknown": "1", "friend": "3", "neutral": "4", "hostile": "6"}
AFFILIATIONS = tuple(IDENTITY_DIGIT)


def check_sidc(value: object, where: str, key: str = "sidc") -> str:
    """A 20-digit 2525D/E code, or a SchemaError naming `where` and `key`."""
    if not isinstance(value, str) or not _SIDC.match(value):
        raise SchemaError(f"{where}: field {key!r} must be a 20-digit MIL-STD-2525D code "
                          f"such as '10011000001205000000', got {shown(value)}")
    return value


def with_affiliation(sidc: str, affiliation: str) -> str:
    """The code with its standard identity set to `affiliation` (friend, hostile, ...)."""
    return sidc[:3] + IDENTITY_DIGIT[affiliation] + sidc[4:]


def echelon_of(sidc: str) -> str:
    """Digits 9–10: the echelon ("00": none given)."""
    return sidc[8:10]
