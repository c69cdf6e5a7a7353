"""Data written into a map's <script>: JSON is valid JavaScript, and a "<" in any text
must not close the tag ("</script>" in a hostile name, say), so it is escaped."""

from __future__ import annotations

import json

__all__ = ["script_json"]


def script_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
