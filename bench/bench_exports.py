"""Export benchmark: time and size of each snapshot format for the full default view.

    .venv/bin/python bench/bench_exports.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exports.cli import main as export

CASES = [
    ("png", ["--paper", "a4-landscape", "--dpi", "300"]),
    ("pdf", ["--paper", "a4-landscape"]),
    ("svg", ["--paper", "a4-landscape"]),
    ("png", ["--paper", "1080p", "--dpi", "96"]),
    ("geojson", []),
    ("gpkg", []),
    ("kml", []),
    ("csv", []),
]
RUNS = 3


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        export(["--format", "csv", "--out", str(Path(tmp) / "warm.csv")])  # load data once
        for fmt, extra in CASES:
            out = Path(tmp) / f"view.{fmt}"
            times = []
            for _ in range(RUNS):
                started = time.perf_counter()
                export(["--format", fmt, "--out", str(out), *extra])
                times.append(time.perf_counter() - started)
            print(f"{fmt:8s} {' '.join(extra):28s} median {statistics.median(times):.2f} s "
                  f"over {RUNS}; {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
