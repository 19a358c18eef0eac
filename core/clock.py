"""The one clock: milliseconds since the epoch, as every OpenClaw timestamp is.

`OPENCLAW_NOW_MS` freezes it (tests, snapshots, tmux demos); never set it for real use.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    Clock = Callable[[], int]


def now_ms() -> int:
    frozen = os.environ.get("OPENCLAW_NOW_MS", "").strip()
    if frozen.isdigit():
        return int(frozen)
    return int(time.time() * 1000)
