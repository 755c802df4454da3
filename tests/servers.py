"""Real servers on loopback for the gateway's tests: each on 127.0.0.1 and an ephemeral port,
started and stopped by the test that needs it, every wait bounded.

- `Backend`: an aiohttp server standing for the seed's backend on port 3001 (echo, streams,
  cookies, WebSocket echo, and the ways an upstream fails);
- `local_app`: an ASGI app standing for the Next.js app (echo and WebSocket echo);
- `Served`: any ASGI app (the gateway, the local app) on uvicorn in a thread;
- `Serve`: `rewrites serve` in a process of its own, for its log and its memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import uvicorn
from aiohttp import WSMsgType, web

from rewrites.asgi import Receive, Scope, Send

#: Every start, stop and wait in these tests gives up after this many seconds.
WAIT = 20.0
#: The block that streamed bodies are made of (and the largest a server reads at once).
BLOCK = 64 * 1024


def loopback_socket() -> socket.socket:
    """A listening TCP socket on 127.0.0.1, on a port the system picks."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def closed_port() -> int:
    """A loopback port with nothing listening on it (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- the backend -----------------------------------------------------------------------------


class Backend:
    """The upstream: an aiohttp server in a thread of its own, recording what it was sent."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runner: web.AppRunner | None = None
        self.port = 0
        #: Set when a streamed download stopped early because the reader went away.
        self.download_cut = threading.Event()

    @property
    def url(self) -> str:
        """The backend's origin."""
        return f"http://127.0.0.1:{self.port}"

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        """Run a coroutine on the backend's loop and wait for it (bounded)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(WAIT)

    def __enter__(self) -> Backend:
        self.thread.start()
        self.run(self.start())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.runner is not None:
            self.run(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(WAIT)
        self.loop.close()

    async def start(self) -> None:
        """Serve the backend's routes on a fresh loopback socket."""
        app = web.Application()
        app.router.add_route("*", "/api/ws", self.ws)
        app.router.add_route("*", "/api/download", self.download)
        app.router.add_route("*", "/api/upload", self.upload)
        app.router.add_route("*", "/api/cookies", self.cookies)
        app.router.add_route("*", "/api/hang", self.hang)
        app.router.add_route("*", "/api/reset", self.reset)
        app.router.add_route("*", "/api/drop", self.drop)
        app.router.add_route("*", "/api/events", self.events)
        app.router.add_route("*", "/{tail:.*}", self.echo)
        self.runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self.runner.setup()
        sock = loopback_socket()
        self.port = sock.getsockname()[1]
        await web.SockSite(self.runner, sock).start()

    async def echo(self, request: web.Request) -> web.Response:
        """The request as the backend saw it: method, target, headers (as sent), body size."""
        body = await request.read()
        seen = {
            "backend": True,
            "method": request.method,
            "target": request.raw_path,
            "headers": [[k.decode(), v.decode()] for k, v in request.raw_headers],
            "body": len(body),
        }
        return web.json_response(seen)

    async def download(self, request: web.Request) -> web.StreamResponse:
        """`?bytes=N`: N bytes, streamed a block at a time."""
        size = int(request.query["bytes"])
        response = web.StreamResponse(headers={"content-type": "application/octet-stream"})
        response.content_length = size
        await response.prepare(request)
        block = b"x" * BLOCK
        sent = 0
        try:
            while sent < size:
                part = block[: min(BLOCK, size - sent)]
                await response.write(part)
                sent += len(part)
        except (ConnectionError, asyncio.CancelledError):
            self.download_cut.set()
            raise
        await response.write_eof()
        return response

    async def upload(self, request: web.Request) -> web.Response:
        """Count a streamed request body without keeping it."""
        received = 0
        async for chunk in request.content.iter_chunked(BLOCK):
            received += len(chunk)
        return web.json_response({"received": received})

    async def cookies(self, request: web.Request) -> web.Response:
        """Two cookies, and hop-by-hop headers that must not reach the client."""
        response = web.Response(text="cookies")
        response.headers.add("Set-Cookie", "a=1; Path=/")
        response.headers.add("Set-Cookie", "b=2; Path=/; HttpOnly")
        response.headers["Keep-Alive"] = "timeout=5"
        response.headers["X-Hop"] = "secret"
        response.headers["Connection"] = "keep-alive, X-Hop"
        return response

    async def hang(self, request: web.Request) -> web.Response:
        """Answer nothing for longer than any test's read timeout."""
        await asyncio.sleep(WAIT)
        return web.Response(text="too late")

    async def reset(self, request: web.Request) -> web.StreamResponse:
        """Promise a body, send part of it, then drop the connection."""
        response = web.StreamResponse()
        response.content_length = 10 * BLOCK
        await response.prepare(request)
        await response.write(b"y" * BLOCK)
        await asyncio.sleep(0.05)
        assert request.transport is not None
        request.transport.abort()
        return response

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Headers at once, then an event after 0.5 s (as server-sent events come)."""
        response = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await response.prepare(request)
        await asyncio.sleep(0.5)
        await response.write(b"data: late\n\n")
        await response.write_eof()
        return response

    async def drop(self, request: web.Request) -> web.Response:
        """Close the connection without any answer."""
        assert request.transport is not None
        request.transport.abort()
        raise asyncio.CancelledError

    async def ws(self, request: web.Request) -> web.WebSocketResponse:
        """WebSocket echo, text and binary, with the subprotocol `echo` when asked."""
        socket_ = web.WebSocketResponse(protocols=("echo",))
        await socket_.prepare(request)
        async for message in socket_:
            if message.type is WSMsgType.TEXT:
                await socket_.send_str("backend:" + message.data)
            elif message.type is WSMsgType.BINARY:
                await socket_.send_bytes(message.data)
        return socket_


# --- the local app ---------------------------------------------------------------------------


async def local_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The app server stand-in: echoes what it was handed; WebSocket echo; a cookie of its own."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "text": "local:" + (message.get("text") or "")})
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    seen = {
        "local": True,
        "path": scope["path"],
        "query": scope["query_string"].decode(),
        "host": dict(scope["headers"]).get(b"host", b"").decode(),
    }
    body = json.dumps(seen).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"set-cookie", b"app=1"),
        (b"x-rule", b"from-the-app"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# --- ASGI apps on uvicorn in a thread --------------------------------------------------------


class Served:
    """An ASGI app on uvicorn, in a thread, on a loopback socket; stopped on exit."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.sock = loopback_socket()
        self.port: int = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            loop="asyncio",
            lifespan="on",
            log_level="warning",
            access_log=False,
            server_header=False,
            date_header=False,
            proxy_headers=False,
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        """The server's origin."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + WAIT
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(WAIT)
        self.sock.close()


# --- `rewrites serve` in a process -----------------------------------------------------------


class Serve:
    """`rewrites serve CONFIG ...` in a child process; its port read from its log."""

    def __init__(self, config: Path, *args: str) -> None:
        command = [sys.executable, "-m", "rewrites", "serve", str(config), "--port", "0", *args]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
        )
        self.lines: list[str] = []
        self.port = 0
        self.started = threading.Event()
        self.reader = threading.Thread(target=self.read, daemon=True)

    def read(self) -> None:
        """Collect the log; note the port uvicorn says it listens on."""
        assert self.process.stderr is not None
        for text in self.process.stderr:
            self.lines.append(text.rstrip("\n"))
            found = re.search(r"running on http://127\.0\.0\.1:(\d+)", text)
            if found:
                self.port = int(found.group(1))
                self.started.set()

    @property
    def url(self) -> str:
        """The gateway's origin."""
        return f"http://127.0.0.1:{self.port}"

    def rss(self) -> int:
        """The process's resident memory now, in bytes."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        assert found is not None
        return int(found.group(1)) * 1024

    def wait_for_line(self, pattern: str) -> str:
        """The first log line matching `pattern`, waiting for it (bounded)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for text in list(self.lines):
                if re.search(pattern, text):
                    return text
            time.sleep(0.02)
        raise AssertionError(f"no log line matches {pattern!r}:\n" + "\n".join(self.lines))

    def __enter__(self) -> Serve:
        self.reader.start()
        if not self.started.wait(WAIT):
            self.process.kill()
            self.process.wait(WAIT)
            raise RuntimeError("rewrites serve did not start:\n" + "\n".join(self.lines))
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(WAIT)
        self.reader.join(WAIT)


# --- a bare client ---------------------------------------------------------------------------


def raw_exchange(port: int, request: bytes, *, read: bool = True) -> bytes:
    """Send bytes to 127.0.0.1:port and read the answer until the server closes (bounded)."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(request)
        if not read:
            return b""
        chunks = []
        while True:
            chunk = sock.recv(BLOCK)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
