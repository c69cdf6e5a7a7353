"""Printed by `make run`: how to add the first editor, while the store has none.

The app is read-only until an editor signs in, and there is no default account (no
password is ever in the repository), so the operator adds the first one by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.errors import PostureDataError
from store.features import shared_store
from store.location import store_location
from store.users import WRITING_ROLES, Users


def main() -> int:
    try:
        editors = [u for u in Users(shared_store()).all() if u.role in WRITING_ROLES]
    except PostureDataError as e:
        print(f"(could not read the users of the store: {e})")
        return 0  # the app itself will say what is wrong
    if not editors:
        print(f"The dashboard is read-only: the store ({store_location()}) has no editor yet.\n"
              "Add the first one (the password is asked twice, without echo):\n"
              "    .venv/bin/posture-users add NAME --role editor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
