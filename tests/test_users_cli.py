"""The installed `posture-users` command: the password asked on a terminal without echo,
or read from standard input; its exit status; both backends."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time

import pytest

from store import open_store
from store.users import Users
from tests.conftest import ROOT

USERS = ROOT / ".venv" / "bin" / "posture-users"
PASSWORD = "correct horse battery staple"


def _env(location: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "POSTURE_STORE")}
    env["DATABASE_URL" if "://" in location else "POSTURE_STORE"] = location
    return env


def _run(location: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([USERS, *args], env=_env(location), input=stdin, text=True,
                          capture_output=True, timeout=120)


def test_add_list_set_role_and_remove(store_location):
    added = _run(store_location, "add", "alice", "--role", "editor", "--password-stdin",
                 stdin=PASSWORD + "\n")
    assert (added.returncode, added.stdout) == (0, "added alice (editor)\n"), added.stderr
    assert PASSWORD not in added.stdout + added.stderr
    _run(store_location, "add", "victor", "--role", "viewer", "--password-stdin",
         stdin=PASSWORD + "\n")
    listed = _run(store_location, "list")
    assert [line.split("\t")[:2] for line in listed.stdout.splitlines()] == [
        ["alice", "editor"], ["victor", "viewer"]]
    assert _run(store_location, "set-role", "victor", "admin").stdout == "victor is now admin\n"
    assert _run(store_location, "remove", "victor").returncode == 0
    store = open_store(store_location)
    try:
        assert [u.name for u in Users(store).all()] == ["alice"]
        assert Users(store).verify("alice", PASSWORD) is not None
    finally:
        store.close()


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("add", "bob", "--role", "editor"), "", "no terminal to ask for the password on"),
    (("add", "bob", "--role", "editor", "--password-stdin"), "", "standard input is empty"),
    (("add", "bob", "--role", "editor", "--password-stdin"), "short\n",
     "a password must be 10 to 1024 characters long"),
    (("add", "bad name", "--role", "editor", "--password-stdin"), PASSWORD + "\n",
     "user name 'bad name' is not allowed"),
    # Common passwords of ten characters or more, from leaked lists (issue 24), in any case.
    *((("add", "bob", "--role", "editor", "--password-stdin"), f"{common}\n",
       "is one of the 10,000 most common ones") for common in (
        "qwertyuiop", "1234567890", "password123", "QwertyUIOP", "1q2w3e4r5t")),
    (("add", "roberta", "--role", "editor", "--password-stdin"), "Roberta-in-2026\n",
     "a password must not contain the user's name"),
    (("set-role", "nobody", "editor"), "", "no user 'nobody'"),
    (("remove", "nobody"), "", "no user 'nobody'"),
])
def test_bad_input_exits_2_naming_it_and_changes_nothing(store_location, args, stdin, message):
    done = _run(store_location, *args, stdin=stdin)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert _run(store_location, "list").stdout == ""


def test_a_role_that_does_not_exist_is_refused_by_argparse(store_location):
    done = _run(store_location, "add", "bob", "--role", "root", "--password-stdin",
                stdin=PASSWORD + "\n")
    assert done.returncode == 2
    assert "invalid choice: 'root'" in done.stderr


def _read_until(fd: int, wanted: bytes, timeout_s: float = 60) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout_s
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 1024)
            except OSError:
                break
    return seen


def test_on_a_terminal_the_password_is_asked_twice_and_never_echoed(tmp_path):
    location = str(tmp_path / "store.gpkg")
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command on a terminal of its own
        os.execve(str(USERS), [str(USERS), "add", "alice", "--role", "editor"],
                  _env(location))
    output = _read_until(fd, b"Password: ")
    os.write(fd, PASSWORD.encode() + b"\n")
    output += _read_until(fd, b"Password again: ")
    os.write(fd, PASSWORD.encode() + b"\n")
    output += _read_until(fd, b"added alice (editor)")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, output
    assert b"added alice (editor)" in output
    assert PASSWORD.encode() not in output  # no echo


def test_make_run_says_how_to_add_the_first_editor_until_there_is_one(tmp_path):
    import sys

    location = str(tmp_path / "store.gpkg")
    hint = [sys.executable, str(ROOT / "scripts" / "editors_hint.py")]
    first = subprocess.run(hint, env=_env(location), text=True, capture_output=True,
                           timeout=120)
    assert "posture-users add NAME --role editor" in first.stdout
    _run(location, "add", "victor", "--role", "viewer", "--password-stdin",
         stdin=PASSWORD + "\n")
    assert "no editor yet" in subprocess.run(hint, env=_env(location), text=True,
                                             capture_output=True, timeout=120).stdout
    _run(location, "add", "alice", "--role", "editor", "--password-stdin",
         stdin=PASSWORD + "\n")
    assert subprocess.run(hint, env=_env(location), text=True, capture_output=True,
                          timeout=120).stdout == ""
