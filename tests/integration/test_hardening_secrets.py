"""No secret leaks: every CLI command and output mode, error paths included, process arguments,
files on disk, and exception messages of core functions; plus the store-permission guarantees
seen from the CLI.

A leak is the whole secret or any 12-character window of its middle (the part a mask never
shows: everything but the first and last 8 characters) - see tests/support/hardening.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openclaw_onboard.core import store
from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.models import OAuthCredential
from openclaw_onboard.core.oauth.errors import PasteError
from openclaw_onboard.core.oauth.paste import parse_pasted
from openclaw_onboard.core.paths import agent_paths
from openclaw_onboard.core.tokens import validate_setup_token, validate_token

from tests.support.follow_redirect import fetch
from tests.support.hardening import (
    ALL_SECRETS,
    ANT_SECRET,
    OAUTH_ACCESS,
    OAUTH_ID_TOKEN,
    OAUTH_REFRESH,
    OPENAI_SECRET,
    OR_SECRET,
    Run,
    assert_no_leak,
    cli_env,
    cmdlines_of_tree,
    leaks,
    popen_cli,
    run_cli,
)
from tests.support.oauth_server import OAuthTestServer, free_port

NEW_SECRET = "sk-or-v1-NEWPASTE" + "NewMidAa1Ss2Dd3Ff4Gg5Hh6Jj7Kk8Ll9Zz0Xx" + "TailNew1"
SETUP_SECRET = "sk-ant-oat01-SETUPSETUP" + "SetMidQq1Ww2Ee3Rr4Tt5Yy6Uu7Ii8Oo9Pp0AaSsDdFfGgHhJjKk" + "TailSet9"
SHORT_SETUP = "sk-ant-oat01-CUTOFF" + "CutMidZz9Yy8Xx7Ww6Vv5Uu" + "TailCut2"  # < 80 chars: refused
ENV_SECRET = "sk-ant-api03-ENVENVENV" + "EnvMidMm1Nn2Bb3Vv4Cc5Xx6Zz7Ll8Kk9Jj0" + "TailEnv3"
SHELL_SECRET = "sk-or-v1-SHELLSHELL" + "ShlMidPp1Oo2Ii3Uu4Yy5Tt6Rr7Ee8Ww9Qq0" + "TailShl4"
SECRETS = (*ALL_SECRETS, NEW_SECRET, SETUP_SECRET, SHORT_SETUP, ENV_SECRET, SHELL_SECRET)
FUTURE_MS = int(time.time() * 1000) + 30 * 24 * 3600_000
DEADLINE_S = 30.0


def secret_store(expires: int = FUTURE_MS) -> dict:
    return {
        "version": 1,
        "profiles": {
            "anthropic:work": {"type": "token", "provider": "anthropic", "token": ANT_SECRET, "expires": expires},
            "openrouter:manual": {"type": "token", "provider": "openrouter", "token": OR_SECRET},
            "openai:default": {"type": "api_key", "provider": "openai", "key": OPENAI_SECRET},
            "openai-codex:me@example.com": {
                "type": "oauth", "provider": "openai-codex", "access": OAUTH_ACCESS, "refresh": OAUTH_REFRESH,
                "idToken": OAUTH_ID_TOKEN, "expires": expires, "accountId": "acc_123", "email": "me@example.com",
            },
        },
        "order": {"anthropic": ["anthropic:work"]},
    }


def write(path: Path, data: bytes | str | dict, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if isinstance(data, dict):
        data = json.dumps(data, indent=2)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    os.chmod(path, mode)


@pytest.fixture
def env(state_dir: Path) -> dict[str, str]:
    write(agent_paths("main", state_dir).store, secret_store())
    write(state_dir / ".env", f"ANTHROPIC_API_KEY={ENV_SECRET}\n")
    return cli_env(state_dir, Path(os.environ["HOME"]), {"OPENROUTER_API_KEY": SHELL_SECRET})


def check(res: Run, secrets: tuple[str, ...] = SECRETS) -> Run:
    where = "openclaw " + " ".join(a if len(a) < 40 else a[:10] + "..." for a in res.args)
    assert "Traceback" not in res.err, f"{where}: traceback\n{res.err}"
    assert res.rc in (0, 1, 2), f"{where}: rc={res.rc}\n{res.err}"
    assert_no_leak(res.out, secrets, f"stdout of {where}")
    assert_no_leak(res.err, secrets, f"stderr of {where}")
    return res


# ---------------------------------------------------------------- every command, every mode

READ_COMMANDS = [
    ["models", "status"], ["models", "status", "--json"], ["models", "status", "--plain"],
    ["models", "status", "--check"], ["models", "status", "--json", "--check"],
    ["models", "status", "--plain", "--check"],
    ["models", "auth", "order", "get", "--provider", "anthropic"],
    ["models", "auth", "order", "get", "--provider", "anthropic", "--json"],
    ["models", "auth", "order", "get", "--provider", "openai-codex", "--json"],
    ["agents", "list"], ["agents", "list", "--json"], ["channels", "list"], ["channels", "list", "--json"],
    ["models", "auth", "remove", "--profile-id", "openrouter:manual"],  # no --yes, no terminal: refused
    ["models", "auth", "refresh", "--profile-id", "openrouter:manual"],  # not oauth: error
    ["models", "auth", "login", "--provider", "anthropic"],  # unsupported: error
    ["--help"], ["models", "--help"], ["--version"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: "-".join(a))
def test_read_commands_never_show_a_secret(env: dict[str, str], args: list[str]) -> None:
    check(run_cli(args, env))


@pytest.mark.parametrize("args", READ_COMMANDS[:13], ids=lambda a: "-".join(a))
def test_a_secret_pasted_as_a_stray_argument_is_not_echoed(env: dict[str, str], args: list[str]) -> None:
    res = check(run_cli([*args, OR_SECRET], env))
    assert res.rc == 2


@pytest.mark.parametrize("store_bytes", [
    pytest.param(json.dumps(secret_store()).encode()[:-40], id="truncated"),
    pytest.param(json.dumps(secret_store()).encode().replace(b'"token"', b"token", 1), id="unquoted-key"),
    pytest.param(b"\xff\xfe" + json.dumps(secret_store()).encode(), id="not-utf8"),
    pytest.param(json.dumps([secret_store()]).encode(), id="array"),
    pytest.param(json.dumps({"version": 1, "profiles": {
        "openrouter:x": {"type": "token", "provider": "openrouter", "token": OR_SECRET, "expires": "soon"},
        "anthropic:z": {"type": "token", "provider": "anthropic", "token": {"nested": OPENAI_SECRET}},
        "openai:w": {"type": "api_key", "provider": "openai", "key": OPENAI_SECRET, "keyRef": OR_SECRET},
    }}).encode(), id="invalid-entries"),
])
@pytest.mark.parametrize("args", [
    ["models", "status"], ["models", "status", "--json"], ["models", "status", "--plain", "--check"],
    ["models", "auth", "order", "get", "--provider", "openrouter"],
    ["models", "auth", "order", "set", "--provider", "openrouter", "openrouter:x"],
    ["models", "auth", "remove", "--profile-id", "openrouter:x", "--yes"],
    ["models", "auth", "refresh"], ["agents", "list", "--json"], ["channels", "list", "--json"],
], ids=lambda a: "-".join(a))
def test_corrupt_or_odd_store_errors_never_show_a_secret(env: dict[str, str], state_dir: Path, store_bytes: bytes,
                                                        args: list[str]) -> None:
    write(agent_paths("main", state_dir).store, store_bytes)
    check(run_cli(args, env))


@pytest.mark.parametrize("args", [["models", "status"], ["models", "status", "--json"]], ids=lambda a: "-".join(a))
def test_a_secret_in_the_type_field_is_not_echoed_in_problems(env: dict[str, str], state_dir: Path,
                                                             args: list[str]) -> None:
    """A hand-edited store with the token pasted into `type`: the skipped-entry problem must not
    repeat the value (core.models.parse_credential promises "never echoing secrets")."""
    write(agent_paths("main", state_dir).store, {"version": 1, "profiles": {
        "anthropic:y": {"type": ANT_SECRET, "provider": "anthropic"}}})
    res = check(run_cli(args, env))
    assert "anthropic:y" in res.out  # the problem is still reported


def test_corrupt_config_with_secrets_in_it(env: dict[str, str], state_dir: Path) -> None:
    write(state_dir / "openclaw.json", '{ auth: { profiles: { "x:y": { provider: "' + OR_SECRET + '", ')
    for args in (["models", "status"], ["models", "status", "--json"], ["channels", "list"],
                 ["models", "auth", "order", "get", "--provider", "anthropic"]):
        check(run_cli(args, env))
    res = check(run_cli(["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:n"],
                        env, stdin=NEW_SECRET))
    assert res.rc == 1


def test_writing_commands_never_show_a_secret(env: dict[str, str], state_dir: Path) -> None:
    paste = ["models", "auth", "paste-token"]
    # Successes.
    assert check(run_cli([*paste, "--provider", "openrouter", "--profile-id", "openrouter:new", "--expires-in", "30d"],
                         env, stdin=NEW_SECRET[:20] + "\n  " + NEW_SECRET[20:] + "\n")).rc == 0
    assert check(run_cli(["models", "auth", "setup-token", "--provider", "anthropic"], env,
                         stdin=SETUP_SECRET)).rc == 0
    assert check(run_cli(["models", "auth", "order", "set", "--provider", "openrouter", "openrouter:new",
                          "openrouter:manual"], env)).rc == 0
    assert check(run_cli(["models", "auth", "order", "clear", "--provider", "openrouter"], env)).rc == 0
    assert check(run_cli(["agents", "add", "work", "--copy-auth-from", "main"], env)).rc == 0
    assert check(run_cli(["models", "status", "--agent", "work", "--json"], env)).rc == 0
    assert check(run_cli(["models", "auth", "remove", "--profile-id", "openrouter:new", "--yes"], env)).rc == 0
    # Error paths with a secret in play.
    bad = [
        ([*paste, "--provider", "anthropic", "--profile-id", "anthropic:cut"], SHORT_SETUP),
        (["models", "auth", "setup-token"], SHORT_SETUP),
        (["models", "auth", "setup-token"], OR_SECRET),  # wrong prefix
        ([*paste, "--provider", "openrouter"], f'"{NEW_SECRET}"'),  # quotes
        ([*paste, "--provider", "openrouter"], NEW_SECRET + "\x07"),  # control character
        ([*paste, "--provider", "openrouter"], NEW_SECRET + "é"),  # non-ASCII
        ([*paste, "--provider", "openrouter", NEW_SECRET], NEW_SECRET),  # also on the command line
        ([*paste, "--provider", "openrouter", "--expires-in", NEW_SECRET], NEW_SECRET),  # misplaced paste
        ([*paste, "--provider", "openrouter", "--profile-id", "anthropic:x"], NEW_SECRET),
        ([*paste, "--provider", "openrouter", "--agent", "nope"], NEW_SECRET),
        ([*paste, "--provider", "Bad Provider"], NEW_SECRET),
        (["models", "auth", "setup-token", "--provider", "openai"], SETUP_SECRET),
    ]
    for args, stdin in bad:
        res = check(run_cli(args, env, stdin=stdin))
        assert res.rc in (1, 2), (args, res.out, res.err)
    # Nothing of the refused ones was stored.
    raw = json.loads(agent_paths("main", state_dir).store.read_text())
    assert SHORT_SETUP not in json.dumps(raw)


# ---------------------------------------------------------------- refresh (loopback OAuth server)


@pytest.fixture
def oauth_env(srv: OAuthTestServer, state_dir: Path) -> dict[str, str]:
    srv.reset_counters()
    return cli_env(state_dir, Path(os.environ["HOME"]), srv.env())


def _stored(state: Path, pid: str) -> OAuthCredential:
    cred = store.load(state=state).store.profiles[pid]
    assert isinstance(cred, OAuthCredential)
    return cred


def test_refresh_success_and_rejections_never_show_tokens(srv: OAuthTestServer, oauth_env: dict[str, str],
                                                         state_dir: Path) -> None:
    pid = srv.write_expired_profile(state_dir)
    old = _stored(state_dir, pid)
    secrets = (old.access, old.refresh or "", old.idToken or "")
    for args in (["models", "auth", "refresh"], ["models", "auth", "refresh", "--profile-id", pid, "--force"]):
        assert check(run_cli(args, oauth_env), secrets).rc == 0
    new = _stored(state_dir, pid)
    secrets = (*secrets, new.access, new.refresh or "", new.idToken or "")
    for args in (["models", "status"], ["models", "status", "--json"], ["models", "status", "--plain"]):
        check(run_cli(args, oauth_env), secrets)
    # Server failures, and a server that echoes the whole refresh token back in its error.
    srv.fail_next_token(500, "internal error " + (new.refresh or ""))
    assert check(run_cli(["models", "auth", "refresh", "--force"], oauth_env), secrets).rc == 1
    srv.fail_next_token(400, json.dumps({"error": "invalid_request", "error_description":
                                         f"bad refresh_token={new.refresh}"}), "application/json")
    assert check(run_cli(["models", "auth", "refresh", "--force"], oauth_env), secrets).rc == 1
    srv.fail_next_token(200, "not json " + (new.refresh or ""), "text/plain")
    assert check(run_cli(["models", "auth", "refresh", "--force"], oauth_env), secrets).rc == 1
    # Revoked: the user must log in again; the message names the command, not the token.
    srv.revoke_all()
    res = check(run_cli(["models", "auth", "refresh", "--force"], oauth_env), secrets)
    assert res.rc == 1 and "openclaw models auth login --provider openai-codex" in res.err


def test_refresh_error_that_echoes_part_of_the_refresh_token(srv: OAuthTestServer, oauth_env: dict[str, str],
                                                            state_dir: Path) -> None:
    """Token endpoints quote a truncated token ("refresh token rt_1_abcdefghij... is malformed").
    core.oauth.token_client._redact removes only the whole value, so most of the refresh token
    reaches stderr (invalid_request is not a relogin code, so its description is shown)."""
    pid = srv.write_expired_profile(state_dir)
    refresh = _stored(state_dir, pid).refresh or ""
    assert len(refresh) > 30
    srv.fail_next_token(400, json.dumps({"error": "invalid_request", "error_description":
                                         f"refresh token {refresh[:-6]}... is malformed"}), "application/json")
    res = run_cli(["models", "auth", "refresh", "--profile-id", pid], oauth_env)
    assert res.rc == 1
    assert_no_leak(res.err + res.out, (refresh,), "refresh error output")


# ---------------------------------------------------------------- login and process arguments


class Watch:
    """Poll /proc/<pid>/cmdline of a process and its children until it exits."""

    def __init__(self, proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
        self.proc = proc
        self.seen: dict[int, str] = {}
        self.samples = 0
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        while self.proc.poll() is None:
            for pid, line in cmdlines_of_tree(self.proc.pid).items():
                if line:
                    self.seen.setdefault(pid, line)
                    if line != self.seen[pid]:
                        self.seen[pid] = self.seen[pid] + " || " + line
            self.samples += 1
            time.sleep(0.002)  # sampling interval of /proc, not synchronisation

    def join(self) -> None:
        self._t.join(DEADLINE_S)


def _read_lines(stream, q: queue.Queue) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        q.put(line)
    q.put(None)


def test_paste_token_secret_never_in_process_arguments(env: dict[str, str]) -> None:
    proc = popen_cli(["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:argv"],
                     env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = Watch(proc)
    assert proc.stdin is not None
    # The process is running and waiting on stdin; feed the secret slowly so the watcher sees it live.
    for i in range(0, len(NEW_SECRET), 16):
        proc.stdin.write(NEW_SECRET[i:i + 16])
        proc.stdin.flush()
    deadline = time.monotonic() + DEADLINE_S
    while watch.samples < 5:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.stdin.close()
    proc.stdin = None
    out, err = proc.communicate(timeout=DEADLINE_S)
    watch.join()
    assert proc.returncode == 0, err
    assert watch.samples >= 5 and watch.seen
    for pid, line in watch.seen.items():
        assert_no_leak(line, SECRETS, f"/proc/{pid}/cmdline")
    assert_no_leak(out + err, SECRETS, "paste-token output")


@pytest.mark.parametrize("mode", ["paste", "callback"])
def test_login_never_shows_the_code_or_tokens(srv: OAuthTestServer, oauth_env: dict[str, str], state_dir: Path,
                                              mode: str, tmp_path: Path) -> None:
    env = dict(oauth_env)
    port = free_port()
    if mode == "paste":
        env["SSH_CONNECTION"] = "10.0.0.1 5000 10.0.0.2 22"  # remote: paste only
        env["OPENCLAW_OAUTH_CALLBACK_PORT"] = str(port)
        args = ["models", "auth", "login", "--provider", "openai-codex"]
    else:
        env.update(srv.login_env(port=port, browser_log=tmp_path / "visits.jsonl"))
        env["PYTHONPATH"] = oauth_env["PYTHONPATH"]
        args = ["models", "auth", "login", "--provider", "openai-codex"]
    proc = popen_cli(args, env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = Watch(proc)
    outq: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(proc.stdout, outq), daemon=True).start()
    url = outq.get(timeout=DEADLINE_S)
    assert url and url.startswith("http://127.0.0.1"), url
    codes: list[str] = []
    assert proc.stdin is not None
    if mode == "paste":
        # A wrong-state paste first (with a code), then the real redirect URL.
        status, location, _ = fetch(url.strip())
        assert status == 302 and location
        code = parse_qs(urlsplit(location).query)["code"][0]
        codes.append(code)
        proc.stdin.write(f"http://localhost:{port}/auth/callback?code=WRONGSTATECODE0123456789xyz&state=nope\n")
        proc.stdin.write(location + "\n")
        proc.stdin.flush()
    proc.stdin.close()
    proc.stdin = None
    rest = []
    while (line := outq.get(timeout=DEADLINE_S)) is not None:
        rest.append(line)
    err = proc.stderr.read() if proc.stderr else ""
    proc.wait(timeout=DEADLINE_S)
    watch.join()
    out = url + "".join(rest)
    assert proc.returncode == 0, err
    if mode == "callback":
        from tests.support.oauth_server import read_browser_log

        visit = read_browser_log(tmp_path / "visits.jsonl")[0]
        codes.append(parse_qs(urlsplit(visit["hops"][-1][1]).query)["code"][0])
    cred = _stored(state_dir, "openai-codex:me@example.com")
    secrets = (*codes, "WRONGSTATECODE0123456789xyz", cred.access, cred.refresh or "", cred.idToken or "")
    assert_no_leak(out, secrets, "login stdout")
    assert_no_leak(err, secrets, "login stderr")
    assert watch.seen
    for pid, line in watch.seen.items():
        assert_no_leak(line, secrets, f"/proc/{pid}/cmdline")


# ---------------------------------------------------------------- files on disk ("logs")


def test_secrets_live_only_in_private_credential_files(env: dict[str, str], state_dir: Path) -> None:
    """After a session of commands, the only files holding a secret are the credential stores and
    .env, all 0600; openclaw.json (routing metadata) and anything log-like hold none."""
    for args, stdin in ((["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:f"],
                         NEW_SECRET), (["models", "auth", "setup-token"], SETUP_SECRET),
                        (["agents", "add", "work", "--copy-auth-from", "main"], ""),
                        (["models", "status"], ""), (["models", "auth", "setup-token"], SHORT_SETUP)):
        check(run_cli(args, env, stdin=stdin))
    home = Path(env["HOME"])
    allowed = {"auth-profiles.json", ".env", "auth-state.json"}
    for root in (state_dir, home):
        for path in root.rglob("*"):
            if not path.is_file() or path.is_symlink():
                continue
            text = path.read_bytes().decode("utf-8", "replace")
            if leaks(text, SECRETS):
                assert path.name in allowed, f"secret found in {path}"
                assert path.stat().st_mode & 0o777 == 0o600, f"{path} holds secrets and is not 0600"


# ---------------------------------------------------------------- permissions, from the CLI


@pytest.mark.parametrize("args", [["models", "status"], ["models", "status", "--json"],
                                  ["models", "status", "--plain"], ["models", "status", "--check"]],
                         ids=lambda a: "-".join(a))
def test_status_on_a_world_readable_store_warns_on_stderr_and_tightens(env: dict[str, str], state_dir: Path,
                                                                      args: list[str]) -> None:
    path = agent_paths("main", state_dir).store
    os.chmod(path, 0o644)
    res = check(run_cli(args, env))
    assert path.stat().st_mode & 0o777 == 0o600
    assert res.rc in (0, 1, 2)
    assert "readable by other users" in res.err and "0600" in res.err, (
        f"no warning on stderr for {args}: stderr={res.err!r}, stdout has it: {'readable by other users' in res.out}"
    )


@pytest.mark.parametrize("args", [["models", "status"], ["models", "status", "--json"], ["models", "status", "--plain"],
                                  ["models", "auth", "order", "get", "--provider", "anthropic"],
                                  ["models", "auth", "remove", "--profile-id", "anthropic:work", "--yes"]],
                         ids=lambda a: "-".join(a))
def test_store_symlinked_to_another_users_file_is_refused(env: dict[str, str], state_dir: Path, tmp_path: Path,
                                                         args: list[str]) -> None:
    target = tmp_path / "victim" / "auth-profiles.json"
    write(target, secret_store(), 0o600)
    os.chown(target, 65534, 65534)
    before = (target.read_bytes(), target.stat().st_mtime_ns)
    link = agent_paths("main", state_dir).store
    link.unlink()
    link.symlink_to(target)
    res = check(run_cli(args, env))
    assert res.rc == 1
    lines = [line for line in res.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "symlink" in lines[0] and "another user" in lines[0], res.err
    assert res.out == ""
    assert (target.read_bytes(), target.stat().st_mtime_ns) == before and link.is_symlink()


# ---------------------------------------------------------------- core exception messages (hypothesis)

secret_text = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=28,
                      max_size=120)


def _no_secret_in(exc: BaseException, secret: str) -> None:
    msg = str(exc) + " " + repr(exc) + " " + " ".join(map(str, exc.args))
    found = leaks(msg, (secret,))
    assert not found, (found, msg)


@settings(max_examples=150, deadline=None)
@given(secret=secret_text, bad=st.sampled_from(['"', "'", "`", "\x00", "\x1b", "é", "\u200b"]))
def test_token_validation_errors_never_contain_the_token(secret: str, bad: str) -> None:
    for text in (secret + bad, bad + secret, "sk-ant-oat01-" + secret[:40] + bad):
        with pytest.raises(ValidationError) as err:
            validate_token(text)
        _no_secret_in(err.value, secret)
    with pytest.raises(ValidationError) as err:
        validate_setup_token("sk-ant-oat01-" + secret[:50])  # too short
    _no_secret_in(err.value, secret)
    with pytest.raises(ValidationError) as err:
        validate_setup_token(secret + "x" * 80)  # wrong prefix
    _no_secret_in(err.value, secret)


@settings(max_examples=150, deadline=None)
@given(secret=secret_text, shape=st.integers(0, 7))
def test_paste_errors_never_contain_the_code(secret: str, shape: int) -> None:
    text = [
        f"http://localhost:1455/auth/callback?code={secret}&state=other",
        f"{secret}#other",
        f"code={secret}&state=other",
        f"http://localhost:1455/auth/callback?code={secret}%20x&state=ours",
        f"{secret} {secret}",
        f"http://localhost:1455/auth/callback?code={secret}\x00",
        f"http://[localhost:1455/auth/callback?code={secret}",
        f"?code={secret}!&state=ours",
    ][shape]
    with pytest.raises(PasteError) as err:
        parse_pasted(text, "ours")
    _no_secret_in(err.value, secret)


@settings(max_examples=100, deadline=None)
@given(secret=secret_text)
def test_duration_errors_never_contain_a_misplaced_secret(secret: str) -> None:
    from openclaw_onboard.core.durations import parse_duration

    with pytest.raises(ValidationError) as err:
        parse_duration(secret)
    _no_secret_in(err.value, secret)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secret=secret_text, failure=st.sampled_from(["unknown", "500", "400-echo", "200-echo", "400-code-echo"]))
def test_refresh_errors_never_contain_the_refresh_token(srv: OAuthTestServer, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, secret: str,
                                                        failure: str) -> None:
    from openclaw_onboard.core.refresh import RefreshError, ensure_fresh

    for key, value in srv.env().items():
        monkeypatch.setenv(key, value)
    state = tmp_path / f"s-{secret[:16]}-{failure}"
    refresh = "rt_" + secret
    cred = OAuthCredential(provider="openai-codex", access="at_" + secret[::-1], refresh=refresh,
                           expires=int(time.time() * 1000) - 60_000, accountId="acc_1")
    store.update(lambda s: s.profiles.__setitem__("openai-codex:default", cred), state=state)
    if failure == "500":
        srv.fail_next_token(500, f"boom {refresh}")
    elif failure == "400-echo":
        srv.fail_next_token(400, json.dumps({"error": "invalid_request", "error_description": f"bad {refresh}"}),
                            "application/json")
    elif failure == "400-code-echo":
        srv.fail_next_token(400, json.dumps({"error": refresh}), "application/json")
    elif failure == "200-echo":
        srv.fail_next_token(200, json.dumps({"token_type": refresh}), "application/json")
    with pytest.raises(RefreshError) as err:
        ensure_fresh("openai-codex:default", state=state)
    _no_secret_in(err.value, refresh)
    _no_secret_in(err.value, "at_" + secret[::-1])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secret=secret_text)
async def test_login_error_never_contains_the_code(srv: OAuthTestServer, tmp_path: Path, secret: str) -> None:
    from openclaw_onboard.core.oauth.login import CodexLoginSession, LoginError

    env = srv.env({"SSH_CONNECTION": "x"}, OPENCLAW_OAUTH_CALLBACK_PORT=str(free_port()))
    srv.fail_next_token(400, json.dumps({"error": "invalid_grant", "error_description": f"code {secret} expired"}),
                        "application/json")
    # A refused paste does not end the attempt (issue 12): its message goes to on_notice instead.
    refused = asyncio.Event()
    notices: list[str] = []

    def notice(message: str) -> None:
        notices.append(message)
        refused.set()

    session = CodexLoginSession(state=tmp_path / "login-state", env=env, open_browser=False, timeout_s=30,
                                on_notice=notice)
    await session.start()
    try:
        session.submit_paste(secret)
        await asyncio.wait_for(refused.wait(), 20)
    finally:
        await session.cancel()
    assert notices and "invalid_grant" in notices[0]
    _no_secret_in(LoginError(notices[0]), secret)
