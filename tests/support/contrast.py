"""WCAG contrast of the text in a Textual SVG screenshot (what the snapshots store).

`text_contrasts(svg)` yields (ratio, text, fg, bg) for every run of visible text, pairing each
`<text>` element's fill (its CSS class) with the background `<rect>` under it. Box drawing, block
and scrollbar glyphs are decoration, not text, and are skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

_CLASS_FILL = re.compile(r"\.([\w-]+-r\d+) \{ fill: (#[0-9a-fA-F]{6})")
_RECT = re.compile(r'<rect fill="(#[0-9a-fA-F]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" '
                   r'height="[\d.]+" shape-rendering="crispEdges"/>')
_TEXT = re.compile(r'<text class="([\w-]+-r\d+)" x="([\d.]+)" y="([\d.]+)" textLength="[\d.]+" '
                   r'clip-path="[^"]*">([^<]*)</text>')
LINE_HEIGHT = 24.4
# Borders, blocks, scrollbars, the cursor: not text.
_DECORATION = re.compile(r"[\u2500-\u259f\u25a0-\u25ff\u2800-\u28ff\s\xa0]")


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_contrasts(svg: str, region: tuple[int, int, int, int] | None = None,
                   cell_width: float = 12.2) -> Iterator[tuple[float, str, str, str]]:
    """`region` (x, y, width, height in cells): only text inside it (a modal's dialog; the screen
    behind a modal is dimmed on purpose)."""
    fills = dict(_CLASS_FILL.findall(svg))
    rects: dict[int, list[tuple[float, float, str]]] = {}
    for fill, x, y, width in _RECT.findall(svg):
        line = round((float(y) - 1.5) / LINE_HEIGHT)
        rects.setdefault(line, []).append((float(x), float(x) + float(width), fill))
    for cls, x, y, raw in _TEXT.findall(svg):
        text = html.unescape(raw)
        if not _DECORATION.sub("", text) or cls not in fills:
            continue
        line = round((float(y) - 20) / LINE_HEIGHT)
        if region is not None:
            column = round(float(x) / cell_width)
            rx, ry, rw, rh = region
            if not (ry <= line < ry + rh and rx <= column < rx + rw):
                continue
        left = float(x) + 0.1
        bg = next((fill for x0, x1, fill in rects.get(line, []) if x0 <= left < x1), None)
        if bg is None:
            continue
        fg = fills[cls]
        yield contrast(fg, bg), text.replace("\xa0", " "), fg, bg


def low_contrast(svg: str, minimum: float = 4.5,
                 region: tuple[int, int, int, int] | None = None) -> list[tuple[float, str, str, str]]:
    return sorted((c for c in text_contrasts(svg, region) if c[0] < minimum), key=lambda c: c[0])
