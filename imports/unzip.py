"""A ZIP archive's members, unpacked with their size held to a limit.

A 4 MB KMZ can hold 4 GiB of zeros: read through GDAL's /vsizip/ it took 4.3 GB of
memory. So an archive is checked twice before anything reads it: the sizes its
directory declares, then a count of the bytes actually unpacked, which stops at the
limit whatever the directory says (a crafted archive can understate them). Members are
written under their base names only, into a folder the caller owns, never where the
archive's paths point.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

__all__ = ["CHUNK_BYTES", "UnzipRefused", "check_declared", "unpack"]

CHUNK_BYTES = 1024 * 1024


class UnzipRefused(Exception):
    """The archive would unpack to more than the limit, or cannot be unpacked."""


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def check_declared(archive: zipfile.ZipFile, limit: int) -> None:
    """UnzipRefused when the members' declared sizes add up to more than `limit`."""
    declared = sum(info.file_size for info in archive.infolist())
    if declared > limit:
        raise UnzipRefused(f"its ZIP archive would unpack to {_mb(declared)}; the limit "
                           f"is {_mb(limit)}")


def unpack(archive: zipfile.ZipFile, members: Iterable[str], into: Path, limit: int
           ) -> dict[str, Path]:
    """Each of `members` written into `into` under its base name; UnzipRefused as soon as
    the bytes unpacked, counted as they come, pass `limit` in all."""
    check_declared(archive, limit)
    written: dict[str, Path] = {}
    total = 0
    for member in members:
        target = into / PurePosixPath(member.replace("\\", "/")).name
        try:
            with archive.open(member) as source, target.open("wb") as out:
                while chunk := source.read(CHUNK_BYTES):
                    total += len(chunk)
                    if total > limit:
                        raise UnzipRefused(f"its ZIP archive unpacks to more than "
                                           f"{_mb(limit)}, the limit (more than its "
                                           "directory declares)")
                    out.write(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
            raise UnzipRefused(f"its ZIP archive's member {member!r} cannot be unpacked "
                               f"({e})") from e
        written[member] = target
    return written
