"""Where the store is: PostGIS if DATABASE_URL is set, else a GeoPackage file.

- `DATABASE_URL=postgresql://…`: the team's PostgreSQL with PostGIS.
- `POSTURE_STORE=path.gpkg`: that GeoPackage.
- Otherwise `var/posture.gpkg` in the project (git-ignored); for a data folder other
  than the committed one (POSTURE_DATA_DIR), a file of its own under `var/stores/`,
  so a copy of the data never seeds the default store. `POSTURE_VAR_DIR` moves `var/`
  (the tests put it in a temporary folder).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from geo.errors import DataFileError
from geo.paths import DATA_DIR_ENV, data_dir

__all__ = ["DATABASE_URL_ENV", "STORE_ENV", "VAR_DIR_ENV", "store_location"]

DATABASE_URL_ENV = "DATABASE_URL"
STORE_ENV = "POSTURE_STORE"
VAR_DIR_ENV = "POSTURE_VAR_DIR"
_ROOT = Path(__file__).resolve().parent.parent


def store_location() -> str:
    """A `postgresql://` URL or a GeoPackage path, from the environment."""
    explicit = os.environ.get(STORE_ENV, "").strip()
    # A relative POSTURE_STORE is relative to the working folder of the moment.
    relative_to = None if not explicit or os.path.isabs(explicit) else os.getcwd()
    return _location(os.environ.get(DATABASE_URL_ENV, "").strip(), explicit,
                     os.environ.get(VAR_DIR_ENV), os.environ.get(DATA_DIR_ENV), relative_to)


# Once per environment, not per ask: a page run asks about 40 times, and resolving the
# path went to the file system each time (5 % of a toggle's CPU with 100,000 events).
@lru_cache(maxsize=16)
def _location(url: str, explicit: str, var_dir: str | None, data_dir_env: str | None,
              _relative_to: str | None) -> str:
    if url:
        if not url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            raise DataFileError(f"{DATABASE_URL_ENV} must be a postgresql:// URL; "
                                f"got one starting {url.split(':', 1)[0]!r}")
        return url
    if explicit:
        return str(Path(explicit).expanduser().resolve())
    var = Path(var_dir or _ROOT / "var")
    if not data_dir_env:
        return str(var / "posture.gpkg")
    folder = hashlib.sha256(str(data_dir().resolve()).encode()).hexdigest()[:12]
    return str(var / "stores" / f"posture-{folder}.gpkg")
