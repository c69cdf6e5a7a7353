"""The page's first run on a store this process has not read yet: a bar that says how far
the reading has come ("Checking and placing the claims: 40,000 of 100,000"), never a
blank page for the seconds a large store takes (store/features.py)."""

from __future__ import annotations

import streamlit as st

from i18n import t
from store.features import first_reading_pending, start_first_reading
from store.reading_stats import ReadingProgress, reading_progress

__all__ = ["STAGES", "wait_for_first_reading"]

# Each stage's share of the bar, from its start: placing (validating each record and
# resolving its geometry) is the longest.
STAGES = {"claims": (0.0, 0.2), "records": (0.2, 0.3), "placing": (0.5, 0.5)}
POLL_S = 0.25
GRACE_S = 1.0


def _bar(progress: ReadingProgress | None, lang: str) -> tuple[float, str]:
    if progress is None or progress.total <= 0:
        return 0.0, t("reading.opening", lang)
    start, share = STAGES[progress.stage]
    done = min(progress.done, progress.total) / progress.total
    return start + share * done, t(f"reading.{progress.stage}", lang,
                                   done=f"{progress.done:,}", total=f"{progress.total:,}",
                                   percent=f"{done:.0%}")


def wait_for_first_reading(lang: str) -> None:
    """If the store is still to be read whole, read it in its own thread and show its
    progress until it is done."""
    if not first_reading_pending():
        return
    reading = start_first_reading()
    # No bar for a reading done within a second (the seed, or data that fails at once
    # and is named by the page's own error): it would only flicker.
    reading.join(GRACE_S)
    if not reading.is_alive():
        return
    slot = st.empty()
    while reading.is_alive():
        fraction, words = _bar(reading_progress(), lang)
        slot.progress(fraction, text=words)
        reading.join(POLL_S)
    slot.empty()
