"""Secrets as they may appear on a screen or in output: never whole."""

from __future__ import annotations

SHOWN_EACH_SIDE = 8


def mask_secret(secret: str | None) -> str:
    """`sk-ant-o...Gg3eWffP`: first 8, `...`, last 8.

    A secret shorter than 32 characters shows at most an eighth of itself on each side
    (`abcdefghijklmnop` -> `ab...op`, as OpenClaw masks short keys), so at most a quarter of a
    short secret is ever visible.
    """
    if not secret:
        return ""
    n = len(secret)
    side = SHOWN_EACH_SIDE if n >= 4 * SHOWN_EACH_SIDE else n // 8
    if side == 0:
        return "..."
    return f"{secret[:side]}...{secret[-side:]}"
