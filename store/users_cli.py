"""`posture-users`: who may sign in to the app, and as what.

    posture-users add NAME --role editor          # asks for the password twice, no echo
    echo "$PASSWORD" | posture-users add NAME --role editor --password-stdin
    posture-users list
    posture-users set-role NAME viewer
    posture-users set-password NAME [--password-stdin]
    posture-users remove NAME

Works on the store the environment names (POSTURE_STORE, DATABASE_URL). There is no
default account: the first editor is added with this command. Exit status: 0 done;
2 a bad argument, name, role or password (nothing changed); 1 the store failed.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import TextIO

from geo.errors import PostureDataError
from store.features import shared_store
from store.users import ROLES, UserError, Users, check_password, check_user_name

__all__ = ["main"]

PROG = "posture-users"
_TIME = "%Y-%m-%d %H:%M UTC"


class _Refused(Exception):
    """A password that could not be read: exit 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add a user (asks for the password)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    commands.add_parser("list", help="every user, with their role")
    role = commands.add_parser("set-role", help="change a user's role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    password = commands.add_parser("set-password", help="change a user's password")
    password.add_argument("name")
    password.add_argument("--password-stdin", action="store_true")
    remove = commands.add_parser("remove", help="remove a user (their claims stay theirs)")
    remove.add_argument("name")
    return parser


def _password(from_stdin: bool, stdin: TextIO) -> str:
    if from_stdin:
        line = stdin.readline()
        if not line:
            raise _Refused("--password-stdin: standard input is empty")
        return check_password(line.rstrip("\r\n"))
    if not stdin.isatty():
        raise _Refused("no terminal to ask for the password on: give it on standard input "
                       "with --password-stdin")
    first = check_password(getpass.getpass("Password: "))
    if getpass.getpass("Password again: ") != first:
        raise _Refused("the two passwords differ; nothing changed")
    return first


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None) -> int:
    args = _parser().parse_args(argv)
    stdin = stdin or sys.stdin
    try:
        if args.command != "list":
            check_user_name(args.name)  # a bad name before a password is asked for
        users = Users(shared_store())
        if args.command == "add":
            user = users.add(args.name, args.role, _password(args.password_stdin, stdin))
            print(f"added {user.name} ({user.role})")
        elif args.command == "list":
            for user in users.all():
                print(f"{user.name}\t{user.role}\tsince {user.created_at.strftime(_TIME)}")
        elif args.command == "set-role":
            user = users.set_role(args.name, args.role)
            print(f"{user.name} is now {user.role}")
        elif args.command == "set-password":
            users.set_password(args.name, _password(args.password_stdin, stdin))
            print(f"password of {args.name} changed")
        else:
            users.remove(args.name)
            print(f"removed {args.name}")
    except (UserError, _Refused) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except PostureDataError as e:
        print(f"{PROG}: error: the store failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
