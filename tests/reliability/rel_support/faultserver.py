"""A misbehaving HTTP server on 127.0.0.1 for the CLI and the TUI, in a thread of its own.

It writes raw bytes on a plain socket, so it can do what a polite server cannot: stall,
cut a body short, reset the connection, loop redirects. Bounded: 127.0.0.1 only, every
socket has a timeout, a stall ends after ``STALL_LIMIT_S``, and after ``max_requests``
requests every new connection is closed at once.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import struct
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from types import TracebackType

__all__ = [
    "STALL_LIMIT_S",
    "Behaviour",
    "FaultServer",
    "hang_up",
    "reset_mid_body",
    "respond",
    "short_body",
    "stall",
]

STALL_LIMIT_S = 10.0
_SOCKET_TIMEOUT_S = 5.0
_MAX_HEAD = 64 * 1024

Behaviour = Callable[[socket.socket], None]


def _head(status: int, headers: dict[str, str]) -> bytes:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Whatever"
    lines = [f"HTTP/1.1 {status} {phrase}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(
    status: int,
    body: bytes = b"",
    content_type: str | None = "text/html; charset=utf-8",
    *,
    length: int | None = None,
    **headers: str,
) -> Behaviour:
    """Answer ``status`` with ``body``; ``length`` overrides the Content-Length sent."""
    fields = {name.replace("_", "-"): value for name, value in headers.items()}
    if content_type is not None:
        fields["Content-Type"] = content_type
    fields["Content-Length"] = str(len(body) if length is None else length)
    data = _head(status, fields) + body

    def behave(conn: socket.socket) -> None:
        conn.sendall(data)

    return behave


def gzipped(body: bytes, content_type: str = "text/html; charset=utf-8") -> Behaviour:
    """A 200 whose body is sent gzip-compressed."""
    return respond(200, gzip.compress(body), content_type, Content_Encoding="gzip")


def stall(conn: socket.socket) -> None:
    """Say nothing until the client hangs up (or ``STALL_LIMIT_S`` passes)."""
    deadline = time.monotonic() + STALL_LIMIT_S
    conn.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            if not conn.recv(4096):
                return
        except TimeoutError:
            continue
        except OSError:
            return


def hang_up(conn: socket.socket) -> None:
    """Close the connection without a word."""


def reset_mid_body(conn: socket.socket) -> None:
    """Announce 10 000 bytes, send 600, then reset the connection (RST, not FIN)."""
    conn.sendall(_head(200, {"Content-Type": "text/html", "Content-Length": "10000"}))
    conn.sendall(b"<html><body>" + b"x" * 588)
    time.sleep(0.05)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def short_body(conn: socket.socket) -> None:
    """Announce 1000 bytes, send 500 and close in good order."""
    conn.sendall(_head(200, {"Content-Type": "text/html", "Content-Length": "1000"}))
    conn.sendall(b"<html><body>" + b"y" * 488)


def not_found(conn: socket.socket) -> None:
    """The default answer."""
    respond(404, b"<html><body>not found</body></html>")(conn)


class FaultServer:
    """Answers each request by the behaviour of its path (query ignored); records targets."""

    def __init__(
        self,
        routes: dict[str, Behaviour] | None = None,
        *,
        default: Behaviour = not_found,
        max_requests: int = 500,
    ) -> None:
        self.routes: dict[str, Behaviour] = dict(routes or {})
        self.default = default
        self.max_requests = max_requests
        self._hits: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self._port: int = self._sock.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="fault-server", daemon=True)

    @property
    def url(self) -> str:
        """The origin, ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def hits(self) -> list[str]:
        """Every request target so far, in order (``/path?query``, or absolute for a proxy)."""
        with self._lock:
            return list(self._hits)

    def count(self, path: str) -> int:
        """How many requests asked for ``path`` (query ignored)."""
        return sum(1 for hit in self.hits if hit.split("?")[0] == path)

    def __enter__(self) -> FaultServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop accepting; connections still open end within their own timeouts."""
        self._stop.set()
        if self._acceptor.is_alive():
            self._acceptor.join(timeout=5)
        with contextlib.suppress(OSError):
            self._sock.close()
        for thread in self._threads:
            thread.join(timeout=STALL_LIMIT_S + 1)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(_SOCKET_TIMEOUT_S)
            try:
                head = b""
                while b"\r\n\r\n" not in head and len(head) < _MAX_HEAD:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                parts = head.split(b"\r\n", 1)[0].decode("latin-1").split()
                target = parts[1] if len(parts) >= 2 else "?"
                with self._lock:
                    self._hits.append(target)
                    over = len(self._hits) > self.max_requests
                if over:
                    return
                path = target.split("?")[0]
                self.routes.get(path, self.default)(conn)
            except OSError:
                pass  # the client gave up first, as several faults intend
