"""SecretRefs as OpenClaw 2026.4.26 reads them: validation, `secrets.providers`, preflight resolution.

A ref is exactly `{source, provider, id}` (source env|file|exec) stored as `keyRef`/`tokenRef` in
auth-profiles.json instead of the secret. `secrets.providers.<alias>` in openclaw.json says how a
provider alias resolves; `env` refs of the default alias need no entry. We resolve refs only to check
them (wizard preflight, `models status`) and to probe: a resolved value is returned to the caller and
never logged, stored or put in an error message. Errors say what failed, never what was read.

Rules follow OpenClaw's secrets resolver (docs/gateway/secrets.md, dist resolve/ref-contract):
- env: optional `allowlist`; a missing or empty variable fails.
- file: absolute `path` (`~` expanded), a regular file owned by us, not group/world readable or
  writable, in directories nobody else controls (unless `allowInsecurePath`), not a symlink, judged on
  the open descriptor (never a FIFO or device, never a file swapped in after a check);
  `maxBytes` (1 MiB), `timeoutMs` (5 s);
  `mode: json` reads the id as an RFC 6901 pointer, `singleValue` needs id `value` and strips one
  trailing newline.
- exec: absolute `command`, a regular file (a symlink only with `allowSymlinkCommand`, then its
  target), inside `trustedDirs` if given, not group/world writable; run without a shell, cwd = its
  directory, environment = only `passEnv` names plus `env`; stdin `{"protocolVersion":1,"provider",
  "ids"}`; `timeoutMs` and `noOutputTimeoutMs` (5 s), `maxOutputBytes` (1 MiB), exit 0; stdout is
  `{"protocolVersion":1,"values":{id: value},"errors"?}`, or with `jsonOnly: false` and one id a raw
  string.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import stat
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.masking import redact_key_shaped

SOURCES = ("env", "file", "exec")
DEFAULT_PROVIDER = "default"
PROVIDER_ALIAS_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
ENV_ID_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,127}$")
EXEC_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$")
_POINTER_SEGMENT_RE = re.compile(r"^(?:[^~]|~0|~1)*$")
DEFAULT_TIMEOUT_MS = 5_000
DEFAULT_MAX_BYTES = 1024 * 1024
MAX_BATCH_BYTES = 256 * 1024


class SecretRefError(ValidationError):
    """A ref that is malformed or cannot be resolved. The message never contains a secret."""


@dataclass(frozen=True)
class Ref:
    source: str
    provider: str
    id: str

    @property
    def label(self) -> str:
        return f"{self.source}:{self.provider}:{self.id}"

    def to_json(self) -> dict[str, str]:
        return {"source": self.source, "provider": self.provider, "id": self.id}


def printable(value: str, limit: int = 64) -> str:
    """A user-typed or resolver-written string for an error line: printable, bounded."""
    clean = "".join(c if c.isprintable() else "?" for c in value)
    return clean if len(clean) <= limit else clean[:limit] + "…"


_show = printable


def validate_ref(source: str, provider: str | None, ref_id: str) -> Ref:
    """OpenClaw's ref contract per source; raises SecretRefError with the rule that failed."""
    source = (source or "").strip()
    provider = (provider or "").strip() or DEFAULT_PROVIDER
    ref_id = (ref_id or "").strip()
    if source not in SOURCES:
        raise SecretRefError(f"Secret source must be env, file or exec, not {_show(source)!r}")
    if not PROVIDER_ALIAS_RE.match(provider):
        raise SecretRefError(f"Secret provider {_show(provider)!r} must match ^[a-z][a-z0-9_-]{{0,63}}$")
    if not ref_id:
        raise SecretRefError("Secret ref id is empty")
    if source == "env" and not ENV_ID_RE.match(ref_id):
        raise SecretRefError(f"Env ref id {_show(ref_id)!r} must be an environment variable name like "
                             "OPENROUTER_API_KEY (^[A-Z][A-Z0-9_]{0,127}$)")
    if source == "file" and not (ref_id == "value" or (
            ref_id.startswith("/") and all(_POINTER_SEGMENT_RE.match(s) for s in ref_id[1:].split("/")))):
        raise SecretRefError(f"File ref id {_show(ref_id)!r} must be \"value\" (singleValue files) or an absolute "
                             "JSON pointer like /providers/openrouter/apiKey")
    if source == "exec" and (not EXEC_ID_RE.match(ref_id) or any(s in (".", "..") for s in ref_id.split("/"))):
        raise SecretRefError(f"Exec ref id {_show(ref_id)!r} must match ^[A-Za-z0-9][A-Za-z0-9._:/-]{{0,255}}$ "
                             "without . or .. segments (e.g. vault/openrouter/api-key)")
    return Ref(source, provider, ref_id)


def parse_ref_spec(spec: str) -> Ref:
    """`SOURCE:PROVIDER:ID` (the CLI's --ref); `SOURCE::ID` uses the default provider alias."""
    source, sep1, rest = (spec or "").strip().partition(":")
    provider, sep2, ref_id = rest.partition(":")
    if not (sep1 and sep2):
        raise SecretRefError("--ref must be SOURCE:PROVIDER:ID, e.g. env:default:OPENROUTER_API_KEY or "
                             "exec:vault:openrouter/api-key")
    return validate_ref(source, provider, ref_id)


def coerce_ref(value: Any, defaults: Mapping[str, Any] | None = None) -> Ref | None:
    """A stored ref as OpenClaw reads it: an object with source and id (provider defaults per source)."""
    if hasattr(value, "source") and not isinstance(value, Mapping):
        value = {"source": value.source, "provider": getattr(value, "provider", None), "id": value.id}
    if not isinstance(value, Mapping) or value.get("source") not in SOURCES:
        return None
    ref_id, provider = value.get("id"), value.get("provider")
    if not isinstance(ref_id, str) or not ref_id.strip():
        return None
    if not isinstance(provider, str) or not provider.strip():
        provider = (defaults or {}).get(value["source"]) or DEFAULT_PROVIDER
    return Ref(str(value["source"]), provider.strip(), ref_id.strip())


# ---- openclaw.json `secrets`

def secrets_section(raw_config: Mapping[str, Any] | None) -> Mapping[str, Any]:
    section = (raw_config or {}).get("secrets")
    return section if isinstance(section, Mapping) else {}


def provider_config(ref: Ref, raw_config: Mapping[str, Any] | None) -> Mapping[str, Any]:
    section = secrets_section(raw_config)
    providers = section.get("providers") if isinstance(section.get("providers"), Mapping) else {}
    cfg = providers.get(ref.provider) if providers else None
    if cfg is None:
        defaults = section.get("defaults") if isinstance(section.get("defaults"), Mapping) else {}
        default_env = str((defaults or {}).get("env") or "").strip() or DEFAULT_PROVIDER
        if ref.source == "env" and ref.provider == default_env:
            return {"source": "env"}
        raise SecretRefError(f'Secret provider "{ref.provider}" is not configured in secrets.providers '
                             f"of openclaw.json (ref {ref.label})")
    if not isinstance(cfg, Mapping):
        raise SecretRefError(f"secrets.providers.{ref.provider} in openclaw.json is not an object")
    if cfg.get("source") != ref.source:
        raise SecretRefError(f'Secret provider "{ref.provider}" has source "{_show(str(cfg.get("source")))}" '
                             f'but the ref asks for "{ref.source}"')
    return cfg


def _positive_int(value: Any, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0 or value != value:
        return default
    return int(value)


# ---- resolution

def resolve(ref: Ref, raw_config: Mapping[str, Any] | None, env: Mapping[str, str]) -> str:
    """The secret `ref` points at, as a non-empty string; SecretRefError (safe to show) otherwise."""
    cfg = provider_config(ref, raw_config)
    if ref.source == "env":
        value: Any = _resolve_env(ref, cfg, env)
    elif ref.source == "file":
        value = _resolve_file(ref, cfg)
    else:
        value = _resolve_exec(ref, cfg, env)
    if not isinstance(value, str) or not value.strip():
        raise SecretRefError(f'Secret ref "{ref.label}" resolved to a non-string or empty value')
    return value


def check(ref: Ref, raw_config: Mapping[str, Any] | None, env: Mapping[str, str]) -> str | None:
    """None when `ref` resolves to a usable string, else why not (never the value)."""
    try:
        resolve(ref, raw_config, env)
    except SecretRefError as exc:
        return str(exc)
    return None


EXEC_CHECK_TTL_S = 300.0
_exec_checks: dict[str, tuple[float, str | None]] = {}


def check_for_status(ref: Ref, raw_config: Mapping[str, Any] | None, env: Mapping[str, str]) -> str | None:
    """`check` for status displays: an exec ref's verdict is remembered for EXEC_CHECK_TTL_S per process,
    so a dashboard reload does not run `op`/`vault` (and maybe a biometric prompt) again. Env and file
    refs are cheap and always checked afresh. Only the verdict is kept, never the value."""
    if ref.source != "exec":
        return check(ref, raw_config, env)
    try:
        cfg = json.dumps(provider_config(ref, raw_config), sort_keys=True, default=str)
    except SecretRefError as exc:
        return str(exc)
    key = f"{ref.label}\0{cfg}"
    now = time.monotonic()
    hit = _exec_checks.get(key)
    if hit is not None and now - hit[0] < EXEC_CHECK_TTL_S:
        return hit[1]
    verdict = check(ref, raw_config, env)
    _exec_checks[key] = (now, verdict)
    return verdict


def _resolve_env(ref: Ref, cfg: Mapping[str, Any], env: Mapping[str, str]) -> str:
    allow = cfg.get("allowlist")
    if isinstance(allow, list) and ref.id not in allow:
        raise SecretRefError(f'Environment variable "{ref.id}" is not in secrets.providers.{ref.provider}.allowlist')
    value = env.get(ref.id)
    if not value:
        raise SecretRefError(f'Environment variable "{ref.id}" is missing or empty')
    return value


def _expand(path: str) -> Path:
    return Path(os.path.expanduser(path))


def _secure_path(path: Path, label: str, *, allow_symlink: bool = False, trusted_dirs: list[str] | None = None,
                 allow_insecure: bool = False, allow_readable: bool = False) -> Path:
    if not path.is_absolute():
        raise SecretRefError(f"{label} must be an absolute path")
    try:
        st = path.lstat()
    except OSError:
        raise SecretRefError(f"{label} is not readable: {path}") from None
    effective = path
    if stat.S_ISLNK(st.st_mode):
        if not allow_symlink:
            raise SecretRefError(f"{label} must not be a symlink: {path}")
        try:
            effective = path.resolve(strict=True)
            st = effective.lstat()
        except OSError:
            raise SecretRefError(f"{label} symlink target is not readable: {path}") from None
    if stat.S_ISDIR(st.st_mode):
        raise SecretRefError(f"{label} must be a file: {effective}")
    if trusted_dirs:
        roots = [_expand(d).resolve() for d in trusted_dirs if isinstance(d, str)]
        if not any(effective == r or r in effective.parents for r in roots):
            raise SecretRefError(f"{label} is outside trustedDirs: {effective}")
    if allow_insecure:
        return effective
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) or (
            not allow_readable and st.st_mode & (stat.S_IRGRP | stat.S_IROTH)):
        raise SecretRefError(f"{label} permissions are too open: {effective}")
    if st.st_uid != os.getuid():
        raise SecretRefError(f"{label} must be owned by the current user (uid={os.getuid()}): {effective}")
    from openclaw_onboard.core import trust

    try:  # StrictModes for its directories: nobody else may swap the command between this check and the run
        trust.check_dir(effective.parent)
    except trust.UntrustedPathError as exc:
        raise SecretRefError(f"{label}: {exc}") from None
    return effective


def _json_pointer(doc: Any, pointer: str, label: str) -> Any:
    node = doc
    for raw in pointer[1:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise SecretRefError(f"{label}: nothing at JSON pointer {_show(pointer)}")
    return node


def _read_secret_file(path: Path, label: str, *, allow_insecure: bool, max_bytes: int, timeout_ms: int) -> bytes:
    """The file's bytes, judged on the open descriptor, never by a path check that a swap could outrun.

    O_NOFOLLOW refuses a symlink (also one swapped in after any earlier look), O_NONBLOCK makes a FIFO
    or a device in the file's place open at once instead of hanging a cron job, and fstat on the
    descriptor decides: a regular file, ours, not group/world accessible (unless allowInsecurePath).
    Its directories follow core.trust's StrictModes rules, so nobody else could have renamed a file
    of theirs into place. The read is bounded in bytes and, as OpenClaw's timeoutMs, in time."""
    from openclaw_onboard.core import trust

    if not path.is_absolute():
        raise SecretRefError(f"{label} must be an absolute path")
    if not allow_insecure:
        try:
            trust.check_dir(path.parent)
        except trust.UntrustedPathError as exc:
            raise SecretRefError(f"{label}: {exc}") from None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: the file itself is a symlink
            raise SecretRefError(f"{label} must not be a symlink: {path}") from None
        raise SecretRefError(f"{label} is not readable: {path}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise SecretRefError(f"{label} must be a file: {path}")
        if not stat.S_ISREG(st.st_mode):
            raise SecretRefError(f"{label} must be a regular file (not a FIFO, socket or device): {path}")
        if not allow_insecure:
            if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH | stat.S_IRGRP | stat.S_IROTH):
                raise SecretRefError(f"{label} permissions are too open: {path}")
            if st.st_uid != os.geteuid():
                raise SecretRefError(f"{label} must be owned by the current user (uid={os.geteuid()}): {path}")
        deadline = time.monotonic() + timeout_ms / 1000
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            if time.monotonic() > deadline:
                raise SecretRefError(f"{label} could not be read within {timeout_ms}ms")
            try:
                chunk = os.read(fd, min(65536, max_bytes + 1 - total))
            except OSError as exc:
                raise SecretRefError(f"{label} could not be read: {exc.strerror or type(exc).__name__}") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _resolve_file(ref: Ref, cfg: Mapping[str, Any]) -> Any:
    label = f"secrets.providers.{ref.provider}.path"
    raw_path = cfg.get("path")
    if not isinstance(raw_path, str) or not raw_path.strip():
        raise SecretRefError(f"{label} is not set")
    max_bytes = _positive_int(cfg.get("maxBytes"), DEFAULT_MAX_BYTES)
    data = _read_secret_file(_expand(raw_path.strip()), label, allow_insecure=bool(cfg.get("allowInsecurePath")),
                             max_bytes=max_bytes, timeout_ms=_positive_int(cfg.get("timeoutMs"), DEFAULT_TIMEOUT_MS))
    if len(data) > max_bytes:
        raise SecretRefError(f'File provider "{ref.provider}" exceeded maxBytes ({max_bytes})')
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    if cfg.get("mode") == "singleValue":
        if ref.id != "value":
            raise SecretRefError(f'singleValue file provider "{ref.provider}" expects ref id "value"')
        return text[:-2] if text.endswith("\r\n") else text.removesuffix("\n")
    try:
        doc = json.loads(text)
    except ValueError:
        raise SecretRefError(f'File provider "{ref.provider}" is not valid JSON (mode json)') from None
    if not isinstance(doc, dict):
        raise SecretRefError(f'File provider "{ref.provider}" payload is not a JSON object')
    if ref.id == "value":
        raise SecretRefError(f'File provider "{ref.provider}" is mode json: the id must be a JSON pointer')
    return _json_pointer(doc, ref.id, f'File provider "{ref.provider}"')


@dataclass
class ExecResult:
    stdout: bytes
    code: int | None
    termination: str  # "exit" | "timeout" | "no-output-timeout" | "too-much-output"


RUN_MARKER_ENV = "OPENCLAW_ONBOARD_RESOLVER_RUN"


def run_exec(command: Path, args: list[str], env: dict[str, str], stdin: bytes, *, timeout_ms: int,
             no_output_timeout_ms: int, max_output_bytes: int) -> ExecResult:
    """Run a resolver without a shell; kill it on a deadline, on silence, or on too much output.

    The run ends when the resolver itself exits (watched through a pidfd), not when its pipes close: a
    child it left behind holding stdout must not turn complete output into a timeout. On every way out
    (success included) everything it started is killed: its process group, and every process of ours
    carrying this run's marker in its environment (RUN_MARKER_ENV, the one variable we add), which
    catches a daemon that called setsid to leave the group. The group is killed before the resolver is
    reaped, so its id cannot have been reused by then."""
    import secrets as token_source

    marker = token_source.token_hex(16)
    proc = subprocess.Popen([str(command), *args], cwd=str(command.parent), env={**env, RUN_MARKER_ENV: marker},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, shell=False,
                            start_new_session=True)
    assert proc.stdin and proc.stdout and proc.stderr
    exited = _pidfd(proc.pid)
    try:
        proc.stdin.write(stdin)
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the resolver did not read its request: judged by its exit and output
    out = bytearray()
    total = 0
    start = time.monotonic()
    last_output = start
    termination = "exit"
    leader_done = False
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    if exited is not None:
        sel.register(exited, selectors.EVENT_READ, "exit")

    def pipes_open() -> bool:
        return any(key.data != "exit" for key in sel.get_map().values())

    try:
        while not leader_done and (pipes_open() or exited is not None):
            now = time.monotonic()
            left = start + timeout_ms / 1000 - now
            if pipes_open():
                left = min(left, last_output + no_output_timeout_ms / 1000 - now)
            if left <= 0:
                termination = "timeout" if now - start >= timeout_ms / 1000 else "no-output-timeout"
                break
            for key, _ in sel.select(timeout=left):
                if key.data == "exit":
                    leader_done = True  # drain what it wrote below, then stop: leftovers may hold the pipes
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                total += len(chunk)
                last_output = time.monotonic()
                if total > max_output_bytes:
                    termination = "too-much-output"
                    break
                if key.data == "out":
                    out += chunk  # stderr is counted, never kept: it may echo a secret
            if termination != "exit":
                break
        if termination == "exit" and leader_done:
            termination = _drain(proc, out, total, max_output_bytes)
        if termination != "exit":
            _kill_all(proc, marker)
            return ExecResult(bytes(out), None, termination)
        deadline = start + timeout_ms / 1000
        if exited is None:  # no pidfd (old kernel): the pipes' EOF, then the leader within the deadline
            try:
                code = proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill_all(proc, marker)
                return ExecResult(bytes(out), None, "timeout")
            _kill_all(proc, marker)
            return ExecResult(bytes(out), code, "exit")
        _kill_all(proc, marker)  # the leader is a zombie now: its group id is still ours to kill
        return ExecResult(bytes(out), proc.returncode, "exit")
    finally:
        sel.close()
        if exited is not None:
            os.close(exited)
        for fh in (proc.stdout, proc.stderr):
            fh.close()
        if proc.returncode is None:
            _kill_all(proc, marker)


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _drain(proc: subprocess.Popen[bytes], out: bytearray, total: int, max_output_bytes: int) -> str:
    """After the resolver exited: what is already in its pipes (a leftover child may keep them open)."""
    assert proc.stdout and proc.stderr
    for fh, keep in ((proc.stdout, True), (proc.stderr, False)):
        if fh.closed:
            continue
        os.set_blocking(fh.fileno(), False)
        while True:
            try:
                chunk = os.read(fh.fileno(), 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            total += len(chunk)
            if total > max_output_bytes:
                return "too-much-output"
            if keep:
                out += chunk
    return "exit"


def _kill_all(proc: subprocess.Popen[bytes], marker: str) -> None:
    """SIGKILL the resolver's process group and every process of ours that carries `marker`, then reap it."""
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, 9)  # its own session: children it spawned go too
    _kill_marked(marker)
    if proc.returncode is None:
        with contextlib.suppress(OSError):
            proc.kill()
        proc.wait()


def _kill_marked(marker: str) -> None:
    """Processes that left the group (setsid) but still carry the run's marker: found through /proc."""
    needle = f"{RUN_MARKER_ENV}={marker}".encode()
    me, uid = os.getpid(), os.geteuid()
    for _ in range(3):  # one that forked while we looked is found on the next pass
        found = False
        try:
            pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
        except OSError:
            return
        for pid in pids:
            if pid == me:
                continue
            try:
                if os.stat(f"/proc/{pid}").st_uid != uid:
                    continue  # only our own processes: a resolver runs as us (never read others' environments)
                with open(f"/proc/{pid}/environ", "rb") as fh:
                    environ = fh.read(1 << 20)
            except OSError:
                continue  # gone, or not ours to read
            if needle in environ.split(b"\0"):
                try:
                    os.kill(pid, 9)
                    found = True
                except OSError:
                    pass
        if not found:
            return


def _resolve_exec(ref: Ref, cfg: Mapping[str, Any], env: Mapping[str, str]) -> Any:
    label = f"secrets.providers.{ref.provider}.command"
    command = cfg.get("command")
    if not isinstance(command, str) or not command.strip():
        raise SecretRefError(f"{label} is not set")
    trusted = cfg.get("trustedDirs") if isinstance(cfg.get("trustedDirs"), list) else None
    path = _secure_path(_expand(command.strip()), label, allow_symlink=bool(cfg.get("allowSymlinkCommand")),
                        trusted_dirs=trusted, allow_insecure=bool(cfg.get("allowInsecurePath")),
                        allow_readable=True)
    args = cfg.get("args") or []
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise SecretRefError(f"secrets.providers.{ref.provider}.args must be a list of strings")
    child_env: dict[str, str] = {}
    for name in cfg.get("passEnv") or []:
        if isinstance(name, str) and name in env:
            child_env[name] = env[name]
    extra = cfg.get("env")
    if isinstance(extra, Mapping):
        child_env.update({str(k): str(v) for k, v in extra.items()})
    request = json.dumps({"protocolVersion": 1, "provider": ref.provider, "ids": [ref.id]}).encode()
    if len(request) > MAX_BATCH_BYTES:
        raise SecretRefError(f'Exec provider "{ref.provider}" request exceeded maxBatchBytes')
    timeout_ms = _positive_int(cfg.get("timeoutMs"), DEFAULT_TIMEOUT_MS)
    no_output_ms = _positive_int(cfg.get("noOutputTimeoutMs"), timeout_ms)
    max_output = _positive_int(cfg.get("maxOutputBytes"), DEFAULT_MAX_BYTES)
    name = f'Exec provider "{ref.provider}"'
    try:
        result = run_exec(path, list(args), child_env, request, timeout_ms=timeout_ms,
                          no_output_timeout_ms=no_output_ms, max_output_bytes=max_output)
    except OSError as exc:
        raise SecretRefError(f"{name} could not be started: {exc.strerror or type(exc).__name__}") from None
    if result.termination == "timeout":
        raise SecretRefError(f"{name} timed out after {timeout_ms}ms")
    if result.termination == "no-output-timeout":
        raise SecretRefError(f"{name} produced no output for {no_output_ms}ms")
    if result.termination == "too-much-output":
        raise SecretRefError(f"{name} output exceeded maxOutputBytes ({max_output})")
    if result.code != 0:
        raise SecretRefError(f"{name} exited with code {result.code}")
    return _parse_exec_output(name, ref.id, result.stdout.decode("utf-8", "replace"),
                              json_only=cfg.get("jsonOnly", True) is not False)


def _parse_exec_output(name: str, ref_id: str, stdout: str, *, json_only: bool) -> Any:
    text = stdout.strip()
    if not text:
        raise SecretRefError(f"{name} returned empty stdout")
    try:
        parsed = json.loads(text)
    except ValueError:
        if not json_only:
            return text  # a raw value (op read, vault kv get -field=...)
        raise SecretRefError(f"{name} returned invalid JSON") from None
    if not isinstance(parsed, dict):
        if not json_only and isinstance(parsed, str):
            return parsed
        raise SecretRefError(f"{name} response must be an object")
    if parsed.get("protocolVersion") != 1:
        raise SecretRefError(f"{name} protocolVersion must be 1")
    values = parsed.get("values")
    if not isinstance(values, dict):
        raise SecretRefError(f'{name} response missing "values"')
    errors = parsed.get("errors")
    if isinstance(errors, dict) and ref_id in errors:
        entry = errors[ref_id]
        detail = entry.get("message") if isinstance(entry, dict) else None
        # The resolver's own words, bounded and made printable: they reach a terminal.
        # Key-shaped words masked too: a resolver may echo the very secret it failed to hand over.
        why = f" ({_show(redact_key_shaped(detail.strip()), 120)})" if isinstance(detail, str) and detail.strip() \
            else ""
        raise SecretRefError(f'{name} failed for id "{_show(ref_id)}"{why}')
    if ref_id not in values:
        raise SecretRefError(f'{name} response missing id "{_show(ref_id)}"')
    return values[ref_id]


# ---- openclaw.json writes

def set_provider_config(alias: str, cfg: Mapping[str, Any], state: Path | None = None) -> None:
    """Add or replace `secrets.providers.<alias>` in openclaw.json: an in-place edit through core.config
    (comments kept, `.bak`, size guard; in the included file when an `$include` owns `secrets`)."""
    from openclaw_onboard.core import config as config_mod

    if not PROVIDER_ALIAS_RE.match(alias):
        raise SecretRefError(f"Secret provider {_show(alias)!r} must match ^[a-z][a-z0-9_-]{{0,63}}$")
    if cfg.get("source") == "exec" and not Path(os.path.expanduser(str(cfg.get("command", "")))).is_absolute():
        raise SecretRefError("An exec secret provider needs an absolute command path (no shell, no PATH search)")

    def compute(raw: dict[str, Any]) -> None:
        section = raw.get("secrets")
        if section is None:
            section = raw["secrets"] = {}
        if not isinstance(section, dict):
            raise SecretRefError("`secrets` in openclaw.json is not an object; fix it by hand")
        providers = section.get("providers")
        if providers is None:
            providers = section["providers"] = {}
        if not isinstance(providers, dict):
            raise SecretRefError("`secrets.providers` in openclaw.json is not an object; fix it by hand")
        providers[alias] = dict(cfg)

    config_mod.update_config(compute, state)


# ---- storage plans (the wizard's "store as": env var / file / command)

@dataclass
class StoragePlan:
    """A ref to store instead of a key, and the `secrets.providers` entry it needs (None: none needed)."""

    ref: Ref
    provider_config: dict[str, Any] | None = None

    def describe(self) -> str:
        cfg = self.provider_config or {}
        if self.ref.source == "env":
            return f"environment variable {self.ref.id}"
        if self.ref.source == "file":
            return f"file {cfg.get('path')} ({'whole file' if self.ref.id == 'value' else self.ref.id})"
        return f"command {cfg.get('command')} ({self.ref.id})"


def _free_alias(base: str, cfg: Mapping[str, Any], raw_config: Mapping[str, Any] | None) -> str:
    """`base`, or base-2, base-3…: an alias already configured the same way is reused, never overwritten."""
    section = secrets_section(raw_config)
    providers = section.get("providers") if isinstance(section.get("providers"), Mapping) else {}
    base = re.sub(r"[^a-z0-9_-]+", "-", base.lower()).strip("-_") or "secrets"
    if not base[0].isalpha():
        base = "s-" + base
    base = base[:56]
    for n in range(1, 100):
        alias = base if n == 1 else f"{base}-{n}"
        existing = (providers or {}).get(alias)
        if existing is None or dict(existing) == dict(cfg):
            return alias
    raise SecretRefError("Too many secret providers with the same name in openclaw.json")


def plan_env(var: str) -> StoragePlan:
    return StoragePlan(validate_ref("env", DEFAULT_PROVIDER, var))


def plan_file(path: str, pointer: str, raw_config: Mapping[str, Any] | None) -> StoragePlan:
    path = (path or "").strip()
    if not path or not _expand(path).is_absolute():
        raise SecretRefError("The secrets file needs an absolute path (e.g. ~/.openclaw/secrets.json)")
    pointer = (pointer or "").strip() or "value"
    cfg: dict[str, Any] = {"source": "file", "path": path, "mode": "singleValue" if pointer == "value" else "json"}
    alias = _free_alias("filemain", cfg, raw_config)
    return StoragePlan(validate_ref("file", alias, pointer), cfg)


def plan_exec(command: str, args_text: str, ref_id: str, pass_env: str,
              raw_config: Mapping[str, Any] | None) -> StoragePlan:
    import shlex

    command = (command or "").strip()
    if not command or not _expand(command).is_absolute():
        raise SecretRefError("The command needs an absolute path (e.g. /opt/homebrew/bin/op); it runs without a shell")
    try:
        args = shlex.split(args_text or "")
    except ValueError as exc:
        raise SecretRefError(f"Arguments: {exc}") from None
    names = [n for n in re.split(r"[\s,]+", pass_env or "") if n]
    for name in names:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise SecretRefError(f"Pass env: {printable(name)!r} is not an environment variable name")
    ref_id = (ref_id or "").strip() or "value"
    # With arguments the command prints the secret itself (`op read op://…`); without, it speaks the protocol.
    cfg: dict[str, Any] = {"source": "exec", "command": command, "args": args, "passEnv": names,
                           "jsonOnly": not args}
    alias = _free_alias(Path(command).name or "command", cfg, raw_config)
    return StoragePlan(validate_ref("exec", alias, ref_id), cfg)


def preflight(plan: StoragePlan, raw_config: Mapping[str, Any] | None, env: Mapping[str, str]) -> str:
    """Resolve `plan` as if its provider entry were already saved. Returns the value: the caller
    checks its shape and then forgets it (never shown, never stored)."""
    candidate = dict(raw_config or {})
    if plan.provider_config is not None:
        section = dict(secrets_section(candidate))
        providers = dict(section.get("providers") or {})
        providers[plan.ref.provider] = plan.provider_config
        section["providers"] = providers
        candidate["secrets"] = section
    return resolve(plan.ref, candidate, env)


def save_plan(plan: StoragePlan, state: Path | None = None) -> None:
    """Write the plan's `secrets.providers` entry (if any) to openclaw.json."""
    if plan.provider_config is not None:
        set_provider_config(plan.ref.provider, plan.provider_config, state)
