"""A PostgreSQL cluster with PostGIS on this machine, for the tests and `make run-team`
(the recipe in DESIGN.md): Debian's PostgreSQL 15 and `postgresql-15-postgis-3`.

The cluster listens on a Unix socket in its own folder only (no TCP port) and runs as
the `postgres` user when started by root. `LocalCluster(folder)` keeps its data in
`folder` across starts (run-team's `var/team/pg`); `LocalCluster()` makes a temporary
one that `stop()` removes (the tests').
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

__all__ = ["PG_BIN", "POSTGIS_CONTROL", "LocalCluster"]

PG_BIN = Path("/usr/lib/postgresql/15/bin")
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
DEFAULT_PORT = 55432


class LocalCluster:
    def __init__(self, folder: Path | None = None, port: int = DEFAULT_PORT) -> None:
        missing = [str(p) for p in (PG_BIN / "initdb", POSTGIS_CONTROL) if not p.exists()]
        if missing:
            raise RuntimeError("PostgreSQL 15 with PostGIS is missing (" + ", ".join(missing)
                               + "): `make test` and `make run-team` install "
                               "postgresql-15-postgis-3")
        self.temporary = folder is None
        # Short: a socket's path must stay under 107 characters.
        self.folder = Path(tempfile.mkdtemp(prefix="posture-pg-")) if folder is None \
            else folder.resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        if not (self.folder / "data" / "PG_VERSION").exists():
            self._run(PG_BIN / "initdb", "-D", self.folder / "data", "-A", "trust", "-U",
                      "postgres", "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")
        self._run(PG_BIN / "pg_ctl", "-D", self.folder / "data", "-l", self.folder / "log",
                  "-w", "-o", f"-k {self.folder} -p {port} -c listen_addresses='' "
                  "-c fsync=off -c max_connections=200", "start")

    def _run(self, *command: object) -> None:
        subprocess.run([*self._as_postgres, *map(str, command)], check=True,
                       capture_output=True, timeout=120)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.folder}&port={self.port}"

    def connect(self, database: str) -> psycopg.Connection:
        return psycopg.connect(host=str(self.folder), port=self.port, user="postgres",
                               dbname=database, autocommit=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        """Database `name` with PostGIS (made if missing); its URL."""
        with self.connect("postgres") as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (name,)).fetchone()
            if not exists:
                conn.execute(f"CREATE DATABASE {name}"
                             + (f" TEMPLATE {template}" if template else ""))
        if template is None:
            with self.connect(name) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(PG_BIN / "pg_ctl", "-D", self.folder / "data", "-m",
                      "immediate" if self.temporary else "fast", "stop")
        finally:
            if self.temporary:
                shutil.rmtree(self.folder, ignore_errors=True)
