"""The Streamlit sessions whose page is an editor's, the only ones that may upload.

Streamlit gives any session upload URLs and keeps every file PUT to them in memory
while the session lives: a signed-out reader filled the server's memory that way. The
page (app.py) says on each run whether its session is an editor's; web/guard.py
refuses every upload to any other session before Streamlit reads a byte of it.
"""

from __future__ import annotations

import threading

__all__ = ["may_upload", "set_uploader"]

_EDITOR_SESSIONS: set[str] = set()
_LOCK = threading.Lock()


def set_uploader(session_id: str, editor: bool) -> None:
    """Record whether `session_id`'s page is a signed-in editor's, as of its latest run."""
    with _LOCK:
        if editor:
            _EDITOR_SESSIONS.add(session_id)
        else:
            _EDITOR_SESSIONS.discard(session_id)


def may_upload(session_id: str) -> bool:
    with _LOCK:
        return session_id in _EDITOR_SESSIONS
