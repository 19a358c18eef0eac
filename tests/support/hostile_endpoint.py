"""A malicious token endpoint on 127.0.0.1 (raw sockets, stdlib only) for the adversarial tests.

Each accepted connection reads one HTTP request, then `behaviour(request_bytes, sock)` writes whatever
it likes: bytes that HTTP forbids, a body dripped one byte at a time, a 20 MB token, `expires_in: 1e400`.
The server counts requests so a test can assert how many token calls were made.

    with HostileEndpoint(dripping(b'{"access_token": "x"}' * 500, every_s=0.05)) as ep:
        env = ep.env()   # OPENCLAW_CODEX_ISSUER / OPENCLAW_ANTHROPIC_TOKEN_URL pointing here
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

Behaviour = Callable[[bytes, socket.socket], None]


def _read_request(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def response(status: int, body: bytes, content_type: str = "application/json", length: int | None = None) -> bytes:
    n = len(body) if length is None else length
    return (f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {n}\r\n"
            f"Connection: close\r\n\r\n").encode() + body


def answering(status: int, body: bytes, content_type: str = "application/json") -> Behaviour:
    def behave(_req: bytes, sock: socket.socket) -> None:
        sock.sendall(response(status, body, content_type))

    return behave


def dripping(body: bytes, every_s: float, stop: threading.Event | None = None) -> Behaviour:
    """Headers at once, then the body one byte per `every_s`: never idle long enough for a read timeout."""

    def behave(_req: bytes, sock: socket.socket) -> None:
        sock.sendall(response(200, b"", length=len(body)))
        for i in range(len(body)):
            if stop is not None and stop.wait(every_s):
                return
            sock.sendall(body[i:i + 1])

    return behave


class HostileEndpoint:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        out = dict(base or {})
        out.update(OPENCLAW_CODEX_ISSUER=self.issuer, OPENCLAW_CODEX_CLIENT_ID="app_test",
                   OPENCLAW_ANTHROPIC_TOKEN_URL=f"{self.issuer}/v1/oauth/token",
                   OPENCLAW_ANTHROPIC_CLIENT_ID="anthropic-test-client")
        return out

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                req = _read_request(conn)
                self.requests.append(req)
                self.behaviour(req, conn)
            except OSError:
                pass  # the client gave up (that is what the deadline tests want)

    def __enter__(self) -> HostileEndpoint:
        self._accepter.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._accepter.join(timeout=5)
        self._sock.close()
        for t in self._threads:
            t.join(timeout=5)
