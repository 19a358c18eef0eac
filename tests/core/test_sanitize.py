"""core.sanitize: untrusted text shown as one inert line; commands quoted for copy-paste (issue 11.7)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openclaw_onboard.core import doctor
from openclaw_onboard.core.oauth.expiry import safe_email
from openclaw_onboard.core.sanitize import clean, clean_block, clean_lines, command, quote

SEQUENCES = ["\x1b]0;title\x07", "\x1b]52;c;cHduZWQ=\x1b\\", "\x1b[2J", "\x1b[31m", "\x9b31m", "\x9d0;t\x9c",
             "\x1bP+q\x1b\\", "\x07", "\r", "\n", "\t", "\x00", "\x7f", "\u202e", "\u2066", "\u200b", "\ufeff",
             "\x1b", "\x1b[", "\ud800"]


@pytest.mark.parametrize("seq", SEQUENCES)
def test_clean_leaves_no_control_escape_or_bidi_character(seq: str) -> None:
    out = clean(f"a{seq}b")
    assert out.startswith("a")
    if not seq.startswith(("\x1b", "\x9b", "\x9d")):  # a bare ESC takes the next character with it (`ESC b`)
        assert out.endswith("b")
    assert all(c.isprintable() for c in out) and "\x1b" not in out
    out.encode("utf-8")  # printable and encodable: printing never raises


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(blacklist_categories=()), max_size=60))
def test_clean_output_is_always_one_printable_line(text: str) -> None:
    out = clean(text)
    assert out.isprintable() and "\n" not in out
    assert clean(out) == out
    out.encode("utf-8")


@settings(max_examples=300)
@given(st.lists(st.lists(st.sampled_from(["a", " ", "\n", "\x1b[2J", "\x7f", "é", "\u202e", "\t"]), max_size=6)
                .map("".join), max_size=5))
def test_clean_lines_is_each_line_cleaned_and_ended(lines: list[str]) -> None:
    # The one-pass path for printable ASCII blocks and the per-line path give what clean() gives per line.
    assert clean_lines(lines) == "".join(clean(line) + "\n" for line in lines)


def test_plain_text_passes_unchanged_and_blocks_keep_their_lines() -> None:
    assert clean("openrouter:work@example.com") == "openrouter:work@example.com"
    assert clean("élan ✓") == "élan ✓"
    assert clean_block('{\n  "id": "a\\u001b"\n}') == '{\n  "id": "a\\u001b"\n}'


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30))
def test_a_quoted_word_is_one_literal_argument_in_bash(word: str) -> None:
    res = subprocess.run(["bash", "-c", f"printf '%s' {quote(word)}"], capture_output=True, timeout=10)
    assert res.stdout.decode("utf-8", "surrogateescape") == clean(word)


def test_doctor_fix_commands_quote_ids_read_from_files(tmp_path: Path) -> None:
    from openclaw_onboard.core import store
    from openclaw_onboard.core.models import AuthProfileStore, TokenCredential

    canary = tmp_path / "pwned"
    pid = f"openrouter:x;touch {canary}"

    def mutate(s: AuthProfileStore) -> None:
        s.profiles[pid] = TokenCredential(provider="openrouter", token="sk-or-v1-" + "a" * 30, expires=1)

    store.update(mutate, state=tmp_path / "state")
    now = int(time.time() * 1000)
    [finding] = [f for f in doctor.run_checks(tmp_path / "state", env={}, now_ms=now) if f.check == "credential"]
    shown = finding.fix.replace("openclaw ", "printf '%s\\n' ", 1)
    res = subprocess.run(["bash", "-c", shown], capture_output=True, text=True, cwd=tmp_path, timeout=10)
    assert pid in res.stdout.splitlines() and not canary.exists(), finding.fix
    assert command("openclaw", "x", "a b") == "openclaw x 'a b'"


@pytest.mark.parametrize("email, ok", [
    ("me@example.com", True), ("first.last+tag@sub.example.co", True),
    ("a;touch x@y.z", False), ("../../x@y.z", False), ("me@exa mple.com", False), ("me\x1b]0;t\x07@x.y", False),
    ("me@x.y\n", False), ("a/b@c.d", False), ("x" * 300 + "@y.z", False), ("noatsign", False), ("", False),
])
def test_emails_from_id_tokens_are_validated_before_naming_a_profile(email: str, ok: bool) -> None:
    assert (safe_email(email) == email) is ok
