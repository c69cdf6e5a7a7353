"""What this process has read from the store for its pictures (store/picture.py), and how
far a whole reading under way has come: for the page's progress bar, the benchmarks and
the tests (a write must cost readers the new claims, not a full re-read)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = ["PROGRESS_EVERY", "ReadCounts", "ReadingProgress", "count_read", "read_counts",
           "reading_progress", "report_progress"]


@dataclass
class ReadCounts:
    """What this process has read from the store for its pictures, for benchmarks and
    tests: a write must cost readers the new claims, not a full re-read."""

    full_readings: int = 0
    claim_keys_read: int = 0  # a claim's fid, thing, layer and report day
    records_read: int = 0  # a claim's record, parsed
    retractions_read: int = 0


_COUNTS = ReadCounts()
_COUNTING = threading.Lock()


def read_counts() -> ReadCounts:
    with _COUNTING:
        return ReadCounts(_COUNTS.full_readings, _COUNTS.claim_keys_read,
                          _COUNTS.records_read, _COUNTS.retractions_read)


def count_read(full: bool, keys: int, records: int, retractions: int) -> None:
    with _COUNTING:
        _COUNTS.full_readings += full
        _COUNTS.claim_keys_read += keys
        _COUNTS.records_read += records
        _COUNTS.retractions_read += retractions


@dataclass(frozen=True)
class ReadingProgress:
    """How far a whole reading has come, for the page to say so (ui/first_reading.py):
    `stage` is "claims" (the keys of every claim), "records" (the current claims'
    records) or "placing" (checking and placing them)."""

    stage: str
    done: int
    total: int


_PROGRESS: ReadingProgress | None = None
# Reported every so many rows: often enough for a bar, rarely enough to cost nothing.
PROGRESS_EVERY = 5_000


def reading_progress() -> ReadingProgress | None:
    """The progress of the whole reading under way in this process, if any."""
    return _PROGRESS


def report_progress(stage: str, done: int, total: int) -> None:
    global _PROGRESS
    _PROGRESS = ReadingProgress(stage, done, total) if done < total else None
