"""A PostgreSQL cluster with PostGIS on this machine, for the tests and `make run-team`
(the recipe in DESIGN.md): Debian's PostgreSQL 15 and `postgresql-15-postgis-3`.

The cluster listens on a Unix socket in its own folder only (no TCP port) and runs as
the `postgres` user when started by root. `LocalCluster(folder)` keeps its data in
`folder` across starts (run-team's `var/team/pg`); `LocalCluster()` makes a temporary
one that `stop()` removes (the tests').

It is shut to the machine's other accounts (issue 24: with trust authentication on a
socket anyone could reach, `nobody` made itself an admin and ran programs as postgres):

- the folder, socket included, is 0700, owned by the account the server runs as;
- every connection, on the socket too, must give a password (scram-sha-256); each is
  generated here and kept in a 0600 file in the folder;
- the app connects as a role of its own (`app_url`), which owns its database and the
  project's tables and is not a superuser.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

__all__ = ["PG_BIN", "POSTGIS_CONTROL", "LocalCluster"]

PG_BIN = Path("/usr/lib/postgresql/15/bin")
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
DEFAULT_PORT = 55432
SUPERUSER = "postgres"
_HBA = """# Written by store/local_cluster.py: a password for every connection, none by trust.
local   all   all   scram-sha-256
"""


def _password_file(path: Path, owner: str | None) -> str:
    """The password kept in `path`, made (0600) if missing."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(24) + "\n")
    os.chmod(path, 0o600)
    if owner:
        shutil.chown(path, owner, owner)
    return path.read_text().strip()


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
        as_root = os.geteuid() == 0
        self._as_postgres = ["runuser", "-u", SUPERUSER, "--"] if as_root else []
        owner = SUPERUSER if as_root else None
        os.chmod(self.folder, 0o700)
        if owner:
            shutil.chown(self.folder, owner, owner)
        data = self.folder / "data"
        self._password = _password_file(self.folder / f"{SUPERUSER}.password", owner)
        if not (data / "PG_VERSION").exists():
            self._run(PG_BIN / "initdb", "-D", data, "-U", SUPERUSER, "--auth=scram-sha-256",
                      f"--pwfile={self.folder / f'{SUPERUSER}.password'}", "--no-sync",
                      "-E", "UTF8", "--locale", "C.UTF-8")
        # A cluster made before these rules trusted every local connection: the password is
        # set while it still does, then the rules are replaced.
        trusted = any(line.split()[-1] == "trust" for line in
                      (data / "pg_hba.conf").read_text().splitlines()
                      if line.strip() and not line.lstrip().startswith("#"))
        self._run(PG_BIN / "pg_ctl", "-D", data, "-l", self.folder / "log",
                  "-w", "-o", f"-k {self.folder} -p {port} -c listen_addresses='' "
                  "-c unix_socket_permissions=0700 -c fsync=off -c max_connections=200",
                  "start")
        if trusted:
            with psycopg.connect(host=str(self.folder), port=port, user=SUPERUSER,
                                 dbname="postgres", autocommit=True) as conn:
                conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(SUPERUSER), sql.Literal(self._password)))
            (data / "pg_hba.conf").write_text(_HBA)
            self._run(PG_BIN / "pg_ctl", "-D", data, "reload")

    def _run(self, *command: object) -> None:
        subprocess.run([*self._as_postgres, *map(str, command)], check=True,
                       capture_output=True, timeout=120)

    def _url(self, role: str, password: str, database: str) -> str:
        return (f"postgresql://{role}:{quote(password, safe='')}@/{database}"
                f"?host={self.folder}&port={self.port}")

    def url(self, database: str) -> str:
        """The superuser's URL (the tests' and benches' own clusters)."""
        return self._url(SUPERUSER, self._password, database)

    def connect(self, database: str) -> psycopg.Connection:
        return psycopg.connect(host=str(self.folder), port=self.port, user=SUPERUSER,
                               password=self._password, dbname=database, autocommit=True)

    def create_database(self, name: str, template: str | None = None,
                        owner: str | None = None) -> str:
        """Database `name` with PostGIS (made if missing); its superuser's URL."""
        with self.connect("postgres") as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (name,)).fetchone()
            if not exists:
                conn.execute(f"CREATE DATABASE {name}"
                             + (f" TEMPLATE {template}" if template else "")
                             + (f" OWNER {owner}" if owner else ""))
        if template is None:
            with self.connect(name) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return self.url(name)

    def app_url(self, database: str) -> str:
        """Database `database` (made if missing) for the app: its URL as a role named
        `<database>_app`, with a password of its own (kept in a 0600 file), that owns the
        database and every table, sequence and function in it but PostGIS's, and is not
        a superuser."""
        role = f"{database}_app"
        password = _password_file(self.folder / f"{role}.password",
                                  SUPERUSER if self._as_postgres else None)
        with self.connect("postgres") as conn:
            verb = "ALTER" if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                           (role,)).fetchone() else "CREATE"
            conn.execute(sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                                 "NOREPLICATION NOBYPASSRLS PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(password)))
        self.create_database(database, owner=role)
        with self.connect(database) as conn:
            conn.execute(f"ALTER DATABASE {database} OWNER TO {role}")
            # A store made before the app had a role of its own: its objects go to the role.
            for kind, name in conn.execute(_OWNED_BY_SUPERUSER).fetchall():
                conn.execute(f"ALTER {kind} {name} OWNER TO {role}")
        return self._url(role, password, database)

    def stop(self) -> None:
        try:
            self._run(PG_BIN / "pg_ctl", "-D", self.folder / "data", "-m",
                      "immediate" if self.temporary else "fast", "stop")
        finally:
            if self.temporary:
                shutil.rmtree(self.folder, ignore_errors=True)


# The public schema's tables, sequences, views and functions a superuser owns that no
# extension (PostGIS) does.
_OWNED_BY_SUPERUSER = """
SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
       quote_ident(c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v')
  AND pg_get_userbyid(c.relowner) = 'postgres'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
UNION ALL
SELECT 'FUNCTION', quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid)
       || ')'
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) = 'postgres'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
"""
