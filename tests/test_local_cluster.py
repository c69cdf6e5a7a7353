"""`make run-team`'s own PostgreSQL cluster is shut to the machine's other accounts (issue
24, part 2): with trust authentication on a socket of mode 0777, `nobody` inserted an
admin user and ran programs as postgres with COPY … TO PROGRAM.

The cluster is made as run-team makes it (store/local_cluster.py, a folder kept across
starts); `runuser -u nobody` plays the other account.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from store import open_store
from store.local_cluster import PG_BIN, LocalCluster
from store.seed import seed

PORT = 55441
PSQL = "/usr/bin/psql"


@pytest.fixture(scope="module")
def team_cluster():
    # Under /tmp itself: the server runs as postgres, which cannot enter pytest's
    # root-only folders.
    folder = Path(tempfile.mkdtemp(prefix="posture-team-"))
    cluster = LocalCluster(folder, port=PORT)
    url = cluster.app_url("posture")
    yield cluster, url
    cluster.stop()
    shutil.rmtree(folder, ignore_errors=True)


def _as_nobody(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "nobody", "--", *command], capture_output=True,
                          text=True, timeout=60, check=False)


def test_another_local_account_cannot_connect(team_cluster):
    cluster, _ = team_cluster
    for user in ("postgres", "posture_app"):
        done = _as_nobody(PSQL, "-h", str(cluster.folder), "-p", str(PORT), "-U", user,
                          "-d", "posture", "-w", "-c", "SELECT 1")
        assert done.returncode != 0
        assert "Permission denied" in done.stderr, done.stderr
    # Nor can it read the passwords or the data.
    for name in ("postgres.password", "posture_app.password", "data/pg_hba.conf"):
        done = _as_nobody("cat", str(cluster.folder / name))
        assert done.returncode != 0, name


def test_the_folder_and_the_password_files_are_private(team_cluster):
    cluster, _ = team_cluster
    assert stat.S_IMODE(cluster.folder.stat().st_mode) == 0o700
    for name in ("postgres.password", "posture_app.password"):
        assert stat.S_IMODE((cluster.folder / name).stat().st_mode) == 0o600
    socket = cluster.folder / f".s.PGSQL.{PORT}"
    assert stat.S_IMODE(socket.stat().st_mode) == 0o700


def test_a_connection_without_the_password_is_refused(team_cluster):
    """Even from an account that reaches the socket (root): no trust, anywhere."""
    cluster, _ = team_cluster
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(host=str(cluster.folder), port=PORT, user="postgres",
                        dbname="postgres")
    hba = (cluster.folder / "data" / "pg_hba.conf").read_text()
    rules = [line for line in hba.splitlines() if line.strip() and not line.startswith("#")]
    assert rules
    assert all(line.split()[-1] == "scram-sha-256" for line in rules), rules


def test_the_app_role_owns_its_tables_and_is_no_superuser(team_cluster):
    cluster, url = team_cluster
    assert url.startswith("postgresql://posture_app:")
    store = open_store(url)
    try:
        seed(store)
    finally:
        store.close()
    with cluster.connect("posture") as conn:
        assert conn.execute("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
                            "WHERE rolname = 'posture_app'").fetchone() == (False, False, False)
        owners = dict(conn.execute("SELECT tablename, tableowner FROM pg_tables "
                                   "WHERE schemaname = 'public'").fetchall())
    assert owners.pop("spatial_ref_sys") == "postgres"  # PostGIS's own
    assert set(owners) >= {"claims", "retractions", "layers", "users"}
    assert set(owners.values()) == {"posture_app"}
    with psycopg.connect(url, autocommit=True) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("COPY (SELECT 1) TO PROGRAM 'true'")


def test_a_cluster_made_with_trust_is_shut_on_its_next_start():
    """A run-team cluster made before these rules: trust everywhere, the app as postgres."""
    folder = Path(tempfile.mkdtemp(prefix="posture-old-"))
    shutil.chown(folder, "postgres", "postgres")
    try:
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D",
                        str(folder / "data"), "-A", "trust", "-U", "postgres", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        os.chmod(folder, 0o755)
        cluster = LocalCluster(folder, port=PORT + 1)
        try:
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
            with pytest.raises(psycopg.OperationalError, match="password"):
                psycopg.connect(host=str(folder), port=PORT + 1, user="postgres",
                                dbname="postgres")
            assert cluster.app_url("posture").startswith("postgresql://posture_app:")
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
