"""`json.loads`, without importing `json` on the way to an answer.

`import json` imports `re` (and with it `enum`, `functools`, `collections`): about 8 ms, a third of
`models status --check` (issue #15). The parsing itself is done by CPython's C scanner (`_json`), which
needs none of that; `json.loads` is a thin wrapper around it. Here the same scanner is driven with the
settings `json.JSONDecoder()` gives it, for the inputs that are plainly UTF-8 text. Anything else (a BOM,
UTF-16/32, invalid JSON, extra data, another Python without `_json`) is handed to `json.loads` itself, so
results, exception types and messages are json's own. tests/core/test_jsonscan.py holds the two equal.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the status path avoids it)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_WHITESPACE = " \t\n\r"  # json.decoder.WHITESPACE
# What json.decoder parses NaN/Infinity to when no parse_constant is given.
_CONSTANTS = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}

try:
    from _json import make_scanner as _make_scanner
except ImportError:  # another Python: json.loads always
    _make_scanner = None


class _Context:
    """The attributes the C scanner reads from a json.JSONDecoder, as `json.loads(s, parse_constant=...)` sets them."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    def __init__(self, parse_constant: Callable[[str], Any]) -> None:
        self.parse_constant = parse_constant


_scanners: dict[object, Callable[[str, int], tuple[Any, int]]] = {}


def _scanner(parse_constant: Callable[[str], Any] | None) -> Callable[[str, int], tuple[Any, int]] | None:
    if _make_scanner is None:
        return None
    scan = _scanners.get(parse_constant)
    if scan is None:
        scan = _scanners[parse_constant] = _make_scanner(_Context(parse_constant or _CONSTANTS.__getitem__))
    return scan


def loads(data: str | bytes, *, parse_constant: Callable[[str], Any] | None = None) -> Any:
    """`json.loads(data, parse_constant=parse_constant)`, same result, same errors."""
    scan = _scanner(parse_constant)
    text = _plain_text(data) if scan is not None else None
    if text is not None:
        n = len(text)
        start = 0
        while start < n and text[start] in _WHITESPACE:
            start += 1
        try:
            value, end = scan(text, start)  # type: ignore[misc]
        except Exception:
            value, end = None, -1  # json.loads below raises json's own error for it
        while 0 <= end < n and text[end] in _WHITESPACE:
            end += 1
        if end == n:
            return value
    import json

    return json.loads(data, parse_constant=parse_constant)


def _plain_text(data: str | bytes) -> str | None:
    """`data` as json.loads would decode it, when that is plain UTF-8 without a BOM; else None."""
    if isinstance(data, str):
        return None if data.startswith("\ufeff") else data  # json.loads refuses a BOM in text
    if not isinstance(data, bytes | bytearray) or data[:1] in (b"\xef", b"\xfe", b"\xff") or b"\x00" in data[:4]:
        return None  # a BOM or UTF-16/32: json.detect_encoding decides
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None
