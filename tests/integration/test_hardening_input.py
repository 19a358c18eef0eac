"""Hostile input: the paste parser, token validation, durations, odd-but-valid JSON numbers and
strings in a store, and random command lines for the `openclaw` CLI.

Beyond the property tests in tests/core (test_oauth_units, test_tokens, test_durations,
test_hostile_json), the strategies here aim at the corners: URL syntax errors ("[" hosts),
lone surrogates, control and bidi characters, Unicode digits and spaces, huge numbers that JSON
allows but Python's int() does not, and argv made of real command words mixed with junk.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openclaw_onboard.core import store
from openclaw_onboard.core.durations import DAY_MS, HOUR_MS, MAX_DURATION_MS, MINUTE_MS, SECOND_MS, parse_duration
from openclaw_onboard.core.errors import OpenClawError, ValidationError
from openclaw_onboard.core.oauth.errors import PasteError
from openclaw_onboard.core.oauth.paste import MAX_CODE_LEN, parse_pasted
from openclaw_onboard.core.paths import agent_paths
from openclaw_onboard.core.sanitize import is_clean
from openclaw_onboard.core.tokens import SETUP_TOKEN_PREFIX, validate_setup_token, validate_token

from tests.support.hardening import cli_env, run_cli

# Every character class that has bitten a parser somewhere, surrogates included.
any_char = st.characters(blacklist_categories=())
fragments = st.sampled_from([
    "http://", "https://", "localhost", "127.0.0.1", ":1455", "/auth/callback", "?", "&", "#", "=", "code=", "state=",
    "error=", "error_description=", "[", "]", "[::1]", "%", "%zz", "%00", "%F0%9F", "+", " ", "\t", "\n", "\r\n",
    "\x00", "\x1b[31m", "\u202e", "\u200b", "\ufeff", "\ud800", "é", "💥", '"', "'", "<", ">", "`", "ac_", "abc",
    "OURSTATE", "other", "code=x&code=y", "state=OURSTATE", "://", "@", "\\", "..", "/",
])
hostile_text = st.one_of(
    st.text(any_char, max_size=200),
    st.lists(st.one_of(fragments, st.text(any_char, max_size=8)), max_size=25).map("".join),
)
_CODE_OK = re.compile(r"[A-Za-z0-9._~+/=-]+")


@settings(max_examples=1500, deadline=None)
@given(text=hostile_text, expected=st.one_of(st.none(), st.just("OURSTATE"), st.text(any_char, max_size=10)))
@example(text="http://[localhost/auth/callback?code=abc", expected="OURSTATE")
@example(text="abc#\ud800", expected="OURSTATE")
@example(text="code=abc&state=\udcff", expected="OURSTATE")
@example(text="abc#x", expected="\ud800")
@example(text="error=code=\n0", expected=None)  # issue 11.14: the server's error text had a newline
@example(text="error=\x1b]52;c;aGk=\x07&error_description=a\u202eb\r\nc", expected="OURSTATE")
def test_paste_parser_gives_a_clean_code_or_paste_error(text: str, expected: str | None) -> None:
    try:
        code = parse_pasted(text, expected)
    except PasteError as exc:
        assert str(exc) and "\n" not in str(exc)
        assert is_clean(str(exc)), repr(str(exc))  # no escape/control/bidi characters either
        return
    assert code and len(code) <= MAX_CODE_LEN
    assert _CODE_OK.fullmatch(code), repr(code)
    assert not any(c.isspace() or not c.isprintable() for c in code)


token_text = st.one_of(
    st.text(any_char, max_size=150),
    st.lists(st.one_of(st.sampled_from([SETUP_TOKEN_PREFIX, " ", "\n", "\t", "\u00a0", "\u2028", "\x00", '"', "'",
                                        "`", "é", "\ud800", "\u200b", "a" * 40, "Z" * 70]),
                       st.text(any_char, max_size=5)), max_size=12).map("".join),
)


@settings(max_examples=1000, deadline=None)
@given(raw=token_text)
def test_token_validation_only_raises_validation_error(raw: str) -> None:
    try:
        token = validate_token(raw)
    except ValidationError as exc:
        assert "\n" not in str(exc)
    else:
        assert token and token.isascii() and token.isprintable()
        assert not any(c.isspace() or c in "\"'`" for c in token)
    try:
        setup = validate_setup_token(raw)
    except ValidationError:
        pass
    else:
        assert setup.startswith(SETUP_TOKEN_PREFIX) and len(setup) >= 80


duration_text = st.one_of(
    st.text(any_char, max_size=16),
    st.builds(lambda sp1, n, sp2, u, sp3: f"{sp1}{n}{sp2}{u}{sp3}",
              st.sampled_from(["", " ", "\t", "\u00a0", "\n"]),
              st.one_of(st.integers(-10, 10**9).map(str),
                        st.sampled_from(["\u0661\u0662", "\uff11", "0x10", "1e3", "1.5", "", "+5"])),
              st.sampled_from(["", " ", "\u2003"]),
              st.sampled_from(["s", "m", "h", "d", "w", "S", "D", "y", "ms", "min", "", "\uff44"]),
              st.sampled_from(["", " ", "\n", "x"])),
)


@settings(max_examples=1500, deadline=None)
@given(text=duration_text)
def test_parse_duration_only_raises_validation_error(text: str) -> None:
    try:
        ms = parse_duration(text)
    except ValidationError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 200
        return
    assert 0 < ms <= MAX_DURATION_MS


UNITS = {"s": SECOND_MS, "m": MINUTE_MS, "h": HOUR_MS, "d": DAY_MS, "w": 7 * DAY_MS}


@settings(max_examples=500, deadline=None)
@given(n=st.integers(0, 9_999_999), unit=st.sampled_from(sorted(UNITS)), upper=st.booleans(),
       pad=st.sampled_from(["", " ", "  "]))
def test_parse_duration_round_trip_and_bounds(n: int, unit: str, upper: bool, pad: str) -> None:
    text = f"{pad}{n}{pad}{unit.upper() if upper else unit}{pad}"
    ms = n * UNITS[unit]
    if 0 < ms <= MAX_DURATION_MS:
        assert parse_duration(text) == ms
    else:
        with pytest.raises(ValidationError):
            parse_duration(text)


def test_parse_duration_exact_limits() -> None:
    assert parse_duration("3660d") == MAX_DURATION_MS
    assert parse_duration(f"{MAX_DURATION_MS // MINUTE_MS}m") == MAX_DURATION_MS  # 5270400m
    assert parse_duration("9999999s") == 9_999_999 * SECOND_MS  # seven digits at most
    for text in ("3661d", f"{MAX_DURATION_MS // MINUTE_MS + 1}m", "0s", "0w", "00000000d", "99999999s", "523w"):
        with pytest.raises(ValidationError):
            parse_duration(text)


# ---------------------------------------------------------------- JSON a store may legally hold

# JSON allows any number literal: 1e999 is valid JSON (JavaScript's JSON.parse gives Infinity).
BIG_NUMBERS = ["1e999", "-1e999", "1e308", "123456789012345678901234567890", "-0.0", "9223372036854775808", "0.5"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["lastUsed", "cooldownUntil", "disabledUntil"]), number=st.sampled_from(BIG_NUMBERS))
@example(field="lastUsed", number="1e999")
@example(field="cooldownUntil", number="1e999")
def test_huge_numbers_in_usage_stats_do_not_crash_status_or_writes(tmp_path: Path, field: str, number: str) -> None:
    """A store OpenClaw can parse must not make `models status` (or the dashboard) crash with a
    Python OverflowError; it may ignore the odd value."""
    from openclaw_onboard.core.status import agent_status

    state = tmp_path / f"big-{field}-{number}"
    path = agent_paths("main", state).store
    path.parent.mkdir(parents=True, exist_ok=True)  # hypothesis may repeat an example
    path.write_text('{"version": 1, "profiles": {"a:b": {"type": "token", "provider": "a", "token": "tok-abcdef"},'
                    '"a:c": {"type": "token", "provider": "a", "token": "tok-ghijkl"}}, '
                    f'"usageStats": {{"a:b": {{"{field}": {number}}}}}}}')
    path.chmod(0o600)
    try:
        status = agent_status(state=state, env={}, now_ms=1_700_000_000_000)
    except OpenClawError:
        pass  # a clear error is acceptable
    else:
        assert {p.profile_id for prov in status.providers for p in prov.profiles} >= {"a:b", "a:c"}
    store.update(lambda s: s.profiles.pop("a:c"), state=state)
    json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"wrote {c}: OpenClaw cannot read it"))


@pytest.mark.parametrize("escaped", [r"\ud800", r"\udfff", r"x\udc80y"])
def test_lone_surrogate_escapes_in_a_store_do_not_block_writes(tmp_path: Path, escaped: str) -> None:
    """JSON text may hold a lone surrogate escape (JavaScript writes one for such a string); the
    next write must not fail with a UnicodeEncodeError (it would block every paste and login)."""
    path = agent_paths("main", tmp_path).store
    path.parent.mkdir(parents=True, exist_ok=True)  # hypothesis may repeat an example
    path.write_text('{"version": 1, "profiles": {"c:d": {"type": "api_key", "provider": "c", "key": "k"}}, '
                    f'"lastGood": {{"c": "c:d"}}, "note": "{escaped}"}}')
    path.chmod(0o600)
    try:
        store.update(lambda s: s.profiles.pop("c:d"), state=tmp_path)
    except OpenClawError:
        return  # refusing with a clear error is acceptable
    raw = json.loads(path.read_text())
    assert "c:d" not in raw["profiles"] and raw["note"] == json.loads(f'"{escaped}"')


# ---------------------------------------------------------------- CLI argv fuzz

WORDS = ["models", "status", "auth", "order", "get", "set", "clear", "paste-token", "setup-token", "refresh",
         "remove", "agents", "list", "add", "channels", "login", "--json", "--plain", "--check", "--provider",
         "--profile-id", "--expires-in", "--agent", "--force", "--yes", "-y", "--no-browser", "--copy-auth-from",
         "--help", "-h", "--version", "--", "-", "=", "anthropic", "openai-codex", "main", "work", "anthropic:work",
         "365d", "0d", "12x"]
junk = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
argv = st.one_of(
    st.lists(st.one_of(st.sampled_from(WORDS), junk), max_size=8),
    st.tuples(st.sampled_from([["models", "status"], ["models", "auth", "order", "set"], ["agents", "add"],
                               ["models", "auth", "paste-token"], ["models", "auth", "remove"], ["channels", "list"],
                               ["models", "auth", "refresh"], ["models", "auth", "login"]]),
              st.lists(st.one_of(st.sampled_from(WORDS), junk), max_size=6)).map(lambda t: t[0] + t[1]),
)


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("argv-fuzz")
    state, home = root / "state", root / "home"
    home.mkdir()
    path = agent_paths("main", state).store
    path.parent.mkdir(parents=True, exist_ok=True)  # hypothesis may repeat an example
    path.write_text(json.dumps({"version": 1, "profiles": {
        "anthropic:work": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-" + "a" * 80}}}))
    path.chmod(0o600)
    # No display and no browser: `login` is paste-only and ends at stdin EOF instead of waiting.
    return cli_env(state, home, {"OPENCLAW_LOCK_TIMEOUT_S": "5"})


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=argv, stdin=st.sampled_from(["", "sk-or-v1-" + "f" * 40, "garbage\x07", "\n\n"]))
@example(args=["models", "auth", "paste-token", "--provider", "anthropic", "--expires-in", "\uff11d"], stdin="x" * 40)
@example(args=["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:work", "anthropic:work"],
         stdin="")
def test_random_command_lines_never_crash(fuzz_env: dict[str, str], args: list[str], stdin: str) -> None:
    if args[:1] == ["onboard"]:
        return
    res = run_cli(args, fuzz_env, stdin=stdin, timeout=30)
    assert "Traceback" not in res.err, (args, res.err)
    assert "unexpected error" not in res.err, (args, res.err)
    assert res.rc in (0, 1, 2), (args, res.rc, res.err)
    if res.rc != 0:
        assert res.err.strip(), (args, "failed silently")
