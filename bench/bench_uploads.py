"""A signed-out reader's uploads against the server's memory (issue 24, part 3).

    .venv/bin/python bench/bench_uploads.py [--attempts 20] [--megabytes 50]

Starts the app as `make run` does, opens it in Chromium as a reader, and PUTs
`--attempts` files of `--megabytes` each to the reader's own session with its XSRF
cookie, as the probe did (it took the server from 866 MB to 1,866 MB, held while the
socket stayed open). Prints the server's resident memory before, after each fifth
attempt and at the end, and the answers it gave. Goal: every attempt refused, memory
flat.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser_helpers import streamlit_session_ids  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, find_chromium, start_app, stop_app  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=20)
    parser.add_argument("--megabytes", type=int, default=50)
    args = parser.parse_args()
    body = b"a,b\n" * (args.megabytes * 2**20 // 4)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server = start_app(Path(tmp))
        browser = playwright.chromium.launch(executable_path=find_chromium(),
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            sessions = streamlit_session_ids(page)
            page.goto(server.url)
            page.wait_for_selector("[data-testid=stApp]")
            page.wait_for_function("() => document.querySelector('iframe') !== null",
                                   timeout=60_000)
            xsrf = next(c["value"] for c in page.context.cookies()
                        if c["name"] == "_streamlit_xsrf")
            pid = server.process.pid
            print(f"server RSS before: {rss_mb(pid):,.0f} MB (session {sessions[-1]})")
            answers: dict[int, int] = {}
            for attempt in range(1, args.attempts + 1):
                status = page.request.put(
                    f"{server.url}/_stcore/upload_file/{sessions[-1]}/probe-{attempt}",
                    multipart={"file": {"name": f"big{attempt}.csv", "mimeType": "text/csv",
                                        "buffer": body}},
                    headers={"X-Xsrftoken": xsrf}, timeout=120_000).status
                answers[status] = answers.get(status, 0) + 1
                if attempt % 5 == 0:
                    print(f"after {attempt:3} attempts of {args.megabytes} MB: "
                          f"{rss_mb(pid):,.0f} MB")
            print(f"answers: {answers} (403: refused)")
            print(f"server RSS at the end, the reader's socket still open: "
                  f"{rss_mb(pid):,.0f} MB")
        finally:
            browser.close()
            stop_app(server)


if __name__ == "__main__":
    main()
