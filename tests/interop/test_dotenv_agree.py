"""Issue 24.5: `<state>/.env` is read as OpenClaw reads it: Node's dotenv (the copy OpenClaw 2026.4.26 ships),
fed with readFileSync(utf8). Every case, and every file our writer produces from it, is parsed by the real
dotenv in the peer's Node and must give the same dict as core.envkeys."""

from __future__ import annotations

import json
import subprocess

import pytest
from openclaw_onboard.core.envkeys import parse_env_text, read_env_file, write_env_var

CASES = [
    b"A=1 # note\nB='a#b' # c\nC=\"x\\ny\"\n  export D =  spaced  \nE=first\nE=last\n",
    b'MULTI="line1\nOPENROUTER_API_KEY=x\nline3"\nOTHER=1\n',
    b"LATIN=caf\xe9\r\nCR=1\rQ='it''s'\nBT=`t#k`\nCOLON: v\nNOCOLON:v\nEMPTY=\nX.Y-Z=dots\n",
    b"UNTERMINATED=\"abc\nNEXT=2\nS='\nT=3\n",
    b"ESC=\"a\\\"b\" # q\nSQ='a\\'b'\nNB=\xc2\xa0x\xc2\xa0\n\xef\xbb\xbfBOM=1\nTAB=\tv\t\n",
    b"# only comments\n\n   \n#X=1\n",
]


def _node_parse(peers, path) -> dict:
    script = ("const d=require(process.argv[1]);const fs=require('fs');"
              "process.stdout.write(JSON.stringify(d.parse(fs.readFileSync(process.argv[2],'utf8'))))")
    res = subprocess.run([str(peers.node), "-e", script, str(peers.prefix / "node_modules" / "dotenv"), str(path)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout)


@pytest.mark.parametrize("raw", CASES)
def test_our_reader_agrees_with_openclaws_dotenv(peers, state_dir, raw):
    path = state_dir / ".env"
    path.write_bytes(raw)
    path.chmod(0o600)
    assert read_env_file(state_dir) == _node_parse(peers, path) == parse_env_text(raw.decode("utf-8", "replace"))


@pytest.mark.parametrize("raw", CASES)
def test_after_our_write_dotenv_sees_the_key_and_every_other_value_unchanged(peers, state_dir, raw):
    path = state_dir / ".env"
    path.write_bytes(raw)
    path.chmod(0o600)
    before = _node_parse(peers, path)
    write_env_var("OPENROUTER_API_KEY", "sk-or-v1-new", state_dir)
    after = _node_parse(peers, path)
    assert after == {**before, "OPENROUTER_API_KEY": "sk-or-v1-new"}
    assert read_env_file(state_dir) == after
