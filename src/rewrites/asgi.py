"""A gateway that routes like `next start`: an ASGI application over a Router.

Every request is resolved with the table, and then:

- **proxied**: streamed to the rule's upstream and back, without buffering, over one pooled
  aiohttp client (see "Why aiohttp" below);
- **redirect**: answered with the status and `Location` (and `Refresh` on a 308), as
  router-server does;
- **local** and **not found**: handed to `local`, an ASGI app mounted in-process or the URL of an
  app server, with the rewritten path and query (no `local`: local paths get 404 too);
- header rules are added to local and 404 responses, never to redirects or proxied responses
  (`Resolution.headers` is already empty there, as Next.js's `resHeaders` is `null`);
- a `RequestError` becomes its status (400 or 500) with a short text body.

WebSocket upgrades on proxied and local routes are bridged both ways. Upstream failures become
502 (refused, reset) or 504 (timed out), logged with the rule that sent the request there.

>>> import rewrites
>>> from rewrites.asgi import Gateway
>>> router = rewrites.Router.from_next_config(
...     {"rewrites": [{"source": "/api/:path*", "destination": "http://127.0.0.1:3001/api/:path*"}]}
... )
>>> app = Gateway(router, local="http://127.0.0.1:3000")   # uvicorn module:app

What is sent upstream is what Next.js 16.4.6's `proxyRequest` sends through httpxy
(`server/lib/router-utils/proxy-request.js`: `changeOrigin`, `ignorePath`, `ws`, a 30 s
`proxyTimeout`, `x-forwarded-host` set to the request's Host), with three deliberate changes:
hop-by-hop headers are dropped (RFC 9110 §7.6.1; httpxy forwards them), `x-forwarded-for`,
`-port` and `-proto` are added (`forwarded=True`; Next.js sent them with http-proxy's `xfwd`
before 16, and `forwarded=False` gives 16.4.6's exact set), and failures are 502/504 where
Next.js answers every proxy error with 500.

Why aiohttp: on loopback, a bare proxy on uvicorn served about 11 times more requests per second
with an aiohttp client than with an `httpx.AsyncClient` (5,100 against 460 here), and granian
was no faster than uvicorn in front of it (see docs/performance.md, "Gateway").
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, MutableMapping
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import aiohttp
import attrs
import yarl

from ._results import Kind, Resolution
from ._values import QueryValue
from .errors import RequestError
from .router import Router

__all__ = [
    "ASGIApp",
    "Exchange",
    "Gateway",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "TableSource",
    "Timeouts",
    "config_in",
    "request_keys",
    "serve",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The gateway's log: one line per request (method, target, kind, rule, status, time).
log = logging.getLogger("rewrites.gateway")

#: Headers that belong to one connection, never forwarded either way (RFC 9110 §7.6.1, with
#: RFC 2616's proxy-auth pair). `host` and `expect` are answered by this hop too: the upstream
#: gets its own Host (changeOrigin), and the ASGI server has already sent `100 Continue`.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
    }
)
#: Request headers the gateway sets itself.
REPLACED = frozenset({b"host", b"expect", b"x-forwarded-host"})
#: WebSocket handshake headers: the client library writes its own for the upstream handshake.
WS_HANDSHAKE = frozenset(
    {
        b"sec-websocket-key",
        b"sec-websocket-version",
        b"sec-websocket-extensions",
        b"sec-websocket-protocol",
        b"sec-websocket-accept",
    }
)
#: Response headers that an app may add to a header rule's value instead of being dropped for
#: it (Next.js's `send-response.js`, `headersWithMultipleValuesAllowed`).
MULTI_VALUED = frozenset({b"set-cookie", b"www-authenticate", b"proxy-authenticate", b"vary"})
#: Node keeps the first of these when a request repeats them (`matchKnownFields`), and joins
#: every other repeated header with ', ' (cookie with '; ').
FIRST_WINS = frozenset(
    {
        "age",
        "authorization",
        "content-length",
        "content-type",
        "etag",
        "expires",
        "from",
        "host",
        "if-modified-since",
        "if-unmodified-since",
        "last-modified",
        "location",
        "max-forwards",
        "proxy-authorization",
        "referer",
        "retry-after",
        "server",
        "user-agent",
    }
)
#: Headers aiohttp would otherwise add to what the client sent.
SKIP_AUTO_HEADERS = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")
#: Largest WebSocket message bridged (uvicorn's own default limit for client messages).
WS_MAX_MESSAGE = 16 * 1024 * 1024

REASONS = {
    400: "Bad Request",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}


def _positive(name: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """An attrs validator: a positive number, the bad value echoed."""

    def check(_instance: Any, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ValueError(
                f"got {name}={value!r} ({type(value).__name__}); expected a positive number"
            )

    return check


@attrs.frozen
class Timeouts:
    """How long the gateway waits on upstreams, in seconds.

    `connect`: to open a connection; `read`: for the upstream to send anything (headers or the
    next part of a body; Next.js's `proxyTimeout` is 30 s); `pool`: for a free connection when
    `max_connections` are busy; `idle`: how long an unused pooled connection is kept (under
    Node's 5 s `keepAliveTimeout`, so an upstream never closes one just as it is reused).

    >>> Timeouts(read=5)
    Timeouts(connect=5.0, read=5, pool=5.0, idle=4.0)
    """

    connect: float = attrs.field(default=5.0, validator=_positive("connect"))
    read: float = attrs.field(default=30.0, validator=_positive("read"))
    pool: float = attrs.field(default=5.0, validator=_positive("pool"))
    idle: float = attrs.field(default=4.0, validator=_positive("idle"))


class ClientGone(Exception):
    """The client went away before the request body was read."""


@attrs.define
class Exchange:
    """One request's progress: what its log line says, and whether the client is still there.

    `Gateway.forward` fills it in; a caller that proxies without routing passes a fresh one.
    """

    body_done: bool = True
    client_gone: bool = False
    status: int | None = None
    #: The upstream failed: the line is logged as a warning.
    failed: bool = False
    #: Why, or what else the log line should say.
    detail: str = ""


class Gateway:
    """An ASGI app that routes each request with `router` as `next start` would.

    `local` serves local and not-found requests: an ASGI app (called in-process with the
    rewritten path and query) or an app server's URL (`"http://127.0.0.1:3000"`, proxied to with
    the request's own Host). Without it, both are answered 404. `forwarded` adds
    `x-forwarded-for`, `-port` and `-proto` to upstream requests (`x-forwarded-host` is always
    sent, as Next.js does). `max_connections` bounds the pool shared by every upstream.
    `reload`, when given, is re-read whenever its config file changes (see `TableSource`).
    `cache` answers are remembered (see `resolve`; 0 routes every request afresh).

    Assigning `gateway.router` swaps the table for the requests that follow. Mount the gateway at
    the root of its server, and turn the server's own `date` and `server` headers off (uvicorn's
    `--no-date-header --no-server-header`): proxied responses carry the upstream's. Turn its
    proxy headers off too (`--no-proxy-headers`): `x-forwarded-for` gets the connecting peer.
    """

    def __init__(
        self,
        router: Router,
        local: ASGIApp | str | None = None,
        *,
        timeouts: Timeouts | None = None,
        forwarded: bool = True,
        max_connections: int = 256,
        reload: TableSource | None = None,
        cache: int = 4096,
    ) -> None:
        if isinstance(max_connections, bool) or not isinstance(max_connections, int):
            raise TypeError(
                f"got max_connections={max_connections!r} ({type(max_connections).__name__}); "
                "expected a positive int"
            )
        if max_connections <= 0:
            raise ValueError(
                f"got max_connections={max_connections!r} (int); expected a positive int"
            )
        if isinstance(cache, bool) or not isinstance(cache, int) or cache < 0:
            raise ValueError(
                f"got cache={cache!r} ({type(cache).__name__}); expected a number of answers "
                "to keep, 0 or more"
            )
        self.cache_size = cache
        self._cache: dict[Any, Resolution] = {}
        self._keys: tuple[str, ...] | None = None
        self.router = router
        self.timeouts = timeouts if timeouts is not None else Timeouts()
        self.forwarded = forwarded
        self.max_connections = max_connections
        self.reload = reload
        self.local_app: ASGIApp | None = None
        self.local_url: str | None = None
        if isinstance(local, str):
            url = yarl.URL(local)
            if url.scheme not in ("http", "https") or not url.host or url.path not in ("", "/"):
                raise ValueError(
                    f"got local={local!r}; expected an app server's origin such as "
                    "'http://127.0.0.1:3000' (http or https, no path)"
                )
            self.local_url = local.rstrip("/")
        elif local is not None:
            if not callable(local):
                raise TypeError(
                    f"got local={local!r} ({type(local).__name__}); expected an ASGI app, "
                    "an app server's URL, or None"
                )
            self.local_app = local
        self._session: aiohttp.ClientSession | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._local_lifespan: _Lifespan | None = None

    @property
    def router(self) -> Router:
        """The table requests are routed with; assigning another swaps it (and drops the
        remembered answers)."""
        return self._router

    @router.setter
    def router(self, router: Router) -> None:
        self._router = router
        remembered = self.cache_size and router.i18n is None and router.middleware is None
        self._keys = request_keys(router.table.config) if remembered else None
        self._cache = {}

    def resolve(self, target: str, raw: Iterable[tuple[bytes, bytes]]) -> Resolution:
        """Where a request goes: its target and ASGI headers through the router, remembered.

        Up to `cache` answers are kept, keyed by the target and the headers the table's
        `has`/`missing` conditions read (the only headers an answer can depend on). A
        `RequestError` is raised again each time, never kept. (The router also answers 400 to a
        header Node's parser refuses; uvicorn's parser, httptools, is that same parser, llhttp,
        and refuses such a request before the gateway sees it.)
        """
        keys = self._keys
        if keys is None:
            return self._router.resolve(target, node_headers(raw))
        headers: dict[str, str] | None = None
        key: Any = target
        if keys:
            headers = node_headers(raw)
            key = (target, *(headers.get(name) for name in keys))
        found = self._cache.get(key)
        if found is not None:
            return found
        resolution = self._router.resolve(target, node_headers(raw) if headers is None else headers)
        cache = self._cache
        if len(cache) >= self.cache_size:
            del cache[next(iter(cache))]  # the oldest answer goes first
        cache[key] = resolution
        return resolution

    # --- ASGI entry points -------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.http(scope, receive, send)
        elif kind == "websocket":
            await self.websocket(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(scope, receive, send)

    async def lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Start the pool (and the local app, and the table watcher); close them at shutdown."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup(scope)
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def startup(self, scope: Scope | None = None) -> None:
        """Open the client pool; start the local app's lifespan and the table watcher."""
        self.session()
        if self.local_app is not None and scope is not None:
            self._local_lifespan = _Lifespan(self.local_app, scope)
            await self._local_lifespan.startup()
        if self.reload is not None and self._watcher is None:
            self._watcher = asyncio.ensure_future(self.watch(self.reload))

    async def aclose(self) -> None:
        """Stop the watcher and the local app's lifespan, and close every pooled connection."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        if self._local_lifespan is not None:
            await self._local_lifespan.shutdown()
            self._local_lifespan = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def session(self) -> aiohttp.ClientSession:
        """The pooled client, opened on first use in the running event loop."""
        if self._session is None or self._session.closed:
            timeouts = self.timeouts
            connector = aiohttp.TCPConnector(
                limit=self.max_connections,
                limit_per_host=0,
                keepalive_timeout=timeouts.idle,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                # Waiting for a pooled connection and opening one, then silence from upstream.
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeouts.pool + timeouts.connect,
                    sock_connect=timeouts.connect,
                    sock_read=timeouts.read,
                ),
                # Never keep an upstream's cookies: they belong to the client that got them.
                cookie_jar=aiohttp.DummyCookieJar(),
                # Bodies pass through as the upstream encoded them.
                auto_decompress=False,
                skip_auto_headers=SKIP_AUTO_HEADERS,
                max_line_size=16384,
                max_field_size=16384,
            )
        return self._session

    async def watch(self, source: TableSource, interval: float = 1.0) -> None:
        """Reload the table whenever its config file changes; keep the old one if it fails."""
        stamp = source.stamp()
        while True:
            await asyncio.sleep(interval)
            now = source.stamp()
            if now == stamp:
                continue
            stamp = now
            try:
                self.router = await asyncio.to_thread(source.load)
            except Exception as exc:  # any failure keeps the table being served
                log.error("reloading %s failed; still serving the old table:\n%s", source, exc)
            else:
                gc.freeze()
                log.info("reloaded the table from %s", source.config)

    # --- HTTP --------------------------------------------------------------------------------

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Resolve one HTTP request and answer it."""
        started = time.perf_counter()
        target = request_target(scope)
        exchange = Exchange()
        resolution: Resolution | None = None
        try:
            try:
                resolution = self.resolve(target, scope["headers"])
            except RequestError as exc:
                exchange.status = exc.status
                exchange.detail = f" ({exc.message})"
                await respond(send, exc.status)
                return
            kind = resolution.kind
            if kind is Kind.PROXIED:
                await self.forward(resolution.url, True, scope, receive, send, exchange)
            elif kind is Kind.REDIRECT:
                exchange.status = resolution.status
                await redirect(send, resolution)
            else:
                await self.serve_local(resolution, scope, receive, send, exchange)
        finally:
            if exchange.failed or log.isEnabledFor(logging.INFO):
                line(scope, target, resolution, exchange, started)

    async def serve_local(
        self,
        resolution: Resolution,
        scope: Scope,
        receive: Receive,
        send: Send,
        exchange: Exchange,
    ) -> None:
        """Hand a local or not-found request to `local`, with the header rules added."""
        headers = resolution.headers
        if self.local_url is not None:
            await self.forward(
                self.local_url + resolution.url, False, scope, receive, send, exchange, headers
            )
        elif self.local_app is not None:
            inner = rewritten_scope(scope, resolution.url)
            rules = encode_headers(headers)

            async def local_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    exchange.status = message["status"]
                    message = dict(message)
                    message["headers"] = with_date(merge_rules(rules, message.get("headers", ())))
                await send(message)

            await self.local_app(inner, receive, local_send)
        else:
            exchange.status = 404
            await respond(send, 404, encode_headers(headers))

    async def forward(
        self,
        url: str,
        change_origin: bool,
        scope: Scope,
        receive: Receive,
        send: Send,
        exchange: Exchange,
        rules: Mapping[str, QueryValue] | None = None,
    ) -> None:
        """Stream a request to `url` and its response back; failures become 502 or 504."""
        headers, has_body = self.upstream_headers(scope, url, change_origin)
        body: AsyncIterator[bytes] | None = None
        if has_body:
            exchange.body_done = False
            body = request_body(receive, exchange)
        try:
            response = await self.session().request(
                scope["method"],
                yarl.URL(url, encoded=True),
                headers=headers,
                data=body,
                allow_redirects=False,
            )
        except Exception as exc:
            await self.failed(send, exchange, url, exc)
            return
        try:
            status = exchange.status = response.status
            out = response_headers(response.raw_headers)
            if rules:
                out = merge_rules(encode_headers(rules), out)
            content = response.content
            start: Message = {"type": "http.response.start", "status": status, "headers": out}
            early = not (content.total_bytes or content.is_eof())
            if early:
                # Nothing of the body yet (a slow or streamed answer, server-sent events): the
                # headers go now, not when the first part comes.
                await send(start)
            first = await content.readany()
            if not early:
                await send(start)
            if content.at_eof():
                await send({"type": "http.response.body", "body": first})
            else:
                await send({"type": "http.response.body", "body": first, "more_body": True})
                await self.stream(content, receive, send, exchange)
        except BaseException as exc:
            response.close()  # a half-read connection is never reused
            if not isinstance(exc, Exception):
                raise
            if exchange.client_gone:
                exchange.detail = " (client disconnected)"
            else:
                # The headers are out: return without completing the body, so that the server
                # ends the connection and the client sees a truncated response, not a whole one.
                exchange.failed = True
                exchange.detail = f" (upstream {url}: body cut short: {describe(exc)})"
        else:
            response.release()

    async def stream(
        self, content: aiohttp.StreamReader, receive: Receive, send: Send, exchange: Exchange
    ) -> None:
        """Copy the rest of a response body; stop early when the client goes away."""
        watcher: asyncio.Future[None] | None = None
        try:
            while True:
                if watcher is None and exchange.body_done:
                    # receive() is free once the request body is read: it now only reports a
                    # disconnect, which uvicorn's send() would otherwise swallow silently.
                    watcher = asyncio.ensure_future(disconnected(receive))
                chunk = await content.readany()
                if watcher is not None and watcher.done():
                    exchange.client_gone = True
                    raise ClientGone
                if not chunk:
                    await send({"type": "http.response.body", "body": b""})
                    return
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            if watcher is not None:
                watcher.cancel()

    async def failed(self, send: Send, exchange: Exchange, url: str, exc: BaseException) -> None:
        """Answer an upstream that could not be reached (or a client that left first)."""
        if exchange.client_gone:
            exchange.detail = " (client disconnected)"
            return
        status = 504 if isinstance(exc, TimeoutError) else 502
        exchange.status = status
        exchange.failed = True
        exchange.detail = f" (upstream {url}: {describe(exc)})"
        await respond(send, status)

    def upstream_headers(
        self, scope: Scope, url: str, change_origin: bool
    ) -> tuple[list[tuple[str, str]], bool]:
        """The headers sent upstream, and whether the request has a body to stream."""
        raw: Iterable[tuple[bytes, bytes]] = scope["headers"]
        dropped = HOP_BY_HOP
        host = b""
        has_body = False
        for name, value in raw:
            if name == b"connection":
                tokens = {t.strip().lower() for t in value.split(b",")}
                dropped = dropped | {t for t in tokens if t}
            elif name == b"host":
                host = value
            elif name == b"content-length":
                has_body = has_body or value.strip() not in (b"0", b"")
            elif name == b"transfer-encoding":
                has_body = True
        out: list[tuple[str, str]] = []
        forwarded: dict[bytes, bytes] = {}
        websocket = scope["type"] == "websocket"
        for name, value in raw:
            if name in dropped or name in REPLACED or (websocket and name in WS_HANDSHAKE):
                continue
            if self.forwarded and name in (
                b"x-forwarded-for",
                b"x-forwarded-port",
                b"x-forwarded-proto",
            ):
                forwarded[name] = value
                continue
            out.append((name.decode("latin-1"), value.decode("latin-1")))
        # changeOrigin: the upstream's own authority; otherwise (the local app server) the
        # client's Host, which the app needs to build its own URLs.
        out.append(("host", authority(url) if change_origin else host.decode("latin-1")))
        out.append(("x-forwarded-host", host.decode("latin-1")))
        if self.forwarded:
            client = scope.get("client")
            address = client[0] if client else ""
            earlier = forwarded.get(b"x-forwarded-for")
            chain = f"{earlier.decode('latin-1')}, {address}" if earlier else address
            out.append(("x-forwarded-for", chain))
            port = forwarded.get(b"x-forwarded-port")
            out.append(("x-forwarded-port", port.decode("latin-1") if port else host_port(scope)))
            proto = forwarded.get(b"x-forwarded-proto")
            out.append(
                ("x-forwarded-proto", proto.decode("latin-1") if proto else scope_proto(scope))
            )
        return out, has_body

    # --- WebSocket ---------------------------------------------------------------------------

    async def websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Resolve a WebSocket upgrade; bridge it to its upstream or hand it to `local`."""
        started = time.perf_counter()
        target = request_target(scope)
        exchange = Exchange()
        resolution: Resolution | None = None
        try:
            try:
                resolution = self.resolve(target, scope["headers"])
            except RequestError as exc:
                exchange.status = exc.status
                exchange.detail = f" ({exc.message})"
                await receive()
                await deny(scope, send, exc.status)
                return
            kind = resolution.kind
            if kind is Kind.PROXIED:
                await self.bridge(resolution.url, True, scope, receive, send, exchange)
            elif kind is Kind.REDIRECT or (self.local_url is None and self.local_app is None):
                # router-server ends the socket for a redirect (and `next start` for a page).
                exchange.status = 403
                await receive()
                await deny(scope, send, 403)
            elif self.local_url is not None:
                url = self.local_url + resolution.url
                await self.bridge(url, False, scope, receive, send, exchange)
            else:
                assert self.local_app is not None
                exchange.status = 101
                await self.local_app(rewritten_scope(scope, resolution.url), receive, send)
        finally:
            if exchange.failed or log.isEnabledFor(logging.INFO):
                line(scope, target, resolution, exchange, started)

    async def bridge(
        self,
        url: str,
        change_origin: bool,
        scope: Scope,
        receive: Receive,
        send: Send,
        exchange: Exchange,
    ) -> None:
        """Open the upstream WebSocket, accept the client's, and copy messages both ways."""
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        headers, _ = self.upstream_headers(scope, url, change_origin)
        try:
            upstream = await self.session().ws_connect(
                yarl.URL(url, encoded=True),
                headers=headers,
                protocols=tuple(scope.get("subprotocols", ())),
                timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=self.timeouts.read),
                autoclose=False,
                max_msg_size=WS_MAX_MESSAGE,
            )
        except aiohttp.WSServerHandshakeError as exc:
            exchange.status = 502
            exchange.failed = True
            exchange.detail = f" (upstream {url} answered the upgrade with {exc.status})"
            await deny(scope, send, 502)
            return
        except Exception as exc:
            exchange.status = 504 if isinstance(exc, TimeoutError) else 502
            exchange.failed = True
            exchange.detail = f" (upstream {url}: {describe(exc)})"
            await deny(scope, send, exchange.status)
            return
        exchange.status = 101
        await send({"type": "websocket.accept", "subprotocol": upstream.protocol})
        async with upstream:
            inbound = asyncio.ensure_future(client_to_upstream(receive, upstream))
            outbound = asyncio.ensure_future(upstream_to_client(upstream, send))
            await asyncio.wait({inbound, outbound}, return_when=asyncio.FIRST_COMPLETED)
            # Whichever side ended first, stop the other copy before closing (aiohttp's close()
            # would otherwise wait for a receive() in progress).
            for task in (inbound, outbound):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if not outbound.cancelled() and outbound.exception() is None:
                return  # the upstream closed, and the client was told
            code = inbound.result() if inbound.done() and not inbound.cancelled() else 1000
            with contextlib.suppress(Exception):
                await upstream.close(code=code if code else 1000)


# --- the request -----------------------------------------------------------------------------


def request_target(scope: Scope) -> str:
    """The request's path and query as sent (percent-encoded), for the router."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(scope["path"], safe="/:@!$&'()*+,;=~-._")
    query = scope.get("query_string")
    return f"{path}?{query.decode('latin-1')}" if query else path


def node_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers as Node gives them to Next.js: lowercased, repeats joined or dropped."""
    out: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        if key not in out:
            out[key] = text
        elif key not in FIRST_WINS:
            out[key] += ("; " if key == "cookie" else ", ") + text
    return out


def request_keys(config: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The request headers a table's answers depend on (lowercased), from the `has` and
    `missing` conditions of its config; None when its answers should not be remembered.

    Resolution reads request headers only through conditions (and the index files host-only
    rules by their `host` condition), so a table without conditions answers by target alone.
    i18n reads `accept-language`, cookies and the host, and a middleware matcher has
    conditions of its own: the gateway never remembers the answers of a router with either.
    """
    if config.get("i18n"):
        return None
    lists: list[Any] = [config.get("headers") or [], config.get("redirects") or []]
    rewrites = config.get("rewrites") or []
    if isinstance(rewrites, Mapping):
        lists += [rewrites.get(phase) or [] for phase in ("beforeFiles", "afterFiles", "fallback")]
    else:
        lists.append(rewrites)
    names: set[str] = set()
    for rules in lists:
        for rule in rules:
            if not isinstance(rule, Mapping):
                continue
            for condition in [*(rule.get("has") or []), *(rule.get("missing") or [])]:
                kind = condition.get("type") if isinstance(condition, Mapping) else None
                if kind == "host":
                    names.add("host")
                elif kind == "cookie":
                    names.add("cookie")
                elif kind == "header":
                    names.add(str(condition.get("key", "")).lower())
                elif kind != "query":
                    return None  # not a condition the router loads: remember nothing
    return tuple(sorted(names))


def authority(url: str) -> str:
    """The Host of an upstream URL, as httpxy's changeOrigin writes it (default port left out)."""
    scheme, _, rest = url.partition("://")
    end = len(rest)
    for stop in "/?#":
        found = rest.find(stop)
        if 0 <= found < end:
            end = found
    host = rest[:end].rpartition("@")[2]
    default = ":443" if scheme in ("https", "wss") else ":80"
    return host.removesuffix(default)


def host_port(scope: Scope) -> str:
    """The port the client asked for: the Host header's, else the scheme's (httpxy `getPort`)."""
    for name, value in scope["headers"]:
        if name == b"host":
            host: str = value.decode("latin-1")
            tail = host.rpartition(":")[2]
            if tail.isdigit() and not host.endswith("]"):
                return tail
            break
    return "443" if scope.get("scheme") in ("https", "wss") else "80"


def scope_proto(scope: Scope) -> str:
    """`x-forwarded-proto`: http or https (ws or wss for an upgrade, as httpxy writes it)."""
    scheme = str(scope.get("scheme") or "http")
    if scope["type"] == "websocket":
        return "wss" if scheme in ("https", "wss") else "ws"
    return scheme


async def request_body(receive: Receive, exchange: Exchange) -> AsyncIterator[bytes]:
    """The request body, chunk by chunk as the client sends it."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            exchange.client_gone = True
            raise ClientGone
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            exchange.body_done = True
            return


async def disconnected(receive: Receive) -> None:
    """Return when the client has gone (past what is left of an empty request body)."""
    while (await receive())["type"] != "http.disconnect":
        pass


def rewritten_scope(scope: Scope, url: str) -> Scope:
    """The scope handed to a local ASGI app: the request with the rewritten path and query."""
    path, _, query = url.partition("?")
    raw = path.encode("latin-1", "backslashreplace")
    if raw == scope.get("raw_path") and query.encode("latin-1") == scope.get("query_string"):
        return scope
    inner = dict(scope)
    inner["raw_path"] = raw
    inner["path"] = unquote(path)
    inner["query_string"] = query.encode("latin-1", "backslashreplace")
    return inner


# --- the response ----------------------------------------------------------------------------


def response_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """An upstream response's headers, lowercased, without the hop-by-hop ones."""
    out = []
    dropped: frozenset[bytes] | set[bytes] = HOP_BY_HOP
    pairs = [(name.lower(), value) for name, value in raw]
    for name, value in pairs:
        if name == b"connection":
            dropped = dropped | {t.strip().lower() for t in value.split(b",") if t.strip()}
    for name, value in pairs:
        if name not in dropped:
            out.append((name, value))
    return out


def _encode(text: str) -> bytes:
    """A header value as bytes: latin-1 as Node writes it, else UTF-8."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def encode_headers(headers: Mapping[str, QueryValue]) -> list[tuple[bytes, bytes]]:
    """Header rules' headers as ASGI pairs (a `set-cookie` list as several)."""
    out = []
    for name, value in headers.items():
        key = name.lower().encode("latin-1")
        for one in [value] if isinstance(value, str) else value:
            out.append((key, _encode(one)))
    return out


def merge_rules(
    rules: list[tuple[bytes, bytes]], headers: Iterable[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    """Header rules, then the app's headers: a rule's header stands, except that the app's
    `set-cookie`, `vary` and `*-authenticate` values are added (Next.js `send-response.js`)."""
    if not rules:
        return list(headers)
    taken = {name for name, _ in rules}
    out = list(rules)
    for name, value in headers:
        lower = name.lower()
        if lower not in taken or lower in MULTI_VALUED:
            out.append((lower, value))
    return out


_date: tuple[int, bytes] = (0, b"")


def date_header() -> bytes:
    """The current HTTP date (formatted once a second)."""
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, formatdate(now, usegmt=True).encode("ascii"))
    return _date[1]


def with_date(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Headers with a `date` added when there is none."""
    if not any(name.lower() == b"date" for name, _ in headers):
        headers.append((b"date", date_header()))
    return headers


async def respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """A short text answer of the gateway's own (404, 400, 500, 502, 504)."""
    body = REASONS.get(status, "Error").encode("ascii")
    out = list(headers or ())
    out += [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"date", date_header()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})


async def redirect(send: Send, resolution: Resolution) -> None:
    """A redirect as router-server sends it: Location, Refresh for 308, the URL as the body."""
    location = _encode(resolution.url)
    headers = [(b"location", location)]
    if resolution.status == 308:
        headers.append((b"refresh", b"0;url=" + location))
    headers += [
        (b"content-length", str(len(location)).encode("ascii")),
        (b"date", date_header()),
    ]
    status = resolution.status or 307
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": location})


async def deny(scope: Scope, send: Send, status: int) -> None:
    """Refuse a WebSocket upgrade: with `status` where the server can send one, else 403."""
    if "websocket.http.response" in scope.get("extensions", {}):
        body = REASONS.get(status, "Forbidden").encode("ascii")
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode("ascii")),
        ]
        await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1008})


async def client_to_upstream(receive: Receive, upstream: aiohttp.ClientWebSocketResponse) -> int:
    """Copy the client's messages to the upstream until the client closes; its close code."""
    while True:
        message = await receive()
        if message["type"] == "websocket.receive":
            text = message.get("text")
            if text is not None:
                await upstream.send_str(text)
            else:
                await upstream.send_bytes(message.get("bytes") or b"")
        elif message["type"] == "websocket.disconnect":
            code: int = message.get("code", 1000)
            return code


async def upstream_to_client(upstream: aiohttp.ClientWebSocketResponse, send: Send) -> None:
    """Copy the upstream's messages to the client; pass its close code on."""
    code = 1000
    while True:
        message = await upstream.receive()
        if message.type is aiohttp.WSMsgType.TEXT:
            await send({"type": "websocket.send", "text": message.data})
        elif message.type is aiohttp.WSMsgType.BINARY:
            await send({"type": "websocket.send", "bytes": message.data})
        elif message.type is aiohttp.WSMsgType.CLOSE:
            code = message.data or 1000
            await upstream.close(code=code)
            break
        elif message.type in (aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
            break
        elif message.type is aiohttp.WSMsgType.ERROR:
            code = 1011
            break
    await send({"type": "websocket.close", "code": code})


# --- the log ---------------------------------------------------------------------------------


def describe(exc: BaseException) -> str:
    """An upstream failure in a few words."""
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"cannot connect ({exc.os_error.strerror or exc.os_error})"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "connection closed by the upstream"
    text = str(exc) or type(exc).__name__
    cause = exc.__cause__
    return f"{text}: {cause}" if cause is not None and str(cause) else text


def line(
    scope: Scope,
    target: str,
    resolution: Resolution | None,
    exchange: Exchange,
    started: float,
) -> None:
    """Log one request: method, target, kind, rule, status, time, and what went wrong."""
    method = scope.get("method", "GET") if scope["type"] == "http" else "WS"
    kind = resolution.kind.value if resolution is not None else "error"
    rule = resolution.rule.place if resolution is not None and resolution.rule else "-"
    status = exchange.status if exchange.status is not None else "-"
    elapsed = (time.perf_counter() - started) * 1000
    level = logging.WARNING if exchange.failed else logging.INFO
    text = "%s %s %s %s %s %.1fms%s"
    log.log(level, text, method, target, kind, rule, status, elapsed, exchange.detail)


# --- the local app's lifespan ----------------------------------------------------------------


class _Lifespan:
    """A local ASGI app's lifespan, run beside the gateway's (an app without one is fine)."""

    def __init__(self, app: ASGIApp, scope: Scope) -> None:
        self.app = app
        self.scope = scope
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.outbox: asyncio.Queue[Message] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.supported = True

    async def run(self) -> None:
        """The app's lifespan call; an app that raises or returns has none to run."""
        with contextlib.suppress(Exception):
            await self.app(self.scope, self.inbox.get, self.outbox.put)
        self.supported = False
        await self.outbox.put({"type": "lifespan.unsupported"})

    async def step(self, kind: str) -> None:
        """Send `lifespan.<kind>` and wait for the answer; raise if the app says it failed."""
        await self.inbox.put({"type": f"lifespan.{kind}"})
        reply = await self.outbox.get()
        if reply["type"] == f"lifespan.{kind}.failed":
            raise RuntimeError(f"the local app's {kind} failed: {reply.get('message', '')}")

    async def startup(self) -> None:
        """Start the app's lifespan and its startup."""
        self.task = asyncio.ensure_future(self.run())
        await self.step("startup")

    async def shutdown(self) -> None:
        """Run the app's shutdown, if its lifespan is running."""
        if self.supported and self.task is not None and not self.task.done():
            await self.step("shutdown")


# --- serving a config file -------------------------------------------------------------------


def config_in(path: str | os.PathLike[str]) -> tuple[Path, Path | None]:
    """A config file, and the project directory when `path` names one (its next.config.*)."""
    from .project import CONFIG_NAMES  # (imported when first needed, as `read` does)

    place = Path(path)
    if not place.is_dir():
        return place, None
    names = (*CONFIG_NAMES, "next.config.json")  # Next.js's files in its order, then JSON
    for name in names:
        if (place / name).is_file():
            return place / name, place
    looked = ", ".join(names)
    raise FileNotFoundError(f"no next.config file in {str(place)!r} (looked for {looked})")


@attrs.frozen
class TableSource:
    """Where a served table comes from: a config file and the app's routes.

    `routes` are Next.js routes, `app_dir` a project whose app/ and pages/ add to them, and
    `next_compatible` keeps `$1` literal as Next.js does. `load()` builds the Router;
    `stamp()` changes when the config file does.
    """

    config: str
    routes: tuple[str, ...] | None = None
    app_dir: str | None = None
    next_compatible: bool = False

    def route_list(self) -> list[str] | None:
        """The app's routes; None when neither routes nor an app directory are given."""
        if self.routes is None and self.app_dir is None:
            return None
        from ._pages import routes_from_app_dir

        routes = list(self.routes or ())
        if self.app_dir is not None:
            routes += routes_from_app_dir(self.app_dir)
        return routes

    def read(self) -> dict[str, Any]:
        """The config file's routing keys as data (ConfigError when it cannot be read)."""
        from . import project

        return project.load_config(self.config)

    def build(self, config: Mapping[str, Any]) -> Router:
        """The Router of config data read from this source (ConfigError for a bad table)."""
        return Router.from_next_config(
            config,
            self.route_list(),
            positional_refs=not self.next_compatible,
            early_errors=not self.next_compatible,
        )

    def load(self) -> Router:
        """The Router of the config file as it is now."""
        return self.build(self.read())

    def stamp(self) -> tuple[int, int] | None:
        """The config file's modification time and size; None while it is missing."""
        try:
            found = os.stat(self.config)
        except OSError:
            return None
        return found.st_mtime_ns, found.st_size

    def __str__(self) -> str:
        return self.config


#: Environment variable carrying `serve`'s settings to worker processes.
SETTINGS_VARIABLE = "REWRITES_GATEWAY_SETTINGS"


def log_config(level: str, access: bool) -> dict[str, Any]:
    """uvicorn's logging config, with the gateway's one line per request on standard error."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {**LOGGING_CONFIG}
    config["formatters"] = {
        **LOGGING_CONFIG["formatters"],
        "gateway": {"format": "%(asctime)s %(levelname)s %(message)s"},
    }
    config["handlers"] = {
        **LOGGING_CONFIG["handlers"],
        "gateway": {
            "formatter": "gateway",
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
        },
    }
    config["loggers"] = {
        **LOGGING_CONFIG["loggers"],
        "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
        "rewrites.gateway": {
            "handlers": ["gateway"],
            "level": "INFO" if access else "WARNING",
            "propagate": False,
        },
    }
    return config


def _from_settings(settings: Mapping[str, Any], router: Router | None = None) -> Gateway:
    """A Gateway built from `serve`'s settings (in a worker process, from the environment)."""
    source = TableSource(
        config=settings["config"],
        routes=None if settings["routes"] is None else tuple(settings["routes"]),
        app_dir=settings["app_dir"],
        next_compatible=settings["next_compatible"],
    )
    router = router if router is not None else source.load()
    # The table lives as long as the process: keep the cyclic collector from scanning its
    # objects again at every full collection (they form no cycles, so they are still freed
    # by reference counting when a reload replaces them).
    gc.freeze()
    return Gateway(
        router,
        settings["local"],
        timeouts=Timeouts(**settings["timeouts"]),
        forwarded=settings["forwarded"],
        max_connections=settings["max_connections"],
        reload=source if settings["reload"] else None,
        cache=settings["cache"],
    )


def from_environment() -> Gateway:
    """The Gateway of a `rewrites serve` worker process (uvicorn's app factory)."""
    import json

    return _from_settings(json.loads(os.environ[SETTINGS_VARIABLE]))


def serve(
    source: TableSource,
    *,
    router: Router | None = None,
    local: str | None = None,
    host: str = "127.0.0.1",
    port: int = 3000,
    workers: int = 1,
    reload: bool = False,
    timeouts: Timeouts | None = None,
    forwarded: bool = True,
    max_connections: int = 256,
    cache: int = 4096,
    access_log: bool = True,
    log_level: str = "info",
) -> None:
    """Serve a table with uvicorn until interrupted (what `rewrites serve` runs).

    `router` is the source's table if the caller has loaded it already; otherwise it is loaded
    here, so that a bad config stops before the server starts (ConfigError). With several
    `workers`, each process loads it again.
    """
    import json

    import uvicorn

    timeouts = timeouts if timeouts is not None else Timeouts()
    settings = {
        "config": source.config,
        "routes": None if source.routes is None else list(source.routes),
        "app_dir": source.app_dir,
        "next_compatible": source.next_compatible,
        "local": local,
        "timeouts": attrs.asdict(timeouts),
        "forwarded": forwarded,
        "max_connections": max_connections,
        "reload": reload,
        "cache": cache,
    }
    app = _from_settings(settings, router)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": log_config(log_level, access_log),
        "access_log": False,  # the gateway logs each request itself
        "server_header": False,  # proxied responses carry the upstream's date and server
        "date_header": False,
        # The gateway appends the connecting peer to x-forwarded-for itself; uvicorn's proxy
        # headers would put the client's claimed address in its place.
        "proxy_headers": False,
        "lifespan": "on",
    }
    if workers > 1:
        os.environ[SETTINGS_VARIABLE] = json.dumps(settings)
        uvicorn.run("rewrites.asgi:from_environment", factory=True, workers=workers, **options)
    else:
        uvicorn.run(app, **options)
