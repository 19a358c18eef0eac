#!/usr/bin/env python3
"""A stand-in browser for tests: `BROWSER` runs it as `follow_redirect.py <url>`.

It GETs the URL and follows redirects (up to 10 hops, never through a proxy), like
a browser that auto-approves the login and lands on the loopback callback. Stdlib
only, so it works under any python3. With `--log PATH` (or `FOLLOW_REDIRECT_LOG` set), one
JSON line per run is appended there: {"hops": [[status, url], ...], "status", "body"}.
Exit status 0 when the last response is < 400 (webbrowser then reports success).
"""

from __future__ import annotations

import http.client
import json
import os
import sys
from urllib.parse import urljoin, urlsplit


def fetch(url: str) -> tuple[int, str | None, str]:
    parts = urlsplit(url)
    conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    host = parts.hostname or "localhost"
    conn = conn_cls(host, parts.port, timeout=30)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        conn.request("GET", target, headers={"User-Agent": "openclaw-test-browser"})
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        return resp.status, resp.getheader("Location"), body
    finally:
        conn.close()


def follow(url: str, max_hops: int = 10) -> tuple[list[tuple[int, str]], int, str]:
    hops: list[tuple[int, str]] = []
    status, body = 0, ""
    for _ in range(max_hops):
        status, location, body = fetch(url)
        hops.append((status, url))
        if status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            continue
        break
    return hops, status, body


def main(argv: list[str]) -> int:
    args = argv[1:]
    log_path = os.environ.get("FOLLOW_REDIRECT_LOG")
    if len(args) == 3 and args[0] == "--log":
        log_path, args = args[1], args[2:]
    if len(args) != 1:
        print("usage: follow_redirect.py [--log PATH] URL", file=sys.stderr)
        return 2
    try:
        hops, status, body = follow(args[0])
    except OSError as exc:
        hops, status, body = [], 0, f"error: {exc}"
    if log_path:
        with open(log_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"hops": hops, "status": status, "body": body[:4000]}) + "\n")
    return 0 if 0 < status < 400 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
