"""JavaScript's `JSON.stringify(value)` (compact), byte for byte, for values read from JSON.

OpenClaw hashes `JSON.stringify([...])` of profile ids and secrets (the 9.x refresh-lock file name, the
refresh-fence digests), so ours must produce the very same text, which `json.dumps` does not:
- strings: only `"`, `\\` and control characters are escaped (`\\b \\f \\n \\r \\t`, others `\\u00xx`),
  everything else stays as it is (no `\\uXXXX` for non-ASCII, U+2028 or DEL); a lone surrogate is
  written `\\udxxx` (well-formed JSON.stringify), a surrogate pair held as two code points is one character;
- numbers: JavaScript has only doubles (an int beyond 2**53 is rounded first) and prints them with
  Number#toString (`1e+21`, `1e-7`, `100`, never `100.0`); NaN and the infinities are `null`;
- objects: integer-like keys first in ascending order, then the others in insertion order (JS's own order).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_MAX_ARRAY_INDEX = 2**32 - 2


def _utf16_normalised(text: str) -> str:
    """Join surrogate pairs held as two code points into one character, as a JS string would read them."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def js_string(text: str) -> str:
    """`JSON.stringify(text)` for a string."""
    out = ['"']
    for ch in _utf16_normalised(text):
        code = ord(ch)
        if ch in _SHORT:
            out.append(_SHORT[ch])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def js_number(value: int | float) -> str:
    """`JSON.stringify(number)`: Number#toString of the double, `null` for NaN and the infinities."""
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        return "null"
    if number == 0:
        return "0"  # -0 too
    sign = "-" if number < 0 else ""
    # repr gives the shortest digits that read back to the same double, as ECMAScript asks for.
    _, digit_tuple, exponent = Decimal(repr(abs(number))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent = int(exponent) + len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # the decimal point sits after n digits
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        body = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        body = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body


def _is_array_index(key: str) -> bool:
    return key.isascii() and key.isdigit() and (key == "0" or not key.startswith("0")) and int(key) <= _MAX_ARRAY_INDEX


def js_stringify(value: Any) -> str:
    """`JSON.stringify(value)` for JSON values as Python reads them (dict, list, str, int, float, bool, None).

    TypeError for anything else (a value JSON cannot hold never reaches OpenClaw either)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return js_string(value)
    if isinstance(value, int | float):
        return js_number(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(js_stringify(item) for item in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("JSON object keys are strings")
        keys = list(value)
        ordered = sorted((k for k in keys if _is_array_index(k)), key=int) + [k for k in keys if not _is_array_index(k)]
        return "{" + ",".join(f"{js_string(k)}:{js_stringify(value[k])}" for k in ordered) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")
