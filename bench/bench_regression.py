"""The seed view against an earlier commit: cold start and toggle, A/B in one run.

Issue 11 allows the store no more than 10 % on the seed view's cold start and toggle.
This machine's speed drifts by a quarter within an hour, so two figures taken at
different times say little: this runs both commits turn about, in the same browser.
The reference commit is checked out into a temporary git worktree and served from
there (its own app.py, data and var/), with this checkout's Python environment.

    .venv/bin/python bench/bench_regression.py [--against dd5e87f] [--rounds 15]

dd5e87f is the last commit before the claims store (b86aa50, issue 11's first part).
Each round launches each app once, in alternating order, and times the cold start
(launch to the map drawn) and 10 toggles of a layer (click to the map changed); the
toggles of all rounds are pooled for their median.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_dashboard import measure  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, find_chromium  # noqa: E402

BEFORE_THE_STORE = "dd5e87f"
ALLOWED_REGRESSION = 0.10


def _worktree(commit: str, folder: Path) -> Path:
    path = folder / f"at-{commit}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",
                    str(path), commit], check=True)
    return path


def _verdict(name: str, now: list[float], then: list[float]) -> str:
    ratio = statistics.median(now) / statistics.median(then) - 1
    met = "met" if ratio <= ALLOWED_REGRESSION else "NOT met"
    return (f"{name}: median {statistics.median(now):.3f} s now against "
            f"{statistics.median(then):.3f} s then ({ratio:+.1%}; goal <= "
            f"+{ALLOWED_REGRESSION:.0%}: {met}); runs now {min(now):.3f}-{max(now):.3f} s, "
            f"then {min(then):.3f}-{max(then):.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default=BEFORE_THE_STORE,
                        help="the earlier commit (default: the last one before the store)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--toggles", type=int, default=10, help="per round and app")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        then_root = _worktree(args.against, Path(folder))
        roots = {"now": ROOT, "then": then_root}
        cold: dict[str, list[float]] = {"now": [], "then": []}
        toggle: dict[str, list[float]] = {"now": [], "then": []}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=find_chromium(),
                                                     args=CHROMIUM_ARGS)
                for side in roots:  # unit symbol caches and the OS's file cache, warmed
                    measure("app.py", 2, browser, optimistic=True, cold_starts=1,
                            root=roots[side])
                for round_index in range(args.rounds):
                    order = ("now", "then") if round_index % 2 == 0 else ("then", "now")
                    for side in order:
                        result = measure("app.py", args.toggles, browser, optimistic=True,
                                         cold_starts=1, root=roots[side])
                        cold[side].append(result["cold_start_median_s"])
                        toggle[side].extend(result["toggle_runs_s"])
                    print(f"round {round_index + 1}: cold start now {cold['now'][-1]:.2f} s, "
                          f"then {cold['then'][-1]:.2f} s", flush=True)
                browser.close()
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(then_root)], check=False)
    print(f"HEAD against {args.against}, {args.rounds} interleaved rounds:")
    print(_verdict("cold start", cold["now"], cold["then"]))
    print(_verdict(f"toggle ({len(toggle['now'])} toggles each, pooled)", toggle["now"],
                   toggle["then"]))


if __name__ == "__main__":
    main()
