"""`openclaw`: the command line for the model-provider logins of an OpenClaw gateway.

Import discipline (the cron path `openclaw models status --check` must stay fast): every command module
(app.cli_*) is imported when its command runs, and the heavy packages (pydantic, core.oauth/httpx, Textual)
only inside the commands that need them.

Errors: a core `OpenClawError` (or a usage error) is one line on stderr, `openclaw: <message>`,
exit 1 (2 for usage errors); Ctrl-C exits 130; anything unexpected is one line naming a private crash
report (app.crash); no traceback unless OPENCLAW_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING

from openclaw_onboard.core.i18n import N_, _

if TYPE_CHECKING:
    import argparse
    from typing import NoReturn

PROG = "openclaw"
_FALLBACK_VERSION = "0.1.0"

# Handlers are "module:function" strings, imported only when the command runs.
_STATUS = "openclaw_onboard.app.cli_status:cmd_status"
_AUTH = "openclaw_onboard.app.cli_auth"
_AGENTS = "openclaw_onboard.app.cli_agents"
_ONBOARD = "openclaw_onboard.app.cli_agents:cmd_onboard"


# The commands this CLI implements, as far down as it goes (None: the whole subtree is ours). Every other command
# is OpenClaw's own and runs the real `openclaw` (app.passthrough). Decided from argv alone, before any import, so
# `models status --check` pays nothing for it; tests/cli/test_passthrough.py keeps it in step with build_parser.
_OURS: dict[str, dict | None] = {
    "onboard": None,
    "doctor": None,
    "models": {"status": None, "auth": {
        "order": {"get": None, "set": None, "clear": None},
        **dict.fromkeys(("paste-token", "api-key", "setup-token", "login", "refresh", "remove", "list", "logout",
                         "paste-api-key"))}},
    "agents": {"list": None, "add": None},
    "channels": {"list": None},
}
_OUR_ROOT_OPTIONS = ("-h", "--help", "--version")


def is_ours(args: list[str]) -> bool:
    """Whether this CLI answers `args` (else OpenClaw's own `openclaw` does). No command, a group without its
    subcommand, and any option after the first word are ours (our usage and help); an unknown word is not."""
    tree: dict | None = _OURS
    for i, word in enumerate(args):
        if word.startswith("-"):
            return i > 0 or word in _OUR_ROOT_OPTIONS  # `openclaw --profile dev gateway`: OpenClaw's options
        if tree is None or word not in tree:
            return tree is None
        tree = tree[word]
        if tree is None:
            return True
    return True


class UsageError(Exception):
    """Bad command-line usage: reported as one line, exit 2."""


_PARSER_TYPES: tuple[type, type, type] | None = None


def _parser_types() -> tuple[type[argparse.ArgumentParser], type[argparse.Action], type[argparse.HelpFormatter]]:
    """argparse's subclasses, defined once, on first use (`openclaw onboard` dispatches without argparse)."""
    global _PARSER_TYPES
    if _PARSER_TYPES is not None:
        return _PARSER_TYPES
    import argparse

    class _Parser(argparse.ArgumentParser):
        def format_help(self) -> str:
            # Only here, when help is really shown: argparse formats usages while building the parser too
            # (a subcommand's prog), and that must not load a catalog.
            _translate_argparse()  # for its "usage: "
            return super().format_help()

        def error(self, message: str) -> NoReturn:
            raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")

    class _VersionAction(argparse.Action):
        def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS,
                     default: str = argparse.SUPPRESS, help: str | None = None) -> None:
            super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

        def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                     option_string: str | None = None) -> None:
            print(f"{PROG} (openclaw-onboard) {version()}")
            parser.exit(0)

    class _Formatter(argparse.RawDescriptionHelpFormatter):
        """Translates help texts when help is shown, never before: building the parser (every run but the
        status fast path, `--json` included) loads no catalog. The texts are marked with N_()."""

        def _get_help_string(self, action: argparse.Action) -> str | None:
            return _(action.help) if action.help else action.help

        def _format_text(self, text: str) -> str:
            return super()._format_text(_(text) if text else text)

        def start_section(self, heading: str | None) -> None:
            super().start_section(_(heading) if heading else heading)

    _PARSER_TYPES = (_Parser, _VersionAction, _Formatter)
    return _PARSER_TYPES


def version() -> str:
    try:
        from importlib.metadata import version as dist_version

        return dist_version("openclaw-onboard")
    except Exception:
        return _FALLBACK_VERSION


# argparse's own words in a help screen, looked up in our `cli` catalog (argparse has no catalogs of
# its own to install); its error messages stay English.
_ARGPARSE_WORDS = (N_("usage: "), N_("options"), N_("positional arguments"), N_("show this help message and exit"))


def _translate_argparse() -> None:
    import argparse

    # argparse looks its `_` up at call time; typeshed does not declare that module global.
    if argparse._ is not _:  # type: ignore[attr-defined]
        argparse._ = _  # type: ignore[attr-defined]  # (the same undeclared global)


def _untranslated(message: str) -> str:
    return message


def _argparse_words_as_given() -> None:
    """While the parser is built, argparse's words stay as given: it asks `gettext.gettext` for each (60 searches
    for a `messages` catalog no system has, a fifth of `models status --check`), and machine output must load
    no catalog of ours. Help translates them when it is shown (_translate_argparse); errors stay English."""
    import argparse

    # The same module global as in _translate_argparse, which typeshed does not declare.
    if argparse._ is not _:  # type: ignore[attr-defined]
        argparse._ = _untranslated  # type: ignore[attr-defined]  # (the same undeclared global)


def _help_width() -> int:
    """The width argparse would take (shutil.get_terminal_size's rule: $COLUMNS, else stdout's terminal, else 80),
    minus its margin of 2. Given to every formatter, so that argparse does not import shutil (with bz2, lzma and
    zlib) for each one it makes while building the parser: a twentieth of `models status --check`."""
    global _HELP_WIDTH
    if _HELP_WIDTH is None:
        try:
            columns = int(os.environ.get("COLUMNS", "0"))
        except ValueError:
            columns = 0
        if columns <= 0:
            try:
                columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
            except (AttributeError, ValueError, OSError):
                columns = 0
        _HELP_WIDTH = (columns or 80) - 2
    return _HELP_WIDTH


_HELP_WIDTH: int | None = None


def _fmt(prog: str) -> argparse.HelpFormatter:
    return _parser_types()[2](prog, max_help_position=32, width=_help_width())


def _sub(parent: argparse._SubParsersAction, name: str, help_text: str, description: str | None = None,
         epilog: str | None = None) -> argparse.ArgumentParser:
    parser = parent.add_parser(name, help=help_text, description=description or help_text, epilog=epilog,
                               formatter_class=_fmt)
    parser.set_defaults(_prog=parser.prog)  # the deepest command seen, for errors about extra arguments
    return parser


def _agent_opt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--agent", metavar="ID", help=N_("agent id (default: main)"))


def _ref_opts(p: argparse.ArgumentParser) -> None:
    """Where the secret stays instead of the store (core.usecases.credentials.RefInput): one of four."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("--ref", metavar="SOURCE:PROVIDER:ID",
                       help=N_("store a SecretRef of a configured secrets provider instead of the secret"))
    where.add_argument("--ref-env", metavar="VAR", nargs="?", const="",
                       help=N_("store a ref to an environment variable (default: the provider's usual one)"))
    where.add_argument("--ref-file", metavar="PATH",
                       help=N_("store a ref to a secrets file (absolute path), adding its secrets provider"))
    where.add_argument("--ref-exec", metavar="COMMAND",
                       help=N_("store a ref to a command's output (absolute path, no shell), adding its provider"))
    p.add_argument("--ref-pointer", metavar="POINTER",
                   help=N_("with --ref-file: a JSON pointer, e.g. /providers/openrouter/apiKey (default: whole file)"))
    p.add_argument("--ref-args", metavar="ARGS", help=N_("with --ref-exec: its arguments, split as a shell would"))
    p.add_argument("--ref-pass-env", metavar="NAMES", help=N_("with --ref-exec: variables it may see (default HOME)"))
    p.add_argument("--no-preflight", action="store_true", help=N_("store the ref even if it does not resolve now"))


def build_parser() -> argparse.ArgumentParser:
    _Parser, _VersionAction, _formatter = _parser_types()
    _argparse_words_as_given()
    root = _Parser(
        prog=PROG, formatter_class=_fmt,
        description=N_("Model-provider logins of an OpenClaw agent gateway (the per-agent auth-profiles.json)."),
        epilog=N_("Environment: OPENCLAW_STATE_DIR (default ~/.openclaw).\n"
               "Run 'openclaw <command> --help' for the options of each command.\n\n"
               "Every other command (gateway, channels status, models list, ...) is OpenClaw's own and runs\n"
               "OpenClaw's `openclaw`: $OPENCLAW_BIN, else the next `openclaw` on PATH that is not this one\n"
               "(install it with `npm install -g openclaw`). This program is also `openclaw-onboard`."),
    )
    root.add_argument("--version", action=_VersionAction, help=N_("print the version and exit"))
    top = root.add_subparsers(dest="command", metavar="<command>", required=True, parser_class=_Parser)

    onboard = _sub(top, "onboard", N_("launch the onboarding wizard (terminal UI)"))
    _agent_opt(onboard)
    onboard.add_argument("--dashboard", action="store_true", help=N_("open the credentials dashboard directly"))
    onboard.set_defaults(handler=_ONBOARD)

    # ---- models
    models = _sub(top, "models", N_("model-provider auth: status, order, tokens, logins"))
    msub = models.add_subparsers(dest="models_command", metavar="<command>", required=True, parser_class=_Parser)

    status = _sub(msub, "status", N_("show auth profiles, their expiry and which one is used"),
                  epilog=N_("--check exit codes: 0 ok, 1 expired or missing auth, 2 expiring within 24h.\n"
                         "--plain prints one tab-separated line per profile:\n"
                         "  agent, profile id, provider, type, status, expires_ms, remaining\n"
                         "(a provider without usable auth gets a line with profile id '-' and status 'missing').\n"
                         "Secrets are always masked, --json included."))
    _agent_opt(status)
    mode = status.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help=N_("machine-readable JSON"))
    mode.add_argument("--plain", action="store_true", help=N_("tab-separated lines for scripts"))
    status.add_argument("--check", action="store_true",
                        help=N_("exit 1 if expired/missing, 2 if expiring within 24h, else 0"))
    status.add_argument("--probe", action="store_true",
                        help=N_("send one cheap authenticated request per credential (models list)"))
    status.add_argument("--probe-provider", metavar="P", help=N_("probe only this provider"))
    status.add_argument("--probe-profile", metavar="ID", action="append",
                        help=N_("probe only these profile ids (repeatable or comma-separated)"))
    status.add_argument("--probe-timeout", metavar="MS", help=N_("per-request timeout in ms (default 8000)"))
    status.add_argument("--probe-concurrency", metavar="N", help=N_("requests at once (default 2)"))
    status.set_defaults(handler=_STATUS)

    auth = _sub(msub, "auth",
                N_("manage auth profiles: order, api-key, paste-token, setup-token, login, refresh, remove"))
    asub = auth.add_subparsers(dest="auth_command", metavar="<command>", required=True, parser_class=_Parser)

    order = _sub(asub, "order", N_("per-agent auth profile order override (get, set, clear)"))
    osub = order.add_subparsers(dest="order_command", metavar="<action>", required=True, parser_class=_Parser)
    oget = _sub(osub, "get", N_("show the order override and the effective order of a provider"))
    oset = _sub(osub, "set", N_("set the order override (each id must exist and belong to the provider)"),
                epilog=N_("example: openclaw models auth order set --provider anthropic "
                          "anthropic:work anthropic:default"))
    oclear = _sub(osub, "clear", N_("remove the order override of a provider"))
    for p in (oget, oset, oclear):
        p.add_argument("--provider", required=True, metavar="P", help=N_("provider id, e.g. anthropic"))
        _agent_opt(p)
    oget.add_argument("--json", action="store_true", help=N_("machine-readable JSON"))
    oset.add_argument("ids", nargs="+", metavar="PROFILE_ID", help=N_("profile ids, first is tried first"))
    oget.set_defaults(handler=f"{_AUTH}:cmd_order_get")
    oset.set_defaults(handler=f"{_AUTH}:cmd_order_set")
    oclear.set_defaults(handler=f"{_AUTH}:cmd_order_clear")

    paste = _sub(asub, "paste-token", N_("store a token for any provider (read from a hidden prompt or stdin)"),
                 epilog=N_("The token is never taken from the command line: on a terminal you are prompted\n"
                        "(input hidden); otherwise it is read from stdin, e.g.\n"
                        "  pbpaste | openclaw models auth paste-token --provider openrouter\n"
                        "Whitespace inside the token (wrapped pastes) is removed.\n"
                        "Also records the profile in auth.profiles of openclaw.json."))
    paste.add_argument("--provider", required=True, metavar="P", help=N_("provider id, e.g. anthropic, openrouter"))
    paste.add_argument("--profile-id", metavar="ID", help=N_("profile id (default: <provider>:manual)"))
    paste.add_argument("--expires-in", metavar="DURATION", help=N_("token lifetime, e.g. 365d, 12h, 30m"))
    _ref_opts(paste)
    _agent_opt(paste)
    paste.set_defaults(handler=f"{_AUTH}:cmd_paste_token")

    apikey = _sub(asub, "api-key", N_("store an API key (hidden prompt or stdin) or a SecretRef to it"),
                  epilog=N_("The key is never taken from the command line: pipe it on stdin or type it at the\n"
                         "hidden prompt. With --ref nothing secret is stored: the profile points at\n"
                         "  env:PROVIDER:VAR            an environment variable (provider alias 'default')\n"
                         "  file:PROVIDER:/json/pointer secrets.providers.<PROVIDER> in openclaw.json (file)\n"
                         "  exec:PROVIDER:ID            secrets.providers.<PROVIDER> (a resolver command)\n"
                         "and the ref is resolved once before saving. --ref-env, --ref-file and --ref-exec\n"
                         "also add the secrets.providers entry they need, as the wizard's \"store as\" does:\n"
                         "  --ref-exec /usr/bin/op --ref-args='read op://Private/OpenRouter/credential'"))
    apikey.add_argument("--provider", required=True, metavar="P", help=N_("provider id, e.g. openrouter"))
    apikey.add_argument("--profile-id", metavar="ID", help=N_("profile id (default: <provider>:default)"))
    _ref_opts(apikey)
    apikey.add_argument("--write-env", action="store_true",
                        help=N_("also write <PROVIDER>_API_KEY to <state>/.env (for a gateway daemon)"))
    _agent_opt(apikey)
    apikey.set_defaults(handler=f"{_AUTH}:cmd_api_key")

    setup = _sub(asub, "setup-token", N_("store an Anthropic subscription token made by `claude setup-token`"),
                 epilog=N_("Run `claude setup-token` (needs an interactive terminal and a Claude Pro/Max plan),\n"
                        "then paste the sk-ant-oat01-... token it prints."))
    setup.add_argument("--provider", default="anthropic", metavar="P", help=N_("only anthropic (the default)"))
    setup.add_argument("--profile-id", metavar="ID", help=N_("profile id (default: anthropic:default)"))
    setup.add_argument("--expires-in", metavar="DURATION", help=N_("record an expiry, e.g. 365d"))
    _agent_opt(setup)
    setup.set_defaults(handler=f"{_AUTH}:cmd_setup_token")

    login = _sub(asub, "login", N_("log in with OAuth (OpenAI Codex / ChatGPT) in the terminal"),
                 epilog=N_("--method oauth: prints the authorize URL and waits for the browser callback; at the same\n"
                        "time a pasted redirect URL (or code) is accepted on stdin.\n"
                        "--method device-code: prints URL: and Code: lines; approve the code on any device.\n"
                        "Ctrl-C cancels."))
    login.add_argument("--provider", required=True, metavar="P", help="openai-codex, github-copilot")
    login.add_argument("--method", metavar="M", help=N_("oauth (browser, the default), device-code (pairing), or "
                                                        "cli (reuse the Codex CLI's or Claude CLI's login)"))
    login.add_argument("--device-code", action="store_true", help=N_("same as --method device-code"))
    _agent_opt(login)
    login.add_argument("--no-browser", action="store_true", help=N_("do not open a browser; just print the URL"))
    login.set_defaults(handler="openclaw_onboard.app.cli_login:cmd_login")

    refresh = _sub(asub, "refresh", N_("make sure OAuth profiles hold a usable access token (refresh if stale)"))
    refresh.add_argument("--profile-id", metavar="ID", help=N_("one profile (default: every oauth profile)"))
    _agent_opt(refresh)
    refresh.add_argument("--force", action="store_true", help=N_("refresh even if the token is still valid"))
    refresh.set_defaults(handler=f"{_AUTH}:cmd_refresh")

    remove = _sub(asub, "remove", N_("delete an auth profile (and its order, usage and config entries)"))
    remove.add_argument("--profile-id", required=True, metavar="ID", help=N_("profile id to delete"))
    _agent_opt(remove)
    remove.add_argument("--yes", "-y", action="store_true", help=N_("do not ask for confirmation"))
    remove.set_defaults(handler=f"{_AUTH}:cmd_remove")

    # OpenClaw 2026.9.x's names for the same actions (list, logout, paste-api-key), with its flags.
    alist_ = _sub(asub, "list", N_("list saved auth profiles (OpenClaw 2026.9's layout)"))
    alist_.add_argument("--provider", metavar="P", help=N_("only this provider's profiles"))
    _agent_opt(alist_)
    alist_.add_argument("--json", action="store_true", help=N_("machine-readable JSON"))
    alist_.set_defaults(handler=f"{_AUTH}:cmd_list")
    logout = _sub(asub, "logout", N_("remove a saved auth profile (same as remove --profile-id)"))
    logout.add_argument("profile", metavar="PROFILE_ID", help=N_("profile id to delete"))
    _agent_opt(logout)
    logout.add_argument("--yes", "-y", action="store_true", help=N_("do not ask for confirmation"))
    logout.set_defaults(handler=f"{_AUTH}:cmd_logout")
    pasteapi = _sub(asub, "paste-api-key", N_("store an API key (hidden prompt or stdin) as <provider>:manual"))
    pasteapi.add_argument("--provider", required=True, metavar="P", help=N_("provider id, e.g. openrouter"))
    pasteapi.add_argument("--profile-id", metavar="ID", help=N_("profile id (default: <provider>:manual)"))
    _agent_opt(pasteapi)
    pasteapi.set_defaults(handler=f"{_AUTH}:cmd_paste_api_key")

    # ---- agents
    agents = _sub(top, "agents", N_("isolated credential sets (agents)"))
    gsub = agents.add_subparsers(dest="agents_command", metavar="<command>", required=True, parser_class=_Parser)
    alist = _sub(gsub, "list", N_("list agents with their profile counts and worst status"))
    alist.add_argument("--json", action="store_true", help=N_("machine-readable JSON"))
    alist.set_defaults(handler=f"{_AGENTS}:cmd_agents_list")
    aadd = _sub(gsub, "add", N_("create an agent"),
                epilog=N_("example: openclaw agents add work --copy-auth-from main"))
    aadd.add_argument("name", metavar="NAME", help=N_("agent id: lowercase letters, digits, '-' or '_'"))
    aadd.add_argument("--copy-auth-from", metavar="ID", help=N_("copy the auth profiles of this agent"))
    aadd.set_defaults(handler=f"{_AGENTS}:cmd_agents_add")

    # ---- doctor
    doctor = _sub(top, "doctor", N_("check permissions, locks, legacy files, expiring credentials and openclaw.json"),
                  epilog=N_("Exit code 1 when an error-level finding remains. --fix applies only local, safe fixes\n"
                         "(modes, stale locks and temp files, legacy key scrubbing, openclaw.json auth.profiles);\n"
                         "it never deletes a credential and never uses the network."))
    doctor.add_argument("--fix", action="store_true", help=N_("apply the safe fixes, then check again"))
    doctor.add_argument("--json", action="store_true", help=N_("machine-readable JSON"))
    doctor.set_defaults(handler="openclaw_onboard.app.cli_doctor:cmd_doctor")

    # ---- channels
    channels = _sub(top, "channels", N_("chat channels and auth profile ids"))
    csub = channels.add_subparsers(dest="channels_command", metavar="<command>", required=True, parser_class=_Parser)
    clist = _sub(csub, "list", N_("chat channels from openclaw.json, then the auth profile ids of an agent"))
    clist.add_argument("--json", action="store_true", help=N_('machine-readable JSON: {"chat": [...], "auth": [...]}'))
    _agent_opt(clist)
    clist.set_defaults(handler=f"{_AGENTS}:cmd_channels_list")
    return root


def _extra_arguments(args: argparse.Namespace, extra: list[str]) -> UsageError:
    """Unrecognized arguments. A stray argument may be a pasted secret: never echo a long one whole."""
    from openclaw_onboard.core.masking import mask_secret

    prog = getattr(args, "_prog", PROG)
    if getattr(args, "handler", "").endswith(("cmd_paste_token", "cmd_setup_token", "cmd_api_key")):
        return UsageError(_("{prog}: the token is never taken from the command line (it would stay in the shell "
                            "history); pipe it on stdin or run this in a terminal to be prompted (see '{prog} --help')")
                          .format(prog=prog))
    shown = " ".join(a if len(a) < 24 else mask_secret(a) for a in extra)
    return UsageError(_("{prog}: unrecognized arguments: {arguments} (see '{prog} --help')").format(
        prog=prog, arguments=shown))


# Commands that change an agent's store: on a SQLite-era state dir they go to OpenClaw 2026.9.x's databases, and
# are asked first whether that store can be written (a release we write, the agent's database exists), before a
# prompt for a secret that could not be saved (core.store.check_writable; the store checks again).
_STORE_WRITERS = frozenset({"cmd_order_set", "cmd_order_clear", "cmd_paste_token", "cmd_api_key", "cmd_setup_token",
                            "cmd_remove", "cmd_logout", "cmd_paste_api_key", "cmd_refresh"})
# Commands that still write only OpenClaw 2026.4's files (agent dirs, refresh locks, a browser login's store): on
# a SQLite-era state dir they refuse before anything else (core.era; the core writers check again).
_FILE_ERA_WRITERS = frozenset({"cmd_login"})
# Logins that only store a token through core.store (either era): their use case asks check_writable itself,
# before it asks the server for a code.
_TOKEN_LOGINS = frozenset({"github-copilot"})


def _run(args: argparse.Namespace | SimpleNamespace) -> int:
    module_name, _sep, func_name = args.handler.partition(":")
    token_login = (getattr(args, "provider", "") or "").strip().lower() in _TOKEN_LOGINS
    if func_name in _FILE_ERA_WRITERS and not token_login:
        from openclaw_onboard.core.era import refuse_file_era_write

        refuse_file_era_write()
    elif func_name in _STORE_WRITERS:
        from openclaw_onboard.app.cli_common import resolve_agent
        from openclaw_onboard.core.store import check_writable

        check_writable(resolve_agent(getattr(args, "agent", None)))
    __import__(module_name)  # not importlib.import_module: the importlib package imports warnings
    handler = getattr(sys.modules[module_name], func_name)
    return int(handler(args) or 0)


def _run_without_gc(args: argparse.Namespace) -> int:
    """Status builds one object graph and drops it: no reference cycles worth collecting, while the
    collector's passes over a growing heap cost a sixth of the time at 100,000 profiles."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if was_enabled:
            gc.enable()


def _err(message: str, *, prefix: bool = True) -> None:
    import contextlib

    from openclaw_onboard.core.sanitize import clean

    with contextlib.suppress(OSError, ValueError):  # stderr closed: nothing better to do
        line = clean(message)  # messages quote ids and paths from files and argv: one clean line
        print(f"{PROG}: {line}" if prefix else line, file=sys.stderr, flush=True)


def _tolerate_narrow_streams() -> None:
    """On a stdout/stderr that cannot encode everything (`PYTHONIOENCODING=ascii`, a C locale without UTF-8
    coercion), a character it lacks is shown as `?` instead of raising UnicodeEncodeError mid-answer."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            try:  # noqa: SIM105 - contextlib costs the status path an import
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # a closed or detached stream: nothing to print to anyway
                pass


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else list(argv)
    if not is_ours(args_list):
        # Before anything here changes the environment or the streams: OpenClaw gets them as we got them.
        from openclaw_onboard.app.passthrough import run as run_openclaw

        return run_openclaw(args_list)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _tolerate_narrow_streams()
    debug = os.environ.get("OPENCLAW_DEBUG", "") not in ("", "0")
    if not debug:
        from openclaw_onboard.app.crash import install_hooks

        install_hooks()  # threads and unraisable exceptions: one line each, never a traceback
    # Log records too, for every command that may log (httpx, Textual): all but `models status` without a probe.
    from openclaw_onboard.app.crash import install_logging_handler
    try:
        if args_list == ["onboard"]:
            # The wizard's usual launch (issue #15, first paint): no parser to build, and no cyclic garbage
            # collection while Textual is imported (it allocates much and frees little); run_onboard turns
            # it back on once the first screen is painted.
            import gc

            gc.disable()
            if not debug:
                install_logging_handler()
            return _run(SimpleNamespace(command="onboard", agent=None, dashboard=False, _prog=f"{PROG} onboard",
                                        handler=_ONBOARD))
        try:
            parser = build_parser()
            args, extra = parser.parse_known_args(args_list)
            if extra:
                raise _extra_arguments(args, extra)
        except SystemExit as exc:  # --help / --version
            return exc.code if isinstance(exc.code, int) else 0
        reads_only = args.handler == _STATUS and not args.probe
        if not debug and not reads_only:
            install_logging_handler()
        return _run_without_gc(args) if reads_only else _run(args)
    except UsageError as exc:
        _err(str(exc), prefix=False)  # already "openclaw <cmd>: <problem> (see ...)"
        return 2
    except KeyboardInterrupt:
        _err(_("cancelled"))
        return 130
    except BrokenPipeError:
        # `openclaw ... | head`: the reader went away; stay quiet (and keep Python quiet at exit).
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except Exception as exc:
        from openclaw_onboard.core.errors import OpenClawError

        if isinstance(exc, OpenClawError):
            _err(str(exc))
            return 1
        if debug:  # the traceback, but never the exception's message or args: they may quote a key
            from openclaw_onboard.app.crash import report_text

            sys.stderr.write(report_text(exc))
            return 1
        if isinstance(exc, OSError):  # file-system trouble: errno text + path, never contents
            where = f": {exc.filename}" if exc.filename else ""
            _err(f"{exc.strerror or type(exc).__name__}{where}")
            return 1
        from openclaw_onboard.app.crash import handle

        _err(handle(exc), prefix=False)  # one line naming a private report; never a traceback (issue 11.2)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
