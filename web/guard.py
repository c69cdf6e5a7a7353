"""An ASGI middleware in front of Streamlit (serve_app.py) that refuses, before Streamlit
reads them:

- a request naming a host the dashboard does not answer to: DNS rebinding lets a page
  of evil.example reach 127.0.0.1 under its own name, and then read the map and its
  claims. Only 127.0.0.1, localhost, ::1 and the names in POSTURE_ALLOWED_HOSTS are
  answered, in the Host header and in a browser's Origin;
- an upload to any session but a signed-in editor's (access/uploaders.py): Streamlit
  accepts files for any session and holds them in memory;
- Streamlit's /_stcore/metrics, which would tell anyone the server's internals.

A request without a Host header (HAProxy's health check, HTTP/1.0) is not a browser's
and is let through: a rebinding attack always comes from a browser, which sends one.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from access.uploaders import may_upload

__all__ = ["ALLOWED_HOSTS_ENV", "LOCAL_HOSTS", "RequestGuard", "allowed_hosts", "host_name"]

ALLOWED_HOSTS_ENV = "POSTURE_ALLOWED_HOSTS"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_UPLOADS = "/_stcore/upload_file/"
_HIDDEN = frozenset({"/_stcore/metrics"})
_WRITES = frozenset({"PUT", "POST", "DELETE", "PATCH"})

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def allowed_hosts() -> frozenset[str]:
    """The loopback names, and the comma-separated names of POSTURE_ALLOWED_HOSTS."""
    extra = os.environ.get(ALLOWED_HOSTS_ENV, "")
    return LOCAL_HOSTS | {name.strip().lower().rstrip(".") for name in extra.split(",")
                          if name.strip()}


def host_name(value: str) -> str:
    """The name in a Host header ("name:port", "[::1]:port") or an Origin URL."""
    if "://" in value:
        return (urlsplit(value).hostname or "").lower().rstrip(".")
    return (urlsplit(f"//{value}").hostname or "").lower().rstrip(".")


class RequestGuard:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app
        self.hosts = allowed_hosts()

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """The status and words to refuse `scope` with, or None to serve it."""
        headers = {key.decode("latin-1").lower(): value.decode("latin-1")
                   for key, value in scope.get("headers", ())}
        host = headers.get("host")
        if host is not None and host_name(host) not in self.hosts:
            return 403, f"This server does not answer to the name {host_name(host)!r}."
        origin = headers.get("origin")
        if origin is not None and origin != "null" and host_name(origin) not in self.hosts:
            return 403, "Requests from other sites are refused."
        path = scope.get("path", "")
        if path in _HIDDEN:
            return 404, "Not found."
        if path.startswith(_UPLOADS) and scope.get("method") in _WRITES:
            session_id = path[len(_UPLOADS):].split("/", 1)[0]
            if not may_upload(session_id):
                return 403, "Uploads are for a signed-in editor's page only."
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refused = self.refusal(scope) if scope["type"] in ("http", "websocket") else None
        if refused is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await receive()  # the connect; closing before accepting answers 403
            await send({"type": "websocket.close", "code": 1008})
        else:
            status, words = refused
            body = words.encode("utf-8")
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
