"""core.jsonscan.loads is json.loads: same values, same exception types and messages (issue #15)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openclaw_onboard.core import jsonscan

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
whitespace = st.text(alphabet=" \t\n\r\x0b\x0c\u00a0", max_size=3)


def _outcome(fn, *args, **kwargs):
    """("ok", value) or ("error", type, message): NaN compared by its repr."""
    try:
        value = fn(*args, **kwargs)
    except Exception as exc:
        return ("error", type(exc), str(exc))
    return ("ok", json.dumps(value, sort_keys=True), repr(value))


def _same(data, **kwargs):
    assert _outcome(jsonscan.loads, data, **kwargs) == _outcome(json.loads, data, **kwargs)


@settings(max_examples=300, deadline=None)
@given(value=json_values, before=whitespace, after=whitespace, indent=st.sampled_from([None, 0, 2]))
def test_documents_parse_as_json_loads_parses_them(value, before, after, indent):
    text = before + json.dumps(value, indent=indent, ensure_ascii=False) + after
    _same(text)
    _same(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list('{}[]",:0123456789.eE+-tfnrulsaNIy \t\n\r\\/\ufeffx\x00é😀')),
               max_size=40))
def test_any_text_gives_json_loads_result_or_error(text):
    _same(text)
    _same(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=24))
def test_any_bytes_give_json_loads_result_or_error(raw):
    _same(raw)


@pytest.mark.parametrize("data", [
    b'\xef\xbb\xbf{"a": 1}',  # UTF-8 BOM: json.detect_encoding's utf-8-sig
    '{"a": 1}'.encode("utf-16"), '{"a": 1}'.encode("utf-16-le"), '{"a": 1}'.encode("utf-32"),
    '\ufeff{"a": 1}',  # a BOM in text: json.loads refuses it
    '{"a": 1} x', '{"a": 1}{}', "", "   ", '{"a": NaN}', '[-Infinity, Infinity]', "1e999", '"\ud800"',
    '{"a": "\\ud83d\\ude00"}', '{"a": 1, "a": 2}', "[" * 100_000 + "]" * 100_000,
])
def test_edge_cases_match_json_loads(data):
    _same(data)


def test_parse_constant_is_applied_as_json_loads_applies_it():
    def refuse(name: str) -> None:
        raise ValueError(f"no {name}")

    for text in ('{"a": NaN}', "[Infinity]", "-Infinity", '{"a": 1}'):
        _same(text, parse_constant=refuse)
    assert math.isnan(jsonscan.loads("NaN"))


def test_without_the_c_scanner_json_loads_does_the_work(monkeypatch):
    monkeypatch.setattr(jsonscan, "_make_scanner", None)
    monkeypatch.setattr(jsonscan, "_scanners", {})
    assert jsonscan.loads('{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
    with pytest.raises(json.JSONDecodeError):
        jsonscan.loads("{")
