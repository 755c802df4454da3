"""rewrites.asgi: the gateway end to end, against real servers on 127.0.0.1 (tests/servers.py)."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

import rewrites
from rewrites import Router
from rewrites.asgi import (
    Gateway,
    Timeouts,
    authority,
    merge_rules,
    node_headers,
    request_keys,
)
from rewrites.cli import DEMO_BACKEND, DEMO_ROUTES, DEMO_TABLES
from tests.servers import BLOCK, WAIT, Backend, Serve, Served, closed_port, local_app, raw_exchange

#: Short upstream timeouts, so that the failure tests are quick.
QUICK = Timeouts(connect=1.0, read=1.0, pool=1.0)
#: The streamed transfers: 256 MiB each way.
BIG = 256 * 1024 * 1024
#: How much the gateway's memory may grow while it streams BIG bytes.
MEMORY_BOUND = 64 * 1024 * 1024
#: Extra rules beside the seed's: a redirect and a header rule for every path.
EXTRAS: dict[str, Any] = {
    "redirects": [{"source": "/old-dashboard", "destination": "/dashboard", "permanent": True}],
    "headers": [{"source": "/:path*", "headers": [{"key": "x-rule", "value": "yes"}]}],
}


def seed_config(table: str, backend: str) -> dict[str, Any]:
    """A seed table (A, B or C) with its backend at `backend`, plus the extra rules."""
    text = json.dumps(DEMO_TABLES[table][1]).replace(DEMO_BACKEND, backend)
    return {**json.loads(text), **EXTRAS}


def seed_router(table: str, backend: str) -> Router:
    """The Router of a seed table over the seed app's routes."""
    return Router.from_next_config(seed_config(table, backend), DEMO_ROUTES)


# --- servers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def backend() -> Iterator[Backend]:
    """The seed's backend, on its own loopback port."""
    with Backend() as server:
        yield server


@pytest.fixture(scope="module")
def local_server() -> Iterator[Served]:
    """The app server stand-in, served by uvicorn."""
    with Served(local_app) as server:
        yield server


@pytest.fixture(scope="module")
def gateways(backend: Backend) -> Iterator[dict[str, Served]]:
    """One gateway per seed table, each with the local app mounted in-process."""
    servers = {
        name: Served(Gateway(seed_router(name, backend.url), local_app, timeouts=QUICK))
        for name in DEMO_TABLES
    }
    for server in servers.values():
        server.__enter__()
    yield servers
    for server in servers.values():
        server.__exit__(None, None, None)


def request(
    base: Served | Serve,
    path: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request to a server: status, headers, body."""
    conn = http.client.HTTPConnection("127.0.0.1", base.port, timeout=WAIT)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def seen(body: bytes) -> dict[str, Any]:
    """What the backend or the local app reported."""
    data: dict[str, Any] = json.loads(body)
    return data


def sent_headers(body: bytes) -> dict[str, list[str]]:
    """The headers the backend received, name to values, in order."""
    out: dict[str, list[str]] = {}
    for name, value in seen(body)["headers"]:
        out.setdefault(name.lower(), []).append(value)
    return out


# --- routing the seed's tables ---------------------------------------------------------------


@pytest.mark.parametrize(("table", "where"), [("A", "backend"), ("B", "local"), ("C", "local")])
def test_nextauth_session_goes_where_the_table_says(
    gateways: dict[str, Served], table: str, where: str
) -> None:
    """`/api/auth/session` reaches the backend under A, NextAuth (the local app) under B and C."""
    status, _, body = request(gateways[table], "/api/auth/session")
    assert status == 200
    assert where in seen(body)
    if where == "local":
        assert seen(body)["path"] == "/api/auth/session"
    else:
        assert seen(body)["target"] == "/api/auth/session"


@pytest.mark.parametrize("table", ["A", "B", "C"])
def test_users_with_query_reach_the_backend(gateways: dict[str, Served], table: str) -> None:
    """`/api/users?x=1` reaches the backend with its query under every table."""
    status, _, body = request(gateways[table], "/api/users?x=1")
    assert status == 200
    assert seen(body)["target"] == "/api/users?x=1"


def test_redirect_answers_with_status_location_and_refresh(gateways: dict[str, Served]) -> None:
    """A permanent redirect is a 308 with Location, Refresh and the URL as body, no rule headers."""
    status, headers, body = request(gateways["C"], "/old-dashboard")
    assert status == 308
    assert headers["location"] == "/dashboard"
    assert headers["refresh"] == "0;url=/dashboard"
    assert body == b"/dashboard"
    assert headers["x-rule"] is None


def test_header_rules_go_on_local_responses_not_proxied_ones(
    gateways: dict[str, Served],
) -> None:
    """A header rule's header is added to a local response (over the app's), not a proxied one."""
    status, headers, body = request(gateways["C"], "/dashboard")
    assert status == 200
    assert seen(body) == {
        "local": True,
        "path": "/dashboard",
        "query": "",
        "host": headers_host(gateways["C"]),
    }
    assert headers.get_all("x-rule") == ["yes"]
    assert headers.get_all("set-cookie") == ["app=1"]
    assert headers["date"]
    _, proxied, _ = request(gateways["C"], "/api/users")
    assert proxied["x-rule"] is None


def headers_host(server: Served) -> str:
    """The Host header http.client sends to a server."""
    return f"127.0.0.1:{server.port}"


def test_not_found_goes_to_local_app_with_rule_headers(gateways: dict[str, Served]) -> None:
    """A not-found path is handed to the local app, which renders its own 404 page."""
    status, headers, body = request(gateways["B"], "/api/authenticate?y=2")
    assert status == 200
    assert seen(body)["path"] == "/api/authenticate"
    assert seen(body)["query"] == "y=2"
    assert headers["x-rule"] == "yes"


def test_without_local_not_found_and_local_paths_are_404(backend: Backend) -> None:
    """With no local app, a not-found path is a plain 404 carrying the header rules."""
    with Served(Gateway(seed_router("B", backend.url), timeouts=QUICK)) as gateway:
        status, headers, body = request(gateway, "/api/authenticate")
        assert (status, body) == (404, b"Not Found")
        assert headers["x-rule"] == "yes"
        assert request(gateway, "/dashboard")[0] == 404
        assert request(gateway, "/api/users")[0] == 200


def test_request_error_is_its_status_with_a_short_body(gateways: dict[str, Served]) -> None:
    """A malformed escape in a dynamic segment is answered 400, as Next.js renders it."""
    status, headers, body = request(gateways["C"], "/api/auth/%zz")
    assert (status, body) == (400, b"Bad Request")
    assert headers["content-type"] == "text/plain; charset=utf-8"


def test_local_app_server_keeps_the_clients_host(backend: Backend, local_server: Served) -> None:
    """A local app given by URL gets the rewritten path, the client's Host and x-forwarded-*."""
    router = seed_router("C", backend.url)
    with Served(Gateway(router, local_server.url, timeouts=QUICK)) as gateway:
        status, headers, body = request(gateway, "/api/auth/session?x=1")
        assert status == 200
        assert seen(body) == {
            "local": True,
            "path": "/api/auth/session",
            "query": "x=1",
            "host": headers_host(gateway),
        }
        assert headers.get_all("x-rule") == ["yes"]
        assert headers.get_all("set-cookie") == ["app=1"]


# --- headers ---------------------------------------------------------------------------------


def test_upstream_gets_nexts_proxy_headers_without_hop_by_hop(
    gateways: dict[str, Served], backend: Backend
) -> None:
    """The upstream sees its own Host, x-forwarded-*, end-to-end headers, and no hop-by-hop one."""
    client_headers = {
        "Connection": "keep-alive, X-Private",
        "X-Private": "hop",
        "Keep-Alive": "timeout=5",
        "TE": "trailers",
        "Proxy-Authorization": "Basic eA==",
        "Cookie": "session=1",
        "Authorization": "Bearer t",
        "X-Forwarded-For": "10.1.2.3",
    }
    status, _, body = request(gateways["A"], "/api/users", headers=client_headers)
    assert status == 200
    got = sent_headers(body)
    assert got["host"] == [authority(backend.url)]
    assert got["x-forwarded-host"] == [headers_host(gateways["A"])]
    assert got["x-forwarded-for"] == ["10.1.2.3, 127.0.0.1"]
    assert got["x-forwarded-port"] == [str(gateways["A"].port)]
    assert got["x-forwarded-proto"] == ["http"]
    assert got["cookie"] == ["session=1"]
    assert got["authorization"] == ["Bearer t"]
    for name in ("x-private", "keep-alive", "te", "proxy-authorization", "upgrade"):
        assert name not in got
    assert "user-agent" not in got  # nothing added by the client library


def test_forwarded_false_sends_only_nexts_x_forwarded_host(backend: Backend) -> None:
    """`forwarded=False` sends what Next.js 16.4.6 sends: x-forwarded-host, and the client's
    own x-forwarded-* untouched."""
    gateway = Gateway(seed_router("A", backend.url), forwarded=False, timeouts=QUICK)
    with Served(gateway) as server:
        _, _, body = request(server, "/api/users", headers={"X-Forwarded-Proto": "https"})
    got = sent_headers(body)
    assert got["x-forwarded-host"] == [headers_host(server)]
    assert got["x-forwarded-proto"] == ["https"]
    assert "x-forwarded-for" not in got
    assert "x-forwarded-port" not in got


def test_response_keeps_set_cookie_list_and_drops_hop_by_hop(
    gateways: dict[str, Served],
) -> None:
    """Both upstream cookies reach the client; Keep-Alive and Connection-named headers do not."""
    status, headers, body = request(gateways["A"], "/api/cookies")
    assert (status, body) == (200, b"cookies")
    assert headers.get_all("set-cookie") == ["a=1; Path=/", "b=2; Path=/; HttpOnly"]
    assert headers["keep-alive"] is None
    assert headers["x-hop"] is None


def test_headers_of_a_slow_body_are_not_held_back(gateways: dict[str, Served]) -> None:
    """An upstream that sends its headers and then waits has its headers passed on at once."""
    conn = http.client.HTTPConnection("127.0.0.1", gateways["A"].port, timeout=WAIT)
    started = time.monotonic()
    conn.request("GET", "/api/events")
    response = conn.getresponse()
    headed = time.monotonic() - started
    assert response.headers["content-type"] == "text/event-stream"
    assert response.read() == b"data: late\n\n"
    conn.close()
    # The backend sends its body 0.5 s after the request reached it: headers that arrived
    # sooner were not held back for it.
    assert headed < 0.5 <= time.monotonic() - started


def test_a_request_cannot_name_its_upstream(gateways: dict[str, Served]) -> None:
    """An absolute-form target and a foreign Host still reach only the table's destination."""
    port = gateways["A"].port
    answer = raw_exchange(
        port,
        b"GET http://example.invalid:9/api/users HTTP/1.1\r\n"
        b"Host: example.invalid:9\r\nConnection: close\r\n\r\n",
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert seen(body)["target"] == "/api/users"


# --- streaming and memory --------------------------------------------------------------------


def blocks(total: int) -> Iterator[bytes]:
    """`total` bytes, a block at a time."""
    block = b"u" * BLOCK
    for start in range(0, total, BLOCK):
        yield block[: min(BLOCK, total - start)]


class PeakMemory:
    """Samples a process's resident memory in a thread while a transfer runs."""

    def __init__(self, serve: Serve) -> None:
        self.serve = serve
        self.base = serve.rss()
        self.peak = self.base
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        """Keep the highest reading, every 20 ms."""
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.serve.rss())

    def __enter__(self) -> PeakMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join(WAIT)
        self.peak = max(self.peak, self.serve.rss())

    @property
    def growth(self) -> int:
        """How far the memory rose above where it started, in bytes."""
        return self.peak - self.base


@pytest.fixture(scope="module")
def served_config(tmp_path_factory: pytest.TempPathFactory, backend: Backend) -> Path:
    """Table A (with the extra rules) as a config file for `rewrites serve`."""
    file = tmp_path_factory.mktemp("serve") / "next.config.json"
    file.write_text(json.dumps(seed_config("A", backend.url)))
    return file


def test_serve_streams_256_mib_both_ways_in_bounded_memory(
    served_config: Path, local_server: Served
) -> None:
    """`rewrites serve` streams 256 MiB up and 256 MiB down while its memory grows < 64 MiB."""
    with Serve(served_config, "--local", local_server.url) as gateway:
        request(gateway, "/api/users")  # warm up: the pool and the first request's allocations
        with PeakMemory(gateway) as up:
            conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=WAIT)
            conn.request(
                "POST", "/api/upload", body=blocks(BIG), headers={"Content-Length": str(BIG)}
            )
            response = conn.getresponse()
            assert (response.status, json.loads(response.read())) == (200, {"received": BIG})
            conn.close()
        with PeakMemory(gateway) as down:
            conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=WAIT)
            conn.request("GET", f"/api/download?bytes={BIG}")
            response = conn.getresponse()
            assert response.status == 200
            assert response.headers["content-length"] == str(BIG)
            received = 0
            while chunk := response.read(BLOCK):
                received += len(chunk)
            assert received == BIG
            conn.close()
        assert up.growth < MEMORY_BOUND, f"upload grew the gateway by {up.growth >> 20} MiB"
        assert down.growth < MEMORY_BOUND, f"download grew the gateway by {down.growth >> 20} MiB"
        line = gateway.wait_for_line(r"POST /api/upload proxied")
        assert " rewrites[0] 200 " in line


def test_serve_logs_one_line_per_request_and_reloads_the_table(
    tmp_path: Path, backend: Backend
) -> None:
    """`rewrites serve --reload` logs each request, and serves an edited config without restart."""
    config = tmp_path / "next.config.json"
    config.write_text(json.dumps(seed_config("A", backend.url)))
    with Serve(config, "--reload", "--routes", *DEMO_ROUTES) as gateway:
        assert "backend" in seen(request(gateway, "/api/auth/session")[2])
        line = gateway.wait_for_line(r"GET /api/auth/session ")
        assert line.endswith("ms") and " proxied rewrites[0] 200 " in line
        config.write_text(json.dumps(seed_config("C", backend.url)))
        gateway.wait_for_line(r"reloaded the table")
        status, _, _ = request(gateway, "/api/auth/session")
        assert status == 404  # now NextAuth's, and there is no --local app
        gateway.wait_for_line(r"GET /api/auth/session local - 404 ")


# --- WebSocket -------------------------------------------------------------------------------


def ws_url(server: Served, path: str) -> str:
    """A ws:// URL on a test server."""
    return f"ws://127.0.0.1:{server.port}{path}"


def test_websocket_echo_through_a_proxied_rule(gateways: dict[str, Served]) -> None:
    """A WebSocket on a proxied path is bridged both ways, subprotocol and idle time included."""
    with connect(ws_url(gateways["A"], "/api/ws"), subprotocols=["echo"], open_timeout=WAIT) as ws:
        assert ws.subprotocol == "echo"
        ws.send("hello")
        assert ws.recv(WAIT) == "backend:hello"
        time.sleep(QUICK.read + 0.3)  # idle past the read timeout: WebSockets have none
        ws.send(b"\x00\x01binary")
        assert ws.recv(WAIT) == b"\x00\x01binary"


def test_websocket_on_a_local_route_reaches_the_local_app(gateways: dict[str, Served]) -> None:
    """Under table C, a WebSocket under NextAuth's route goes to the local app."""
    with connect(ws_url(gateways["C"], "/api/auth/ws"), open_timeout=WAIT) as ws:
        ws.send("hi")
        assert ws.recv(WAIT) == "local:hi"


def test_websocket_to_a_redirect_is_refused(gateways: dict[str, Served]) -> None:
    """An upgrade on a redirected path is refused, as router-server ends such sockets."""
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(gateways["C"], "/old-dashboard"), open_timeout=WAIT)
    assert refused.value.response.status_code == 403


def test_websocket_to_a_down_backend_is_502(backend: Backend) -> None:
    """An upgrade whose upstream refuses connections is answered 502."""
    router = seed_router("A", f"http://127.0.0.1:{closed_port()}")
    with Served(Gateway(router, timeouts=QUICK)) as gateway:
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url(gateway, "/api/ws"), open_timeout=WAIT)
        assert refused.value.response.status_code == 502


# --- upstream failures -----------------------------------------------------------------------


def test_backend_that_is_down_is_502(caplog: pytest.LogCaptureFixture) -> None:
    """A refused connection is a 502 with a short body, logged with the rule that sent it."""
    router = seed_router("A", f"http://127.0.0.1:{closed_port()}")
    with (
        caplog.at_level(logging.INFO, "rewrites.gateway"),
        Served(Gateway(router, timeouts=QUICK)) as gateway,
    ):
        status, headers, body = request(gateway, "/api/users")
    assert (status, body) == (502, b"Bad Gateway")
    assert headers["content-type"] == "text/plain; charset=utf-8"
    (record,) = [r for r in caplog.records if "/api/users" in r.getMessage()]
    assert record.levelno == logging.WARNING
    assert "proxied rewrites[0] 502" in record.getMessage()
    assert "cannot connect" in record.getMessage()


def test_backend_that_hangs_is_504_within_the_timeout(gateways: dict[str, Served]) -> None:
    """An upstream that never answers is a 504 once the read timeout (1 s) has passed."""
    started = time.monotonic()
    status, _, body = request(gateways["A"], "/api/hang")
    elapsed = time.monotonic() - started
    assert (status, body) == (504, b"Gateway Timeout")
    assert QUICK.read <= elapsed < QUICK.read + 3


def test_backend_that_closes_without_answer_is_502(gateways: dict[str, Served]) -> None:
    """An upstream that drops the connection before answering is a 502."""
    assert request(gateways["A"], "/api/drop")[:3:2] == (502, b"Bad Gateway")


def test_backend_reset_mid_body_truncates_and_the_gateway_survives(
    gateways: dict[str, Served],
) -> None:
    """A body cut short upstream reaches the client cut short; the next request is served."""
    conn = http.client.HTTPConnection("127.0.0.1", gateways["A"].port, timeout=WAIT)
    conn.request("GET", "/api/reset")
    response = conn.getresponse()
    assert response.status == 200
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    conn.close()
    assert request(gateways["A"], "/api/users")[0] == 200


def test_client_leaving_mid_upload_leaves_the_gateway_serving(
    gateways: dict[str, Served],
) -> None:
    """A client that promises 64 MiB, sends 1 MiB and leaves does not disturb the next request."""
    head = (
        b"POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + f"Content-Length: {64 * 1024 * 1024}\r\n\r\n".encode()
    )
    raw_exchange(gateways["A"].port, head + b"z" * (1024 * 1024), read=False)
    assert request(gateways["A"], "/api/users")[0] == 200


def test_client_leaving_mid_download_stops_the_upstream_transfer(
    gateways: dict[str, Served], backend: Backend
) -> None:
    """A client that reads 1 MiB of 256 MiB and leaves makes the gateway drop the upstream too."""
    backend.download_cut.clear()
    with socket.create_connection(("127.0.0.1", gateways["A"].port), timeout=WAIT) as sock:
        sock.sendall(f"GET /api/download?bytes={BIG} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        received = 0
        while received < 1024 * 1024:
            chunk = sock.recv(BLOCK)
            assert chunk
            received += len(chunk)
    assert backend.download_cut.wait(WAIT)
    assert request(gateways["A"], "/api/users")[0] == 200


# --- options and helpers ---------------------------------------------------------------------


def test_bad_options_are_echoed() -> None:
    """Bad timeouts and a local URL with a path are refused with the value echoed."""
    with pytest.raises(ValueError, match=r"^got read=-1 \(int\); expected a positive number$"):
        Timeouts(read=-1)
    router = seed_router("A", "http://127.0.0.1:1")
    with pytest.raises(ValueError, match=r"^got local='http://127.0.0.1:3000/app'; expected"):
        Gateway(router, "http://127.0.0.1:3000/app")
    with pytest.raises(ValueError, match=r"^got max_connections=0 \(int\); expected a positive"):
        Gateway(router, max_connections=0)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://localhost:3001/api/x?y=1", "localhost:3001"),
        ("http://example.com:80/x", "example.com"),
        ("https://example.com:443", "example.com"),
        ("https://user:pw@example.com:8443/x", "example.com:8443"),
    ],
)
def test_authority_is_changeorigins_host(url: str, host: str) -> None:
    """The Host sent upstream is the destination's authority, without a default port."""
    assert authority(url) == host


def test_node_headers_join_repeats_as_node_does() -> None:
    """Repeated request headers are joined (cookies with '; '), and Host keeps its first value."""
    raw = [
        (b"cookie", b"a=1"),
        (b"cookie", b"b=2"),
        (b"accept", b"text/html"),
        (b"accept", b"*/*"),
        (b"host", b"one"),
        (b"host", b"two"),
    ]
    assert node_headers(raw) == {"cookie": "a=1; b=2", "accept": "text/html, */*", "host": "one"}


def test_merge_rules_lets_the_rule_stand_and_adds_cookies() -> None:
    """A rule's header wins over the app's, but the app's set-cookie and vary are added."""
    rules = [(b"x-rule", b"rule"), (b"set-cookie", b"r=1")]
    app = [(b"X-Rule", b"app"), (b"Set-Cookie", b"a=1"), (b"vary", b"accept"), (b"etag", b"1")]
    assert merge_rules(rules, app) == [
        (b"x-rule", b"rule"),
        (b"set-cookie", b"r=1"),
        (b"set-cookie", b"a=1"),
        (b"vary", b"accept"),
        (b"etag", b"1"),
    ]


def test_serve_refuses_a_directory_without_a_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rewrites serve DIR` with no next.config in DIR stops with exit 2 and says what it sought."""
    from rewrites.cli import main

    assert main(["serve", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"error: no next.config file in {str(tmp_path)!r}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--local", "ftp://x"], "error: got local='ftp://x'; expected an app server's origin"),
        (["--read-timeout", "0"], "error: got read=0.0 (float); expected a positive number"),
    ],
)
def test_serve_refuses_bad_options_before_listening(
    served_config: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """Bad `rewrites serve` options stop it with exit 2 before it listens, the value echoed."""
    from rewrites.cli import main

    assert main(["serve", str(served_config), "--port", "0", *args]) == 2
    assert capsys.readouterr().err.startswith(message)


# --- remembered answers ----------------------------------------------------------------------

CONDITIONED: dict[str, Any] = {
    "rewrites": [
        {
            "source": "/api/:path*",
            "has": [{"type": "header", "key": "X-Beta"}],
            "destination": "http://beta.internal/api/:path*",
        },
        {
            "source": "/api/:path*",
            "has": [{"type": "cookie", "key": "canary", "value": "(?<c>yes|no)"}],
            "destination": "http://canary.internal/:c/api/:path*",
        },
        {
            "source": "/api/:path*",
            "has": [{"type": "host", "value": "admin.example.com"}],
            "destination": "http://admin.internal/api/:path*",
        },
        {
            "source": "/api/:path*",
            "missing": [{"type": "query", "key": "legacy"}],
            "destination": "http://backend.internal/api/:path*",
        },
    ],
    "redirects": [{"source": "/old", "destination": "/new", "permanent": False}],
}


class CountingRouter:
    """A Router that counts the requests it resolves (the cache's misses)."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.table = router.table
        self.i18n = router.i18n
        self.middleware = router.middleware
        self.calls = 0

    def resolve(self, url: str, headers: Any = None) -> Any:
        """The wrapped router's answer, counted."""
        self.calls += 1
        return self.router.resolve(url, headers)


def test_request_keys_are_the_headers_conditions_read() -> None:
    """The cache keys on exactly the headers that `has`/`missing` conditions read."""
    assert request_keys(CONDITIONED) == ("cookie", "host", "x-beta")
    assert request_keys(seed_config("A", "http://b")) == ()
    assert request_keys({"i18n": {"locales": ["en"], "defaultLocale": "en"}}) is None


def test_a_router_with_i18n_or_middleware_is_never_remembered() -> None:
    """Locale detection and the middleware's conditions read more of a request than the rules'
    conditions do: such a router's answers are worked out afresh every time."""
    i18n = rewrites.Router.from_next_config(
        {"i18n": {"locales": ["en", "fr"], "defaultLocale": "en"}}
    )
    matcher = rewrites.Router.from_next_config(
        {}, middleware=[{"source": "/x", "has": [{"type": "header", "key": "x-mw"}]}]
    )
    plain = rewrites.Router.from_next_config({})
    assert Gateway(i18n)._keys is None
    assert Gateway(matcher)._keys is None
    assert Gateway(plain)._keys == ()
    assert Gateway(plain, cache=0)._keys is None


def test_remembered_answers_are_the_routers_answers() -> None:
    """Every request answered from the cache gets what the router itself answers for it, and
    a repeated request is not routed again."""
    router = Router.from_next_config(CONDITIONED)
    counting = CountingRouter(router)
    gateway = Gateway(counting, cache=64)  # type: ignore[arg-type]  # duck-typed Router
    requests = [
        (target, [(b"host", host), *extra])
        for target in ("/api/a", "/api/a?legacy=1", "/api/b/c", "/old", "/x")
        for host in (b"example.com", b"admin.example.com:8443")
        for extra in ([], [(b"x-beta", b"1")], [(b"cookie", b"canary=no")], [(b"cookie", b"a=1")])
    ]
    for target, raw in requests:
        assert gateway.resolve(target, raw) == router.resolve(target, node_headers(raw))
    first = counting.calls
    assert first == len(requests)
    for target, raw in reversed(requests):
        assert gateway.resolve(target, raw) == router.resolve(target, node_headers(raw))
    assert counting.calls == first  # a cookie other than `canary` still changes the key


def test_cache_stays_within_its_size_and_can_be_off() -> None:
    """A cache of two answers routes a cycle of three targets every time; `cache=0` never keeps."""
    router = Router.from_next_config(seed_config("A", "http://b"))
    for size, calls in ((2, 9), (0, 9), (3, 3)):
        counting = CountingRouter(router)
        gateway = Gateway(counting, cache=size)  # type: ignore[arg-type]  # duck-typed Router
        for _ in range(3):
            for target in ("/api/1", "/api/2", "/api/3"):
                gateway.resolve(target, [(b"host", b"h")])
        assert counting.calls == calls, size


def test_local_app_lifespan_runs_beside_the_gateways(backend: Backend) -> None:
    """An in-process local app gets its lifespan startup before requests and shutdown after."""
    events: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                events.append(message["type"])
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        await local_app(scope, receive, send)

    with Served(Gateway(seed_router("C", backend.url), app, timeouts=QUICK)) as gateway:
        assert events == ["lifespan.startup"]
        assert seen(request(gateway, "/dashboard")[2])["local"]
    assert events == ["lifespan.startup", "lifespan.shutdown"]


def test_local_app_without_lifespan_still_serves(backend: Backend) -> None:
    """A local app that fails on the lifespan scope (it has none) does not stop the gateway."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http", "no lifespan here"
        await local_app(scope, receive, send)

    with Served(Gateway(seed_router("C", backend.url), app, timeouts=QUICK)) as gateway:
        assert seen(request(gateway, "/dashboard")[2])["local"]
