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


def read_env_file(state: StrPath | None = None) -> dict[str, str]:
    """`<state>/.env` as a dict (simple KEY=VALUE lines; quotes stripped)."""
    raw = fsio.read_bytes_or_none(env_file_path(state))
    result: dict[str, str] = {}
    for line in (raw or b"").decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        result[name.strip()] = value
    return result


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
    """Set NAME=value in `<state>/.env` (0600), replacing an existing line rather than duplicating it.

    Leftover temp files of an interrupted write (they hold the keys) are removed under the lock.
    """
    line_for_value = env_line(name, value)
    from openclaw_onboard.core import locking

    path = env_file_path(state)
    with locking.hold(path.with_name(path.name + ".lock")):
        fsio.remove_stale_temps(path.parent, path.name)
        raw = fsio.read_bytes_or_none(path)
        lines = (raw or b"").decode("utf-8", "replace").splitlines()
        out: list[str] = []
        replaced = False
        for line in lines:
            key = line.strip().removeprefix("export ").partition("=")[0].strip()
            if key == name:
                if not replaced:
                    out.append(line_for_value)
                    replaced = True
                continue  # drop duplicates of the same variable
            out.append(line)
        if not replaced:
            out.append(line_for_value)
        fsio.atomic_write_bytes(path, ("\n".join(out) + "\n").encode())
    return path
