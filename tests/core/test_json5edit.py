"""In-place edits of openclaw.json: comments and formatting survive; the result says exactly what we meant."""

from __future__ import annotations

import copy
import functools
import json
import math
from pathlib import Path

import json5
import pyjson5
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openclaw_onboard.core import config, json5edit
from openclaw_onboard.core.errors import OpenClawError

COMMENTED = """\
// OpenClaw config, kept by hand
{
  /* the gateway */
  gateway: { mode: 'local', port: 18789, },  // local only
  env: { ANTHROPIC_API_KEY: "${ANTHROPIC_API_KEY}" },
  auth: {
    profiles: {
      "anthropic:work": { provider: "anthropic", mode: "token" }, // work account
    },
    // nothing else here yet
  },
  meta: { lastTouchedVersion: "2026.4.26" },
}
"""

keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8)
scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=6)
values = st.recursive(scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(keys, c, max_size=3), max_leaves=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=st.dictionaries(keys, values, max_size=4), path=st.lists(keys, min_size=1, max_size=3), value=values,
       style=st.sampled_from(["json", "commented"]))
def test_property_set_value_sets_exactly_that_value(doc, path, value, style):
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if style == "commented":
        text = "// head\n" + text.replace("{\n", "{ // open\n", 1) + "\n/* tail */\n"
    expected = copy.deepcopy(doc)
    node = expected
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    try:
        edited = json5edit.set_value(text, path, value)
    except json5edit.Json5EditError:
        # Only when an existing value on the way is not an object (then we never write).
        walk = doc
        for key in path[:-1]:
            assert key in walk
            walk = walk[key]
            if not isinstance(walk, dict):
                return
        raise
    assert json5.loads(edited) == expected
    if style == "commented":
        assert edited.startswith("// head\n") and edited.rstrip().endswith("/* tail */")


@settings(max_examples=200, deadline=None)
@given(doc=st.dictionaries(keys, values, min_size=1, max_size=4), data=st.data())
def test_property_delete_key_removes_exactly_that_member(doc, data):
    key = data.draw(st.sampled_from(sorted(doc)))
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    expected = {k: v for k, v in doc.items() if k != key}
    assert json5.loads(json5edit.delete_key(text, [key])) == expected


def test_register_profile_keeps_every_comment_and_openclaw_syntax(tmp_path: Path):
    path = tmp_path / "openclaw.json"
    path.write_text(COMMENTED)
    config.register_profile("openrouter:manual", "openrouter", "token", state=tmp_path)
    text = path.read_text()
    for kept in ("// OpenClaw config, kept by hand", "/* the gateway */", "// local only", "// work account",
                 "// nothing else here yet", '"${ANTHROPIC_API_KEY}"', "mode: 'local'"):
        assert kept in text
    cfg = json5.loads(text)
    assert cfg["auth"]["profiles"]["openrouter:manual"] == {"provider": "openrouter", "mode": "token"}
    assert cfg["gateway"] == {"mode": "local", "port": 18789}
    assert json5.loads(path.with_name("openclaw.json.bak").read_text()) == json5.loads(COMMENTED)
    assert path.stat().st_mode & 0o777 == 0o600


def test_backups_rotate_like_openclaws(tmp_path: Path):
    path = tmp_path / "openclaw.json"
    path.write_text(COMMENTED)
    for n in range(6):
        config.register_profile(f"openrouter:n{n}", "openrouter", "token", state=tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("openclaw.json.bak"))
    assert names == ["openclaw.json.bak", "openclaw.json.bak.1", "openclaw.json.bak.2", "openclaw.json.bak.3",
                     "openclaw.json.bak.4"]
    assert "openrouter:n4" in json5.loads((tmp_path / "openclaw.json.bak").read_text())["auth"]["profiles"]


def test_a_write_that_would_halve_a_large_file_is_refused(tmp_path: Path):
    path = tmp_path / "openclaw.json"
    big = {"auth": {"profiles": {f"p{i}:x": {"provider": f"p{i}", "mode": "token"} for i in range(40)}}}
    path.write_text(json.dumps(big, indent=2))
    before = path.read_bytes()

    def drop_all(auth):
        auth.profiles.clear()

    with pytest.raises(OpenClawError, match="shrink"):
        config.update_auth(drop_all, tmp_path)
    assert path.read_bytes() == before


def test_auth_from_an_include_is_never_flattened(tmp_path: Path):
    path = tmp_path / "openclaw.json"
    path.write_text('{ auth: { $include: "./auth.json5" } }\n')
    before = path.read_bytes()
    with pytest.raises(OpenClawError, match="include"):
        config.register_profile("openrouter:manual", "openrouter", "token", state=tmp_path)
    assert path.read_bytes() == before


# ---- a strict JSON file stays strict JSON (issue 21): jq and every later fast read depend on it

STRICT = {"gateway": {"mode": "local"},
          "auth": {"profiles": {"a:1": {"provider": "a", "mode": "token"}, "b:1": {"provider": "b", "mode": "token"},
                                "c:1": {"provider": "c", "mode": "token"}}}}
STRICT_EDITS = {
    "add": lambda t: json5edit.set_value(t, ["auth", "profiles", "d:1"], {"provider": "d", "mode": "token"}),
    "replace": lambda t: json5edit.set_value(t, ["auth", "profiles", "b:1"], {"provider": "b", "mode": "oauth"}),
    "remove last": lambda t: json5edit.delete_key(t, ["auth", "profiles", "c:1"]),
    "remove first": lambda t: json5edit.delete_key(t, ["auth", "profiles", "a:1"]),
    "remove middle": lambda t: json5edit.delete_key(t, ["auth", "profiles", "b:1"]),
    "remove a whole last section": lambda t: json5edit.delete_key(t, ["auth"]),
    "nested creation": lambda t: json5edit.set_value(t, ["secrets", "providers", "op"], {"source": "exec"}),
    "remove every profile": lambda t: functools.reduce(
        lambda text, pid: json5edit.delete_key(text, ["auth", "profiles", pid]), ["c:1", "a:1", "b:1"], t),
}


@pytest.mark.parametrize("indent", [2, None, "\t"])
@pytest.mark.parametrize("edit", sorted(STRICT_EDITS))
def test_a_strict_json_file_stays_strict_json_after_every_kind_of_edit(edit, indent):
    text = json.dumps(STRICT, indent=indent) + "\n"
    edited = STRICT_EDITS[edit](text)
    json.loads(edited)  # no trailing comma, nothing JSON5-only
    edited = STRICT_EDITS[edit](edited)  # and again on the result
    json.loads(edited)


def test_removing_the_last_profile_leaves_no_dangling_comma():
    text = json.dumps(STRICT, indent=2)
    edited = json5edit.delete_key(text, ["auth", "profiles", "c:1"])
    assert "},\n    }" not in edited
    assert json.loads(edited)["auth"]["profiles"].keys() == {"a:1", "b:1"}


def test_a_json5_trailing_comma_stays_where_the_file_had_one():
    text = '{\n  a: 1,\n  b: 2,\n}\n'
    assert json5edit.delete_key(text, ["b"]) == '{\n  a: 1,\n}\n'
    assert json5edit.set_value(text, ["c"], 3) == '{\n  a: 1,\n  b: 2,\n  "c": 3,\n}\n'


@settings(max_examples=200, deadline=None)
@given(doc=st.dictionaries(keys, values, min_size=1, max_size=5), data=st.data())
def test_property_strict_json_in_strict_json_out(doc, data):
    text = json.dumps(doc, indent=data.draw(st.sampled_from([2, None])), ensure_ascii=False)
    if data.draw(st.booleans()):
        edited = json5edit.delete_key(text, [data.draw(st.sampled_from(sorted(doc)))])
    else:
        try:
            edited = json5edit.set_value(text, data.draw(st.lists(keys, min_size=1, max_size=2)), data.draw(values))
        except json5edit.Json5EditError:
            return  # a value on the way is no object: nothing written (test_property_set_value_...)
    json.loads(edited)


# ---- the whole JSON5 grammar: every WhiteSpace and LineTerminator, NaN/Infinity/+1/hex, unquoted keys

# JSON5 5.1: WhiteSpace is TAB VT FF SP NBSP BOM and any Unicode Zs; LineTerminator LF CR LS PS.
JSON5_SPACE = "\t\x0b\x0c \u00a0\ufeff\u1680\u2000\u2005\u200a\u202f\u205f\u3000\n\r\u2028\u2029"
space = st.text(st.sampled_from(JSON5_SPACE), max_size=3)
gap = st.one_of(space, space.map(lambda s: s + "/* c */"), space.map(lambda s: s + "// c\n"),
                space.map(lambda s: s + "// c\u2028"))
ident = st.from_regex(r"[A-Za-z_$][A-Za-z0-9_$]{0,5}", fullmatch=True).filter(
    lambda k: k not in {"true", "false", "null", "NaN", "Infinity"})
json5_number = st.sampled_from([("NaN", math.nan), ("+1", 1), ("-Infinity", -math.inf), ("Infinity", math.inf),
                                ("0x1F", 31), ("-0XaB", -171), (".5", 0.5), ("5.", 5.0), ("+.5e1", 5.0),
                                ("1e3", 1000.0), ("0", 0)])


@st.composite
def json5_docs(draw, depth=0):
    """(JSON5 text, the value it means), in every syntax JSON5 allows."""
    items = []
    value = {}
    for _ in range(draw(st.integers(0, 3))):
        key = draw((ident | keys).filter(lambda k: k not in value))  # a repeated key: see write_edits' check
        key_text = key if _is_ident(key) and draw(st.booleans()) else draw(
            st.sampled_from([json.dumps(key, ensure_ascii=False), "'" + json.dumps(key)[1:-1].replace("'", "\\'")
                             .replace('\\"', '"') + "'"]))
        if depth < 2 and draw(st.booleans()):
            child_text, child = draw(json5_docs(depth + 1))
        else:
            child_text, child = draw(json5_number | _plain_scalars())
        items.append(f"{draw(gap)}{key_text}{draw(gap)}:{draw(gap)}{child_text}{draw(gap)}")
        value.pop(key, None)
        value[key] = child
    trailing = "," + draw(gap) if items and draw(st.booleans()) else ""
    return "{" + ",".join(items) + trailing + draw(gap) + "}", value


def _plain_scalars():
    return (st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=4)).map(
        lambda v: (json.dumps(v, ensure_ascii=False), v))


def _is_ident(key):
    return bool(json5edit._IDENT.fullmatch(key)) and key.isascii()


def _same(a, b):
    return config.same(a, b)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=json5_docs(), path=st.lists(ident, min_size=1, max_size=3), value=values, lead=gap, tail=gap)
def test_property_json5_set_value_against_a_reference_parser(doc, path, value, lead, tail):
    text, meant = doc
    text = lead + text + tail
    assert _same(pyjson5.loads(text), meant)  # the generator writes valid JSON5 (checked by the reference)
    expected = copy.deepcopy(meant)
    node = expected
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            if key in node:
                with pytest.raises(json5edit.Json5EditError):
                    json5edit.set_value(text, path, value)
                return
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    assert _same(pyjson5.loads(json5edit.set_value(text, path, value)), expected)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=json5_docs().filter(lambda d: bool(d[1])), data=st.data(), lead=gap)
def test_property_json5_delete_key_against_a_reference_parser(doc, data, lead):
    text, meant = doc
    key = data.draw(st.sampled_from(sorted(meant)))
    expected = {k: v for k, v in meant.items() if k != key}
    assert _same(pyjson5.loads(json5edit.delete_key(lead + text, [key])), expected)


def test_register_profile_in_a_config_with_a_form_feed_a_nan_and_json5_numbers(tmp_path: Path):
    path = tmp_path / "openclaw.json"
    path.write_text("\x0c{\x0b gateway: { mode: 'local', ratio: NaN, port: +18789, mask: 0xFF, max: Infinity },"
                    "\u3000auth: {\u00a0profiles: {}\u2028},\u2029}\n")
    config.register_profile("openrouter:manual", "openrouter", "token", state=tmp_path)
    cfg = pyjson5.loads(path.read_text())
    assert cfg["auth"]["profiles"] == {"openrouter:manual": {"provider": "openrouter", "mode": "token"}}
    assert cfg["gateway"]["port"] == 18789 and cfg["gateway"]["mask"] == 255 and math.isnan(cfg["gateway"]["ratio"])
    assert path.read_text().startswith("\x0c{\x0b gateway: { mode: 'local', ratio: NaN, port: +18789, mask: 0xFF,")


# ---- core.configfile reads JSON5 as pyjson5 does, taking json's fast way for comments and trailing commas

@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=json5_docs(), lead=gap, tail=gap, junk=st.sampled_from(["", "[,]", "{,}", ",", "'", "\\\n", "/*"]),
       where=st.integers(0, 10_000))
def test_property_the_config_reader_means_what_json5_means(doc, lead, tail, junk, where):
    from openclaw_onboard.core import configfile
    from openclaw_onboard.core.errors import StoreCorruptError

    text = lead + doc[0] + tail
    at = where % (len(text) + 1)
    text = text[:at] + junk + text[at:]  # sometimes no JSON5 at all: then both refuse it
    try:
        meant = pyjson5.loads(text)
    except pyjson5.Json5Exception:
        with pytest.raises(StoreCorruptError):
            configfile.parse("openclaw.json", text.encode())
        return
    assert _same(configfile.parse("openclaw.json", text.encode()), meant)


@pytest.mark.parametrize(("text", "meant"), [
    ('// c\n{"a": "x // y /* z */", "b": [1, 2,], /* c */}', {"a": "x // y /* z */", "b": [1, 2]}),
    ('{"a": "a /* \\\n */ b"}', {"a": "a /*  */ b"}),  # a JSON5 line continuation: not a comment
    ("{'a': '//', \"b\": 1,}", {"a": "//", "b": 1}),
])
def test_the_config_reader_on_comments_in_strings(text, meant):
    from openclaw_onboard.core import configfile

    assert configfile.parse("openclaw.json", text.encode()) == meant
