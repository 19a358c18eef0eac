"""In-place edits of openclaw.json: comments and formatting survive; the result says exactly what we meant."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import json5
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
