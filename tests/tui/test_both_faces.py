"""Every user action through both faces with the same inputs: the `openclaw` command (a real subprocess) and
the wizard (Textual Pilot). Both call core.usecases, so they must leave the same files, byte for byte, and
give the same verdict (saved or not, the same reason, the same notes).

Each case starts from the same state, runs one face, snapshots every file of the state dir (and the home's
CLI logins are only read), wipes the state and runs the other face.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tests.cli.conftest import OPENCLAW_CMD, ROOT, Result, base_env, check_invariants
from tests.conftest import ANTHROPIC_SETUP_TOKEN, OPENROUTER_TOKEN
from tests.tui.conftest import FROZEN_NOW_MS, wait_for, wait_for_screen

OP_SECRET_ARGS = "read op://Private/OpenRouter/credential"
REF_HINT = ". Nothing saved (fix it, or pass --no-preflight to store the ref anyway)"  # the CLI's words around it


# ---- the two faces


def run_cli(state: Path, home: Path, args: list[str], stdin: str = "", env: dict[str, str] | None = None) -> Result:
    full_env = {**base_env(state, home, FROZEN_NOW_MS), **(env or {})}
    proc = subprocess.run([*OPENCLAW_CMD, *args], input=stdin, capture_output=True, text=True, env=full_env,
                          timeout=60, cwd=ROOT)
    res = Result(proc.returncode, proc.stdout, proc.stderr)
    check_invariants(res, tuple(args))
    return res


@dataclass
class Verdict:
    saved: bool
    reason: str = ""  # why nothing was saved
    notes: tuple[str, ...] = ()


def cli_verdict(res: Result) -> Verdict:
    notes = tuple(line.removeprefix("Note: ") for line in res.err_lines if line.startswith("Note: "))
    if res.rc == 0:
        return Verdict(True, notes=notes)
    reason = res.err_lines[-1].removeprefix("openclaw: ")
    return Verdict(False, reason.removesuffix(REF_HINT), notes)


def snapshot(state: Path) -> dict[str, bytes]:
    """Every file the action left (locks are bookkeeping, not what was saved)."""
    return {str(p.relative_to(state)): p.read_bytes() for p in sorted(state.rglob("*"))
            if p.is_file() and p.relative_to(state).parts[0] != "locks"}


def wipe(state: Path) -> None:
    for child in state.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


# ---- credentials: one table of inputs for both faces


@dataclass
class Cred:
    kind: str
    provider: str = ""
    profile: str = ""
    secret: str = ""
    expires: str = ""
    write_env: bool = False
    store_as: str = ""  # "", "env", "file", "exec"
    ref: dict[str, str] = field(default_factory=dict)  # env_var / path / pointer / command / args

    def cli_args(self) -> list[str]:
        args = ["models", "auth", self.kind]
        if self.kind != "setup-token":
            args += ["--provider", self.provider]
        args += ["--profile-id", self.profile] if self.profile else []
        args += ["--expires-in", self.expires] if self.expires else []
        args += ["--write-env"] if self.write_env else []
        if self.store_as == "env":
            args += ["--ref-env", self.ref["env_var"]]
        elif self.store_as == "file":
            args += ["--ref-file", self.ref["path"], "--ref-pointer", self.ref["pointer"]]
        elif self.store_as == "exec":
            args += ["--ref-exec", self.ref["command"], f"--ref-args={self.ref['args']}"]
        return args


CREDENTIALS = {
    "paste-token with a name and an expiry": Cred("paste-token", "openrouter", "work", OPENROUTER_TOKEN, "30d"),
    "setup-token": Cred("setup-token", secret=ANTHROPIC_SETUP_TOKEN, expires="365d"),
    "api-key, also in .env": Cred("api-key", "openrouter", secret=OPENROUTER_TOKEN, write_env=True),
    "api-key replacing a token profile by name": Cred("api-key", "openrouter", "manual", OPENROUTER_TOKEN),
    "a mistyped provider: saved, with a did-you-mean": Cred("paste-token", "opnerouter", secret=OPENROUTER_TOKEN),
    "a cut-off OpenRouter token: refused": Cred("paste-token", "openrouter", secret="sk-or-v1-abc"),
    "an Anthropic token that is no setup-token: refused": Cred("paste-token", "anthropic",
                                                               secret="sk-ant-api03-" + "x" * 80),
    "an env ref": Cred("api-key", "openrouter", store_as="env", ref={"env_var": "MY_OR_KEY"}),
    "an env ref that does not resolve: refused": Cred("paste-token", "openrouter", store_as="env",
                                                      ref={"env_var": "NOT_SET_ANYWHERE"}),
    "a file ref with its secrets provider": Cred("paste-token", "openrouter", "vault", store_as="file",
                                                 ref={"path": "", "pointer": "/openrouter/key"}),
    "an exec ref with its secrets provider": Cred("api-key", "openrouter", store_as="exec",
                                                  ref={"command": "", "args": OP_SECRET_ARGS}),
}


def prepare(state: Path, make_agent: Callable[..., Any], tmp_path: Path) -> dict[str, str]:
    """The starting point of every credential case: the example store and JSON5 config (with comments), a
    secrets file and a resolver command. Returns what the ref fields point at."""
    make_agent(config=True)
    secrets_file = tmp_path / "secrets" / "openrouter.json"
    op = tmp_path / "bin" / "op"
    if not op.exists():
        secrets_file.parent.mkdir(mode=0o700)
        secrets_file.write_text(json.dumps({"openrouter": {"key": OPENROUTER_TOKEN}}))
        secrets_file.chmod(0o600)
        op.parent.mkdir()
        op.write_text(f"#!{sys.executable}\nprint({OPENROUTER_TOKEN!r})\n")
        op.chmod(0o700)
    return {"path": str(secrets_file), "command": str(op)}


async def wizard_credential(make_app: Callable[..., Any], case: Cred) -> Verdict:
    app = make_app(agent_id="main")
    async with app.run_test(size=(120, 40)) as pilot:
        app.goto(case.kind)
        screen = await wait_for_screen(pilot, "TokenPasteScreen")
        if case.kind != "setup-token":
            screen.query_one("#provider").value = case.provider
        screen.query_one("#profile").value = case.profile
        if case.store_as:
            screen.query_one(f"#store-{case.store_as}").value = True
            await pilot.pause()
            fields = {"env_var": "#ref-env", "path": "#ref-file-path", "pointer": "#ref-file-id",
                      "command": "#ref-cmd", "args": "#ref-args"}
            for name, value in case.ref.items():
                screen.query_one(fields[name]).value = value
        else:
            screen.query_one("#secret").value = case.secret
        if case.expires:
            screen.query_one("#expires").value = case.expires
        if case.write_env:
            screen.query_one("#write-env").value = True
        await pilot.pause()
        form = screen.revalidate()
        if not form.valid:  # refused while typing: the field's reason, nothing to save
            bad = next(c for c in form.fields if not c.ok)
            return Verdict(False, bad.reason or bad.message, form.notes)
        await pilot.press("ctrl+s")
        if app.screen is not screen and type(app.screen).__name__ == "ConfirmScreen":  # replacing: yes
            await pilot.press("y")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DashboardScreen"
                       or str(screen.query_one("#save-error", Static).render()).startswith("✗"),
                       what="saved or refused")
        notes = tuple(n.message for n in app._notifications if n.severity == "warning")
        if type(app.screen).__name__ == "DashboardScreen":
            return Verdict(True, notes=notes)
        error = str(screen.query_one("#save-error", Static).render())
        return Verdict(False, error.removeprefix("✗ Not saved: ").removesuffix(". Fix it and save again."), notes)


@pytest.mark.parametrize("name", list(CREDENTIALS))
async def test_adding_a_credential(name, make_app, make_agent, state_dir, tmp_path, tui_env):
    case = CREDENTIALS[name]
    home = Path(tui_env["HOME"])
    env = {"MY_OR_KEY": OPENROUTER_TOKEN}
    tui_env.update(env)

    where = prepare(state_dir, make_agent, tmp_path)
    case = replace(case, ref={k: (where[k] if k in where and not v else v) for k, v in case.ref.items()})
    res = run_cli(state_dir, home, case.cli_args(), stdin=case.secret, env=env)
    by_cli, cli_files = cli_verdict(res), snapshot(state_dir)

    wipe(state_dir)
    prepare(state_dir, make_agent, tmp_path)
    by_wizard, wizard_files = await wizard_credential(make_app, case), snapshot(state_dir)

    assert by_cli == by_wizard, (res, by_wizard)
    assert cli_files == wizard_files
    expect_saved = "refused" not in name
    assert by_cli.saved is expect_saved
    assert bool(by_cli.notes) is ("did-you-mean" in name)
    wipe(state_dir)
    prepare(state_dir, make_agent, tmp_path)
    # Refused: nothing written at all, the store and the config are as prepared. Saved: both changed.
    assert (snapshot(state_dir) == cli_files) is not expect_saved


# ---- the other actions


@dataclass
class Action:
    cli: list[str]
    wizard: Callable[[Any, Any], Awaitable[None]]  # (app, pilot): drive the wizard to the same result
    setup: Callable[[Any, Path], None] = lambda make_agent, state: make_agent(config=True)
    start: dict[str, Any] = field(default_factory=lambda: {"agent_id": "main"})
    done: Callable[[Path], bool] = lambda state: True  # when the wizard's background write has landed


async def _choose(pilot: Any, choice_id: str) -> None:
    from textual.widgets import OptionList

    screen = await wait_for_screen(pilot, "AuthChoiceScreen")
    choices = screen.query_one("#choices", OptionList)
    ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
    choices.highlighted = ids.index(choice_id)
    await pilot.press("enter")
    await wait_for_screen(pilot, "ConfirmScreen")
    await pilot.press("y")


async def reuse_claude(app: Any, pilot: Any) -> None:
    await _choose(pilot, "claude-cli")
    await wait_for_screen(pilot, "DashboardScreen")


async def reuse_codex(app: Any, pilot: Any) -> None:
    await _choose(pilot, "codex-cli")
    await wait_for_screen(pilot, "DashboardScreen")


async def add_agent(app: Any, pilot: Any) -> None:
    screen = await wait_for_screen(pilot, "AgentSelectScreen")
    await pilot.press("a")
    await wait_for(pilot, lambda: screen.query("#agent-name") and screen.query_one("#add-form").display)
    await pilot.press(*"work")
    screen.query_one("#copy-from").value = "main"
    await pilot.click("#add-create")
    await wait_for(pilot, lambda: not screen.query_one("#add-form").display, what="the agent made")


async def remove(app: Any, pilot: Any) -> None:
    await _on_the_dashboard("openai:default", "d")(app, pilot)
    await wait_for_screen(pilot, "ConfirmScreen")
    await pilot.press("y")
    await wait_for_screen(pilot, "DashboardScreen")


def _on_the_dashboard(profile_id: str, *keys: str) -> Callable[[Any, Any], Awaitable[None]]:
    """Open the dashboard on `profile_id`'s row and press `keys` there."""

    async def drive(app: Any, pilot: Any) -> None:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        app.show_dashboard("main", highlight=profile_id)
        dashboard = await wait_for_screen(pilot, "DashboardScreen")
        await wait_for(pilot, lambda: dashboard.current_key() == profile_id, what="the highlighted row")
        await pilot.press(*keys)

    return drive


def _store(state: Path) -> dict[str, Any]:
    return json.loads((state / "agents" / "main" / "agent" / "auth-profiles.json").read_text())


def _order(state: Path) -> list[str] | None:
    """The override as OpenClaw reads it (auth-state.json beside the store holds it)."""
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core import store as store_mod

    return order_mod.override_order(store_mod.load("main", state).store, "anthropic")


def _three_anthropic(order: list[str] | None = None) -> Callable[[Any, Path], None]:
    from tests.tui.test_dashboard import three_anthropic_store

    store = three_anthropic_store()
    if order:
        store["order"] = {"anthropic": order}
    return lambda make_agent, state: make_agent(store=store, config=True)


CLAUDE_CLI_PROFILE = {"type": "oauth", "provider": "claude-cli", "access": "sk-ant-oat01-old-" + "o" * 60,
                      "refresh": "sk-ant-ort01-old", "expires": FROZEN_NOW_MS - 1000}


def _store_lacks(profile_id: str) -> Callable[[Path], bool]:
    def lacks(state: Path) -> bool:
        store = json.loads((state / "agents" / "main" / "agent" / "auth-profiles.json").read_text())
        return profile_id not in store["profiles"]
    return lacks


ACTIONS = {
    "reuse the Claude CLI login": Action(["models", "auth", "login", "--provider", "anthropic", "--method", "cli"],
                                         reuse_claude),
    "reuse the Codex CLI login": Action(["models", "auth", "login", "--provider", "openai-codex", "--method", "cli"],
                                        reuse_codex, setup=lambda make_agent, state: make_agent(
                                            store={"version": 1, "profiles": {}}, config=True)),
    "add an agent with main's profiles": Action(["agents", "add", "work", "--copy-auth-from", "main"], add_agent,
                                                start={}),
    "remove a profile": Action(["models", "auth", "remove", "--profile-id", "openai:default", "--yes"], remove,
                               done=_store_lacks("openai:default")),
    "set an order": Action(["models", "auth", "order", "set", "--provider", "anthropic", "anthropic:b", "anthropic:a",
                            "anthropic:c"], _on_the_dashboard("anthropic:a", "J"), setup=_three_anthropic(),
                           done=lambda state: _order(state) == ["anthropic:b", "anthropic:a", "anthropic:c"]),
    "clear an order": Action(["models", "auth", "order", "clear", "--provider", "anthropic"],
                             _on_the_dashboard("anthropic:a", "c"),
                             setup=_three_anthropic(["anthropic:c", "anthropic:a"]),
                             done=lambda state: _order(state) is None),
    "refresh a reused Claude CLI login": Action(
        ["models", "auth", "refresh", "--profile-id", "anthropic:claude-cli", "--force"],
        _on_the_dashboard("anthropic:claude-cli", "r"),
        setup=lambda make_agent, state: make_agent(store={"version": 1, "profiles": {
            "anthropic:claude-cli": CLAUDE_CLI_PROFILE}}, config=True),
        done=lambda state: _store(state)["profiles"]["anthropic:claude-cli"]["access"] != CLAUDE_CLI_PROFILE["access"]),
}


@pytest.mark.parametrize("name", list(ACTIONS))
async def test_action(name, make_app, make_agent, state_dir, tui_env, claude_cli_home, codex_cli_home):
    action = ACTIONS[name]
    home = Path(tui_env["HOME"])
    action.setup(make_agent, state_dir)
    res = run_cli(state_dir, home, action.cli)
    assert res.rc == 0, res
    cli_files = snapshot(state_dir)

    wipe(state_dir)
    action.setup(make_agent, state_dir)
    app = make_app(**action.start)
    async with app.run_test(size=(120, 40)) as pilot:
        await action.wizard(app, pilot)
        await wait_for(pilot, lambda: action.done(state_dir), what="the write")
        await app.workers.wait_for_complete()
    assert snapshot(state_dir) == cli_files
