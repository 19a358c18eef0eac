"""core.secrets: OpenClaw 4.26's SecretRef contract and its env/file/exec resolution, with real files
and real resolver scripts (hostile output, timeouts, huge output, non-zero exits)."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import json5
import pytest
from openclaw_onboard.core import secrets
from openclaw_onboard.core.secrets import Ref, SecretRefError, parse_ref_spec, resolve, validate_ref

KEY = "sk-or-v1-" + "0123456789abcdef" * 4


@pytest.mark.parametrize(("source", "provider", "ref_id"), [
    ("env", "default", "OPENROUTER_API_KEY"),
    ("env", None, "A"),
    ("file", "filemain", "/providers/openrouter/apiKey"),
    ("file", "filemain", "value"),
    ("file", "f", "/a~1b/c~0d"),
    ("exec", "vault", "providers/openai/apiKey"),
    ("exec", "op_1", "op:Personal/item.x"),
])
def test_valid_refs(source, provider, ref_id):
    ref = validate_ref(source, provider, ref_id)
    assert ref.provider == (provider or "default") and ref.id == ref_id


@pytest.mark.parametrize(("source", "provider", "ref_id", "words"), [
    ("vault", "default", "X", "env, file or exec"),
    ("env", "Default", "X", "must match"),
    ("env", "1abc", "X", "must match"),
    ("env", "default", "lower_case", "environment variable name"),
    ("env", "default", "", "empty"),
    ("file", "f", "relative/pointer", "JSON pointer"),
    ("file", "f", "/bad~2escape", "JSON pointer"),
    ("exec", "v", "a/../b", "without . or .. segments"),
    ("exec", "v", "./x", "without . or .. segments"),
    ("exec", "v", "-starts-with-dash", "must match"),
    ("exec", "v", "x" * 257, "must match"),
])
def test_invalid_refs(source, provider, ref_id, words):
    with pytest.raises(SecretRefError, match=words):
        validate_ref(source, provider, ref_id)


def test_parse_ref_spec():
    assert parse_ref_spec("exec:vault:a/b:c") == Ref("exec", "vault", "a/b:c")
    assert parse_ref_spec("env::MY_KEY") == Ref("env", "default", "MY_KEY")
    with pytest.raises(SecretRefError, match="SOURCE:PROVIDER:ID"):
        parse_ref_spec("MY_KEY")


def test_coerce_ref_fills_the_default_provider_per_source():
    assert secrets.coerce_ref({"source": "file", "id": "/x"}, {"file": "filemain"}) == Ref("file", "filemain", "/x")
    assert secrets.coerce_ref({"source": "env", "id": "X"}) == Ref("env", "default", "X")
    assert secrets.coerce_ref({"source": "nope", "id": "X"}) is None


# ---- env

def test_env_ref_resolves_and_fails_without_echoing():
    ref = Ref("env", "default", "MY_KEY")
    assert resolve(ref, {}, {"MY_KEY": KEY}) == KEY
    with pytest.raises(SecretRefError, match='"MY_KEY" is missing or empty'):
        resolve(ref, {}, {"MY_KEY": ""})
    cfg = {"secrets": {"providers": {"default": {"source": "env", "allowlist": ["OTHER"]}}}}
    with pytest.raises(SecretRefError, match="allowlist"):
        resolve(ref, cfg, {"MY_KEY": KEY})


def test_unconfigured_or_mismatched_provider():
    with pytest.raises(SecretRefError, match='"vault" is not configured'):
        resolve(Ref("exec", "vault", "x"), {}, {})
    cfg = {"secrets": {"providers": {"vault": {"source": "file", "path": "/x"}}}}
    with pytest.raises(SecretRefError, match='has source "file" but the ref asks for "exec"'):
        resolve(Ref("exec", "vault", "x"), cfg, {})


# ---- file

def _file_cfg(path: Path, **extra) -> dict:
    return {"secrets": {"providers": {"fm": {"source": "file", "path": str(path), **extra}}}}


def _private(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_file_json_pointer_and_single_value(tmp_path):
    doc = _private(tmp_path / "s.json", json.dumps({"providers": {"open/router": {"apiKey": KEY}}, "n": 5}))
    assert resolve(Ref("file", "fm", "/providers/open~1router/apiKey"), _file_cfg(doc), {}) == KEY
    with pytest.raises(SecretRefError, match="nothing at JSON pointer"):
        resolve(Ref("file", "fm", "/providers/missing"), _file_cfg(doc), {})
    with pytest.raises(SecretRefError, match="non-string or empty"):
        resolve(Ref("file", "fm", "/n"), _file_cfg(doc), {})
    single = _private(tmp_path / "key.txt", KEY + "\n")
    assert resolve(Ref("file", "fm", "value"), _file_cfg(single, mode="singleValue"), {}) == KEY
    with pytest.raises(SecretRefError, match='expects ref id "value"'):
        resolve(Ref("file", "fm", "/x"), _file_cfg(single, mode="singleValue"), {})


def test_file_path_rules(tmp_path):
    doc = _private(tmp_path / "s.json", json.dumps({"k": KEY}))
    ref = Ref("file", "fm", "/k")
    doc.chmod(0o644)
    with pytest.raises(SecretRefError, match="permissions are too open"):
        resolve(ref, _file_cfg(doc), {})
    assert resolve(ref, _file_cfg(doc, allowInsecurePath=True), {}) == KEY
    doc.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(doc)
    with pytest.raises(SecretRefError, match="must not be a symlink"):
        resolve(ref, _file_cfg(link), {})
    with pytest.raises(SecretRefError, match="absolute path"):
        resolve(ref, _file_cfg(Path("s.json")), {})
    with pytest.raises(SecretRefError, match="not readable"):
        resolve(ref, _file_cfg(tmp_path / "absent.json"), {})
    with pytest.raises(SecretRefError, match="exceeded maxBytes"):
        resolve(ref, _file_cfg(doc, maxBytes=4), {})
    bad = _private(tmp_path / "bad.json", "[1, 2]")
    with pytest.raises(SecretRefError, match="not a JSON object"):
        resolve(ref, _file_cfg(bad), {})


# ---- exec (real scripts run by the interpreter's absolute path: the child gets no PATH)

def _script(tmp_path: Path, body: str, name: str = "resolver") -> Path:
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\nimport json, os, sys\n{body}\n")
    path.chmod(0o700)
    return path


def _exec_cfg(command: Path, **extra) -> dict:
    return {"secrets": {"providers": {"vault": {"source": "exec", "command": str(command), **extra}}}}


ECHO_PROTOCOL = """
req = json.load(sys.stdin)
assert req["protocolVersion"] == 1 and req["provider"] == "vault", req
print(json.dumps({"protocolVersion": 1, "values": {i: os.environ.get("SECRET", "none") for i in req["ids"]}}))
"""


def test_exec_protocol_and_pass_env(tmp_path):
    cmd = _script(tmp_path, ECHO_PROTOCOL)
    ref = Ref("exec", "vault", "openrouter/api-key")
    assert resolve(ref, _exec_cfg(cmd, passEnv=["SECRET"]), {"SECRET": KEY, "OTHER": "x"}) == KEY
    # Not in passEnv: the child does not see it.
    assert resolve(ref, _exec_cfg(cmd), {"SECRET": KEY}) == "none"


def test_exec_raw_output_needs_json_only_false(tmp_path):
    cmd = _script(tmp_path, f"sys.stdin.read(); print({KEY!r})")
    ref = Ref("exec", "vault", "value")
    assert resolve(ref, _exec_cfg(cmd, jsonOnly=False), {}) == KEY
    with pytest.raises(SecretRefError, match="returned invalid JSON") as info:
        resolve(ref, _exec_cfg(cmd), {})
    assert KEY not in str(info.value)


def test_exec_hostile_output_is_never_echoed(tmp_path):
    body = ('print(json.dumps({"protocolVersion": 1, "values": {}, "errors": {"x": {"message": '
            '"\\u001b[31mnope\\u001b]0;pwned\\u0007 " + "A" * 500}}}))\n'
            f'sys.stderr.write({KEY!r} * 10)')
    cmd = _script(tmp_path, body)
    with pytest.raises(SecretRefError) as info:
        resolve(Ref("exec", "vault", "x"), _exec_cfg(cmd), {})
    message = str(info.value)
    assert "\x1b" not in message and "\x07" not in message and KEY not in message
    assert len(message) < 300 and "failed for id" in message


@pytest.mark.parametrize(("body", "words"), [
    ("sys.exit(3)", "exited with code 3"),
    ("print('')", "returned empty stdout"),
    ("print(json.dumps({'protocolVersion': 2, 'values': {}}))", "protocolVersion must be 1"),
    ("print(json.dumps({'protocolVersion': 1}))", 'missing "values"'),
    ("print(json.dumps({'protocolVersion': 1, 'values': {'other': 'v'}}))", 'missing id "x"'),
    ("print(json.dumps([1, 2]))", "must be an object"),
    ("print(json.dumps({'protocolVersion': 1, 'values': {'x': 42}}))", "non-string or empty"),
])
def test_exec_failures(tmp_path, body, words):
    cmd = _script(tmp_path, body)
    with pytest.raises(SecretRefError, match=words):
        resolve(Ref("exec", "vault", "x"), _exec_cfg(cmd), {})


def test_exec_timeout_kills_the_resolver(tmp_path):
    import time

    cmd = _script(tmp_path, "import time\ntime.sleep(30)")  # a resolver that hangs
    started = time.monotonic()
    with pytest.raises(SecretRefError, match=r"timed out after 300ms"):
        resolve(Ref("exec", "vault", "x"), _exec_cfg(cmd, timeoutMs=300), {})
    assert time.monotonic() - started < 10  # killed, not waited for


def test_exec_no_output_timeout(tmp_path):
    cmd = _script(tmp_path, "import time\nsys.stdout.write(' '); sys.stdout.flush(); time.sleep(30)")
    with pytest.raises(SecretRefError, match="produced no output for 200ms"):
        resolve(Ref("exec", "vault", "x"), _exec_cfg(cmd, timeoutMs=20_000, noOutputTimeoutMs=200), {})


def test_exec_huge_output_is_cut_off(tmp_path):
    cmd = _script(tmp_path, "chunk = 'A' * 65536\nwhile True:\n    sys.stdout.write(chunk)")
    with pytest.raises(SecretRefError, match=r"exceeded maxOutputBytes \(1048576\)"):
        resolve(Ref("exec", "vault", "x"), _exec_cfg(cmd), {})


def test_exec_command_rules(tmp_path):
    cmd = _script(tmp_path, ECHO_PROTOCOL)
    link = tmp_path / "shim"
    link.symlink_to(cmd)
    ref = Ref("exec", "vault", "x")
    with pytest.raises(SecretRefError, match="must not be a symlink"):
        resolve(ref, _exec_cfg(link), {})
    assert resolve(ref, _exec_cfg(link, allowSymlinkCommand=True, passEnv=["SECRET"]), {"SECRET": KEY}) == KEY
    with pytest.raises(SecretRefError, match="outside trustedDirs"):
        resolve(ref, _exec_cfg(link, allowSymlinkCommand=True, trustedDirs=["/opt/homebrew"]), {})
    with pytest.raises(SecretRefError, match="absolute path"):
        resolve(ref, _exec_cfg(Path("resolver")), {})
    cmd.chmod(0o722)
    with pytest.raises(SecretRefError, match="permissions are too open"):
        resolve(ref, _exec_cfg(cmd), {})
    cmd.chmod(0o755)  # readable by others is fine for a command
    assert resolve(ref, _exec_cfg(cmd, passEnv=["SECRET"]), {"SECRET": KEY}) == KEY


def test_exec_is_not_run_through_a_shell(tmp_path):
    cmd = _script(tmp_path, "print(json.dumps({'protocolVersion': 1, 'values': {'x': sys.argv[1]}}))")
    hostile = "$(touch pwned); `touch pwned2`"
    assert resolve(Ref("exec", "vault", "x"), _exec_cfg(cmd, args=[hostile]), {}) == hostile
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()


def test_set_provider_config_writes_openclaw_json(state_dir):
    from openclaw_onboard.core.paths import config_path

    config_path().write_text('{"gateway": {"mode": "local"}}\n')
    secrets.set_provider_config("vault", {"source": "exec", "command": "/usr/bin/true", "jsonOnly": True})
    data = json.loads(config_path().read_text())
    assert data["gateway"] == {"mode": "local"}
    assert data["secrets"]["providers"]["vault"]["command"] == "/usr/bin/true"
    assert oct(config_path().stat().st_mode & 0o777) == "0o600"
    with pytest.raises(SecretRefError, match="absolute command"):
        secrets.set_provider_config("vault", {"source": "exec", "command": "op"})


def test_status_marks_an_unresolved_ref_missing_and_check_fails(state_dir, monkeypatch):
    from openclaw_onboard.core import profiles, status

    profiles.add_secret_ref("openrouter", Ref("env", "default", "MY_OR_KEY"))
    st = status.agent_status(env={})
    (row,) = [p for p in st.profiles if p.profile_id == "openrouter:default"]
    assert (row.status, row.reason, row.ref) == ("missing", "unresolved_ref", "env:default:MY_OR_KEY")
    assert status.check_exit_code(st) == 1
    st = status.agent_status(env={"MY_OR_KEY": KEY})
    (row,) = [p for p in st.profiles if p.profile_id == "openrouter:default"]
    assert (row.status, row.reason, row.ref) == ("static", None, "env:default:MY_OR_KEY")
    assert KEY not in repr(st)


def test_oauth_profiles_refuse_refs(state_dir):
    from openclaw_onboard.core import profiles
    from openclaw_onboard.core.errors import ValidationError
    from openclaw_onboard.core.models import OAuthCredential

    profiles.add_oauth(OAuthCredential(provider="openrouter", access="a" * 40, refresh="r" * 40, expires=1),
                       "openrouter:default")
    with pytest.raises(ValidationError, match="does not accept SecretRefs on OAuth"):
        profiles.add_secret_ref("openrouter", Ref("env", "default", "MY_OR_KEY"))



def test_status_runs_an_exec_resolver_once_per_ttl(state_dir, tmp_path, monkeypatch):
    from openclaw_onboard.core import profiles, status

    calls = tmp_path / "calls"
    cmd = _script(tmp_path, f"open({str(calls)!r}, 'a').write('x')\n" + ECHO_PROTOCOL.replace(
        'os.environ.get("SECRET", "none")', repr(KEY)))
    secrets.set_provider_config("vault", {"source": "exec", "command": str(cmd)})
    profiles.add_secret_ref("openrouter", Ref("exec", "vault", "openrouter/api-key"))
    for _ in range(3):
        (row,) = status.agent_status(env={}).profiles
        assert row.reason is None
    assert calls.read_text() == "x"  # one run for three status reads (a dashboard reloading)
    monkeypatch.setattr(secrets, "EXEC_CHECK_TTL_S", 0.0)
    status.agent_status(env={})
    assert calls.read_text() == "xx"


# ---- the wizard's "store as command/file" writes openclaw.json through the in-place editor (issue 21)

OP = {"source": "exec", "command": "/usr/bin/op", "args": ["read", "op://Personal/x/credential"],
      "passEnv": ["HOME"], "jsonOnly": False}


def test_set_provider_config_keeps_comments_json5_and_a_backup(state_dir):
    from openclaw_onboard.core.paths import config_path

    original = "// kept by hand\n{\n  gateway: { mode: 'local' }, // local only\n  meta: { v: 1, },\n}\n"
    config_path().write_text(original)
    secrets.set_provider_config("op", OP)
    text = config_path().read_text()
    assert text.startswith("// kept by hand\n{\n  gateway: { mode: 'local' }, // local only\n")
    assert json5.loads(text)["secrets"]["providers"]["op"] == OP
    assert config_path().with_name("openclaw.json.bak").read_text() == original
    secrets.set_provider_config("op", OP)  # the same entry again: nothing to write, no new backup
    assert not config_path().with_name("openclaw.json.bak.1").exists()


def test_set_provider_config_refuses_to_halve_a_large_file(state_dir, monkeypatch):
    from openclaw_onboard.core import config
    from openclaw_onboard.core.paths import config_path

    big = {"gateway": {"mode": "local"}, "secrets": {"providers": {"op": {**OP, "args": ["x" * 2000]}}}}
    config_path().write_text(json.dumps(big, indent=2))
    before = config_path().read_bytes()
    with pytest.raises(config.OpenClawError, match="shrink"):
        secrets.set_provider_config("op", OP)
    assert config_path().read_bytes() == before


INCLUDED_SECRETS = '// secrets live here\n{\n  providers: {\n    op: ' + json.dumps(OP) + ',\n  },\n}\n'


def test_secrets_from_an_include_are_seen_and_a_new_provider_goes_into_the_included_file(state_dir):
    from openclaw_onboard.core import config
    from openclaw_onboard.core.paths import config_path

    root = '{\n  gateway: { mode: "local" },\n  secrets: { $include: "./secrets.json5" },\n}\n'
    config_path().write_text(root)
    included = state_dir / "secrets.json5"
    included.write_text(INCLUDED_SECRETS)
    raw = config.load_config().raw
    assert raw["secrets"]["providers"]["op"] == OP  # the wizard sees the included provider
    same = secrets.plan_exec("/usr/bin/op", "read op://Personal/x/credential", "", "HOME", raw)
    assert same.ref.provider == "op"  # ...and reuses it instead of writing a second `op`
    other = secrets.plan_exec("/usr/bin/op", "read op://Work/y/credential", "", "HOME", raw)
    assert other.ref.provider == "op-2"
    secrets.save_plan(other)
    assert config_path().read_text() == root  # never a `providers` beside the include
    text = included.read_text()
    assert text.startswith("// secrets live here\n")
    assert json5.loads(text)["providers"] == {"op": OP, "op-2": other.provider_config}
    assert config.load_config().raw["secrets"]["providers"]["op-2"] == other.provider_config


def test_a_provider_both_an_include_and_its_sibling_give_is_refused_naming_the_file(state_dir):
    from openclaw_onboard.core import config
    from openclaw_onboard.core.paths import config_path

    # OpenClaw merges the two `op`s (args and passEnv concatenated): writing there would change both.
    root = '{ secrets: { $include: "./secrets.json5", providers: { op: { timeoutMs: 5000 } } } }\n'
    config_path().write_text(root)
    (state_dir / "secrets.json5").write_text(INCLUDED_SECRETS)
    with pytest.raises(config.OpenClawError, match=r"secrets\.json5"):
        secrets.set_provider_config("op", {**OP, "args": ["read", "op://Work/y/credential"]})
    assert config_path().read_text() == root
    assert (state_dir / "secrets.json5").read_text() == INCLUDED_SECRETS


# ---- file refs on a hostile machine (issue 24.2): FIFOs, swaps, other users' directories

def _resolve_in_thread(ref: Ref, cfg: dict) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(resolve(ref, cfg, {}))
        except SecretRefError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    return worker, outcome


def test_a_fifo_in_the_secret_files_place_is_refused_at_once(tmp_path):
    fifo = tmp_path / "key.txt"
    os.mkfifo(fifo, 0o600)
    worker, outcome = _resolve_in_thread(Ref("file", "fm", "value"), _file_cfg(fifo, mode="singleValue"))
    worker.join(timeout=10)
    hung = worker.is_alive()
    if hung:  # unblock the reader stuck in open(): a writer appears, then goes
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=10)
    assert not hung, "resolving a file ref on a FIFO blocked in open()"
    assert isinstance(outcome[0], SecretRefError) and "regular file" in str(outcome[0])


def test_a_symlink_swapped_in_after_the_checks_is_never_followed(tmp_path, monkeypatch):
    """The attacker wins the race: between our look at the path and the open, the file becomes a link to
    a file only root can read. Whatever was checked before, the open itself must refuse the link."""
    secret = _private(tmp_path / "key.txt", KEY + "\n")
    victim = _private(tmp_path / "root-only.txt", "ROOT-ONLY-CONTENT\n")
    swapped: list[bool] = []

    def swap() -> None:
        if not swapped:
            swapped.append(True)
            secret.unlink()
            secret.symlink_to(victim)

    real_os_open, real_path_open = os.open, Path.open

    def os_open(path, *args, **kwargs):
        if os.fspath(path) == str(secret):
            swap()
        return real_os_open(path, *args, **kwargs)

    def path_open(self, *args, **kwargs):
        if str(self) == str(secret):
            swap()
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(Path, "open", path_open)
    with pytest.raises(SecretRefError, match="symlink") as caught:
        resolve(Ref("file", "fm", "value"), _file_cfg(secret, mode="singleValue"), {})
    assert swapped and "ROOT-ONLY" not in str(caught.value)


def test_a_secret_file_in_a_directory_another_user_controls_is_refused(tmp_path):
    """StrictModes for the file's directories: `nobody` could rename any file of theirs into place."""
    theirs = tmp_path / "shared"
    theirs.mkdir(mode=0o700)
    secret = _private(theirs / "key.txt", KEY)
    os.chown(theirs, 65534, 65534)
    with pytest.raises(SecretRefError, match="owned by another user"):
        resolve(Ref("file", "fm", "value"), _file_cfg(secret, mode="singleValue"), {})
    group_writable = tmp_path / "gw"
    group_writable.mkdir()
    group_writable.chmod(0o770)
    other = _private(group_writable / "key.txt", KEY)
    with pytest.raises(SecretRefError, match="other users can write"):
        resolve(Ref("file", "fm", "value"), _file_cfg(other, mode="singleValue"), {})
    # allowInsecurePath is the user's explicit opt-out, as in OpenClaw.
    assert resolve(Ref("file", "fm", "value"), _file_cfg(other, mode="singleValue", allowInsecurePath=True), {}) == KEY


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_as_the_secret_file_is_refused(device):
    with pytest.raises(SecretRefError, match="regular file"):
        resolve(Ref("file", "fm", "value"), _file_cfg(Path(device), mode="singleValue", allowInsecurePath=True), {})


# ---- exec resolver leftovers (issue 24.9): nothing it started outlives it, complete output is accepted

def _dead_within(pid: int, seconds: float) -> bool:
    """Event-driven: a pidfd turns readable when the process exits (a zombie counts as dead)."""
    import select

    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


_SPAWN = """
import subprocess
def spawn(code, **kw):
    return subprocess.Popen([sys.executable, "-c", code], **kw)
"""
OUTPUT = "print(json.dumps({'protocolVersion': 1, 'values': {'x': 'v' * 20}}), flush=True)"


@pytest.mark.parametrize("holds_stdout", [False, True])
def test_a_child_left_in_the_group_after_a_successful_run_is_killed(tmp_path, holds_stdout):
    pid_file = tmp_path / "child.pid"
    redirect = "" if holds_stdout else ", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL"
    cmd = _script(tmp_path, _SPAWN + f"child = spawn('import time; time.sleep(60)'{redirect})\n"
                  f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n" + OUTPUT)
    started = time.monotonic()
    # Complete output and exit 0 are a success, even while the leftover still holds the pipe.
    assert resolve(Ref("exec", "vault", "x"), _exec_cfg(cmd, timeoutMs=5000), {}) == "v" * 20
    assert time.monotonic() - started < 4
    assert _dead_within(int(pid_file.read_text()), 5)


@pytest.mark.parametrize("outcome", ["timeout", "success"])
def test_a_daemon_that_left_the_group_with_setsid_is_killed_too(tmp_path, outcome):
    pid_file = tmp_path / "daemon.pid"
    daemon = ("import os, sys, time\nif os.fork():\n    sys.exit(0)\nos.setsid()\n"
              "if os.fork():\n    sys.exit(0)\n"
              f"open({str(pid_file)!r} + '.tmp', 'w').write(str(os.getpid()))\n"
              f"os.rename({str(pid_file)!r} + '.tmp', {str(pid_file)!r})\ntime.sleep(60)")
    tail = "time.sleep(60)" if outcome == "timeout" else OUTPUT
    cmd = _script(tmp_path, _SPAWN + "import time\n"
                  f"spawn({daemon!r}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait()\n"
                  f"while not os.path.exists({str(pid_file)!r}):\n    time.sleep(0.01)\n" + tail)
    ref, cfg = Ref("exec", "vault", "x"), _exec_cfg(cmd, timeoutMs=3000)
    if outcome == "timeout":
        with pytest.raises(SecretRefError, match="timed out"):
            resolve(ref, cfg, {})
    else:
        assert resolve(ref, cfg, {}) == "v" * 20
    daemon_pid = int(pid_file.read_text())
    assert os.getsid(daemon_pid) != os.getsid(0)  # it really left (its own session)
    assert _dead_within(daemon_pid, 5)


def test_an_exec_command_in_a_directory_another_user_controls_is_refused(tmp_path):
    """`nobody` could swap the command between our check and the run (issue 24, symlink swaps in a loop)."""
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    cmd = _script(theirs, ECHO_PROTOCOL)
    os.chown(theirs, 65534, 65534)
    with pytest.raises(SecretRefError, match="owned by another user"):
        resolve(Ref("exec", "vault", "x"), _exec_cfg(cmd, passEnv=["SECRET"]), {"SECRET": KEY})
    os.chown(theirs, 0, 0)
    theirs.chmod(0o777)
    with pytest.raises(SecretRefError, match="other users can write"):
        resolve(Ref("exec", "vault", "x"), _exec_cfg(cmd, passEnv=["SECRET"]), {"SECRET": KEY})
    theirs.chmod(0o755)
    assert resolve(Ref("exec", "vault", "x"), _exec_cfg(cmd, passEnv=["SECRET"]), {"SECRET": KEY}) == KEY
