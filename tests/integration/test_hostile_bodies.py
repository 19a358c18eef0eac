"""Issue 24.7: every HTTP client of the project reads a response under a hard cap, streamed, so a hostile
server's 3 GB of whitespace or gzip bomb never reaches memory. Real loopback servers (raw sockets:
tests/support/hostile_endpoint.py), real httpx clients, memory measured with tracemalloc."""

from __future__ import annotations

import asyncio
import gzip
import socket
import tracemalloc
from pathlib import Path

import pytest
from openclaw_onboard.core.oauth.device import CodexDeviceLogin, DeviceTiming
from openclaw_onboard.core.oauth.errors import LoginError, TokenEndpointError
from openclaw_onboard.core.oauth.token_client import post_token_async

from tests.support.hostile_endpoint import HostileEndpoint

FLOOD_BYTES = 64 * 1024 * 1024  # what the server offers; a capped reader takes a sliver of it
MB = 1024 * 1024


def flooding(sent: list[int], encoding: str | None = None, body: bytes | None = None):
    """Headers promising 3 GB, then whitespace (or `body`) for as long as the client keeps reading."""

    def behave(_req: bytes, sock: socket.socket) -> None:
        enc = f"Content-Encoding: {encoding}\r\n" if encoding else ""
        total = len(body) if body is not None else 3 * 1024 * MB
        sock.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{enc}Content-Length: {total}\r\n"
                     "Connection: close\r\n\r\n".encode())
        sent.append(0)
        data = body if body is not None else b" " * FLOOD_BYTES
        for i in range(0, len(data), 65536):
            sock.sendall(data[i:i + 65536])  # raises once the client has hung up
            sent[-1] += 65536

    return behave


def _gzip_bomb() -> bytes:
    return gzip.compress(b" " * (128 * MB), compresslevel=9)  # ~130 KB on the wire


def _device_login(state: Path, ep: HostileEndpoint) -> CodexDeviceLogin:
    timing = DeviceTiming(default_interval_s=0.01, min_interval_s=0.0, deadline_s=20.0, request_timeout_s=20.0,
                          usercode_timeout_s=20.0)
    return CodexDeviceLogin(state=state, env=ep.env(), timing=timing)


def test_device_pairing_stops_reading_a_whitespace_flood_at_the_cap(tmp_path: Path) -> None:
    sent: list[int] = []
    with HostileEndpoint(flooding(sent)) as ep, pytest.raises(LoginError) as err:
        asyncio.run(_device_login(tmp_path / "state", ep).start())
    assert "more than 64 KB" in str(err.value)
    assert sent and sent[0] < 16 * MB, f"the client read {sent[0] // MB} MB of a flood"


@pytest.mark.parametrize("client", ["device", "token"])
def test_a_gzip_bomb_is_never_inflated_past_the_cap(tmp_path: Path, client: str) -> None:
    bomb = _gzip_bomb()
    sent: list[int] = []
    with HostileEndpoint(flooding(sent, "gzip", bomb)) as ep:
        tracemalloc.start()
        try:
            if client == "device":
                with pytest.raises(LoginError) as err:
                    asyncio.run(_device_login(tmp_path / "state", ep).start())
            else:
                with pytest.raises(TokenEndpointError) as err:
                    asyncio.run(post_token_async(f"{ep.issuer}/oauth/token", {"grant_type": "refresh_token"}))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert "more than" in str(err.value)
    assert peak < 16 * MB, f"peak {peak // MB} MB while reading a {len(bomb) // 1024} KB response"


def test_an_encoding_that_cannot_be_inflated_under_a_cap_is_refused(tmp_path: Path) -> None:
    sent: list[int] = []
    with HostileEndpoint(flooding(sent, "br", b'{"device_auth_id": "x"}')) as ep, pytest.raises(LoginError) as err:
        asyncio.run(_device_login(tmp_path / "state", ep).start())
    assert "unsupported content encoding" in str(err.value)
