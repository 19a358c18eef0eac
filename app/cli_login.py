"""`openclaw models auth login --provider openai-codex [--method oauth|device-code] [--agent ID] [--no-browser]`.

`--method oauth` (the default) drives the same `core.oauth.login.CodexLoginSession` as the wizard:
prints the authorize URL, then waits for whichever comes first, the browser callback (listening in
every mode; over SSH with the exact `ssh -L` line to forward the port) or a redirect URL / code pasted
on stdin (an unusable or refused paste prints why and keeps waiting). Ctrl-C cancels and frees the port.

`--method device-code` (also `--device-code`) is OpenClaw 4.26's device pairing
(`core.oauth.device.CodexDeviceLogin`): prints `URL: ...` and `Code: ...` on their own lines (stdout),
then polls until the code is approved on any device; Ctrl-C stops polling at once.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from openclaw_onboard.app.cli_common import describe_expiry, resolve_agent
from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.i18n import _, ngettext
from openclaw_onboard.core.sanitize import clean

if TYPE_CHECKING:
    import argparse
    from typing import Any

    from openclaw_onboard.core.oauth.device import DeviceProgress
    from openclaw_onboard.core.oauth.login import LoginResult, LoginStart

SUPPORTED = ("openai-codex",)
METHODS = ("oauth", "device-code")


def _info(line: str = "") -> None:
    print(clean(line), file=sys.stderr, flush=True)


class StdinLines:
    """Lines from stdin delivered to the event loop without blocking it (None = end of input)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, deliver: Callable[[str | None], None]) -> None:
        self._loop = loop
        self._deliver = deliver
        self._buf = b""
        self._fd: int | None = None
        self._eof = False

    def start(self) -> None:
        try:
            fd = sys.stdin.fileno() if sys.stdin is not None else None
        except (OSError, ValueError):
            fd = None
        if fd is None:
            self._finish()
            return
        try:
            self._loop.add_reader(fd, self._on_readable)
            self._fd = fd
            return
        except PermissionError:  # a regular file (epoll refuses those): it never blocks, read it now
            self._feed(os.read(fd, 1 << 20))
            self._finish()
        except (NotImplementedError, OSError, ValueError):  # no add_reader (e.g. Windows): a thread
            import threading

            threading.Thread(target=self._thread, name="openclaw-stdin", daemon=True).start()

    def stop(self) -> None:
        if self._fd is not None:
            self._loop.remove_reader(self._fd)
            self._fd = None

    def _on_readable(self) -> None:
        assert self._fd is not None
        try:
            data = os.read(self._fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.stop()
            self._finish()
            return
        self._feed(data)

    def _feed(self, data: bytes) -> None:
        self._buf += data
        while b"\n" in self._buf:
            line, _sep, self._buf = self._buf.partition(b"\n")
            self._deliver(line.decode("utf-8", "replace"))

    def _finish(self) -> None:
        if self._eof:
            return
        self._eof = True
        if self._buf:
            line, self._buf = self._buf, b""
            self._deliver(line.decode("utf-8", "replace"))
        self._deliver(None)

    def _thread(self) -> None:
        for raw in sys.stdin:
            self._loop.call_soon_threadsafe(self._deliver, raw.rstrip("\n"))
        self._loop.call_soon_threadsafe(self._deliver, None)


def _on_progress(stage: str) -> None:
    if stage == "exchanging":
        _info(_("Got the authorization code; exchanging it for tokens..."))


def _announce_browser_login(start: LoginStart, redirect_uri: str) -> None:
    _info(_("Open this URL in a browser and log in with your ChatGPT account:"))
    print(clean(start.url), flush=True)
    if start.port_note:
        _info(start.port_note)
    if start.mode == "callback":
        waiting = (_("Waiting for the browser callback on {address} (a browser was opened).") if start.browser_opened
                   else _("Waiting for the browser callback on {address}."))
        _info(waiting.format(address=start.listen_address))
        if start.ssh_hint:
            _info(_("The browser is on another machine: forward the callback port from there first, with"))
            _info(f"  {start.ssh_hint}")
            _info(_("then open the URL in that machine's browser."))
        _info(_("Or paste the address the browser ends on (or the code) here and press Enter."))
    else:
        _info(_("Paste-only: {reason}.").format(reason=start.reason))
        _info(_("After the login the browser goes to {redirect_uri}?code=... (that page may not load): copy the whole "
                "address from the address bar, paste it here and press Enter.").format(redirect_uri=redirect_uri))


async def run_login(agent_id: str, open_browser: bool) -> LoginResult:
    from openclaw_onboard.core.oauth.errors import PasteError
    from openclaw_onboard.core.oauth.login import CodexLoginSession

    session = CodexLoginSession(agent_id=agent_id, open_browser=open_browser, on_progress=_on_progress,
                                on_notice=lambda message: _info(f"openclaw: {message}"))
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    reader: StdinLines | None = None
    # Our own tasks (the login's and stdin's: two result types), always collected before returning.
    pending: list[asyncio.Future[Any]] = []
    try:
        start = await session.start()
        _announce_browser_login(start, session.redirect_uri)
        reader = StdinLines(asyncio.get_running_loop(), queue.put_nowait)
        reader.start()
        result = asyncio.ensure_future(session.result())
        pending.append(result)
        stdin_open = True
        while True:
            waiting: set[asyncio.Future[Any]] = {result}
            getter = asyncio.ensure_future(queue.get()) if stdin_open else None
            if getter is not None:
                waiting.add(getter)
                pending.append(getter)
            done, _pending = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if result in done:
                if getter is not None:
                    getter.cancel()
                return result.result()
            assert getter is not None
            line = getter.result()
            if line is None:
                stdin_open = False
                session.finish_input()  # paste-only: the login ends with why (nothing or a refused paste)
                continue
            if not line.strip():
                continue
            try:
                session.submit_paste(line)
            except PasteError as exc:
                _info(f"openclaw: {exc}")
                _info(_("Paste again, or finish the login in the browser.") if start.mode == "callback"
                      else _("Paste again."))
    finally:
        if reader is not None:
            reader.stop()
        await session.cancel()
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)  # nothing left "never retrieved"


class _DeviceReporter:
    """Progress lines on stderr: one when polling starts, then only when something changes."""

    def __init__(self) -> None:
        self._problem: str | None = None
        self._waiting = False

    def __call__(self, progress: DeviceProgress) -> None:
        if progress.stage == "requesting":
            _info(_("Requesting a device code..."))
        elif progress.stage == "waiting":
            if not self._waiting:
                self._waiting = True
                _info(_("Waiting for the code to be approved (Ctrl-C stops)..."))
            if progress.problem != self._problem:
                self._problem = progress.problem
                _info("openclaw: " + (_("{problem}; still trying").format(problem=progress.problem) if progress.problem
                                      else _("the server answers again")))
        elif progress.stage == "exchanging":
            _info(_("Approved; exchanging the code for tokens..."))


async def run_device_login(agent_id: str, open_browser: bool) -> LoginResult:
    from openclaw_onboard.core.oauth.device import CodexDeviceLogin, DeviceLoginUnavailable
    from openclaw_onboard.core.oauth.login import browser_plan, detect_remote, open_url

    login = CodexDeviceLogin(agent_id=agent_id, on_progress=_DeviceReporter())
    try:
        try:
            code = await login.start()
        except DeviceLoginUnavailable as exc:
            raise ValidationError(_("{problem} Run `{command}`.").format(
                problem=exc, command="openclaw models auth login --provider openai-codex --method oauth")) from None
        _info(_("Open this URL on any device (a phone works), sign in and enter the code:") if detect_remote(os.environ)
              else _("Open this URL in a browser, sign in and enter the code:"))
        print(f"URL: {code.verification_url}", flush=True)
        print(f"Code: {code.user_code}", flush=True)
        minutes = max(1, round(code.expires_in_s / 60))
        _info(ngettext("The code expires in {n} minute. Never share it.",
                       "The code expires in {n} minutes. Never share it.", minutes).format(n=minutes))
        can_open, _why = browser_plan(os.environ, open_browser)
        if can_open:  # the verification URL carries no secret: fine in a browser's argv
            import threading

            threading.Thread(target=open_url, args=(code.verification_url,), daemon=True,
                             name="openclaw-open-browser").start()
        return await login.result()
    finally:
        await login.cancel()


def _reuse_cli_login(provider: str, agent_id: str) -> int:
    """`--method cli`: OpenClaw's "reuse the login of Claude Code / the Codex CLI" (core.usecases.cli_logins)."""
    from openclaw_onboard.app.cli_common import present
    from openclaw_onboard.core.provider_ids import auth_provider_key
    from openclaw_onboard.core.usecases import cli_logins

    key = auth_provider_key(provider)
    if key == "anthropic":
        return present(cli_logins.reuse_claude_cli(agent_id))
    if key == "openai-codex":
        return present(cli_logins.reuse_codex_cli(agent_id))
    raise ValidationError(_('No CLI login to reuse for provider "{provider}" (anthropic: Claude CLI, openai-codex: '
                            "Codex CLI)").format(provider=clean(provider)))


def cmd_login(args: argparse.Namespace) -> int:
    from openclaw_onboard.core.clock import now_ms

    provider = (args.provider or "").strip().lower()
    if (getattr(args, "method", None) or "").strip().lower() == "cli":
        return _reuse_cli_login(provider, resolve_agent(args.agent))
    if provider == "github-copilot":
        return _copilot_login(resolve_agent(args.agent))
    if provider not in SUPPORTED:
        from openclaw_onboard.core.sanitize import command

        paste_cmd = command("openclaw", "models", "auth", "paste-token", "--provider", provider)
        if provider == "anthropic":
            hint = _("use `openclaw models auth setup-token --provider anthropic` (or paste-token)")
        else:
            hint = _("use `{command}`").format(command=paste_cmd)
        raise ValidationError(_('OAuth login is not available for provider "{provider}" (supported: {supported}); '
                                "{hint}").format(provider=clean(provider), supported=", ".join(SUPPORTED), hint=hint))
    method = "device-code" if getattr(args, "device_code", False) else (getattr(args, "method", None) or "oauth")
    method = method.strip().lower()
    if method not in METHODS:
        raise ValidationError(_('Unknown login method "{method}" for openai-codex (use oauth or device-code)').format(
            method=method))
    agent_id = resolve_agent(args.agent)
    runner = run_device_login if method == "device-code" else run_login
    result = asyncio.run(runner(agent_id, open_browser=not args.no_browser))
    print(clean(_("Logged in: saved {profile_id} for agent {agent}").format(profile_id=result.profile_id,
                                                                            agent=agent_id)), flush=True)
    account = clean(result.email or _("(no email in the token)"))
    print("  " + _("account: {email}").format(email=account), flush=True)
    print(f"  accountId: {clean(result.account_id)}", flush=True)
    print(f"  {describe_expiry(result.expires_ms, now_ms())}", flush=True)
    return 0


def _copilot_login(agent_id: str) -> int:
    """GitHub Copilot's device login (core.usecases.cli_logins.login_github_copilot): the address and code on
    stdout (as OpenClaw's "Visit:" / "Code:"), then the wait; ctrl+c cancels."""
    from openclaw_onboard.app.cli_common import present
    from openclaw_onboard.core.oauth.copilot import CopilotCode
    from openclaw_onboard.core.usecases.cli_logins import login_github_copilot

    def show(code: CopilotCode) -> None:
        # Untranslated labels, as the Codex pairing's `URL:`/`Code:`: scripts read these two lines.
        print(clean(f"Visit: {code.verification_uri}"), flush=True)
        print(clean(f"Code: {code.user_code}"), flush=True)
        print(clean(_("Waiting for GitHub authorization (ctrl+c cancels)...")), file=sys.stderr, flush=True)

    return present(asyncio.run(login_github_copilot(agent_id, on_code=show)))
