"""One HTTP server on loopback for the tests' doubles of the services linguaflow calls (an LLM
endpoint, a callback receiver): `answer(path, headers, body)` gets each POST and returns
(status, body), where a dict body is sent as JSON. It serves from a thread until `close()` (or
the end of a `with` block)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

Answer = Callable[[str, dict, bytes], tuple[int, "bytes | str | dict | None"]]


class Loopback:
    def __init__(self, answer: Answer):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, reply = answer(self.path, dict(self.headers), body)
                if isinstance(reply, dict):
                    reply = json.dumps(reply)
                data = reply.encode() if isinstance(reply, str) else (reply or b"")
                self.send_response(status)
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Loopback:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def chat_reply(content: str) -> dict:
    """An OpenAI chat-completions answer holding `content`."""
    return {"choices": [{"message": {"content": content}}]}
