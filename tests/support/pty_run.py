"""Run a command in a real pseudo-terminal and collect every byte it writes (escape sequences included).

    out = run_in_pty([sys.executable, "-c", code], env, send={"Dashboard": "\\x11"}, timeout=30)

`send` maps a text that must appear in the output to bytes to type once it has (e.g. ctrl+q to quit).
Reading is event-driven (select on the pty), with one overall deadline.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence


def run_in_pty(argv: Sequence[str], env: Mapping[str, str], *, send: Mapping[str, bytes] | None = None,
               timeout: float = 60.0, cols: int = 110, rows: int = 32, cwd: str | None = None) -> tuple[int, bytes]:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen(list(argv), stdin=slave, stdout=slave, stderr=slave, env={**env, "TERM": "xterm-256color"},
                            cwd=cwd, start_new_session=True, close_fds=True)
    os.close(slave)
    pending = dict(send or {})
    out = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out; output so far: {bytes(out[-3000:])!r}")
            ready, _, _ = select.select([master], [], [], min(remaining, 1.0))
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
                for needle in [n for n in pending if n.encode() in out]:
                    os.write(master, pending.pop(needle))
            elif proc.poll() is not None:
                break
        return proc.wait(timeout=max(1.0, deadline - time.monotonic())), bytes(out)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
