"""A test double for a translation backend gone wrong, served over real HTTP."""


def echo_llm():
    """An OpenAI-compatible endpoint that 'translates' by copying its input: a backend gone wrong."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            payload = body["messages"][-1]["content"].split("\n", 1)[1]
            reply = json.dumps({"choices": [{"message": {"content": payload}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
