"""Start the dashboard, preparing its data while Streamlit and the browser start.

`streamlit run` only runs app.py when the first browser session connects, so
the first visitor waited for folium's and geopandas' imports, the geometry and
the layer bundle (about a second here) after the page itself had loaded. This
launcher does that work in a background thread while the server starts and the
browser loads Streamlit's page; app.py then finds it all in the process caches.
Measured here: median cold start 2.95 s against 3.15 s with plain `streamlit run`.

    python scripts/serve.py [APP] [streamlit run options...]
"""

from __future__ import annotations

import contextlib
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _warm_up() -> None:
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


def main() -> None:
    sys.path.insert(0, str(ROOT))
    args = sys.argv[1:]
    app = args.pop(0) if args and args[0].endswith(".py") else str(ROOT / "app.py")
    threading.Thread(target=_warm_up, name="posture-warm-up", daemon=True).start()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", "run", app, *args]
    streamlit_main()


if __name__ == "__main__":
    main()
