"""Fetch the map's browser plugins from the npm registry at install time, pinned and
checked: each tarball's SHA-512 must equal the integrity written here (the registry's
own `dist.integrity`), or nothing is unpacked. Run by `make install`; the app never
downloads anything (layers/assets.py serves what this unpacked, if it is there).

    python scripts/fetch_vendor.py            # fetch what is missing
    python scripts/fetch_vendor.py --check    # exit 1 if anything is missing
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NPM_DIR = ROOT / "var" / "npm"
REGISTRY = "https://registry.npmjs.org"
# name: (version, integrity). leaflet-draw draws an editor's lines and areas (issue 12).
PACKAGES = {
    "leaflet-draw": ("1.0.4", "sha512-rsQ6saQO5ST5Aj6XRFylr5zvarWgzWnrg46zQ1MEOEIHsppdC/8hnN8q"
                              "MoFvACsPvTioAuysya/TVtog15tyAQ=="),
}


def package_dir(name: str) -> Path:
    """Where a package's `package/` folder is unpacked (it exists once fetched)."""
    version, _ = PACKAGES[name]
    return NPM_DIR / f"{name}-{version}" / "package"


def fetch(name: str) -> Path:
    version, integrity = PACKAGES[name]
    target = package_dir(name)
    if target.is_dir():
        return target
    url = f"{REGISTRY}/{name}/-/{name}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    found = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if found != integrity:
        raise SystemExit(f"{name} {version}: the tarball's checksum {found[:24]}… is not the "
                         f"pinned {integrity[:24]}…; nothing unpacked")
    staging = target.parent.with_suffix(".partial")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        archive.extractall(staging, filter="data")
    staging.replace(target.parent)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    missing = [name for name in PACKAGES if not package_dir(name).is_dir()]
    if args.check:
        for name in missing:
            print(f"missing: {name} {PACKAGES[name][0]} (run make install)", file=sys.stderr)
        return 1 if missing else 0
    for name in PACKAGES:
        print(f"{name} {PACKAGES[name][0]}: {fetch(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
