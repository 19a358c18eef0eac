"""The private Textual API the wizard uses (screens/textual_compat.py), checked against the installed
Textual: each test names one use and fails when an upgrade renames or reshapes it. No other module
of screens/ or app/ imports a private Textual module."""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import inspect
import re
from pathlib import Path

import pytest
from openclaw_onboard.screens import textual_compat as compat
from textual.app import App, ComposeResult
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Checkbox, Footer, OptionList, RadioButton, Select

ROOT = Path(__file__).resolve().parents[2]


def test_footer_key_is_what_the_footer_composes_and_has_compact() -> None:
    assert issubclass(compat.FooterKey, Widget)
    assert isinstance(compat.FooterKey.__dict__.get("compact"), Reactive)  # FittingFooter sets it
    assert "FooterKey(" in inspect.getsource(Footer.compose)


def test_select_parts_are_what_select_composes() -> None:
    source = inspect.getsource(Select.compose)
    assert "SelectCurrent(" in source and "SelectOverlay(" in source
    assert list(inspect.signature(compat.SelectCurrent).parameters) == ["placeholder"]
    assert "type_to_search" in inspect.signature(compat.SelectOverlay).parameters
    assert issubclass(compat.SelectOverlay, OptionList)
    assert compat.SelectType.__name__ == "SelectType"


def test_toggle_button_is_the_base_of_checkbox_and_radio_button_and_has_a_label() -> None:
    assert issubclass(Checkbox, compat.ToggleButton) and issubclass(RadioButton, compat.ToggleButton)
    assert isinstance(inspect.getattr_static(compat.ToggleButton, "label"), Reactive | property)


def test_option_list_paging_internals() -> None:
    """PagingGuard overrides `_move_page(direction)` and asks `option_line_known` first."""
    assert list(inspect.signature(OptionList._move_page).parameters) == ["self", "direction"]
    assert "_index_to_line" in inspect.getsource(OptionList._move_page)


async def test_option_line_known_and_select_type_to_search_answer() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList("one", "two", id="list")
            yield Select([("a", 1)], type_to_search=False, id="select")

    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        assert compat.option_line_known(app.query_one("#list", OptionList)) is True
        assert compat.select_type_to_search(app.query_one("#select", Select)) is False


def test_no_other_module_imports_private_textual_modules() -> None:
    private = re.compile(r"^\s*(from|import)\s+textual\.(\w+\.)*_\w+", re.M)
    offenders = [str(p.relative_to(ROOT)) for folder in ("screens", "app") for p in (ROOT / folder).rglob("*.py")
                 if p.name != "textual_compat.py" and private.search(p.read_text())]
    assert offenders == []


async def test_pending_result_callback_is_what_dismiss_calls() -> None:
    from textual.screen import Screen

    got: list[object] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(Screen(), got.append)

    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        callback = compat.pending_result_callback(app.screen)
        assert callback is not None
        callback("done")
        await pilot.pause()
        assert got == ["done"]


async def test_paging_guard_pages_and_never_raises_on_an_unlaid_list() -> None:
    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield compat.PagingGuard(*[f"option {i}" for i in range(30)], id="list")

    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        options = app.query_one("#list", compat.PagingGuard)
        options.focus()
        await pilot.pause()
        await pilot.press("pagedown")
        assert (options.highlighted or 0) > 1  # paged: the private method still does its job
        options.display = False
        await pilot.pause()
        options._move_page(1)  # no room, no lines: returns instead of raising KeyError


def test_event_clock_is_the_clock_events_are_stamped_with() -> None:
    from textual import events

    before = compat.event_clock()
    key = events.Key("a", "a")
    assert before <= key.time <= compat.event_clock()


class _Crashing(compat.CrashHooksApp[int]):
    """Raises `error` from a key handler; answers the hooks as told."""

    def __init__(self, error: Exception, line: str | None, harmless: bool = False) -> None:
        super().__init__()
        self.error, self.line, self.harmless = error, line, harmless
        self.seen: list[Exception] = []

    def exception_is_harmless(self, error: Exception) -> bool:
        self.seen.append(error)
        return self.harmless

    def crash_report(self, error: Exception) -> str | None:
        return self.line

    def on_key(self) -> None:
        raise self.error


async def test_crash_hooks_replace_textuals_crash_output_and_keep_its_bookkeeping() -> None:
    """`_handle_exception` is what Textual calls with an unhandled error; the app still exits with code 1
    and run_test() re-raises the error (`_return_code`, `_exception`, `_exception_event`), and it closes
    (`_close_messages_no_wait`) without Textual's traceback (`_exit_renderables` stays empty)."""
    assert list(inspect.signature(App._handle_exception).parameters) == ["self", "error"]
    error = ValueError("boom")
    app = _Crashing(error, "one line")
    with pytest.raises(ValueError) as raised:
        async with app.run_test(size=(40, 10)) as pilot:
            await pilot.press("x")
            await app._exception_event.wait()  # set by our hook, as Textual's own handler sets it
    assert raised.value is error and app.seen == [error]
    assert app.return_code == 1 and app.crash_line == "one line"
    assert app._exit_renderables == []


async def test_crash_hooks_leave_textuals_handler_alone_without_a_report_and_drop_harmless_errors(
        capsys: pytest.CaptureFixture[str]) -> None:
    app = _Crashing(ValueError("boom"), None)
    with pytest.raises(ValueError):
        async with app.run_test(size=(40, 10)) as pilot:
            await pilot.press("x")
    assert app.return_code == 1 and app.crash_line is None
    assert "Traceback" in capsys.readouterr().err  # Textual's own output, printed at exit



async def test_crash_hooks_print_the_line_alone_when_the_terminal_is_restored(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`_print_error_renderables` is what Textual calls at exit to print its crash output."""
    app = _Crashing(ValueError("boom"), "openclaw onboard: unexpected error (ValueError)")
    app.call_later(app.on_key)  # raises on the app's message queue
    await app.run_async(headless=True, size=(40, 10))
    err = capsys.readouterr().err
    assert err == "openclaw onboard: unexpected error (ValueError)\n"
    assert app.return_code == 1


async def test_a_failing_worker_reaches_the_crash_hooks_and_a_harmless_error_is_dropped() -> None:
    """Workers report their errors through `_handle_exception` too (as WorkerFailed); a harmless one leaves
    the app running."""
    from textual.worker import WorkerFailed

    async def fail() -> None:
        raise KeyError("gone")

    app = _Crashing(ValueError("unused"), "never", harmless=True)
    async with app.run_test(size=(40, 10)) as pilot:
        worker = app.run_worker(fail())
        with pytest.raises(WorkerFailed):
            await worker.wait()
        await pilot.pause()
        assert [type(e) for e in app.seen] == [WorkerFailed] and app.is_running
    assert app.return_code != 1 and app.crash_line is None

    app = _Crashing(ValueError("unused"), "one line")
    with pytest.raises(WorkerFailed):
        async with app.run_test(size=(40, 10)) as pilot:
            app.run_worker(fail())
            await app._exception_event.wait()
    assert app.return_code == 1 and app.crash_line == "one line"


def test_the_command_palette_internals_safe_command_palette_overrides() -> None:
    from textual.command import CommandPalette

    assert isinstance(CommandPalette._GATHER_COMMANDS_GROUP, str)
    gather = CommandPalette._gather_commands.__wrapped__  # type: ignore[attr-defined]  # @work's functools.wraps
    assert inspect.iscoroutinefunction(gather)
    assert list(inspect.signature(gather).parameters) == ["self", "search_value"]
    assert list(inspect.signature(CommandPalette._action_command_list).parameters) == ["self", "action"]
    actions = {b.action for b in CommandPalette.BINDINGS if not isinstance(b, tuple | str)}
    assert "command_list('page_down')" in actions and "command_list('page_up')" in actions


async def test_safe_command_palette_survives_keys_before_its_list_is_laid_out_and_closing_while_gathering() -> None:
    from textual.command import Hit, Hits, Provider

    class Slow(Provider):
        async def search(self, query: str) -> Hits:
            for i in range(50):
                yield Hit(1.0, f"command {i}", lambda: None)

    class Host(App[None]):
        COMMANDS = {Slow}

        def on_mount(self) -> None:
            self.push_screen(compat.SafeCommandPalette())

    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.press("pagedown", "c", "pagedown", "o", "escape")
        await pilot.pause()
        app.push_screen(compat.SafeCommandPalette())
        await pilot.press("c", "m", "escape", "pageup")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, compat.SafeCommandPalette)


# -- no private Textual name outside this module --------------------------------------------------------------------

def _private(name: str) -> bool:
    return len(name) > 1 and name.startswith("_") and not name.startswith("__")  # `_` is gettext


def _all_defined(tree: ast.AST) -> set[str]:
    """Private names a source file defines anywhere: functions, classes, attributes, variables."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return {n for n in names if _private(n)}


def _class_defined(node: ast.ClassDef) -> set[str]:
    """Private names a class gives its instances: methods and class attributes, and `self.x = ...`."""
    names: set[str] = set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(item.name)
        elif isinstance(item, ast.Assign | ast.AnnAssign):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    for sub in ast.walk(node):
        if (isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store) and isinstance(sub.value, ast.Name)
                and sub.value.id == "self"):
            names.add(sub.attr)
    return {n for n in names if _private(n)}


@functools.cache
def _module_tree(module: str) -> ast.Module:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    return ast.parse(Path(spec.origin).read_text())


@functools.cache
def _textual_private_names() -> frozenset[str]:
    """Every private name Textual defines anywhere (methods, attributes, module globals)."""
    import textual

    names: set[str] = set()
    for path in Path(textual.__file__).parent.rglob("*.py"):
        names |= _all_defined(ast.parse(path.read_text()))
    return frozenset(names)


def _is_textual(cls: type) -> bool:
    return cls.__module__.split(".")[0] == "textual"


def _textual_names_of(cls: type) -> set[str]:
    """The private names the Textual classes in `cls`'s MRO define or set on their instances."""
    names: set[str] = set()
    for base in filter(_is_textual, cls.__mro__):
        names |= {n for n in vars(base) if _private(n)}
        for node in ast.walk(_module_tree(base.__module__)):
            if isinstance(node, ast.ClassDef) and node.name == base.__name__:
                names |= _class_defined(node)
    return names


def _private_textual_uses(path: Path, module_name: str, classes: list[type]) -> list[str]:
    """Each private Textual name `path` uses: imported, read, set, called or overridden (also by a mixin of
    ours that one of `classes` mixes into a Textual class)."""
    tree = ast.parse(path.read_text())
    module = importlib.import_module(module_name)
    found: list[str] = []
    ours: set[str] = set()  # private names this file defines for itself (not Textual's)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "textual":
            parts = [*node.module.split("."), *(a.name for a in node.names)]
            found += [f"{path.name}:{node.lineno}: import {p}" for p in parts if _private(p)]
        elif isinstance(node, ast.Import):
            found += [f"{path.name}:{node.lineno}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] == "textual" and any(map(_private, a.name.split(".")))]
        elif isinstance(node, ast.ClassDef):
            cls = getattr(module, node.name, None)
            theirs: set[str] = set()
            if isinstance(cls, type):
                for user in [cls, *classes]:
                    if cls in user.__mro__ and any(map(_is_textual, user.__mro__)):
                        theirs |= _textual_names_of(user)
            for name in sorted(_class_defined(node)):
                if name in theirs:
                    found.append(f"{path.name}:{node.lineno}: {node.name} defines {name}")
                else:
                    ours.add(name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            ours.add(node.name)  # a method's name is checked above, with its class
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            ours.add(node.id)
    ours -= {x.split(" defines ")[-1] for x in found}
    everywhere = _textual_private_names()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in everywhere and node.attr not in ours:
            found.append(f"{path.name}:{node.lineno}: .{node.attr}")
    return found


def _our_modules() -> list[tuple[Path, str]]:
    return [(path, ".".join(("openclaw_onboard", *path.relative_to(ROOT).with_suffix("").parts)))
            for folder in ("app", "screens") for path in sorted((ROOT / folder).rglob("*.py"))]


def test_no_private_textual_name_outside_the_compat_module() -> None:
    """No module of app/ or screens/ but this one imports, reads, sets, calls or overrides a private Textual
    name (core/ never imports Textual: tests/test_core_is_ui_free.py)."""
    modules = _our_modules()
    classes = [c for _p, name in modules for c in vars(importlib.import_module(name)).values()
               if isinstance(c, type) and c.__module__ == name]
    found: list[str] = []
    for path, name in modules:
        if path.name != "textual_compat.py":
            found += _private_textual_uses(path, name, classes)
    assert found == []


def test_the_private_name_scan_sees_each_kind_of_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan itself: an import, a read, an override and a mixin's override are each caught; our own
    private names (even one Textual also uses elsewhere, `_loop`) are not."""
    source = (
        "from textual import _time\n"
        "from textual.app import App\n"
        "class Mixin:\n"
        "    def _handle_exception(self, error): ...\n"
        "class Mine(Mixin, App):\n"
        "    def _print_error_renderables(self): ...\n"
        "    def _ours(self): return self._ours_too\n"
        "class Plain:\n"
        "    def __init__(self): self._loop = None\n"
        "    def run(self): return self._loop\n"
        "def quitting(app): return not app._screen_stack\n"
    )
    (tmp_path / "probe_module.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("probe_module")
    found = _private_textual_uses(tmp_path / "probe_module.py", "probe_module", [module.Mine])
    assert [f.split(": ", 1)[1] for f in found] == [
        "import _time", "Mixin defines _handle_exception", "Mine defines _print_error_renderables", "._screen_stack"]


async def test_key_binding_chain_starts_at_the_focused_widget_and_is_what_the_app_walks() -> None:
    from textual.widgets import Input

    assert "_modal_binding_chain" in inspect.getsource(App._check_bindings)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="field")

    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        chain = compat.key_binding_chain(app.screen)
        assert chain[0][0] is app.query_one("#field", Input) and chain[-1][0] is app
        assert [b.action for b in chain[0][1].key_to_bindings["backspace"]] == ["delete_left"]
