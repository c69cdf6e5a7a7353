"""Write a deterministic ACLED-style event CSV: ACLED's export columns, made-up events.

    python scripts/make_acled_csv.py OUT.csv [--rows 100000] [--seed 2024] [--first 0]

For benchmarks and tests of `posture-import` only: the events are random (same seed,
same file, byte for byte) and describe nothing that happened. Nothing is downloaded.
The columns are those of ACLED's event export (event_id_cnty, event_date,
time_precision, event_type, actor1, latitude, longitude, geo_precision, source,
notes, fatalities, timestamp, …), placed in Iraq and Syria's box.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

__all__ = ["ACLED_HEADER", "write_acled_csv"]

ACLED_HEADER = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)
_COUNTRIES = (("IRQ", 368, "Iraq", ("Anbar", "Ninewa", "Baghdad", "Diyala")),
              ("SYR", 760, "Syria", ("Deir ez Zor", "Aleppo", "Hama", "Idleb", "Homs")))
_EVENTS = (("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
           ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
           ("Strategic developments", "Disrupted weapons use"),
           ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest"))
_ACTORS = ("Military Forces of Iraq (2022-)", "Popular Mobilization Forces",
           "Military Forces of Syria (2000-2024)", "Hayat Tahrir al-Sham",
           "Islamic State (Iraq)", "Military Forces of the United States (2021-)",
           "Protesters (Iraq)", "Unidentified Armed Group (Syria)")
_SOURCES = ("Shafaq News", "Rudaw", "SOHR", "Enab Baladi", "Xinhua", "AFP", "Kurdistan24")
_FIRST_DAY = dt.date(2023, 1, 1)
_DAYS = 730


def _row(index: int, rng: random.Random) -> list[object]:
    iso, code, country, admins = _COUNTRIES[rng.random() < 0.5]
    event_type, sub_event_type = rng.choice(_EVENTS)
    day = _FIRST_DAY + dt.timedelta(days=rng.randrange(_DAYS))
    recorded = dt.datetime.combine(day + dt.timedelta(days=rng.randrange(1, 15)),
                                   dt.time(12), dt.UTC)
    actor1, actor2 = rng.sample(_ACTORS, 2)
    lon = round(rng.uniform(38.5, 45.5) if iso == "IRQ" else rng.uniform(36.0, 41.5), 4)
    lat = round(rng.uniform(31.0, 36.9) if iso == "IRQ" else rng.uniform(32.5, 37.0), 4)
    fatalities = rng.choice((0, 0, 0, 1, 2, 3, 5, 12))
    location = f"Place {index % 997}"
    return [
        f"{iso}{index + 1}", day.isoformat(), day.year, rng.choice((1, 1, 1, 2, 3)),
        "Political violence", event_type, sub_event_type, actor1, "", 1, actor2, "", 3, 13,
        "", code, "Middle East", country, rng.choice(admins), "", "", location, lat, lon,
        rng.choice((1, 1, 2, 3)), rng.choice(_SOURCES), "National",
        f"On {day.isoformat()}, {actor1} and {actor2}: {sub_event_type.lower()} near "
        f"{location}. {fatalities} fatalities reported.",
        fatalities, "", int(recorded.timestamp()),
    ]


def write_acled_csv(path: Path, rows: int = 100_000, seed: int = 2024,
                    first: int = 0) -> Path:
    """`rows` events numbered from `first` (event ids stay unique across the files of
    one store: an import takes at most 100,000 rows a file)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(ACLED_HEADER)
        writer.writerows(_row(index, rng) for index in range(first, first + rows))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--first", type=int, default=0, help="the first event's number")
    args = parser.parse_args()
    write_acled_csv(args.out, args.rows, args.seed, args.first)
    print(f"wrote {args.out} ({args.rows:,} rows)")


if __name__ == "__main__":
    main()
