"""What every wizard screen shares: a dismiss that ignores repeats while the screen is switching.

A double tap, type-ahead or a mashed key can deliver a second Enter to a screen that has already
dismissed itself but is still draining its message queue. Textual's `Screen.dismiss` would then pop
whatever screen is on top now (the next step, or nothing: `ScreenStackError: Can't pop screen`).
`WizardScreen.dismiss` acts once, and only while the screen is the active one; repeats are ignored.
`guard_dismiss(screen)` gives the same protection to a screen that does not derive from WizardScreen.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any, TypeVar

from openclaw_onboard.screens.i18n import TranslatedBindings
from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen, Screen

ResultT = TypeVar("ResultT")


def _ignored() -> AwaitComplete:
    return AwaitComplete.nothing()


def _dismiss_once(screen: Screen[Any], result: Any, dismiss: Callable[[Any], AwaitComplete]) -> AwaitComplete:
    """Dismiss `screen` with `result` the first time only.

    On top: Textual's dismiss. Covered by a modal (a quit confirmation, help) while a worker finishes:
    its result callback runs (the app's next step replaces every screen), instead of Textual popping
    the modal. Already dismissed, or no longer on the stack: ignored.
    """
    if getattr(screen, "_wizard_dismissed", False):
        return _ignored()
    try:
        stack = screen.app.screen_stack
    except Exception:  # no app, or shutting down
        return _ignored()
    if screen not in stack:
        return _ignored()
    screen._wizard_dismissed = True  # type: ignore[attr-defined]  # marks a Screen of any class
    if stack[-1] is screen:
        return dismiss(result)
    from openclaw_onboard.screens.textual_compat import pending_result_callback

    callback = pending_result_callback(screen)
    if callback is not None:
        callback(result)
    return _ignored()


class WizardScreen(TranslatedBindings, Screen[ResultT]):
    """A Screen whose `dismiss` ignores repeats (see the module docstring), shown in the current language."""

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        return _dismiss_once(self, result, super().dismiss)


class WizardModal(TranslatedBindings, ModalScreen[ResultT]):
    """A ModalScreen whose `dismiss` ignores repeats, shown in the current language."""

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        return _dismiss_once(self, result, super().dismiss)


def css_paths(screen_class: type[Screen[Any]]) -> list[Path]:
    """The stylesheets of `screen_class` as Textual's `Screen.__init__` resolves its `CSS_PATH` (relative
    to the module of the class), so that an app can read them before the screen exists."""
    declared = screen_class.CSS_PATH
    if declared is None:
        return []
    here = Path(inspect.getfile(screen_class)).parent
    return [path if path.is_absolute() else (here / path).resolve()
            for path in map(Path, [declared] if isinstance(declared, str | PurePath) else declared)]


def guard_dismiss(screen: Screen[Any]) -> Screen[Any]:
    """Give `screen` (any Screen subclass) WizardScreen's once-only dismiss, on this instance."""
    if isinstance(screen, WizardScreen | WizardModal):
        return screen
    original: Callable[..., AwaitComplete] = screen.dismiss

    def dismiss(result: Any = None) -> AwaitComplete:
        return _dismiss_once(screen, result, original)

    screen.dismiss = dismiss  # type: ignore[method-assign]  # on this one instance, not its class
    return screen
