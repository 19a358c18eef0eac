"""The private Textual API the wizard uses (screens/textual_compat.py), checked against the installed
Textual: each test names one use and fails when an upgrade renames or reshapes it. No other module
of screens/ or app/ imports a private Textual module."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

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
