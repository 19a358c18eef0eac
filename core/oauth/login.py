"""The OpenAI Codex PKCE login as a session object both the wizard and the CLI drive.

    session = CodexLoginSession(agent_id="main")
    start = await session.start()          # URL + "callback" (listening) or "paste" (+ reason)
    ... show start.url; feed user input with session.submit_paste(text) at any time ...
    result = await session.result()        # LoginResult, or LoginError / LoginCancelled
    await session.cancel()                 # frees the port (also fine after the result)

The first of a good callback or a valid paste wins. It runs on whatever asyncio loop
calls `start()` (Textual's or `asyncio.run`'s); `submit_paste` may also be called
from another thread (a CLI reading stdin in a worker thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import inspect
import logging
import os
import shlex
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from core import clock
from core.errors import OpenClawError
from core.oauth.callback_server import CallbackOutcome, CallbackServer
from core.oauth.errors import LoginCancelled, LoginError, PasteError, TokenEndpointError
from core.oauth.expiry import expires_at_ms, safe_email
from core.oauth.jwt import ACCOUNT_ID_ERROR, account_id_from_tokens, email_from
from core.oauth.paste import parse_pasted
from core.oauth.pkce import generate_pkce, generate_state
from core.oauth.provider import CODEX_PROVIDER, CodexOAuthConfig
from core.oauth.token_client import TokenResponse, codex_exchange_code
from core.sanitize import clean, command

__all__ = [
    "CodexLoginSession",
    "LoginCancelled",
    "LoginError",
    "LoginResult",
    "LoginStart",
    "PasteError",
    "detect_remote",
    "open_url",
]

log = logging.getLogger(__name__)

Stage = Literal["waiting", "exchanging", "saved"]
DEFAULT_EXPIRES_S = 3600  # only when the response has neither expires_in nor a JWT exp


@dataclass(frozen=True)
class LoginStart:
    url: str
    mode: Literal["callback", "paste"]
    listen_address: str | None
    reason: str | None


@dataclass(frozen=True)
class LoginResult:
    profile_id: str
    email: str | None
    account_id: str
    expires_ms: int


def detect_remote(env: Mapping[str, str], platform: str | None = None) -> str | None:
    """Why a local browser + callback cannot work here, or None. (SSH first: it is the likelier story.)"""
    platform = sys.platform if platform is None else platform
    if any(env.get(k) for k in ("SSH_CLIENT", "SSH_TTY", "SSH_CONNECTION")):
        return "remote session (SSH)"
    if platform.startswith("linux") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return "no display"
    return None


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
            log.debug("browser %r failed: %s", cmd, exc)
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
    ) -> None:
        from core.paths import state_dir

        self.agent_id = agent_id
        self._env: Mapping[str, str] = os.environ if env is None else env
        self.state = state if state is not None else state_dir(self._env)
        self.config = config or CodexOAuthConfig.from_env(self._env)  # refuses a non-loopback host at once
        self._open_browser = open_browser
        self._timeout_s = timeout_s
        self._on_progress = on_progress
        self._pkce = generate_pkce()
        self._state = generate_state()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._code: asyncio.Future[CallbackOutcome] | None = None
        self._server: CallbackServer | None = None
        self._task: asyncio.Task[LoginResult] | None = None
        self._helpers: set[asyncio.Task[Any]] = set()
        self._redirect_uri = self.config.redirect_uri
        self._start: LoginStart | None = None

    def __repr__(self) -> str:  # no verifier, no state
        mode = self._start.mode if self._start else "not started"
        return f"CodexLoginSession(agent_id={self.agent_id!r}, mode={mode!r})"

    # ---- public API

    async def start(self) -> LoginStart:
        if self._start is not None:
            return self._start
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._code = loop.create_future()
        reason = detect_remote(self._env)
        remote = reason is not None
        if not remote:
            reason = await self._listen()
        url = self.config.build_authorize_url(
            code_challenge=self._pkce.challenge, state=self._state, redirect_uri=self._redirect_uri
        )
        mode: Literal["callback", "paste"] = "callback" if self._server is not None else "paste"
        self._start = LoginStart(url=url, mode=mode, listen_address=self._server.address if self._server else None,
                                 reason=None if mode == "callback" else reason)
        self._task = loop.create_task(self._run(), name="openclaw-codex-login")
        self._task.add_done_callback(_retrieve)
        if not remote:  # on a remote host the browser would open on the wrong machine
            self._launch_browser(url)
        self._progress("waiting")
        return self._start

    def submit_paste(self, text: str) -> None:
        """Offer pasted input; PasteError at once if unusable (the session keeps waiting)."""
        if self._code is None or self._loop is None:
            raise RuntimeError("CodexLoginSession.start() must be awaited before submit_paste()")
        code = parse_pasted(text, self._state)
        fut, loop = self._code, self._loop
        if fut.done():  # already decided (or finished): nothing to deliver, and the loop may be gone
            return

        def deliver() -> None:
            if not fut.done():  # the first of callback or paste wins; later input is ignored
                fut.set_result(CallbackOutcome(code=code))

        try:
            same_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            same_loop = False
        if same_loop:
            deliver()
        else:
            loop.call_soon_threadsafe(deliver)

    async def result(self) -> LoginResult:
        if self._task is None:
            raise RuntimeError("CodexLoginSession.start() must be awaited before result()")
        try:
            return await asyncio.shield(self._task)
        except asyncio.CancelledError:
            if self._task.cancelled():
                raise LoginCancelled() from None
            raise  # our caller was cancelled, not the login

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

    # ---- internals

    async def _listen(self) -> str | None:
        """Bind the callback server on the registered ports in order; the paste reason if none works."""
        first_error: OSError | None = None
        for port in self.config.callback_ports:
            server = CallbackServer(host=self.config.bind_host, port=port, expected_state=self._state)
            try:
                await server.start()
            except OSError as exc:
                first_error = first_error or exc
                continue
            self._server = server
            self._redirect_uri = self.config.redirect_uri_for(server.port)
            return None
        port = self.config.callback_port
        if first_error is not None and first_error.errno == errno.EADDRINUSE:
            return f"port {port} is busy"
        detail = first_error.strerror if first_error is not None and first_error.strerror else "unknown error"
        return f"cannot listen on {self.config.bind_host}:{port} ({detail})"

    async def _run(self) -> LoginResult:
        assert self._code is not None
        if self._server is not None:
            self._helpers.add(asyncio.get_running_loop().create_task(self._forward_callback(self._server)))
        try:
            async with asyncio.timeout(self._timeout_s):
                outcome = await self._code
        except TimeoutError:
            raise LoginError(
                f"Timed out after {self._timeout_s:g}s waiting for the browser login; run the login again"
            ) from None
        finally:
            await self._close_server()
        if outcome.error:
            # Text from the redirect is untrusted: one line, no escapes (issue 11.7).
            detail = f" ({clean(outcome.error_description, 300)})" if outcome.error_description else ""
            raise LoginError(f"Login was not completed: the provider reported {clean(outcome.error, 100)}{detail}")
        assert outcome.code is not None
        self._progress("exchanging")
        try:
            tokens = await codex_exchange_code(
                self.config, code=outcome.code, verifier=self._pkce.verifier, redirect_uri=self._redirect_uri
            )
        except TokenEndpointError as exc:
            raise LoginError(f"Token exchange failed: {exc}") from None
        account_id = account_id_from_tokens(tokens.access_token, tokens.id_token)
        if not account_id:
            raise LoginError(ACCOUNT_ID_ERROR)
        try:
            # File locks and fsync block: keep them off the UI's event loop.
            result = await asyncio.to_thread(self._persist, tokens, account_id)
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
            if self._code is not None and not self._code.done():
                self._code.set_result(outcome)

    def _persist(self, tokens: TokenResponse, account_id: str) -> LoginResult:
        from core import config as core_config
        from core import store
        from core.models import AuthProfileStore, OAuthCredential

        # The email names the profile: only a plain address (no `/`, `;`, escapes) may (issue 11.7).
        email = safe_email(email_from(tokens.id_token))
        expires = expires_at_ms(tokens.expires_in, tokens.access_token, clock.now_ms())
        profile_id = f"{CODEX_PROVIDER}:{email}" if email else f"{CODEX_PROVIDER}:default"
        fields: dict[str, Any] = {
            "provider": CODEX_PROVIDER, "access": tokens.access_token, "refresh": tokens.refresh_token,
            "expires": expires, "accountId": account_id, "email": email, "idToken": tokens.id_token,
        }
        cred = OAuthCredential(**{k: v for k, v in fields.items() if v is not None})

        def mutate(s: AuthProfileStore) -> None:
            s.profiles[profile_id] = cred  # a new login replaces the profile it logged in again

        store.update(mutate, agent_id=self.agent_id, state=self.state)
        core_config.register_profile(profile_id, CODEX_PROVIDER, "oauth", email, state=self.state)
        return LoginResult(profile_id=profile_id, email=email, account_id=account_id, expires_ms=expires)

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
        except Exception:  # the UI's callback must not break the login
            log.exception("on_progress(%s) failed", stage)


def _retrieve(task: asyncio.Task[Any]) -> None:
    """Mark a task's exception as seen (result() re-raises it) so asyncio does not warn."""
    if not task.cancelled():
        task.exception()
