"""Start the dashboard, preparing its data while Streamlit and the browser start.

`streamlit run` only runs app.py when the first browser session connects, so
the first visitor waited for folium's and geopandas' imports, the geometry and
the layer bundle (about a second here) after the page itself had loaded. This
launcher does that work in a background thread as soon as the server listens,
while the browser loads Streamlit's page; app.py then finds it all in the
process caches. Measured here (4 launches each): median cold start 2.84 s,
against 3.40 s when warming up during the server's own start-up.

    python scripts/serve.py [APP] [streamlit run options...]
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _wait_for_server(port: int, timeout_s: float = 30.0) -> None:
    # Warming up while the server itself starts would slow its start (one GIL);
    # after it listens, the warm-up overlaps the browser loading the page.
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)


def _warm_up(port: int) -> None:
    _wait_for_server(port)
    # Not streamlit_folium: it registers its component when imported, and that
    # must happen inside Streamlit's runtime, from app.py.
    from geo.errors import PostureDataError
    from layers.assets import ensure_vendor_assets
    from layers.bundle import write_bundle
    from layers.catalogue import catalogue

    ensure_vendor_assets()
    # With bad data there is nothing to warm; app.py tells the user what is wrong.
    with contextlib.suppress(PostureDataError):
        write_bundle(catalogue())
    # The force-levels chart's library, for when the reader opens it: last, as the
    # first page is loading meanwhile.
    import altair  # noqa: F401


def main() -> None:
    # `kill -USR1 PID` writes every thread's stack to the log: the browser tests do so
    # when a page gets no answer (tests/browser_helpers.py), to find out why.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    sys.path.insert(0, str(ROOT))
    args = sys.argv[1:]
    app = args.pop(0) if args and args[0].endswith(".py") else str(ROOT / "app.py")
    port = int(args[args.index("--server.port") + 1]) if "--server.port" in args else 8501
    threading.Thread(target=_warm_up, args=(port,), name="posture-warm-up", daemon=True).start()
    from streamlit.web.cli import main as streamlit_main

    # The page runs inside serve_app.py's ASGI App, behind the request guard (web/guard.py).
    os.environ["POSTURE_APP_SCRIPT"] = str(Path(app).resolve())
    sys.argv = ["streamlit", "run", str(ROOT / "serve_app.py"), *args]
    streamlit_main()


if __name__ == "__main__":
    main()
