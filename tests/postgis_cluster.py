"""A throwaway PostgreSQL cluster with PostGIS for the tests (the recipe in DESIGN.md).

Debian's PostgreSQL 15 and `postgresql-15-postgis-3`, installed by `make test`. The
cluster listens on a Unix socket in its own folder only (no TCP port), runs as the
`postgres` user when the tests run as root, and is removed when the session ends.
"""

from __future__ import annotations

from store.local_cluster import LocalCluster

PORT = 55432
TEMPLATE = "posture_template"


class Cluster(LocalCluster):
    """A temporary cluster (store/local_cluster.py) with a PostGIS template database, of
    which each test gets a fresh copy in a few ms."""

    def __init__(self) -> None:
        super().__init__(port=PORT)
        self._count = 0
        self.create_database(TEMPLATE)

    def new_database(self) -> str:
        self._count += 1
        return self.create_database(f"posture_test_{self._count}", template=TEMPLATE)
