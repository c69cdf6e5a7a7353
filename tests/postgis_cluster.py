"""A throwaway PostgreSQL cluster with PostGIS for the tests (the recipe in DESIGN.md).

Debian's PostgreSQL 15 and `postgresql-15-postgis-3`, installed by `make test`. The
cluster listens on a Unix socket in its own folder only (no TCP port), runs as the
`postgres` user when the tests run as root, and is removed when the session ends.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
PORT = 55432
TEMPLATE = "posture_template"


class Cluster:
    def __init__(self) -> None:
        missing = [str(p) for p in (PG_BIN / "initdb", POSTGIS_CONTROL) if not p.exists()]
        if missing:
            raise RuntimeError("PostgreSQL 15 with PostGIS is missing (" + ", ".join(missing)
                               + "): `make test` installs postgresql-15-postgis-3")
        # Short: a socket's path must stay under 107 characters.
        self.folder = Path(tempfile.mkdtemp(prefix="posture-pg-"))
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(PG_BIN / "initdb", "-D", self.folder / "data", "-A", "trust", "-U",
                  "postgres", "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")
        self._run(PG_BIN / "pg_ctl", "-D", self.folder / "data", "-l", self.folder / "log",
                  "-w", "-o", f"-k {self.folder} -p {PORT} -c listen_addresses='' "
                  "-c fsync=off -c max_connections=200", "start")
        self._count = 0
        with self.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        with self.connect(TEMPLATE) as conn:
            conn.execute("CREATE EXTENSION postgis")

    def _run(self, *command: object) -> None:
        subprocess.run([*self._as_postgres, *map(str, command)], check=True,
                       capture_output=True, timeout=120)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.folder}&port={PORT}"

    def connect(self, database: str) -> psycopg.Connection:
        return psycopg.connect(host=str(self.folder), port=PORT, user="postgres",
                               dbname=database, autocommit=True)

    def new_database(self) -> str:
        """A fresh database with PostGIS, copied from the template in a few ms."""
        self._count += 1
        name = f"posture_test_{self._count}"
        with self.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(PG_BIN / "pg_ctl", "-D", self.folder / "data", "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
