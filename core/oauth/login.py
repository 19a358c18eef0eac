"""The OpenAI Codex PKCE login as a session object both the wizard and the CLI drive.

    session = CodexLoginSession(agent_id="main")
    start = await session.start()          # URL + "callback" (listening) or "paste" (+ reason)
    ... show start.url; feed user input with session.submit_paste(text) at any time ...
    result = await session.result()        # LoginResult, or LoginError / LoginCancelled
    await session.cancel()                 # frees the port (also fine after the result)

The callback server listens in every mode (a local desktop, SSH with `ssh -L`, a container),
and pastes race it; only a port that cannot be bound makes the login paste-only. The first
code that the token endpoint accepts wins; a pasted code it refuses is reported through
`on_notice` and the attempt goes on. A browser is opened when there is a way to (an explicit
BROWSER always counts; a remote or headless host without one does not), always on a one-time
loopback launcher address, never with the authorize URL (state, challenge) in its argv.

It runs on whatever asyncio loop calls `start()` (Textual's or `asyncio.run`'s);
`submit_paste` may also be called from another thread (a CLI reading stdin in a worker thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import inspect
import ipaddress
import logging
import os
import re
import shlex
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from openclaw_onboard.core import clock
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.oauth.callback_server import CallbackOutcome, CallbackServer
from openclaw_onboard.core.oauth.errors import LoginCancelled, LoginError, PasteError, TokenEndpointError, await_login
from openclaw_onboard.core.oauth.expiry import expires_at_ms
from openclaw_onboard.core.oauth.identity import codex_identity
from openclaw_onboard.core.oauth.jwt import ACCOUNT_ID_ERROR, account_id_from_tokens
from openclaw_onboard.core.oauth.paste import parse_pasted
from openclaw_onboard.core.oauth.pkce import generate_pkce, generate_state
from openclaw_onboard.core.oauth.provider import (
    CODEX_PROVIDER,
    DEFAULT_CALLBACK_PORTS,
    ENV_CALLBACK_PORT,
    CodexOAuthConfig,
)
from openclaw_onboard.core.oauth.token_client import TokenResponse, codex_exchange_code
from openclaw_onboard.core.sanitize import clean, command
from openclaw_onboard.core.sanitize import clean_prose as clean_text

__all__ = [
    "CodexLoginSession",
    "LoginCancelled",
    "LoginError",
    "LoginResult",
    "LoginStart",
    "PasteError",
    "browser_plan",
    "detect_remote",
    "open_url",
    "save_codex_tokens",
    "ssh_forward_hint",
]

log = logging.getLogger(__name__)

Stage = Literal["waiting", "exchanging", "saved"]
DEFAULT_EXPIRES_S = 3600  # only when the response has neither expires_in nor a JWT exp


@dataclass(frozen=True)
class LoginStart:
    """What the UI shows once the login runs.

    `mode` is "callback" when the callback server listens (a paste works too), "paste" when no port
    could be bound. `reason` says why it is paste-only; `port_note` what happened to a busy port and
    how to free or change it; `browser_note` why no browser was opened; `ssh_hint` the exact
    `ssh -L` command that forwards the callback port when this is an SSH session.
    """

    url: str
    mode: Literal["callback", "paste"]
    listen_address: str | None
    reason: str | None
    browser_opened: bool = False
    browser_note: str | None = None
    ssh_hint: str | None = None
    port_note: str | None = None
    remote: str | None = None

    @property
    def port(self) -> int | None:
        return int(self.listen_address.rsplit(":", 1)[1]) if self.listen_address else None


@dataclass(frozen=True)
class LoginResult:
    profile_id: str
    email: str | None
    account_id: str
    expires_ms: int


SSH_VARS = ("SSH_CLIENT", "SSH_TTY", "SSH_CONNECTION")


def is_ssh(env: Mapping[str, str]) -> bool:
    return any(env.get(k) for k in SSH_VARS)


def detect_remote(env: Mapping[str, str], platform: str | None = None) -> str | None:
    """Why no browser can be opened on this machine's screen, or None. (SSH first: it is the likelier story.)"""
    platform = sys.platform if platform is None else platform
    if is_ssh(env):
        return "remote session (SSH)"
    if platform.startswith("linux") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return "no display"
    return None


_SAFE_USER = re.compile(r"[A-Za-z0-9._][A-Za-z0-9._-]{0,63}")


def ssh_forward_hint(env: Mapping[str, str], port: int) -> str:
    """The exact command to run on the machine with the browser so its redirect reaches us.

    SSH_CONNECTION is "client_ip client_port server_ip server_port": the server address as the
    client reached it. Anything odd in it (or in USER) becomes a placeholder, never shell text.
    """
    user = (env.get("USER") or env.get("LOGNAME") or "").strip()
    user = user if _SAFE_USER.fullmatch(user) else "<user>"
    host, ssh_port = "<this-host>", None
    fields = (env.get("SSH_CONNECTION") or "").split()
    if len(fields) == 4:
        with contextlib.suppress(ValueError):
            host = str(ipaddress.ip_address(fields[2].split("%", 1)[0]))
            ssh_port = int(fields[3]) if fields[3].isdigit() and fields[3] != "22" else None
    port_opt = f" -p {ssh_port}" if ssh_port else ""
    return f"ssh -L {port}:127.0.0.1:{port}{port_opt} {user}@{host}"


def browser_plan(env: Mapping[str, str], opener: bool | Callable[[str], Any] | None) -> tuple[bool, str | None]:
    """Whether there is a way to open a browser here, and why not. An explicit BROWSER always counts."""
    if opener is False or opener is None:
        return False, "opening a browser is turned off"
    if callable(opener) or (env.get("BROWSER") or "").strip():
        return True, None
    remote = detect_remote(env)
    if remote is not None:
        return False, f"{remote}; set BROWSER to a command that opens one"
    return True, None


def busy_port_help(busy: list[int], bound: int | None, config: CodexOAuthConfig) -> str | None:
    """What to say about busy callback ports (None when the first one was free)."""
    if not busy:
        return None
    first = busy[0]
    who = f"`ss -ltnp 'sport = :{first}'` shows which program holds it"
    if bound is not None:
        return f"Port {first} is busy ({who}); using {bound} instead."
    alternatives = [p for p in DEFAULT_CALLBACK_PORTS if p not in busy]
    change = (f"or set {ENV_CALLBACK_PORT}={alternatives[0]}" if alternatives
              else "or finish the other login that is waiting there")
    ports = " and ".join(str(p) for p in busy)
    return (f"Port{'s' if len(busy) > 1 else ''} {ports} {'are' if len(busy) > 1 else 'is'} busy, so no browser "
            f"is opened (its redirect would land on another program). Free {first} ({who}) {change}, "
            "or use device pairing.")


def save_codex_tokens(tokens: TokenResponse, account_id: str, *, agent_id: str, state: Path) -> LoginResult:
    """Store a Codex login (browser or device pairing alike) as OpenClaw 2026.4.26 does: the profile id of
    its `resolveCodexAuthIdentity` (core.oauth.identity) and the fields of its `buildOauthProviderAuthResult`
    (type, provider, access, refresh, expires, email when known; no accountId or idToken: OpenClaw reads the
    account from the access token when it calls the API)."""
    from openclaw_onboard.core import config as core_config
    from openclaw_onboard.core import store
    from openclaw_onboard.core.models import AuthProfileStore, OAuthCredential

    identity = codex_identity(tokens.access_token)
    email = identity.email
    expires = expires_at_ms(tokens.expires_in, tokens.access_token, clock.now_ms())
    profile_id = identity.profile_id(CODEX_PROVIDER)
    fields: dict[str, Any] = {
        "provider": CODEX_PROVIDER, "access": tokens.access_token, "refresh": tokens.refresh_token,
        "expires": expires, "email": email,
    }
    cred = OAuthCredential(**{k: v for k, v in fields.items() if v is not None})

    def mutate(s: AuthProfileStore) -> None:
        s.profiles[profile_id] = cred  # a new login replaces the profile it logged in again

    store.update(mutate, agent_id=agent_id, state=state)
    core_config.register_profile(profile_id, CODEX_PROVIDER, "oauth", email, state=state)
    return LoginResult(profile_id=profile_id, email=email, account_id=account_id, expires_ms=expires)


def open_url(url: str, env: Mapping[str, str] | None = None) -> bool:
    """Open `url` with Python's `webbrowser`, honouring `BROWSER` from `env` the way webbrowser does.

    webbrowser reads os.environ once and caches it, so a BROWSER given in `env` is applied here
    explicitly: each `os.pathsep`-separated entry is a command (`%s` marks the URL, else the URL
    is appended). Blocking: call it off the event loop.
    """
    import webbrowser

    env = os.environ if env is None else env
    choices = [c for c in (env.get("BROWSER") or "").split(os.pathsep) if c.strip()]
    if not choices:
        return bool(webbrowser.open(url))
    for cmd in choices:
        try:
            browser = webbrowser.get(cmd)  # a registered name ("firefox") or a "... %s" command line
        except webbrowser.Error:
            browser = webbrowser.GenericBrowser(shlex.split(f"{shlex.quote(cmd)} %s"))
        try:
            if browser.open(url):
                return True
        except OSError as exc:
            log.debug("browser %r failed (%s)", cmd, type(exc).__name__)
    return False


class CodexLoginSession:
    def __init__(
        self,
        agent_id: str = "main",
        state: Path | None = None,
        env: Mapping[str, str] | None = None,
        config: CodexOAuthConfig | None = None,
        open_browser: bool | Callable[[str], Any] = True,
        timeout_s: float = 300.0,
        on_progress: Callable[[Stage], Any] | None = None,
        on_notice: Callable[[str], Any] | None = None,
    ) -> None:
        from openclaw_onboard.core.era import refuse_file_era_write
        from openclaw_onboard.core.paths import state_dir

        self.agent_id = agent_id
        self._env: Mapping[str, str] = os.environ if env is None else env
        self.state = state if state is not None else state_dir(self._env)
        # Before any browser or code: a login whose result could not be saved must not start at all.
        refuse_file_era_write(self.state)
        self.config = config or CodexOAuthConfig.from_env(self._env)  # refuses a non-loopback host at once
        self._open_browser = open_browser
        self._timeout_s = timeout_s
        self._on_progress = on_progress
        self._on_notice = on_notice
        self._pkce = generate_pkce()
        self._state = generate_state()
        self._loop: asyncio.AbstractEventLoop | None = None
        # Candidate codes in arrival order: ("callback" | "paste", outcome), or ("eof", None).
        self._inbox: asyncio.Queue[tuple[str, CallbackOutcome | None]] | None = None
        self._decided = False  # a code was exchanged successfully (or the attempt ended): ignore more input
        self._input_closed = False
        self._server: CallbackServer | None = None
        self._task: asyncio.Task[LoginResult] | None = None
        self._helpers: set[asyncio.Task[Any]] = set()
        self._redirect_uri = self.config.redirect_uri
        self._start: LoginStart | None = None
        self._busy: list[int] = []

    def __repr__(self) -> str:  # no verifier, no state
        mode = self._start.mode if self._start else "not started"
        return f"CodexLoginSession(agent_id={self.agent_id!r}, mode={mode!r})"

    # ---- public API

    async def start(self) -> LoginStart:
        if self._start is not None:
            return self._start
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._inbox = asyncio.Queue()
        remote = detect_remote(self._env)
        # Listen in every mode: over SSH a forwarded port (`ssh -L`) brings the redirect here too.
        reason = await self._listen()
        url = self.config.build_authorize_url(
            code_challenge=self._pkce.challenge, state=self._state, redirect_uri=self._redirect_uri
        )
        server = self._server
        can_open, browser_note = browser_plan(self._env, self._open_browser)
        if server is None and can_open:
            can_open, browser_note = False, "the callback port is not ours, so the browser is not opened"
        mode: Literal["callback", "paste"] = "callback" if server is not None else "paste"
        self._start = LoginStart(
            url=url, mode=mode, listen_address=server.address if server else None,
            reason=None if mode == "callback" else reason, browser_opened=can_open,
            browser_note=None if can_open else browser_note,
            ssh_hint=ssh_forward_hint(self._env, server.port) if server is not None and is_ssh(self._env) else None,
            port_note=busy_port_help(self._busy, server.port if server else None, self.config), remote=remote,
        )
        self._task = loop.create_task(self._run(), name="openclaw-codex-login")
        self._task.add_done_callback(_retrieve)
        if can_open and server is not None:
            # The browser gets a one-time loopback address that redirects to `url`: state and the
            # PKCE challenge never appear in its argv, where any local user could read them.
            self._launch_browser(server.enable_launcher(url))
        self._progress("waiting")
        return self._start

    def submit_paste(self, text: str) -> None:
        """Offer pasted input; PasteError at once if unusable (the session keeps waiting).

        A code whose exchange fails does not end the attempt while the callback can still arrive or
        another paste can still come: the failure is reported through `on_notice`.
        """
        if self._inbox is None or self._loop is None:
            raise RuntimeError("CodexLoginSession.start() must be awaited before submit_paste()")
        code = parse_pasted(text, self._state)
        self._deliver("paste", CallbackOutcome(code=code))

    def finish_input(self) -> None:
        """No more pastes will come (stdin ended): without a listening server, stop waiting."""
        if self._inbox is None:
            raise RuntimeError("CodexLoginSession.start() must be awaited before finish_input()")
        self._deliver("eof", None)

    async def result(self) -> LoginResult:
        return await await_login(self._task, "CodexLoginSession")

    async def cancel(self) -> None:
        """Stop waiting and free the port. Idempotent; harmless after a result."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        await self._close_server()
        for helper in list(self._helpers):
            helper.cancel()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    @property
    def redirect_uri(self) -> str:
        return self._redirect_uri

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.listening

    # ---- internals

    def _deliver(self, source: str, outcome: CallbackOutcome | None) -> None:
        inbox, loop = self._inbox, self._loop
        assert inbox is not None and loop is not None
        if self._decided or loop.is_closed():
            return  # already finished: nothing to deliver, and the loop may be gone
        try:
            same_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            same_loop = False
        if same_loop:
            inbox.put_nowait((source, outcome))
        else:
            loop.call_soon_threadsafe(inbox.put_nowait, (source, outcome))

    async def _listen(self) -> str | None:
        """Bind the callback server on the registered ports in order; the paste reason if none works."""
        first_error: OSError | None = None
        for port in self.config.callback_ports:
            server = CallbackServer(host=self.config.bind_host, port=port, expected_state=self._state)
            try:
                await server.start()
            except OSError as exc:
                first_error = first_error or exc
                if exc.errno == errno.EADDRINUSE:
                    self._busy.append(port)
                continue
            self._server = server
            self._redirect_uri = self.config.redirect_uri_for(server.port)
            return None
        port = self.config.callback_port
        if self._busy:
            ports = " and ".join(str(p) for p in self._busy)
            return f"port{'s' if len(self._busy) > 1 else ''} {ports} {'are' if len(self._busy) > 1 else 'is'} busy"
        detail = first_error.strerror if first_error is not None and first_error.strerror else "unknown error"
        return f"cannot listen on {self.config.bind_host}:{port} ({detail})"

    def _can_still_succeed(self) -> bool:
        return self.listening or not self._input_closed

    async def _run(self) -> LoginResult:
        inbox = self._inbox
        assert inbox is not None and self._loop is not None
        if self._server is not None:
            self._helpers.add(self._loop.create_task(self._forward_callback(self._server)))
        deadline = self._loop.time() + self._timeout_s
        last_failure: str | None = None
        try:
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        source, outcome = await inbox.get()
                except TimeoutError:
                    raise LoginError(
                        f"Timed out after {self._timeout_s:g}s waiting for the browser login; run the login again"
                    ) from None
                if source == "eof":
                    self._input_closed = True
                    if not self.listening:
                        raise LoginError(last_failure or "Input ended before a redirect URL or code was pasted; run "
                                         "the login in a terminal, or pipe the redirect URL into it")
                    continue
                assert outcome is not None
                if outcome.launcher_reused:
                    raise LoginError("Login stopped for safety: the one-time login link was opened twice (another "
                                     "program on this machine may have read it). Run the login again.")
                if outcome.error:
                    desc = clean_text(outcome.error_description or "", 200)
                    detail = f" ({desc})" if desc else ""
                    raise LoginError(
                        f"Login was not completed: the provider reported {clean_text(outcome.error, 100)}{detail}")
                assert outcome.code is not None
                self._progress("exchanging")
                try:
                    tokens = await codex_exchange_code(
                        self.config, code=outcome.code, verifier=self._pkce.verifier, redirect_uri=self._redirect_uri
                    )
                except TokenEndpointError as exc:
                    last_failure = f"Token exchange failed: {exc}"
                    if source == "paste" and self._can_still_succeed():
                        # One bad paste (an old code, a typo) must not end the attempt.
                        self._notice(f"{last_failure}. Paste again" +
                                     (", or finish the login in the browser." if self.listening else "."))
                        self._progress("waiting")
                        continue
                    raise LoginError(last_failure) from None
                break
        finally:
            self._decided = True
            await self._close_server()
        account_id = account_id_from_tokens(tokens.access_token, tokens.id_token)
        if not account_id:
            raise LoginError(ACCOUNT_ID_ERROR)
        try:
            # File locks and fsync block: keep them off the UI's event loop.
            result = await asyncio.to_thread(
                save_codex_tokens, tokens, account_id, agent_id=self.agent_id, state=self.state)
        except Exception as exc:  # ENOSPC, a lock, anything: the tokens were issued, so say so plainly (11.3)
            if isinstance(exc, OpenClawError):
                why = str(exc)
            else:
                why = (exc.strerror if isinstance(exc, OSError) else None) or type(exc).__name__
            again = command("openclaw", "models", "auth", "login", "--provider", CODEX_PROVIDER, "--agent",
                            self.agent_id)
            raise LoginError(f"The login worked but the tokens could not be saved ({clean(why, 300)}); fix that and "
                             f"log in again: {again}") from None
        self._progress("saved")
        return result

    async def _forward_callback(self, server: CallbackServer) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            outcome = await server.wait()
            self._deliver("callback", outcome)

    async def _close_server(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await server.close()

    def _launch_browser(self, url: str) -> None:
        opener = self._open_browser
        if opener is False or opener is None:
            return
        if callable(opener) and inspect.iscoroutinefunction(opener):
            assert self._loop is not None
            task = self._loop.create_task(opener(url))
            self._helpers.add(task)
            task.add_done_callback(self._helpers.discard)
            task.add_done_callback(_retrieve)
            return
        target: Callable[[], Any] = (lambda: opener(url)) if callable(opener) else (lambda: open_url(url, self._env))

        def run() -> None:
            try:
                target()
            except Exception as exc:  # a failing browser must not break the login: the URL is shown anyway
                log.warning("could not open a browser: %s", type(exc).__name__)

        # A daemon thread: `BROWSER` commands may block until they exit, and a stuck one
        # must neither freeze the event loop nor keep the process alive at exit.
        threading.Thread(target=run, name="openclaw-open-browser", daemon=True).start()

    def _progress(self, stage: Stage) -> None:
        if self._on_progress is None:
            return
        try:
            self._on_progress(stage)
        except Exception as exc:  # the UI's callback must not break the login
            # Its type only: an exception's message, args or traceback locals may quote a token.
            log.warning("on_progress(%s) failed (%s)", stage, type(exc).__name__)

    def _notice(self, message: str) -> None:
        if self._on_notice is None:
            log.info("%s", message)
            return
        try:
            self._on_notice(message)
        except Exception as exc:
            log.warning("on_notice failed (%s)", type(exc).__name__)


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a task's exception as seen (result() re-raises it) so asyncio does not warn."""
    if not task.cancelled():
        task.exception()
