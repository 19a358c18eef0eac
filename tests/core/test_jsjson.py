"""core.jsjson is JavaScript's JSON.stringify: the expected texts below were printed by Node 24's own
JSON.stringify (tests/interop/test_refresh_lock96.py compares with 9.6's code on generated inputs)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openclaw_onboard.core.jsjson import js_number, js_string, js_stringify


def test_strings_escape_only_what_javascript_escapes() -> None:
    values = ['a"b\\c', "\u0000\u001f\u007f\u2028\b\f\n\r\t", "é😀", "\ud800x", "\udc00\ud800"]
    expected = '["a\\"b\\\\c","\\u0000\\u001f\u007f\u2028\\b\\f\\n\\r\\t","é😀","\\ud800x","\\udc00\\ud800"]'
    assert js_stringify(values) == expected


def test_a_surrogate_pair_held_as_two_code_points_is_one_character() -> None:
    assert js_string("\ud83d\ude00") == '"😀"'


@pytest.mark.parametrize(("number", "text"), [
    (1e21, "1e+21"), (1e-7, "1e-7"), (123456789012345680000, "123456789012345680000"), (0.1, "0.1"),
    (-0.0, "0"), (100, "100"), (100.0, "100"), (1.5e-6, "0.0000015"), (2**53 + 1, "9007199254740992"),
    (1e300, "1e+300"), (5e-324, "5e-324"), (-1.25e-7, "-1.25e-7"), (0.000001, "0.000001"),
    (float("nan"), "null"), (float("inf"), "null"),
])
def test_numbers_print_as_javascript_prints_them(number: float, text: str) -> None:
    assert js_number(number) == text


def test_integer_like_keys_come_first_as_in_a_javascript_object() -> None:
    value = {"b": 1, "2": 2, "a": 3, "1": 4, "01": 5, "4294967295": 6, "4294967294": 7}
    assert js_stringify(value) == '{"1":4,"2":2,"4294967294":7,"b":1,"a":3,"01":5,"4294967295":6}'


def test_other_values() -> None:
    assert js_stringify([None, True, False, [], {}]) == "[null,true,false,[],{}]"
    with pytest.raises(TypeError):
        js_stringify({1: "x"})
    with pytest.raises(TypeError):
        js_stringify(object())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(st.characters(), max_size=5),
                                                                       children, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_what_we_write_reads_back_as_the_same_value(value: object) -> None:
    """Beyond the escapes, the text is JSON with the same meaning (key order aside)."""
    assert json.loads(js_stringify(value)) == value
