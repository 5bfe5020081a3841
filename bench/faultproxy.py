"""A tiny HTTP fault proxy on loopback, between agents and controller replicas.

It forwards each request to one of its upstreams (round robin; an upstream that refuses the
connection is skipped, as a load balancer would) and can be told to:

- `drop(path_part, times)`: forward the next matching request, then close the connection
  without its answer (the controller did the work; the agent never hears of it);
- `cut(True)`: a partition: every connection is closed at once, nothing reaches an upstream.

Only loopback: it listens on 127.0.0.1 and refuses upstreams elsewhere.
"""

from __future__ import annotations

import http.server
import itertools
import socketserver
import threading
from urllib.parse import urlsplit

import httpx

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class FaultProxy:
    def __init__(self, upstreams: list[str], port: int = 0) -> None:
        for url in upstreams:
            host = urlsplit(url).hostname
            if host not in ("127.0.0.1", "localhost", "::1"):
                raise ValueError(f"loopback upstreams only, not {url}")
        self.upstreams = list(upstreams)
        self._rr = itertools.count()
        self._lock = threading.Lock()
        self._drops: dict[str, int] = {}
        self.dropped: list[str] = []
        self.is_cut = False
        self.forwarded = 0
        self._http = httpx.Client(timeout=60, limits=httpx.Limits(max_connections=64))
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def _any(self) -> None:
                proxy._handle(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hung up (a killed agent) is part of the game

        self._server = Server(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- control ---------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def drop(self, path_part: str, times: int = 1) -> None:
        with self._lock:
            self._drops[path_part] = self._drops.get(path_part, 0) + times

    def cut(self, on: bool) -> None:
        self.is_cut = on

    # --- forwarding ------------------------------------------------------------------------

    def _take_drop(self, path: str) -> bool:
        with self._lock:
            for part, left in self._drops.items():
                if left > 0 and part in path:
                    self._drops[part] = left - 1
                    self.dropped.append(path)
                    return True
        return False

    def _handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        if self.is_cut:
            h.close_connection = True
            h.connection.close()
            return
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        headers = {k: v for k, v in h.headers.items() if k.lower() not in HOP}
        response = None
        for _ in range(len(self.upstreams)):
            base = self.upstreams[next(self._rr) % len(self.upstreams)]
            try:
                response = self._http.request(
                    h.command, base + h.path, headers=headers, content=body
                )
                break
            except httpx.TransportError:
                continue
        if self.is_cut or response is None:
            # every upstream down (or the link cut meanwhile): the caller sees a dead link
            h.close_connection = True
            h.connection.close()
            return
        if self._take_drop(h.path):
            h.close_connection = True
            h.connection.close()
            return
        self.forwarded += 1
        h.send_response(response.status_code)
        for key, value in response.headers.items():
            if key.lower() not in HOP and key.lower() != "content-encoding":
                h.send_header(key, value)
        h.send_header("Content-Length", str(len(response.content)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(response.content)
