"""Helpers for tests/integration/test_hardening_*.py: recognisable secrets, leak checks, CLI runs,
raw HTTP clients, /proc inspection, and a worker process that emulates the dashboard's reorder.

`python -m tests.support.hardening order-loop STATE AGENT PROVIDER COUNT SEED ID...` calls
core.order.set_order COUNT times with random permutations of the ids (exactly what the dashboard
does on a reorder) and prints each order it wrote, as JSON, one line per successful write.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_SCRIPT = Path(sys.executable).with_name("openclaw")
OPENCLAW_CMD: list[str] = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "openclaw_onboard.app.cli"]
TEMP_PREFIX = ".openclaw-tmp-"

# ---------------------------------------------------------------- recognisable secrets
# Each carries a marker in its middle, so a leak of any part of the middle is found.
ANT_SECRET = "sk-ant-oat01-SECRETSECRET" + "AntMidQx7Rv2Lp9Zw4Kd8Hs3Jf6Gt1Yb5Nc0MuAe5Io" + "_-zz9TailAnt1"
OR_SECRET = "sk-or-v1-HUNTER2HUNTER2" + "OrMidVe3Wq8Tz1Rp6Xn4Ky9Lc2Hb7Jd5Fs0Gm" + "Tail42or"
OPENAI_SECRET = "sk-proj-KEYKEYKEY" + "OaiMidPk4Zm9Wr2Tx7Qv5Ln8Hc1Jy6Bd3Fs0Gu" + "TailOAI7"
OAUTH_ACCESS = "eyJhbGciOiJIUzI1NiJ9.ACCESSMARKER" + "AccMidRt5Yu8Io1Pa4Sd7Fg2Hj9Kl6Zx3Cv0Bn" + ".sigAcc99"
OAUTH_REFRESH = "rt_REFRESHMARKER" + "RefMidQw6Er9Ty2Ui5Op8As1Df4Gh7Jk0Lz3Xc" + "TailRef8"
OAUTH_ID_TOKEN = "eyJhbGciOiJIUzI1NiJ9.IDTOKENMARKER" + "IdtMidMn7Bv0Cx3Za6Sq9Wd2Ef5Rg8Th1Yj4Uk" + ".sigId77"
ALL_SECRETS = (ANT_SECRET, OR_SECRET, OPENAI_SECRET, OAUTH_ACCESS, OAUTH_REFRESH, OAUTH_ID_TOKEN)
WINDOW = 12
SHOWN_EACH_SIDE = 8  # core.masking shows first 8 and last 8


def middle_windows(secret: str, width: int = WINDOW) -> list[str]:
    """Every `width`-char window of the part a mask never shows (secret[8:-8])."""
    middle = secret[SHOWN_EACH_SIDE:-SHOWN_EACH_SIDE] if len(secret) > 2 * SHOWN_EACH_SIDE + width else secret
    if len(middle) <= width:
        return [middle]
    return [middle[i:i + width] for i in range(len(middle) - width + 1)]


def leaks(text: str, secrets: Iterable[str], width: int = WINDOW) -> list[str]:
    """Descriptions of each secret (or 12-char window of its middle) found in `text`."""
    found = []
    for secret in secrets:
        if not secret:
            continue
        if secret in text:
            found.append(f"whole secret {secret[:6]}...")
            continue
        hit = next((w for w in middle_windows(secret, width) if w in text), None)
        if hit is not None:
            found.append(f"part {hit!r} of secret {secret[:6]}...")
    return found


def assert_no_leak(text: str, secrets: Iterable[str], where: str) -> None:
    found = leaks(text, secrets)
    assert not found, f"secret leaked in {where}: {found}\n--- {where} ---\n{text[:3000]}"


# ---------------------------------------------------------------- CLI runs


@dataclass
class Run:
    args: tuple[str, ...]
    rc: int
    out: str
    err: str


def cli_env(state: Path, home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The outer environment minus anything OpenClaw reads, plus the test's state dir and home."""
    drop = ("OPENCLAW_", "CODEX_HOME", "CLAUDE_CONFIG_DIR", "SSH_", "BROWSER", "DISPLAY", "WAYLAND_DISPLAY")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop) and "_API_KEY" not in k}
    env.update(HOME=str(home), OPENCLAW_STATE_DIR=str(state), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    env.update(extra or {})
    return env


def run_cli(args: Sequence[str], env: Mapping[str, str], stdin: str = "", timeout: float = 60) -> Run:
    proc = subprocess.run([*OPENCLAW_CMD, *args], input=stdin, capture_output=True, text=True, env=dict(env),
                          timeout=timeout, cwd=ROOT)
    return Run(tuple(args), proc.returncode, proc.stdout, proc.stderr)


def popen_cli(args: Sequence[str], env: Mapping[str, str], **kw) -> subprocess.Popen:  # type: ignore[type-arg]
    return subprocess.Popen([*OPENCLAW_CMD, *args], env=dict(env), cwd=ROOT, **kw)


# ---------------------------------------------------------------- files


def temp_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(TEMP_PREFIX + "*")) if directory.exists() else []


def read_json(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_bytes())


# ---------------------------------------------------------------- /proc


def children_of(pid: int) -> list[int]:
    """Direct and indirect children (Linux /proc)."""
    out: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in tasks:
            try:
                kids = Path(f"/proc/{p}/task/{t}/children").read_text().split()
            except OSError:
                continue
            for k in kids:
                out.append(int(k))
                todo.append(int(k))
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def cmdlines_of_tree(pid: int) -> dict[int, str]:
    return {p: cmdline(p) for p in [pid, *children_of(pid)]}


# ---------------------------------------------------------------- raw HTTP


@dataclass
class RawReply:
    status: int | None  # None: the server closed (or reset) without a status line
    data: bytes
    error: str | None = None


def parse_status(data: bytes) -> int | None:
    if not data.startswith(b"HTTP/1."):
        return None
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def raw_request(port: int, payload: bytes, *, timeout: float = 10.0, host: str = "127.0.0.1",
                half_close: bool = True) -> RawReply:
    """Send `payload`, then read until the server closes (deadline `timeout`, then AssertionError).

    A reset while sending or reading counts as "closed" (status None) - what a server may do to a
    client it refuses. A server that neither answers nor closes fails the test.
    """
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    error = None
    with socket.create_connection((host, port), timeout=timeout) as s:
        try:
            if payload:
                s.sendall(payload)
            if half_close:
                s.shutdown(socket.SHUT_WR)
            while True:
                s.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except TimeoutError:
            raise AssertionError(f"server neither answered nor closed within {timeout}s") from None
        except OSError as exc:  # reset, broken pipe, ENOTCONN after the server's close
            error = type(exc).__name__
    data = b"".join(chunks)
    return RawReply(parse_status(data), data, error)


def http_get(port: int, target: str, timeout: float = 10.0) -> RawReply:
    return raw_request(port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode(), timeout=timeout)


def wait_until(predicate, timeout: float, interval: float = 0.01, what: str = "condition"):  # type: ignore[no-untyped-def]
    """Poll `predicate` until truthy (returned) or the deadline (AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------- dashboard-reorder emulation


def _order_loop(state: str, agent: str, provider: str, count: int, seed: int, ids: list[str]) -> int:
    from openclaw_onboard.core import order

    rng = random.Random(seed)
    print("ready", flush=True)
    sys.stdin.readline()  # "go": every worker starts at the same moment
    for _ in range(count):
        perm = list(ids)
        rng.shuffle(perm)
        perm = perm[: rng.randint(1, len(perm))]
        written = order.set_order(provider, perm, agent, Path(state))
        print(json.dumps(written), flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["order-loop"] and len(sys.argv) >= 8:
        st, ag, prov, cnt, sd, *pids = sys.argv[2:]
        raise SystemExit(_order_loop(st, ag, prov, int(cnt), int(sd), pids))
    print(__doc__)
    raise SystemExit(2)
