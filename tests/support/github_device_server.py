"""GitHub's device flow endpoints on 127.0.0.1 for the Copilot login tests: `/login/device/code` and
`/login/oauth/access_token` (form posts, JSON answers). The token endpoint answers from a script, one entry per
poll (`{"error": "authorization_pending"}`, `{"access_token": ...}`, or `(status, body)`); every request's form
is recorded. Point the login at it with `env()` (OPENCLAW_GITHUB_DEVICE_CODE_URL / _ACCESS_TOKEN_URL)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class GitHubDeviceServer:
    def __init__(self, *, device: dict[str, Any] | None = None, polls: list[Any] | None = None) -> None:
        self.device = device
        self.polls = list(polls or [])
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def _answer(self, status: int, body: Any) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                server.requests.append((self.path, form))
                if self.path == "/login/device/code":
                    port = self.server.server_address[1]
                    self._answer(200, server.device if server.device is not None else {
                        "device_code": "dev-123", "user_code": "ABCD-1234",
                        "verification_uri": f"http://127.0.0.1:{port}/login/device", "expires_in": 900,
                        "interval": 0})
                elif self.path == "/login/oauth/access_token":
                    step = server.polls.pop(0) if server.polls else {"error": "authorization_pending"}
                    status, body = step if isinstance(step, tuple) else (200, step)
                    self._answer(status, body)
                else:
                    self._answer(404, {"error": "not_found"})

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> GitHubDeviceServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def env(self) -> dict[str, str]:
        base = f"http://127.0.0.1:{self.port}"
        return {"OPENCLAW_GITHUB_DEVICE_CODE_URL": f"{base}/login/device/code",
                "OPENCLAW_GITHUB_ACCESS_TOKEN_URL": f"{base}/login/oauth/access_token"}
