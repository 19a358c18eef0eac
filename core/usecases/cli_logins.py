"""Reusing another CLI's login: the Codex CLI's (`$CODEX_HOME/auth.json`) and Claude Code's
(`~/.claude/.credentials.json`). What is copied, and when, is core.cli_imports; this is the action."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import _
from openclaw_onboard.core.usecases.credentials import CONFIG_FIX_COMMAND, config_not_updated, describe_error
from openclaw_onboard.core.usecases.outcome import Outcome, Verdict, nothing_saved

if TYPE_CHECKING:
    from openclaw_onboard.core.oauth.copilot import CopilotCode, CopilotDeviceLogin


def reuse_codex_cli(agent_id: str = "main", state: Path | None = None,
                    env: Mapping[str, str] | None = None) -> Outcome:
    """Seed an empty `openai-codex:default` with the Codex CLI login. A profile already there is kept (its own
    refresh token is the one in use): nothing saved, `profile_id` names it and `changed` is False."""
    from openclaw_onboard.core import cli_imports
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core.paths import codex_cli_auth_path

    pid = cli_imports.CODEX_DEFAULT_ID
    cred = cli_imports.codex_cli_credential(env)
    if cred is None:
        return nothing_saved(f"No usable Codex CLI login found in {codex_cli_auth_path(env)}")
    try:
        config_mod.check_register_profile(pid, "openai-codex", "oauth", cred.email, state)
        stored = cli_imports.store_codex_default(cred, agent_id, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc))
    if stored is None:
        return Outcome(Verdict.NOTHING_SAVED, _(
            "{profile_id} already exists for agent {agent_id}; the local login was kept (its refresh token wins).")
            .format(profile_id=pid, agent_id=agent_id), pid, changed=False)
    return _register(pid, "openai-codex", "oauth", cred.email, agent_id, state)


def reuse_claude_cli(agent_id: str = "main", state: Path | None = None,
                     env: Mapping[str, str] | None = None) -> Outcome:
    """Import Claude Code's login as `anthropic:claude-cli` (provider `claude-cli`, as OpenClaw 4.26 stores
    it), replacing an earlier import."""
    from openclaw_onboard.core import cli_imports, profiles
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core.paths import claude_cli_credentials_path

    pid = cli_imports.CLAUDE_CLI_ID
    cred = cli_imports.claude_cli_credential(env)
    if cred is None:
        return nothing_saved(f"No usable Claude CLI login found in {claude_cli_credentials_path(env)}")
    try:
        replaced = pid in store_mod.load(agent_id, state).store.profiles
        config_mod.check_register_profile(pid, cred.provider, cred.type, None, state)
        profiles.store_credential(pid, cred, agent_id, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc))
    outcome = _register(pid, cred.provider, cred.type, None, agent_id, state)
    return Outcome(outcome.verdict, outcome.message, pid, fix=outcome.fix, replaced=replaced)


def _register(pid: str, provider: str, mode: str, email: str | None, agent_id: str, state: Path | None) -> Outcome:
    from openclaw_onboard.core import config as config_mod

    try:
        config_mod.register_profile(pid, provider, mode, email, state)
    except (OpenClawError, OSError) as exc:
        return Outcome(Verdict.CONFIG_NOT_UPDATED, config_not_updated(pid, exc), pid, fix=CONFIG_FIX_COMMAND)
    return Outcome(Verdict.SAVED, _("Saved {profile_id} for agent {agent_id}").format(profile_id=pid,
                                                                                      agent_id=agent_id), pid)



async def login_github_copilot(agent_id: str = "main", state: Path | None = None, *,
                               on_code: Callable[[CopilotCode], None], login: CopilotDeviceLogin | None = None,
                               env: Mapping[str, str] | None = None) -> Outcome:
    """GitHub Copilot's device login (core.oauth.copilot), stored as OpenClaw 4.26 stores it:
    `github-copilot:github` = `{type: token, provider: github-copilot, token}` and `auth.profiles` mode token.
    The store and openclaw.json are checked before the code is asked for; `on_code` shows the code."""
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core import profiles
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core.models import TokenCredential
    from openclaw_onboard.core.oauth.copilot import DEFAULT_PROFILE_ID, PROVIDER
    from openclaw_onboard.core.oauth.copilot import CopilotDeviceLogin as Login
    from openclaw_onboard.core.oauth.errors import LoginError

    pid = DEFAULT_PROFILE_ID
    try:
        store_mod.check_writable(agent_id, state)
        config_mod.check_register_profile(pid, PROVIDER, "token", None, state)
        replaced = pid in store_mod.load(agent_id, state).store.profiles
        flow = login or Login(env)
        on_code(await flow.start())
        token = await flow.result()
        profiles.store_credential(pid, TokenCredential(provider=PROVIDER, token=token), agent_id, state)
    except LoginError as exc:
        return nothing_saved(str(exc))
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc))
    outcome = _register(pid, PROVIDER, "token", None, agent_id, state)
    return Outcome(outcome.verdict, outcome.message, pid, fix=outcome.fix, replaced=replaced)


@dataclass(frozen=True)
class CopilotCodeView:
    """The code as a device-pairing screen shows it (the Codex pairing's field names)."""

    user_code: str
    verification_url: str
    interval_s: float
    expires_in_s: float


@dataclass(frozen=True)
class CopilotSaved:
    """What a device-pairing screen shows once saved (a GitHub token has no email, account or expiry)."""

    profile_id: str
    email: str | None = None
    account_id: str | None = None
    expires_ms: int | None = None


class CopilotLoginFlow:
    """`login_github_copilot` in the shape of the Codex device pairing (start() -> the code, result() -> saved,
    cancel()), so the wizard's pairing screen runs it: the one use case, another face."""

    def __init__(self, agent_id: str = "main", state: Path | None = None, env: Mapping[str, str] | None = None,
                 on_progress: Callable[[object], None] | None = None, login: CopilotDeviceLogin | None = None,
                 **_timing: object) -> None:
        from openclaw_onboard.core.oauth.copilot import CopilotDeviceLogin as Login

        self.agent_id, self.state = agent_id, state
        self._login = login or Login(env)
        self._task: asyncio.Task[Outcome] | None = None
        self._code: asyncio.Future[CopilotCode] | None = None

    async def start(self) -> CopilotCodeView:
        from openclaw_onboard.core.oauth.errors import LoginError

        loop = asyncio.get_running_loop()
        code: asyncio.Future[CopilotCode] = loop.create_future()
        self._code = code

        def got(value: CopilotCode) -> None:
            if not code.done():
                code.set_result(value)
        self._task = asyncio.ensure_future(login_github_copilot(self.agent_id, self.state, on_code=got,
                                                                login=self._login))
        waiting: set[asyncio.Future[object]] = {self._task, code}  # type: ignore[arg-type]  # either ends it
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if not code.done():  # ended before a code: the outcome says why
            outcome = self._task.result()
            raise LoginError(outcome.message)
        shown = code.result()
        return CopilotCodeView(shown.user_code, shown.verification_uri, shown.interval_s, shown.expires_in_s)

    async def result(self) -> CopilotSaved:
        from openclaw_onboard.core.oauth.errors import LoginError

        assert self._task is not None
        outcome = await self._task
        if outcome.verdict in (Verdict.SAVED, Verdict.CONFIG_NOT_UPDATED) and outcome.profile_id:
            return CopilotSaved(outcome.profile_id)
        raise LoginError(outcome.message)

    async def cancel(self) -> None:
        await self._login.cancel()
        if self._task is not None and not self._task.done():
            self._task.cancel()
