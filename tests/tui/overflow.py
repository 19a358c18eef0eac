"""Text that does not fit where it is shown: Textual clips it silently, so the tests look for it.

`overflowing(screen)` lists every visible widget whose text is cut without an ellipsis:

- wider than the widget on one line (no wrapping), or wrapped onto more lines than the widget has;
- a widget (a leaf or a whole container) laid out past the right or bottom edge of an ancestor that
  clips it (overflow hidden; the footer counts as clipping, it has no visible scrollbar), e.g. a footer
  key off the screen's edge, up to the nearest ancestor that scrolls;
- footer keys drawn over each other (the palette key is docked right, over whatever reaches it).

Widgets that scroll their own content (inputs, tables, option lists, logs) are left out: their rows
are measured by their own code (screens/profile_table.py) and they show what is cut by scrolling.
Text cut by Textual's own `text-overflow: ellipsis` is marked, hence not counted.
"""

from __future__ import annotations

from typing import Any

from openclaw_onboard.core.textwidth import cells


def _name(w: Any) -> str:
    return f"{type(w).__name__}#{w.id}" if w.id else type(w).__name__


def _text(w: Any) -> str:
    for name in ("description", "label", "content"):  # a footer key, a button, a static
        value = getattr(w, name, None)
        if value is not None and not callable(value):
            return str(value)[:60]
    return ""


def _clipping_ancestors(w: Any, screen: Any) -> list[tuple[Any, bool, bool]]:
    """(ancestor, clips horizontally, clips vertically) for each ancestor that hides what sticks out of
    it, up to the first one that scrolls in that direction (scrolling shows the rest)."""
    from textual.widgets import Footer

    found = []
    scrolls_x = scrolls_y = False
    node = w.parent
    while node is not None and node is not screen and not (scrolls_x and scrolls_y):
        footer = isinstance(node, Footer)  # scrolls, but shows no scrollbar: what is past the edge is lost
        ox, oy = node.styles.overflow_x, node.styles.overflow_y
        clip_x = not scrolls_x and (footer or ox == "hidden")
        clip_y = not scrolls_y and oy == "hidden"
        if (clip_x or clip_y) and node.region.area:  # a toast rack has no region of its own
            found.append((node, clip_x, clip_y))
        scrolls_x = scrolls_x or (not footer and ox in ("auto", "scroll"))
        scrolls_y = scrolls_y or oy in ("auto", "scroll")
        node = node.parent
    return found


def _header_problem(screen: Any) -> str | None:
    from textual.widgets._header import HeaderTitle

    for title in screen.query(HeaderTitle):
        shown = screen.title or ""
        if screen.sub_title:
            shown = f"{shown} — {screen.sub_title}"
        if cells(shown) > title.content_size.width:
            return f"header title {shown!r} is {cells(shown)} cells, {title.content_size.width} fit"
    return None


def _cut_by_ancestor(w: Any, screen: Any) -> str | None:
    for a, clip_x, clip_y in _clipping_ancestors(w, screen):
        r, box = w.region, a.region
        if (clip_x and (r.right > box.right or r.x < box.x)) or (clip_y and r.bottom > box.bottom):
            return f"{_name(w)} at {tuple(r)} is cut by {_name(a)} at {tuple(box)}: {_text(w)!r}"
    return None


def overflowing(screen: Any) -> list[str]:
    """What is cut on `screen` as laid out now (see the module's docstring)."""
    from textual.widgets import Input, TextArea
    from textual.widgets._header import HeaderTitle

    problems: list[str] = []
    header = _header_problem(screen)
    if header:
        problems.append(header)
    viewport = screen.size
    for w in screen.query("*"):
        if not w.display or not w.visible or w.region.area == 0:
            continue
        cut = _cut_by_ancestor(w, screen)
        if cut:
            problems.append(cut)
            continue
        if w.children or w.is_scrollable or isinstance(w, Input | TextArea | HeaderTitle):
            continue  # containers are checked by their position only; scrolling widgets show the rest
        size = w.content_size
        if size.width <= 0 or size.height <= 0:
            continue
        ellipsis = w.styles.text_overflow == "ellipsis"
        natural = w.get_content_width(size, viewport)
        if w.styles.text_wrap == "nowrap" and natural > size.width and not ellipsis:
            problems.append(f"{_name(w)} needs {natural} cells, has {size.width}: {_text(w)!r}")
            continue
        needed = w.get_content_height(size, viewport, size.width)
        if needed > size.height and not ellipsis:
            problems.append(f"{_name(w)} needs {needed} lines, has {size.height}: {_text(w)!r}")
    problems += _overlapping_footer_keys(screen)
    return problems


def _overlapping_footer_keys(screen: Any) -> list[str]:
    """Footer keys drawn over each other (the palette key docks right, over the last keys)."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    found = []
    for footer in screen.query(Footer):
        keys = [k for k in footer.query(FooterKey) if k.display and k.region.area]
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if a.region.overlaps(b.region):
                    found.append(f"footer keys {_text(a)!r} and {_text(b)!r} overlap")
    return found
