"""A loopback HTTP server for the sample site: demos, end-to-end tests and benchmarks.

It serves ``root/a/b.html`` for ``/a/b`` (``@page=N`` variants for later pages), answers
conditional requests with 304 and records every request, so tests can see what was asked.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import re
import socket
import threading
import time
from email.message import Message
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["DemoServer", "default_root", "demo_photo", "site_file"]

_GEN_C_LISTING = ("blogs", "category", "type")
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")
_NOT_FOUND = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    b"<title>404 Not Found</title></head>\n<body><h1>Not found</h1></body></html>\n"
)


def default_root() -> Path:
    """The sample site shipped inside the package (``tgreader/demo/site``)."""
    resource = importlib.resources.files("tgreader.demo") / "site"
    if not isinstance(resource, Path):
        # Only a zipped install gets here; serving files needs a real folder.
        raise FileNotFoundError(f"the demo site is not on the file system: {resource}")
    return resource


def site_file(root: Path, target: str) -> Path | None:
    """The file under ``root`` that answers request target ``target`` (path and query).

    ``/a/b`` → ``a/b.html``, ``/a/b?page=N`` (N > 1) → ``a/b@page=N.html``, ``/`` →
    ``index.html``; Gen C listings keep their ``categoryId``. None when the path tries to
    leave ``root``. The file may not exist.
    """
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    raw_path, _, query = target.partition("#")[0].partition("?")
    path = unquote(raw_path)
    if not path.startswith("/") or "\x00" in path or "\\" in path:
        return None
    segments = path[1:].removesuffix("/").split("/") if path != "/" else []
    # Empty segments ("//etc") and dot segments are how a request escapes the root.
    if any(not s or s.startswith(".") for s in segments):
        return None
    params = dict(parse_qsl(query, keep_blank_values=True))
    page = _page(params.get("page"))
    folders, stem = segments[:-1], segments[-1] if segments else "index"
    suffix = ""
    if tuple(folders) == _GEN_C_LISTING and "categoryId" in params:
        category = params["categoryId"]
        if not _SAFE_ID.fullmatch(category):
            return None
        suffix += f"@categoryId={category}"
    if page > 1:
        suffix += f"@page={page}"
    base = root.resolve()
    candidate = base.joinpath(*folders, f"{stem}{suffix}.html").resolve()
    return candidate if candidate.is_relative_to(base) else None


_PHOTO_PATH = re.compile(r"/uploads/.+\.(jpe?g|png|gif|webp)|/api/v1/upload/.+", re.IGNORECASE)


def demo_photo(target: str) -> bytes | None:
    """The demo photo that answers request ``target``, or None when it is no photo path.

    Every upload path of the sample site gets one of the generated photos of
    ``demo/photos`` (``scripts/demo_photos.py``), the same one each time.
    """
    path = unquote(target.partition("#")[0].partition("?")[0])
    if not _PHOTO_PATH.fullmatch(path):
        return None
    folder = importlib.resources.files("tgreader.demo") / "photos"
    photos = sorted((p for p in folder.iterdir() if p.name.endswith(".jpg")), key=lambda p: p.name)
    if not photos:
        return None
    index = int.from_bytes(hashlib.sha256(path.encode()).digest()[:4], "big") % len(photos)
    return photos[index].read_bytes()


def _page(value: str | None) -> int:
    if value is None or not value.strip().isdigit():
        return 1
    return int(value)


def _redirect_for(root: Path, target: str) -> str | None:
    """The Location for ``target`` from ``root/_redirects.txt`` (``FROM TO`` lines)."""
    rules = root / "_redirects.txt"
    try:
        lines = rules.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    target = target.partition("#")[0]
    path = target.partition("?")[0]
    by_path: str | None = None
    for line in lines:
        fields = line.split("#", 1)[0].split()
        if len(fields) != 2:
            continue
        source, location = fields
        if source == target:
            return location
        if source == path and by_path is None:
            by_path = location
    return by_path


def _not_modified(headers: Message, etag: str, mtime: float) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        return int(mtime) <= since.timestamp()
    return False


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: DemoServer, port: int) -> None:
        self.owner = owner
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End kept-alive connections, so a stopped server answers nothing more."""
        with self._open_lock:
            open_sockets = list(self._open)
        for sock in open_sockets:
            with contextlib.suppress(OSError):  # already gone
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-answer are normal in tests; the demo stays quiet.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tgreader-demo"
    sys_version = ""
    timeout = 10  # idle keep-alive connections end on their own

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; with Nagle's algorithm and the
        # client's delayed ACK each answer would stall for ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        """Answer a GET."""
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        """Answer a HEAD: the GET's headers without the body."""
        self._answer(with_body=False)

    def _answer(self, *, with_body: bool) -> None:
        assert isinstance(self.server, _HTTPServer)
        owner = self.server.owner
        if owner.latency > 0:
            time.sleep(owner.latency)
        location = _redirect_for(owner.root, self.path)
        if location is not None:
            self._send(301, b"", {"Location": location}, with_body=with_body)
            return
        photo = demo_photo(self.path)
        if photo is not None:
            self._send(200, photo, {"Content-Type": "image/jpeg"}, with_body=with_body)
            return
        file = site_file(owner.root, self.path)
        data: bytes | None = None
        mtime = 0.0
        if file is not None:
            try:
                data = file.read_bytes()
                mtime = file.stat().st_mtime
            except OSError:  # missing, a folder, or unreadable: all "not found" to a reader
                data = None
        if data is None:
            self._send(404, _NOT_FOUND, {}, with_body=with_body)
            return
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        if _not_modified(self.headers, etag, mtime):
            self._send(304, b"", headers, with_body=False)
        else:
            self._send(200, data, headers, with_body=with_body)

    def _send(self, status: int, body: bytes, headers: dict[str, str], *, with_body: bool) -> None:
        assert isinstance(self.server, _HTTPServer)
        # Recorded before answering, so a client that has its answer can see the record.
        self.server.owner._record(self.command, self.path, status)
        self.send_response(status)
        if status != 304:
            content_type = headers.pop("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body and body:
            self.wfile.write(body)


class DemoServer:
    """Serves a folder of ``.html`` files on 127.0.0.1 from a daemon thread."""

    def __init__(self, root: Path | None = None, *, port: int = 0, latency: float = 0.0) -> None:
        self.root = root if root is not None else default_root()
        self.port = port
        self.latency = latency
        self._lock = threading.Lock()
        self._requests: list[tuple[str, str, int]] = []
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The origin it serves, e.g. ``http://127.0.0.1:8123``."""
        if self._server is None:
            raise RuntimeError("the demo server is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """A copy of the requests answered so far: ``(method, path_with_query, status)``."""
        with self._lock:
            return list(self._requests)

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._requests.append((method, path, status))

    def start(self) -> DemoServer:
        """Bind 127.0.0.1 and start serving; returns self."""
        if self._server is not None:
            return self
        if not self.root.is_dir():
            raise FileNotFoundError(f"demo site folder not found: {self.root}")
        self._server = _HTTPServer(self, self.port)
        # A short poll interval so that stop() returns promptly.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="tgreader-demo-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, self._server = self._server, None
        thread, self._thread = self._thread, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
