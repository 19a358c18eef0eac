"""Reading `<state>/openclaw.json`: the one place that opens and parses it, `$include`s resolved as OpenClaw does.

Strict JSON is parsed with the standard library; anything else (comments, unquoted keys, trailing
commas, NaN...) with pyjson5, a compiled JSON5 parser (the pure-Python `json5` package took 2.4 s on a
64 KB file). Every file goes through core.fsio's bounded, trust-checked read.

`$include` follows OpenClaw 2026.4.26 (config/includes.ts): in any object, `"$include": "f"` or
`["f", "g"]` is replaced by the included file(s), merged in order; sibling keys are merged over them
(objects recursively, arrays concatenated, anything else: the sibling wins). Paths are relative to
the including file and must stay inside the root config's directory; at most 10 levels; no cycles.
core.config writes through the same model (`ConfigFile.files`), so an edit lands in the file that
owns the key.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from openclaw_onboard.core import fsio
from openclaw_onboard.core.errors import StoreCorruptError
from openclaw_onboard.core.paths import config_path

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

INCLUDE_KEY = "$include"
MAX_INCLUDE_DEPTH = 10
_BLOCKED_KEYS = frozenset({"__proto__", "prototype", "constructor"})  # OpenClaw's isBlockedObjectKey


class SourceFile:
    """One file of the config as written: its text and what it parses to before includes are resolved."""

    __slots__ = ("path", "raw", "text")

    def __init__(self, path: str, text: str, raw: Any) -> None:
        self.path, self.text, self.raw = path, text, raw


class ConfigFile:
    __slots__ = ("exists", "files", "path", "raw")

    def __init__(self, path: str, exists: bool, raw: dict[str, Any],
                 files: dict[str, SourceFile] | None = None) -> None:
        self.path = path
        self.exists = exists
        self.raw = raw  # the whole config as OpenClaw sees it: includes resolved
        self.files = files or {}  # the root file first, then every include

    @property
    def text(self) -> str:
        return self.files[self.path].text if self.exists else ""


def parse(path: str, raw_bytes: bytes) -> Any:
    """One file's bytes as JSON5: the standard library when it is strict JSON, or strict JSON once its
    comments and trailing commas are taken out (what most hand-kept configs add); pyjson5 otherwise.
    (pyjson5's import alone, with the dataclasses and inspect it pulls in, costs about half of a whole
    `models status --check`: the 64 KB-with-one-comment budget, bench/config_json5.py, needs this.)"""
    try:
        return fsio.loads_plain(raw_bytes)
    except ValueError:
        pass
    try:
        return fsio.loads_plain(_without_comments_and_trailing_commas(raw_bytes.decode("utf-8-sig")))
    except ValueError:  # any other JSON5 (or no JSON5): the first place this reading differs fails in json
        return fsio.parse_json_object(path, raw_bytes, json5=True, top_level_object=False)


def _without_comments_and_trailing_commas(text: str) -> str:
    """`text` with `//` and `/* */` comments turned into a space and a comma that ends an object or array
    dropped; double-quoted strings are lexed as JSON5 does and left untouched. At the first place JSON5
    reads anything else (a single quote, an unquoted key, a JSON5 space or number), this leaves the
    character as it is and json refuses it: the result is never valid JSON that means something else
    (tests/core/test_json5edit.py holds this against pyjson5)."""
    import re

    string = r'"[^"\\]*(?:\\[\s\S][^"\\]*)*"'  # unrolled: one step per run, not per character
    # Group 1 is a whole run of code and strings without a comment (few matches, few calls).
    text = re.sub(rf'((?:[^"/]+|{string}|/(?![/*]))+)|//[^\n\r\u2028\u2029]*|/\*[\s\S]*?\*/',
                  lambda m: m.group(1) or " ", text)
    end = r"(?=[ \t\r\n]*[}\]])"

    def comma(m: re.Match[str]) -> str:
        if m.group(1):
            return m.group()
        j = m.start() - 1
        while j >= 0 and text[j] in " \t\r\n":
            j -= 1
        return m.group() if j < 0 or text[j] in "[{," else ""  # `[,]` is no JSON5 either: json refuses it

    return re.sub(rf'((?:[^",]+|{string}|,(?!{end}))+)|,{end}', comma, text)


def _parse_root(path: str, raw_bytes: bytes) -> dict[str, Any]:
    raw = parse(path, raw_bytes)
    if not isinstance(raw, dict):
        raise StoreCorruptError(path, f"expected a JSON object at the top level, found {type(raw).__name__}")
    return raw


def read(state: str | os.PathLike[str] | None = None) -> ConfigFile:
    """openclaw.json with its includes; `exists` False (and `raw` {}) when there is none.
    StoreCorruptError (naming the file and the problem) when it, or a file it includes, cannot be read."""
    path = str(config_path(state))
    raw_bytes = fsio.read_bytes_or_none(path)
    if raw_bytes is None:
        return ConfigFile(path, False, {})
    raw = _parse_root(path, raw_bytes)
    files = {path: SourceFile(path, raw_bytes.decode("utf-8-sig"), raw)}
    if INCLUDE_KEY.encode() in raw_bytes:  # cheap test first: almost no config has one

        def load(target: str) -> SourceFile:
            if target not in files:
                data = fsio.read_bytes_or_none(target)
                if data is None:
                    raise StoreCorruptError(target, "included from openclaw.json, does not exist")
                parsed = parse(target, data)  # first: it reports bytes that are no UTF-8
                files[target] = SourceFile(target, data.decode("utf-8-sig"), parsed)
            return files[target]

        raw = resolve_includes(raw, path, load)
    return ConfigFile(path, True, raw, files)


_cache: dict[str, tuple[tuple[tuple[int, int], ...], ConfigFile]] = {}


def read_cached(state: str | os.PathLike[str] | None = None) -> ConfigFile:
    """read(), kept while none of its files changes (mtime and size): resolving agent paths and the
    status read share one parse. Callers must not change what it returns; writers use read()."""
    path = str(config_path(state))
    cached = _cache.get(path)
    if cached is not None and cached[0] == _stamp(list(cached[1].files) or [path]):
        return cached[1]
    before = _stamp([path])  # taken before reading: a write meanwhile makes the next call read again
    cfg = read(state)
    stamp = _stamp(list(cfg.files) or [path])
    if stamp[:1] == before:
        _cache[path] = (stamp, cfg)
    return cfg


def read_raw_cached(state: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The resolved config, or {} when absent or unreadable (callers that must report errors use read())."""
    try:
        return read_cached(state).raw
    except (StoreCorruptError, OSError):
        return {}


def _stamp(paths: list[str]) -> tuple[tuple[int, int], ...]:
    out = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((-1, -1))
    return tuple(out)


# ---- $include (OpenClaw config/includes.ts)

def include_targets(including: str, value: Any, root_dir: str) -> list[str]:
    """The files an `$include` value names, as absolute normalised paths; StoreCorruptError when invalid."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise StoreCorruptError(including, "invalid $include value: expected a string or an array of strings")
    out = []
    root_dir = os.path.abspath(root_dir)  # a relative OPENCLAW_STATE_DIR must still compare with absolute paths
    for item in items:
        target = os.path.abspath(os.path.join(os.path.dirname(including), item))  # no `~`: OpenClaw has none
        real_root = os.path.realpath(root_dir)
        if not _inside(root_dir, target) or not _inside(real_root, os.path.realpath(target)):
            raise StoreCorruptError(including, f"$include {item!r} is outside the config directory {root_dir}")
        out.append(target)
    return out


def _inside(root: str, target: str) -> bool:
    return os.path.commonpath([root, target]) == root


def deep_merge(target: Any, source: Any) -> Any:
    """OpenClaw's deepMerge: arrays concatenate, objects merge recursively, anything else: `source` wins."""
    if isinstance(target, list) and isinstance(source, list):
        return [*target, *source]
    if isinstance(target, dict) and isinstance(source, dict):
        result = dict(target)
        for key, value in source.items():
            if key in _BLOCKED_KEYS:
                continue
            result[key] = deep_merge(result[key], value) if key in result else value
        return result
    return source


def resolve_includes(raw: Any, path: str, load: Callable[[str], SourceFile]) -> Any:
    """`raw` (parsed from `path`) with every `$include` replaced by what it names, merged as OpenClaw does."""
    root_dir = os.path.dirname(path)

    def process(obj: Any, base: str, chain: tuple[str, ...]) -> Any:
        if isinstance(obj, list):
            return [process(item, base, chain) for item in obj]
        if not isinstance(obj, dict):
            return obj
        if INCLUDE_KEY not in obj:
            return {k: process(v, base, chain) for k, v in obj.items()}
        # A list merges its files in order, starting from {} (OpenClaw's reduce); one file is taken as is.
        single = isinstance(obj[INCLUDE_KEY], str)
        included: Any = {}
        for target in include_targets(base, obj[INCLUDE_KEY], root_dir):
            if target in chain:
                raise StoreCorruptError(target, "circular $include: " + " -> ".join([*chain, target]))
            if len(chain) > MAX_INCLUDE_DEPTH:
                raise StoreCorruptError(target, f"more than {MAX_INCLUDE_DEPTH} levels of $include")
            content = process(load(target).raw, target, (*chain, target))
            included = content if single else deep_merge(included, content)
        rest = {k: process(v, base, chain) for k, v in obj.items() if k != INCLUDE_KEY}
        if not rest:
            return included
        if not isinstance(included, dict):
            raise StoreCorruptError(base, "an $include with sibling keys must include an object")
        return deep_merge(included, rest)

    return process(raw, path, (path,))
