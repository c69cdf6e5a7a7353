"""`posture-history ID`: every claim about one thing, who recorded it, and what changed.

    posture-history us-troops-iraq

Prints the claims in the order recorded, each with what it changed against the one
before, and any retraction with its reason. Reads the store the environment names
(POSTURE_STORE, DATABASE_URL). Exit status: 0; 1 when the store cannot be read;
2 for a bad argument or a thing the store holds no claim about.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo.change_words import describe_changes
from geo.checks import check_identifier
from geo.errors import PostureDataError, SchemaError
from store.features import shared_store
from store.records import HistoryEntry

__all__ = ["history_lines", "main"]

PROG = "posture-history"
_TIME = "%Y-%m-%d %H:%M:%S UTC"


def _value(words: str, limit: int = 80) -> str:
    """A value in words, cut to one line's worth."""
    return words if len(words) <= limit else words[:limit - 1] + "…"


def history_lines(feature_id: str, entries: Sequence[HistoryEntry]) -> list[str]:
    claims = sum(1 for e in entries if e.claim is not None)
    lines = [f"{feature_id}: {claims} claim{'s' * (claims != 1)}, "
             f"{len(entries) - claims} retraction{'s' * (len(entries) - claims != 1)}"]
    for entry in entries:
        if entry.claim is not None:
            claim = entry.claim
            reported = claim.raw.get("reported_on") or "undated (reference)"
            supersedes = f", supersedes {claim.supersedes[:8]}" if claim.supersedes else ""
            lines.append(f"{claim.recorded_at.strftime(_TIME)}  claim {claim.claim_id[:8]} "
                         f"recorded by {claim.recorded_by}, reported {reported}{supersedes}")
            sources = "; ".join(
                f"{s.get('who') or s.get('who_ar')}"
                f"{', via ' + s['via'] if s.get('via') else ''}"
                f"{' [' + s['fact'] + ']' if s.get('fact') else ''}"
                f"{' ' + s['link'] if s.get('link') else ''}"
                for s in claim.raw.get("sources", []))
            lines.append(f"    source: {sources}")
            for change in describe_changes(entry.before_raw, claim.raw, "en") \
                    if claim.supersedes else ():
                lines.append(f"    {change.label}: {_value(change.before)} → "
                             f"{_value(change.after)}")
        else:
            retraction = entry.retraction
            assert retraction is not None
            lines.append(f"{retraction.recorded_at.strftime(_TIME)}  claim "
                         f"{retraction.claim_id[:8]} retracted by {retraction.recorded_by}, "
                         f"reported {retraction.reported_on}: {retraction.reason}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("feature_id", help="the thing's id, as in the data and the exports")
    args = parser.parse_args(argv)
    try:
        feature_id = check_identifier(args.feature_id, "argument", "feature_id")
    except SchemaError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    try:
        entries = shared_store().history(feature_id)
    except PostureDataError as e:
        print(f"{PROG}: error: the store could not be read: {e}", file=sys.stderr)
        return 1
    if not entries:
        print(f"{PROG}: error: the store holds no claim about {feature_id!r}", file=sys.stderr)
        return 2
    print("\n".join(history_lines(feature_id, entries)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
