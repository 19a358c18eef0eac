"""Reading an HTTP response body under a hard cap, for every HTTP client of the project.

httpx's `response.content` (and `aiter_bytes`) hands over whatever a server sends, decompressed: 3 GB
of whitespace, or a 2 MB gzip bomb that inflates to gigabytes, all in memory before any size check.
Here the raw bytes are counted as they arrive and gzip/deflate are inflated by us, never producing more
than the cap: memory stays near the cap whatever the server does. Other encodings (br, zstd) are
refused: we ask for `identity` or gzip only (ACCEPT_ENCODING).
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

ACCEPT_ENCODING = "gzip, identity"


class BodyTooLarge(Exception):
    """More than the cap (raw or inflated), or an encoding we cannot inflate under a cap."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _inflater(encoding: str) -> Any:  # zlib's Decompress object, or None for identity
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header, as servers send either
    raise BodyTooLarge(f"an unsupported content encoding ({encoding[:20]})")


async def read_capped(resp: httpx.Response, limit: int) -> bytes:
    """The body, at most `limit` bytes after inflating; BodyTooLarge past that (the rest is never read)."""
    encoding = resp.headers.get("content-encoding", "").strip().lower()
    inflater = _inflater(encoding)
    out = bytearray()
    raw_total = 0
    async for raw in resp.aiter_raw():
        raw_total += len(raw)
        if raw_total > limit:  # a compressed body larger than the cap inflates larger still
            raise BodyTooLarge(f"more than {limit // 1024} KB")
        if inflater is None:
            out += raw
        else:
            try:
                out += inflater.decompress(raw, limit + 1 - len(out))
            except zlib.error:
                raise BodyTooLarge("a corrupt compressed body") from None
        if len(out) > limit:
            raise BodyTooLarge(f"more than {limit // 1024} KB")
    return bytes(out)
