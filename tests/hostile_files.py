"""Hostile files made on the spot, for the tests and the benches (nothing downloaded)."""

from __future__ import annotations

import zipfile
from typing import BinaryIO

MB = 2**20


def write_zip_bomb(out: BinaryIO, member: str, head: bytes, filler: bytes, megabytes: int,
                   tail: bytes = b"", extra: dict[str, bytes] | None = None,
                   level: int = 1) -> None:
    """A ZIP archive into `out` whose `member` unpacks to `head`, `megabytes` MB of
    `filler` and `tail` (a few KB a GB on disk), beside small `extra` members."""
    chunk = filler * (MB // len(filler))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        with archive.open(member, "w", force_zip64=True) as unpacked:
            unpacked.write(head)
            for _ in range(megabytes):
                unpacked.write(chunk)
            unpacked.write(tail)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
