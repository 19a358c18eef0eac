"""API keys from the environment, in OpenClaw's precedence, and `<state>/.env` for daemons."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from openclaw_onboard.core import fsio
from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.paths import env_file_path
from openclaw_onboard.core.sanitize import clean

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from openclaw_onboard.core.paths import StrPath

# Patterns are compiled by `re` (and cached there) when first used: most runs need few of them.
_ENV_NAME = r"[A-Z][A-Z0-9_]{0,127}"
_NOT_PREFIX = r"[^A-Z0-9]+"
_KEY_SEPARATORS = r"[\s,;]+"


def env_prefix(provider: str) -> str:
    """`openai-codex` -> `OPENAI_CODEX`: the runs of A-Z/0-9 of the upper-cased id, joined by `_`."""
    return re.sub(_NOT_PREFIX, "_", provider.upper()).strip("_")


def split_key_list(value: str) -> list[str]:
    """`<P>_API_KEYS`: keys separated by whitespace, commas or semicolons."""
    return [key for key in re.split(_KEY_SEPARATORS, value) if key]


def env_keys_for(provider: str, env: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(variable, key) pairs: OPENCLAW_LIVE_<P>_KEY alone wins; else <P>_API_KEYS, <P>_API_KEY,
    <P>_API_KEY_* (sorted); duplicates removed, first occurrence kept."""
    env = os.environ if env is None else env
    p = env_prefix(provider)
    live = env.get(f"OPENCLAW_LIVE_{p}_KEY", "").strip()
    if live:
        return [(f"OPENCLAW_LIVE_{p}_KEY", live)]
    found: list[tuple[str, str]] = []
    many = env.get(f"{p}_API_KEYS", "")
    found += [(f"{p}_API_KEYS", k) for k in split_key_list(many)]
    single = env.get(f"{p}_API_KEY", "").strip()
    if single:
        found.append((f"{p}_API_KEY", single))
    prefix = f"{p}_API_KEY_"
    found += [(name, env[name].strip()) for name in sorted(env) if name.startswith(prefix) and env[name].strip()]
    seen: set[str] = set()
    unique = []
    for name, key in found:
        if key not in seen:
            seen.add(key)
            unique.append((name, key))
    return unique


# Node's dotenv 17 (what OpenClaw reads `<state>/.env` with: readFileSync utf8, then dotenv.parse), its LINE
# pattern spelled out for Python's re: JavaScript's \s, \w, `.` and multiline `$` differ from Python's.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_TRIM = "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_EOL = "(?=[\n\r\u2028\u2029]|\\Z)"  # multiline `$`
_JS_BOL = "(?:\\A|(?<=[\n\r\u2028\u2029]))"  # multiline `^`
_DOTENV_LINE = (
    f"{_JS_BOL}[{_JS_SPACE}]*(?:export[{_JS_SPACE}]+)?([A-Za-z0-9_.-]+)(?:[{_JS_SPACE}]*=[{_JS_SPACE}]*?|:[{_JS_SPACE}]+?)"
    f"([{_JS_SPACE}]*'(?:\\\\'|[^'])*'|[{_JS_SPACE}]*\"(?:\\\\\"|[^\"])*\"|[{_JS_SPACE}]*`(?:\\\\`|[^`])*`"
    f"|[^#\r\n]+)?[{_JS_SPACE}]*(?:#[^\n\r\u2028\u2029]*)?{_JS_EOL}"
)
_QUOTED = f"{_JS_BOL}([\'\"`])([\\s\\S]*)\\1{_JS_EOL}"


def _normalize(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")  # dotenv: /\r\n?/g -> \n


def _dotenv_entries(text: str) -> list[tuple[str, str, re.Match[str]]]:
    """(name, value, match) for each assignment Node's dotenv.parse finds in `text` (already normalized)."""
    entries = []
    for m in re.finditer(_DOTENV_LINE, text, re.M):
        value = (m.group(2) or "").strip(_JS_TRIM)
        quote = value[:1]
        value = re.sub(_QUOTED, r"\2", value, flags=re.M)
        if quote == '"':
            value = value.replace("\\n", "\n").replace("\\r", "\r")
        entries.append((m.group(1), value, m))
    return entries


def parse_env_text(text: str) -> dict[str, str]:
    """What Node's dotenv.parse (OpenClaw's reader) makes of `text`: the last assignment of a name wins,
    a quoted value may span lines, `# note` after an unquoted value is a comment."""
    return {name: value for name, value, _ in _dotenv_entries(_normalize(text))}


def read_env_file(state: StrPath | None = None) -> dict[str, str]:
    """`<state>/.env` as OpenClaw reads it (utf8 with U+FFFD for bad bytes, then dotenv.parse)."""
    raw = fsio.read_bytes_or_none(env_file_path(state))
    return parse_env_text((raw or b"").decode("utf-8", "replace")) if raw else {}


# Needs no quoting in bash, sh, systemd EnvironmentFile or dotenv (Node and Python): no `$`, backquote,
# backslash, quotes, `#`, whitespace, `;&|<>(){}[]*?!~`.
_PLAIN_VALUE = r"[A-Za-z0-9_.+/=:@%,-]+"


def env_line(name: str, value: str) -> str:
    """`NAME=value` that bash, sh, systemd's EnvironmentFile and dotenv readers all read as the literal value.

    A value of plain characters is written as it is; anything else in single quotes, which all four
    read literally (no expansion, no escapes). A value that single quotes cannot carry (a quote, a
    backslash, control characters, non-ASCII) is refused rather than written in a way one reader
    would misread (issue 11.8).
    """
    if not re.fullmatch(_ENV_NAME, name):
        raise ValidationError(f"Invalid environment variable name {clean(name)!r}: use A-Z, 0-9 and _")
    if not value:
        raise ValidationError("The value must not be empty")
    if re.fullmatch(_PLAIN_VALUE, value):
        return f"{name}={value}"
    # `${` too: python-dotenv expands `${VAR}` even inside single quotes, and nothing can escape it there.
    if not value.isascii() or not value.isprintable() or "'" in value or "\\" in value or "${" in value:
        raise ValidationError(f"The value for {name} holds characters that cannot be written to .env safely "
                              "(quotes, backslashes, `${`, control or non-ASCII characters); set it in the service's "
                              "environment instead")
    return f"{name}='{value}'"


def write_env_var(name: str, value: str, state: StrPath | None = None) -> Path:
    """Set NAME=value in `<state>/.env` (0600): only the line(s) that dotenv reads as NAME are replaced, or
    one line is appended; every other byte stays as it was (bytes that are no UTF-8, CRLF line ends,
    a quoted multi-line value that merely contains `NAME=` text, comments).

    Leftover temp files of an interrupted write (they hold the keys) are removed under the lock.
    """
    line_for_value = env_line(name, value)
    from openclaw_onboard.core import locking

    path = env_file_path(state)
    with locking.hold(path.with_name(path.name + ".lock")):
        fsio.remove_stale_temps(path.parent, path.name)
        raw = fsio.read_bytes_or_none(path) or b""
        data = _with_env_line(raw, name, line_for_value)
        if parse_env_text(data.decode("utf-8", "replace")).get(name) != value:  # never write what reads back wrong
            raise ValidationError(f"Could not write {name} to {clean(path)} so that it reads back unchanged; "
                                  "nothing was written: set it in the service's environment instead")
        fsio.atomic_write_bytes(path, data)
    return path


def _with_env_line(raw: bytes, name: str, line: str) -> bytes:
    """`raw` with NAME's assignments replaced by `line` (the first; the others removed), or `line` appended.

    Decoded with surrogateescape, so bytes that are no UTF-8 come back out as the same bytes. dotenv
    parses the text with line ends normalized; the spans it reports are mapped back to the original."""
    text = raw.decode("utf-8", "surrogateescape")
    normalized, origin = _normalize_with_map(text)
    spans: list[tuple[int, int]] = []
    for key, _, m in _dotenv_entries(normalized):
        if key != name:
            continue
        start = normalized.rfind("\n", 0, m.start(1)) + 1  # the line the name is on (with `export`, indent)
        end_value = m.end(2) if m.group(2) is not None else m.end(1)
        newline = normalized.find("\n", end_value)
        end = len(normalized) if newline < 0 else newline  # the rest of that line: spaces, `# comment`
        spans.append((origin[start], origin[end]))
    if not spans:
        sep = "" if not text or text.endswith(("\n", "\r")) else "\n"
        return (text + sep + line + "\n").encode("utf-8", "surrogateescape")
    out: list[str] = []
    pos = 0
    for i, (start, end) in enumerate(spans):
        out.append(text[pos:start])
        if i == 0:
            out.append(line)
            # Our line ends in a bare LF: after `NAME='v'` a CR would be part of the value for `set -a; . .env`
            # (dotenv drops it; a shell does not). Every other line keeps its own line end.
            pos = end + (1 if text.startswith("\r\n", end) else 0)
        else:  # a later duplicate: its line goes, with its line end
            pos = end + (2 if text.startswith("\r\n", end) else 1 if end < len(text) else 0)
    out.append(text[pos:])
    return "".join(out).encode("utf-8", "surrogateescape")


def _normalize_with_map(text: str) -> tuple[str, list[int]]:
    """`_normalize(text)` and, for each of its positions (and its end), the position in `text`."""
    chars: list[str] = []
    origin: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        origin.append(i)
        if c == "\r":
            chars.append("\n")
            i += 2 if text.startswith("\r\n", i) else 1
        else:
            chars.append(c)
            i += 1
    origin.append(n)
    return "".join(chars), origin
