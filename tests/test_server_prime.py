"""The temporary server counts as ready once it has answered one authenticated API request (its
routes built, lkip.prefect_env.TemporaryServer._prime), not at its first /health answer: the run
goes on importing meanwhile (lkip.warmup asks `server_starting()`)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lkip import prefect_env


class _Api(BaseHTTPRequestHandler):
    seen: list[tuple[str, str | None]] = []
    release = threading.Event()

    def do_GET(self):  # noqa: N802
        _Api.seen.append((self.path, self.headers.get("Authorization")))
        if self.path.endswith("/admin/version"):
            _Api.release.wait(10)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'"3"')

    def log_message(self, *args):
        pass


class _Alive:
    returncode = None

    def poll(self):
        return None


def _server(port: int) -> prefect_env.TemporaryServer:
    s = object.__new__(prefect_env.TemporaryServer)
    s.url, s.auth, s.db_state = f"http://127.0.0.1:{port}/api", "lkip:rahasia", "existing"
    s.process, s._ready, s._primer, s.started = _Alive(), False, None, time.monotonic()
    return s


def test_ready_only_after_the_first_api_request_is_answered():
    _Api.seen.clear()
    _Api.release.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        s = _server(httpd.server_address[1])
        assert s.answers() is False            # /health answered: the API request is on its way
        deadline = time.monotonic() + 5
        while not any(p.endswith("/admin/version") for p, _ in _Api.seen) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert s.answers() is False            # the server is still building its routes
        _Api.release.set()
        s.wait_ready(timeout=10)
        assert s.answers() is True
        paths = [p for p, _ in _Api.seen]
        assert paths == ["/api/health", "/api/admin/version"]
        assert _Api.seen[1][1] == "Basic bGtpcDpyYWhhc2lh"   # with the server's own credentials
    finally:
        httpd.shutdown()


def test_a_refused_api_request_still_lets_the_run_go_on():
    class _Refuse(_Api):
        def do_GET(self):  # noqa: N802
            self.send_response(200 if self.path.endswith("/health") else 401)
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Refuse)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        s = _server(httpd.server_address[1])
        s.wait_ready(timeout=10)               # the flow's own requests report what is wrong
        assert s.answers() is True
    finally:
        httpd.shutdown()
