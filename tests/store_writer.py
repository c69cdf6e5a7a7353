"""A second process writing to a store, for the durability tests.

    python -m tests.store_writer LOCATION PREFIX COUNT

Records COUNT point claims with ids PREFIX-0… in one write, printing "ready" once
the store is open and the summary line when the write has committed.
"""

from __future__ import annotations

import copy
import json
import sys

from store import open_store
from tests.conftest import DATA_DIR


def claims(prefix: str, count: int) -> list[dict]:
    template = next(f for f in json.loads((DATA_DIR / "features.json").read_text(
        encoding="utf-8"))["features"] if f["id"] == "hama-front")
    rows = []
    for index in range(count):
        row = copy.deepcopy(template)
        row["id"] = f"{prefix}-{index}"
        row["geometry"] = {"type": "Point",
                           "coordinates": [36 + (index % 1000) / 500, 33 + (index // 1000) / 50]}
        rows.append(row)
    return rows


def main() -> None:
    location, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rows = claims(prefix, count)
    store = open_store(location)
    print("ready", flush=True)
    print(store.record(rows, f"writer-{prefix}").summary(), flush=True)


if __name__ == "__main__":
    main()
