"""Edit a JSON5 document in place: change the values at a few key paths and keep every other byte.

openclaw.json is written by people (comments, unquoted keys, trailing commas, `$include`,
`${VAR}`). Rewriting it from a parsed dict would drop all of that, and OpenClaw's read-time guard
may then take the file for a damaged one and restore its backup, undoing our change. So we parse
just enough to know where each value starts and ends, and splice new JSON text in there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# ECMAScript IdentifierName, as JSON5 allows for keys: Unicode letters, `$`, `_`, `\\uXXXX` escapes.
_IDENT = re.compile(r"(?:[^\W\d]|\$|\\u[0-9a-fA-F]{4})(?:[\w$\u200c\u200d]|\\u[0-9a-fA-F]{4})*")
_NUMBER = re.compile(r"[+-]?(?:Infinity|NaN|0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![\w$])")
# JSON5 WhiteSpace (TAB VT FF SP NBSP BOM and every Unicode "Zs" space) and LineTerminator (LF CR LS PS).
_LINE_END = "\n\r\u2028\u2029"
_SPACE = frozenset("\t\x0b\x0c \u00a0\ufeff\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                   "\u2009\u200a\u202f\u205f\u3000" + _LINE_END)
_LINE_END_RE = re.compile(f"[{_LINE_END}]")


class Json5EditError(ValueError):
    pass


@dataclass
class Member:
    key_start: int
    value: Node
    comma: int = -1  # index of the comma after the value, -1 when none follows it


@dataclass
class Node:
    start: int  # first character of the value
    end: int  # one past its last character
    kind: str  # object | array | scalar
    members: dict[str, Member] = field(default_factory=dict)  # object only, in document order
    close: int = -1  # index of the closing brace / bracket


def _json5_string(literal: str) -> str:
    import pyjson5  # lazy: only for strings JSON cannot read (single quotes, JSON5 escapes)

    try:
        value = pyjson5.loads(literal)
    except ValueError:
        raise Json5EditError("bad string") from None
    if not isinstance(value, str):
        raise Json5EditError("bad string")
    return value


def _ident_key(name: str) -> str:
    if "\\" not in name:
        return name
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), name)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def skip(self) -> None:
        t = self.text
        while self.i < len(t):
            c = t[self.i]
            if c in _SPACE:
                self.i += 1
            elif t.startswith("//", self.i):
                nl = _LINE_END_RE.search(t, self.i)
                self.i = len(t) if nl is None else nl.end()
            elif t.startswith("/*", self.i):
                end = t.find("*/", self.i + 2)
                if end < 0:
                    raise Json5EditError("unterminated comment")
                self.i = end + 2
            else:
                return

    def string(self) -> str:
        t, quote = self.text, self.text[self.i]
        j = self.i + 1
        while j < len(t):
            if t[j] == "\\":
                j += 2
                continue
            if t[j] == quote:
                literal = t[self.i:j + 1]
                self.i = j + 1
                try:
                    return json.loads(literal) if quote == '"' else _json5_string(literal)
                except ValueError:
                    return _json5_string(literal)
            j += 1
        raise Json5EditError("unterminated string")

    def value(self) -> Node:
        self.skip()
        if self.i >= len(self.text):
            raise Json5EditError("unexpected end of document")
        c = self.text[self.i]
        start = self.i
        if c == "{":
            return self.obj()
        if c == "[":
            return self.arr()
        if c in "\"'":
            self.string()
            return Node(start, self.i, "scalar")
        m = _NUMBER.match(self.text, self.i) or _IDENT.match(self.text, self.i)
        if not m:
            raise Json5EditError(f"unexpected {c!r} at offset {self.i}")
        self.i = m.end()
        return Node(start, self.i, "scalar")

    def obj(self) -> Node:
        node = Node(self.i, -1, "object")
        self.i += 1
        while True:
            self.skip()
            if self.i >= len(self.text):
                raise Json5EditError("unterminated object")
            if self.text[self.i] == "}":
                node.close = self.i
                self.i += 1
                node.end = self.i
                return node
            key_start = self.i
            if self.text[self.i] in "\"'":
                key = self.string()
            else:
                m = _IDENT.match(self.text, self.i)
                if not m:
                    raise Json5EditError(f"bad key at offset {self.i}")
                key, self.i = _ident_key(m.group()), m.end()
            self.skip()
            if self.i >= len(self.text) or self.text[self.i] != ":":
                raise Json5EditError(f"expected ':' at offset {self.i}")
            self.i += 1
            member = Member(key_start, self.value())
            node.members.pop(key, None)  # a repeated key: the last one counts (and stays last in order)
            node.members[key] = member
            self.skip()
            if self.i < len(self.text) and self.text[self.i] == ",":
                member.comma = self.i
                self.i += 1
            elif self.i < len(self.text) and self.text[self.i] != "}":
                raise Json5EditError(f"expected ',' or '}}' at offset {self.i}")

    def arr(self) -> Node:
        node = Node(self.i, -1, "array")
        self.i += 1
        while True:
            self.skip()
            if self.i >= len(self.text):
                raise Json5EditError("unterminated array")
            if self.text[self.i] == "]":
                node.close = self.i
                self.i += 1
                node.end = self.i
                return node
            self.value()
            self.skip()
            if self.i < len(self.text) and self.text[self.i] == ",":
                self.i += 1
            elif self.i < len(self.text) and self.text[self.i] != "]":
                raise Json5EditError(f"expected ',' or ']' at offset {self.i}")


def parse(text: str) -> Node:
    parser = _Parser(text)
    root = parser.value()
    parser.skip()
    if parser.i != len(text):
        raise Json5EditError(f"unexpected text after the document at offset {parser.i}")
    if root.kind != "object":
        raise Json5EditError("the document is not an object")
    return root


def _line_indent(text: str, pos: int) -> str:
    line_start = text.rfind("\n", 0, pos) + 1
    m = re.match(r"[ \t]*", text[line_start:])
    return m.group() if m else ""


def _unit(text: str) -> str:
    m = re.search(r"\n([ \t]+)\S", text)
    return m.group(1) if m else "  "


def _dump(value: Any, indent: str, unit: str) -> str:
    body = json.dumps(value, indent=len(unit) if unit.strip(" ") == "" else 1, ensure_ascii=False)
    if unit.startswith("\t"):
        body = re.sub(r"(?m)^( +)", lambda m: "\t" * len(m.group(1)), body)
    return body.replace("\n", "\n" + indent)


def set_value(text: str, path: list[str], value: Any) -> str:
    """`text` with the value at `path` replaced by `value` (created, with any missing parents)."""
    root = parse(text)
    unit = _unit(text)
    node = root
    for depth, key in enumerate(path):
        if node.kind != "object":
            raise Json5EditError(f"{'.'.join(path[:depth])} is not an object")
        if key not in node.members:
            rest: Any = value
            for k in reversed(path[depth + 1:]):
                rest = {k: rest}
            return _insert(text, node, key, rest, unit)
        key_start, node = node.members[key].key_start, node.members[key].value
        if depth == len(path) - 1:
            indent = _line_indent(text, key_start)
            return text[:node.start] + _dump(value, indent, unit) + text[node.end:]
    raise Json5EditError("empty path")


def _insert(text: str, obj: Node, key: str, value: Any, unit: str) -> str:
    if obj.members:
        last_member = list(obj.members.values())[-1]
        last = last_member.value
        indent = _line_indent(text, last_member.key_start)
        # After the last member (and its comma, if any); comments on that line stay with it. A trailing
        # comma is kept only where the file already had one: strict JSON stays strict JSON.
        j = last.end
        has_comma = last_member.comma >= 0
        insert_at = last_member.comma + 1 if has_comma else j
        entry = f"{json.dumps(key, ensure_ascii=False)}: {_dump(value, indent, unit)}"
        comma = "" if has_comma else ","
        trailing = "," if has_comma else ""
        line_end = text.find("\n", insert_at)
        if line_end != -1 and line_end < obj.close and text[insert_at:line_end].strip().startswith("//"):
            insert_at = line_end  # keep a trailing line comment on the line it belongs to
            return text[:j] + comma + text[j:insert_at] + f"\n{indent}{entry}{trailing}" + text[insert_at:]
        return text[:insert_at] + f"{comma}\n{indent}{entry}{trailing}" + text[insert_at:]
    indent = _line_indent(text, obj.start)
    inner = indent + unit
    entry = f"{json.dumps(key, ensure_ascii=False)}: {_dump(value, inner, unit)}"
    body = text[obj.start + 1:obj.close]
    if body.strip():  # only comments inside: keep them, add after
        return text[:obj.close].rstrip() + f"\n{inner}{entry}\n{indent}" + text[obj.close:]
    return text[:obj.start + 1] + f"\n{inner}{entry}\n{indent}" + text[obj.close:]


def delete_key(text: str, path: list[str]) -> str:
    """`text` without the member at `path` (unchanged if it is not there)."""
    root = parse(text)
    node = root
    for key in path[:-1]:
        if node.kind != "object" or key not in node.members:
            return text
        node = node.members[key].value
    if node.kind != "object" or path[-1] not in node.members:
        return text
    entry = node.members[path[-1]]
    key_start, member = entry.key_start, entry.value
    start = key_start
    # Take the whole line when the member stands alone on it.
    line_start = max(text.rfind(c, 0, start) for c in _LINE_END) + 1
    if text[line_start:start].strip() == "":
        start = line_start
    end = member.end if entry.comma < 0 else entry.comma + 1
    nl = _LINE_END_RE.search(text, end)
    if nl is not None and (text[end:nl.start()].strip() == "" or text[end:nl.start()].strip().startswith("//")):
        end = nl.end()  # the rest of its line, with the comment that belonged to it
    members = list(node.members.values())
    before = members[members.index(entry) - 1] if members.index(entry) > 0 else None
    if entry.comma < 0 and before is not None and before.comma >= 0:
        # The last member goes and had no comma after it: the one before it becomes last and loses its
        # comma, or a strict JSON file would be left with `},\n}` (jq and every JSON reader refuse it).
        return text[:before.comma] + text[before.comma + 1:start] + text[end:]
    return text[:start] + text[end:]
