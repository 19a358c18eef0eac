"""Secrets as they may appear on a screen or in output: never whole."""

from __future__ import annotations

SHOWN_EACH_SIDE = 8


def mask_secret(secret: str | None) -> str:
    """`sk-ant-o...Gg3eWffP`: an eighth of the secret on each side, never more than 8 (one rule for every length).

    So at most a quarter of any secret and never more than 16 characters are visible, and the amount grows
    smoothly with the length: no length where one more character reveals twice as much (a 31-character
    secret showed 6 characters, a 32-character one 16). Short keys show as OpenClaw masks them
    (`abcdefghijklmnop` -> `ab...op`).
    """
    if not secret:
        return ""
    side = min(SHOWN_EACH_SIDE, len(secret) // 8)
    if side == 0:
        return "..."
    return f"{secret[:side]}...{secret[-side:]}"


# A run of key-shaped characters long enough to be a secret (API keys, tokens, base64url): what a third party's
# free text (a resolver's error message) might echo back.
_KEY_SHAPED_MIN = 16


def redact_key_shaped(text: str) -> str:
    """`text` with every key-shaped run of 16+ characters masked by `mask_secret`: for words that come from
    outside (a SecretRef resolver's error message), which may repeat the secret they were asked for."""
    import re

    return re.sub(r"[A-Za-z0-9_\-.+=~]{" + str(_KEY_SHAPED_MIN) + ",}", lambda m: mask_secret(m.group()), text)
