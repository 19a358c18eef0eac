"""A loopback fake model provider for probe tests: GET answers by the key it is sent."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD = "sk-or-v1-" + "g" * 64
BAD = "sk-or-v1-" + "b" * 64
LIMITED = "sk-or-v1-" + "l" * 64
SLOW = "sk-or-v1-" + "s" * 64


class FakeProvider:
    def __init__(self) -> None:
        self.release = threading.Event()
        self.requests: list[tuple[str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                fake.requests.append((self.path, dict(self.headers)))
                auth = self.headers.get("Authorization", "") or self.headers.get("x-api-key", "")
                key = auth.removeprefix("Bearer ")
                if key == SLOW:
                    fake.release.wait(30)  # hangs until the test ends: the probe must time out first
                code = {GOOD: 200, BAD: 401, LIMITED: 429}.get(key, 403)
                body = json.dumps({"data": [], "echo": key}).encode()  # a hostile body echoing the key
                try:
                    self.send_response(code)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the prober gave up (timeout): expected for the slow key

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
