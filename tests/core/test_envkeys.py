"""core.envkeys: OpenClaw's API-key env precedence, and `<state>/.env` for daemons."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openclaw_onboard.core.envkeys import env_keys_for, env_prefix, read_env_file, write_env_var
from openclaw_onboard.core.errors import ValidationError


@pytest.mark.parametrize(
    ("provider", "prefix"),
    [("anthropic", "ANTHROPIC"), ("openai-codex", "OPENAI_CODEX"), ("z.ai", "Z_AI"), ("x--y", "X_Y")],
)
def test_env_prefix(provider, prefix):
    assert env_prefix(provider) == prefix


def test_live_key_alone_wins():
    env = {"OPENCLAW_LIVE_ANTHROPIC_KEY": "sk-live", "ANTHROPIC_API_KEYS": "a b", "ANTHROPIC_API_KEY": "c",
           "ANTHROPIC_API_KEY_2": "d"}
    assert env_keys_for("anthropic", env) == [("OPENCLAW_LIVE_ANTHROPIC_KEY", "sk-live")]


def test_precedence_keys_then_key_then_numbered_with_duplicates_removed():
    env = {
        "OPENAI_API_KEYS": " k1, k2;k3  k1 ,,",
        "OPENAI_API_KEY": "k2",
        "OPENAI_API_KEY_B": "k5",
        "OPENAI_API_KEY_A": "k4",
        "OPENAI_API_KEY_C": "k3",
        "OPENAI_CODEX_API_KEY": "other-provider",
        "OPENCLAW_LIVE_ANTHROPIC_KEY": "not-openai",
    }
    assert env_keys_for("openai", env) == [
        ("OPENAI_API_KEYS", "k1"), ("OPENAI_API_KEYS", "k2"), ("OPENAI_API_KEYS", "k3"),
        ("OPENAI_API_KEY_A", "k4"), ("OPENAI_API_KEY_B", "k5"),
    ]


def test_single_key_before_numbered():
    env = {"GROQ_API_KEY_1": "second", "GROQ_API_KEY": "first"}
    assert env_keys_for("groq", env) == [("GROQ_API_KEY", "first"), ("GROQ_API_KEY_1", "second")]


def test_empty_values_are_ignored_and_live_key_must_be_non_empty():
    env = {"OPENCLAW_LIVE_XAI_KEY": "  ", "XAI_API_KEYS": " , ;", "XAI_API_KEY": "", "XAI_API_KEY_1": " k "}
    assert env_keys_for("xai", env) == [("XAI_API_KEY_1", "k")]
    assert env_keys_for("xai", {}) == []


def test_dashed_provider_uses_underscored_variables():
    assert env_keys_for("openai-codex", {"OPENAI_CODEX_API_KEY": "k"}) == [("OPENAI_CODEX_API_KEY", "k")]


def test_reads_os_environ_by_default(monkeypatch, state_dir):
    monkeypatch.setenv("MISTRAL_API_KEY", "from-env")
    assert env_keys_for("mistral") == [("MISTRAL_API_KEY", "from-env")]


key_text = st.text(alphabet="abcXYZ019-_", min_size=1, max_size=6)


@given(st.lists(key_text, max_size=5), st.sampled_from([" ", ",", ";", " , ", ";;"]), st.none() | key_text,
       st.dictionaries(st.sampled_from(["1", "2", "A", "B_C"]), key_text, max_size=3))
def test_property_precedence_and_uniqueness(many, sep, single, numbered):
    env = {"MINIMAX_API_KEYS": sep.join(many)}
    if single:
        env["MINIMAX_API_KEY"] = single
    env.update({f"MINIMAX_API_KEY_{k}": v for k, v in numbered.items()})
    got = env_keys_for("minimax", env)
    values = [v for _, v in got]
    expected = []
    for v in [*many, *([single] if single else []), *(numbered[k] for k in sorted(numbered))]:
        if v not in expected:
            expected.append(v)
    assert values == expected
    assert len(set(values)) == len(values)


def test_write_env_var_creates_private_file_and_replaces_in_place(state_dir):
    path = write_env_var("ANTHROPIC_API_KEY", "sk-1", state_dir)
    assert path == state_dir / ".env"
    assert os.stat(path).st_mode & 0o777 == 0o600
    path.write_text("# daemon keys\nexport OPENAI_API_KEY=old\nANTHROPIC_API_KEY=sk-1\nOTHER='x y'\n"
                    "OPENAI_API_KEY=dup\n")
    write_env_var("OPENAI_API_KEY", "new", state_dir)
    assert path.read_text() == "# daemon keys\nOPENAI_API_KEY=new\nANTHROPIC_API_KEY=sk-1\nOTHER='x y'\n"
    assert read_env_file(state_dir) == {"OPENAI_API_KEY": "new", "ANTHROPIC_API_KEY": "sk-1", "OTHER": "x y"}
    assert os.stat(path).st_mode & 0o777 == 0o600


@pytest.mark.parametrize(("name", "value"), [("lower", "v"), ("1ABC", "v"), ("A B", "v"), ("OK", ""),
                                             ("OK", "two\nlines"), ("OK", "nul\0")])
def test_write_env_var_rejects(state_dir, name, value):
    with pytest.raises(ValidationError):
        write_env_var(name, value, state_dir)
    assert not (state_dir / ".env").exists()


def test_read_env_file_absent_is_empty(state_dir):
    assert read_env_file(state_dir) == {}


# ---- .env as dotenv reads it, edited one line at a time (issue 24.5)

def test_a_byte_that_is_no_utf8_elsewhere_in_env_survives_a_write(state_dir):
    path = state_dir / ".env"
    path.write_bytes(b"LATIN=caf\xe9\nOPENROUTER_API_KEY=old\n")
    path.chmod(0o600)
    write_env_var("OPENROUTER_API_KEY", "sk-or-new", state_dir)
    assert path.read_bytes() == b"LATIN=caf\xe9\nOPENROUTER_API_KEY=sk-or-new\n"


def test_a_key_named_inside_a_quoted_multiline_value_is_not_ours_to_edit(state_dir):
    path = state_dir / ".env"
    before = b'MULTI="line1\nOPENROUTER_API_KEY=x\nline3"\nOTHER=1\n'
    path.write_bytes(before)
    path.chmod(0o600)
    assert "OPENROUTER_API_KEY" not in read_env_file(state_dir)  # as dotenv: it is text inside MULTI
    write_env_var("OPENROUTER_API_KEY", "sk-or-new", state_dir)
    assert path.read_bytes() == before + b"OPENROUTER_API_KEY=sk-or-new\n"
    env = read_env_file(state_dir)
    assert env["OPENROUTER_API_KEY"] == "sk-or-new" and env["MULTI"] == "line1\nOPENROUTER_API_KEY=x\nline3"


def test_values_read_as_dotenv_reads_them(state_dir):
    (state_dir / ".env").write_text(
        "OTHER=1 # note\nHASH='a#b' # c\nDQ=\"x\\ny\"\n  export SP =  spaced  \nDUP=first\nDUP=last\n"
        "BT=`tick`\nCOLON: v\n# COMMENTED=1\n")
    assert read_env_file(state_dir) == {"OTHER": "1", "HASH": "a#b", "DQ": "x\ny", "SP": "spaced", "DUP": "last",
                                        "BT": "tick", "COLON": "v"}


def test_only_our_line_changes_crlf_comments_and_neighbours_kept(state_dir):
    path = state_dir / ".env"
    path.write_bytes(b"# keys\r\nA=1\r\nexport OPENAI_API_KEY=old # mine\r\n# after\r\nOPENAI_API_KEY=dup\r\nB=2")
    path.chmod(0o600)
    write_env_var("OPENAI_API_KEY", "new", state_dir)
    assert path.read_bytes() == b"# keys\r\nA=1\r\nOPENAI_API_KEY=new\n# after\r\nB=2"  # ours: a bare LF (a shell)
    write_env_var("C_API_KEY", "c", state_dir)
    assert path.read_bytes().endswith(b"B=2\nC_API_KEY=c\n")


def test_our_line_in_a_crlf_env_file_reads_the_same_in_a_shell(tmp_path) -> None:
    """Found by the hostile-machine pass: the replaced line kept its CR, which `set -a; . .env` reads into the
    key (a gateway started from a shell would send a broken key)."""
    import subprocess

    from openclaw_onboard.core.envkeys import write_env_var

    env = tmp_path / ".env"
    env.write_bytes(b"X=1\r\nOPENROUTER_API_KEY=old\r\nY=2\r\n")
    key = "sk-or-v1-" + "a" * 48
    write_env_var("OPENROUTER_API_KEY", key, tmp_path)
    data = env.read_bytes()
    assert data.startswith(b"X=1\r\n") and data.endswith(b"Y=2\r\n")  # the other lines as they were
    out = subprocess.run(["sh", "-c", f'set -a; . "{env}"; printf %s "$OPENROUTER_API_KEY"'],
                         capture_output=True, check=True).stdout
    assert out == key.encode()
