"""The wizard in the reader's language, switchable at run time (catalog domain `tui`).

Texts are written in English in the code (the msgid) and translated when they are shown, so the
command palette's language switch (`OnboardApp.switch_language`) can show every screen again:

- Key bindings keep their English `description`/`tooltip` (class attributes, built at import time).
  `TranslatedBindings.active_bindings` translates them where Textual reads them: the Footer and the
  help screen both read `screen.active_bindings`, so no copy of Textual's Footer is needed.
- Screen titles: `TITLE`/`SUB_TITLE` are msgids; `TranslatedBindings.retranslate()` sets the
  translated `title`/`sub_title` (the Header follows those reactives).
- Widget texts set once in `compose` go through `tr(widget, make)`: `make()` builds the text now and
  again after a switch (`retranslate_tree`). Texts that depend on state (status lines, lists) are
  rebuilt by the screen's own `retranslate()`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

from openclaw_onboard.core.i18n import N_, _, current_language
from textual.binding import ActiveBinding, Binding
from textual.dom import DOMNode
from textual.widget import Widget

W = TypeVar("W", bound=Widget)

# Status words shown on badges, in the agent list and the dashboard summary (core.status's values).
STATUS_LABELS: dict[str, str] = {
    "ok": N_("ok"),
    "expiring": N_("expiring"),
    "expired": N_("expired"),
    "missing": N_("missing"),
    "static": N_("static"),
    "cooldown": N_("cooldown"),
    "refreshing": N_("refreshing"),
}


def status_label(status: str) -> str:
    """The translated word for a core status value (unknown values are shown as they are)."""
    msgid = STATUS_LABELS.get(status)
    return _(msgid) if msgid else status


def _apply(widget: Widget, text: Any, attr: str | None) -> None:
    from openclaw_onboard.screens.textual_compat import ToggleButton
    from textual.widgets import Button, Input, Static

    if attr is not None:
        setattr(widget, attr, text)
    elif isinstance(widget, Button | ToggleButton):
        widget.label = text
    elif isinstance(widget, Input):
        widget.placeholder = text
    elif isinstance(widget, Static):
        widget.update(text)
    else:  # pragma: no cover - a programming error, caught by the tests of the screen
        raise TypeError(f"tr(): say which attribute of {type(widget).__name__} to translate")


def tr(widget: W, make: Callable[[], Any], attr: str | None = None) -> W:
    """Give `widget` the text `make()` (a Static's content, a Button's label, an Input's placeholder,
    or `attr`), now and again whenever the language changes. Returns the widget (for `yield`)."""
    setters: list[Callable[[], None]] = getattr(widget, "_i18n_setters", [])
    setter = lambda: _apply(widget, make(), attr)  # noqa: E731 - a closure kept on the widget
    setters.append(setter)
    widget._i18n_setters = setters  # type: ignore[attr-defined]  # kept on a widget of any class
    setter()
    return widget


def retranslate_tree(node: DOMNode) -> Any:
    """Show `node` (a screen) and every widget under it in the current language. Returns what the
    node's own `retranslate()` returned (an awaitable when it recomposes)."""
    for child in [node, *node.walk_children()]:
        for setter in getattr(child, "_i18n_setters", ()):
            setter()
    retranslate = getattr(node, "retranslate", None)
    return retranslate() if callable(retranslate) else None


_binding_cache: dict[tuple[str, int], Binding] = {}


def translated_binding(binding: Binding) -> Binding:
    """`binding` with its description and tooltip in the current language (cached per language)."""
    lang = current_language()
    if lang == "en":
        return binding
    key = (lang, id(binding))
    cached = _binding_cache.get(key)
    if cached is None or cached.action != binding.action:  # id() reuse after a binding was freed
        import dataclasses

        cached = dataclasses.replace(binding, description=_(binding.description) if binding.description else "",
                                     tooltip=_(binding.tooltip) if binding.tooltip else "")
        if binding.group is not None and binding.group.description:
            cached = dataclasses.replace(cached, group=dataclasses.replace(
                binding.group, description=_(binding.group.description)))
        _binding_cache[key] = cached
    return cached


class TranslatedBindings:
    """Mixin for a Screen: its Footer and the help screen show binding texts in the current language,
    its Header the translated TITLE/SUB_TITLE. Subclasses extend `retranslate()` for state-dependent text."""

    TITLE: ClassVar[str | None]
    SUB_TITLE: ClassVar[str | None]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        # A mixin: the Screen it is mixed into has active_bindings, which mypy cannot see from here.
        bindings: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        if current_language() == "en":
            return bindings
        return {key: ActiveBinding(a.node, translated_binding(a.binding), a.enabled,
                                   _(a.tooltip) if a.tooltip else a.tooltip)
                for key, a in bindings.items()}

    def translate_titles(self) -> None:
        screen: Any = self
        if title := type(self).TITLE:
            screen.title = _(title)
        if sub_title := type(self).SUB_TITLE:
            screen.sub_title = _(sub_title)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.translate_titles()

    def retranslate(self) -> Awaitable[None] | None:
        """A subclass that recomposes returns the awaitable (retranslate_tree hands it to the app)."""
        self.translate_titles()
        return None
