"""What the server refuses before Streamlit sees it (issue 24, parts 3, 6 and 9):
another site's name (DNS rebinding) over HTTP and the websocket, a reader's upload,
and Streamlit's metrics. On a server started as `make run` starts it."""

from __future__ import annotations

import http.client
import socket

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.conftest import start_app, stop_app
from web.guard import RequestGuard


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    started = start_app(tmp_path_factory.mktemp("guard"),
                        {"POSTURE_ALLOWED_HOSTS": "dash.example.org"})
    yield started
    stop_app(started)


def _get(server, path: str, host: str | None = None, origin: str | None = None
         ) -> tuple[int, str]:
    port = int(server.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host} if host else {}
    if origin:
        headers["Origin"] = origin
    connection.request("GET", path, headers=headers)  # a Host given replaces its own
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body


def _stream(server, host: str, origin: str) -> int | None:
    """The HTTP status a websocket to Streamlit's stream is refused with; None when it
    opens. (The sync client: the browser tests leave an event loop running.)"""
    port = int(server.url.rsplit(":", 1)[1])
    # The name in the address is the Host sent; the socket goes to this server.
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        with connect(f"ws://{host}/_stcore/stream", sock=sock, origin=origin,  # type: ignore[arg-type]
                     subprotocols=["streamlit"], open_timeout=30):
            return None
    except InvalidStatus as e:
        return e.response.status_code
    finally:
        sock.close()


@pytest.mark.parametrize("host", ["evil.example:8541", "evil.example", "127.0.0.1.evil.example",
                                  "localhost.evil.example:80"])
def test_another_name_is_refused_over_http_and_the_websocket(server, host):
    status, body = _get(server, "/", host=host)
    assert status == 403
    assert "does not answer to the name" in body
    assert _stream(server, host, f"http://{host}") == 403


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}",
                                  "dash.example.org", "DASH.example.org:443"])
def test_the_configured_names_are_answered(server, host):
    port = server.url.rsplit(":", 1)[1]
    name = host.format(port=port)
    assert _get(server, "/", host=name)[0] == 200
    # A browser writes the Origin's name in lower case; Streamlit compares it with the Host.
    assert _stream(server, name.lower(), f"http://{name.lower()}") is None


def test_a_page_of_another_site_cannot_use_a_local_name(server):
    """The browser sends the attacking page's Origin even to a name that resolves here."""
    port = server.url.rsplit(":", 1)[1]
    assert _get(server, "/", host=f"127.0.0.1:{port}", origin="http://evil.example")[0] == 403
    assert _stream(server, f"127.0.0.1:{port}", "http://evil.example:8541") == 403


def test_metrics_are_not_served_and_health_is(server):
    assert _get(server, "/_stcore/metrics")[0] == 404
    assert _get(server, "/_stcore/health") == (200, "ok")


def test_the_guard_reads_names_as_a_browser_sends_them(monkeypatch):
    monkeypatch.setenv("POSTURE_ALLOWED_HOSTS", " Dash.Example.org. , ")
    guard = RequestGuard(app=None)  # type: ignore[arg-type]

    def refused(host: str) -> bool:
        return guard.refusal({"type": "http", "path": "/", "method": "GET",
                              "headers": [(b"host", host.encode())]}) is not None

    assert not refused("[::1]:8501")
    assert not refused("dash.example.org:8443")
    assert refused("[::2]:8501")
    assert refused("example.org")
    assert refused("")
