"""Helpers of the end-to-end tests: the CLI result, a fault server on 127.0.0.1."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SEED = (
    "https://tuyengiao.vn/nhip-cau-tuyen-giao/"
    "bac-kan-hoi-nghi-giao-ban-cong-tac-tuyen-giao-quy-i-2023-150123"
)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


Route = Callable[[BaseHTTPRequestHandler], None]


class FaultServer:
    """A threaded HTTP server on 127.0.0.1 whose answers are given per path by the test."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner.hits.append(self.path)
                route = owner.routes.get(self.path.split("?")[0])
                if route is None:
                    answer(self, 404, b"<html><body>not found</body></html>")
                else:
                    route(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def answer(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    **headers: str,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def slow(seconds: float) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        answer(handler, 200, b"<html><body><p>late</p></body></html>")

    return route


def gzip_bomb(size: int) -> Route:
    packed = gzip.compress(b"<html>" + b" " * size)

    def route(handler: BaseHTTPRequestHandler) -> None:
        answer(handler, 200, packed, Content_Encoding="gzip")

    return route
