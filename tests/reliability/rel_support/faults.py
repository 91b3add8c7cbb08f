"""The network faults of issue 5, each with what tgreader must do: one table, used by the
CLI and TUI tests and by the fault matrix in docs/reliability.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from tgreader.demo.server import default_root

from rel_support.faultserver import (
    Behaviour,
    gzipped,
    hang_up,
    reset_mid_body,
    respond,
    short_body,
    stall,
)

__all__ = ["FAULTS", "RETRIES", "SEED", "SEED_PATH", "TIMEOUT", "Fault", "seed_html"]

SEED = (
    "https://tuyengiao.vn/nhip-cau-tuyen-giao/"
    "bac-kan-hoi-nghi-giao-ban-cong-tac-tuyen-giao-quy-i-2023-150123"
)
SEED_PATH = SEED.removeprefix("https://tuyengiao.vn")
SEED_TITLE = "Bắc Kạn: Hội nghị giao ban công tác tuyên giáo quý I/2023"
RETRIES = 1  # TGREADER_RETRIES in the tests: one more try where a retry is due
TIMEOUT = 1.0  # --timeout in the tests, seconds: each page's deadline

# A Fault's behaviour is built for the path it answers on, given the origin of a second
# server, which plays "another host" and must never be asked anything.
Make = Callable[[str, str], Behaviour]


@cache
def seed_html() -> bytes:
    """The stored article's page as the demo site serves it (UTF-8, meta charset)."""
    return (default_root() / f"{SEED_PATH.lstrip('/')}.html").read_bytes()


def _without_meta_charset() -> bytes:
    return re.sub(rb"<meta charset=[^>]*>", b"", seed_html(), count=1)


def _with_meta_charset(label: bytes) -> bytes:
    # First thing in the file: the sample page opens with a long comment, and a meta
    # charset is only looked for in the first 2 KB.
    return b'<meta charset="' + label + b'">' + _without_meta_charset()


@dataclass(frozen=True)
class Fault:
    """One way the site can misbehave, and what tgreader must make of it."""

    id: str
    what: str  # the fault, as the matrix says it
    make: Make
    does: str  # what tgreader does, as the matrix says it
    exit_code: int  # for a page not stored yet
    cause: str  # the message's cause starts with this (after "<url>: ")
    retried: bool = False
    hits: int | None = None  # requests for one read; default 1 + RETRIES if retried, else 1
    accepted: bool = False  # the page is read (exit 0): not a failure at all
    existing: tuple[str, ...] = field(default=())  # other tests proving parts of the row

    @property
    def expected_hits(self) -> int:
        """How many requests one ``read`` makes for the faulty path."""
        if self.hits is not None:
            return self.hits
        return 1 + RETRIES if self.retried else 1


_FETCH = "tests/unit/test_fetch.py::"
_LOOP = "tests/e2e/test_fetch_loopback.py::"
_CLI = "tests/e2e/test_cli.py::"
_NETWORK = "tests/reliability/test_network_faults.py::"

FAULTS: tuple[Fault, ...] = (
    Fault(
        # Not "slow": a test id that is a keyword of the suite's ``slow`` marker is skipped.
        "timeout",
        "response slower than the timeout",
        lambda _, __: stall,
        "each try gets its share of the page's deadline (`--timeout`, 30 s by default; "
        "the waits between tries count too) and is retried; the message gives the time "
        "spent in all; exit 3",
        3,
        "timed out after",
        retried=True,
        existing=(
            _LOOP + "test_slower_than_the_timeout",
            _LOOP + "test_a_trickling_server_is_cut_off",
            _CLI + "test_timeout",
        ),
    ),
    Fault(
        "http-500",
        "HTTP 500",
        lambda _, __: respond(500, b"<html><body>oops</body></html>"),
        "retried with backoff; exit 3",
        3,
        "HTTP 500 Internal Server Error after 2 tries",
        retried=True,
        existing=(
            _FETCH + "test_5xx_is_retried_with_exponential_backoff",
            _FETCH + "test_the_backoff_fits_a_short_deadline",
            _FETCH + "test_retry_then_success",
            _CLI + "test_500_is_retried_then_reported",
        ),
    ),
    Fault(
        "http-503-retry-after",
        "HTTP 503 with `Retry-After`",
        lambda _, __: respond(503, b"", Retry_After="1"),
        "retried after the wait asked for (capped at 30 s) when that ends before the page's "
        "deadline; here (a 1 s wait, a 1 s deadline) given up at once, saying so; exit 3",
        3,
        "HTTP 503 Service Unavailable; the server asked to wait 1 s, past the deadline",
        retried=True,
        hits=1,
        existing=(
            _LOOP + "test_503_with_retry_after_then_200",
            _LOOP + "test_503_until_the_last_try",
            _FETCH + "test_retry_after_tiny_value_really_waits",
            _FETCH + "test_a_wait_past_the_deadline_is_not_waited",
        ),
    ),
    Fault(
        "http-429",
        "HTTP 429 Too Many Requests",
        lambda _, __: respond(429, b"", Retry_After="0"),
        "retried, honouring `Retry-After`; exit 3",
        3,
        "HTTP 429 Too Many Requests after 2 tries",
        retried=True,
        existing=(_FETCH + "test_429_honours_retry_after",),
    ),
    Fault(
        "http-404",
        "HTTP 404 (any other 4xx)",
        lambda _, __: respond(404, b"<html><body>not found</body></html>"),
        "not retried; exit 3",
        3,
        "HTTP 404 Not Found",
        existing=(_FETCH + "test_other_4xx_is_not_retried", _CLI + "test_404"),
    ),
    Fault(
        "reset-mid-body",
        "connection reset in the middle of the body",
        lambda _, __: reset_mid_body,
        "never a short page: retried; exit 3",
        3,
        "connection lost while reading the body",
        retried=True,
        existing=(
            _LOOP + "test_connection_reset_mid_body",
            _FETCH + "test_error_mid_body_is_a_fetch_error_not_a_short_page",
        ),
    ),
    Fault(
        "short-body",
        "body shorter than its `Content-Length`",
        lambda _, __: short_body,
        "never a short page: retried; exit 3",
        3,
        "connection lost while reading the body",
        retried=True,
        existing=(_LOOP + "test_body_shorter_than_its_content_length",),
    ),
    Fault(
        "hang-up",
        "connection closed before any answer",
        lambda _, __: hang_up,
        "retried; exit 3",
        3,
        "connection failed",
        retried=True,
        existing=(
            _FETCH + "test_transport_errors_are_retried_then_reported",
            _LOOP + "test_nothing_listening",
            _CLI + "test_sync_then_everything_offline",
        ),
    ),
    Fault(
        "charset-wrong-header",
        "UTF-8 page whose `Content-Type` says `charset=iso-8859-1`",
        lambda _, __: respond(200, seed_html(), "text/html; charset=iso-8859-1"),
        "a body that is valid UTF-8 is read as UTF-8 whatever the label says; exit 0",
        0,
        "",
        accepted=True,
        existing=(
            _NETWORK + "test_a_mislabelled_utf8_page_is_read_as_utf8",
            _FETCH + "test_detect_charset",
        ),
    ),
    Fault(
        "charset-wrong-meta",
        "UTF-8 page whose `<meta charset>` says windows-1258 (no header charset)",
        lambda _, __: respond(200, _with_meta_charset(b"windows-1258"), "text/html"),
        "read as UTF-8, as above; exit 0",
        0,
        "",
        accepted=True,
        existing=(_NETWORK + "test_a_mislabelled_utf8_page_is_read_as_utf8",),
    ),
    Fault(
        "charset-missing",
        "no charset anywhere (header nor `<meta>`)",
        lambda _, __: respond(200, _without_meta_charset(), "text/html"),
        "UTF-8 by default (undeclared legacy bytes become U+FFFD, never controls); exit 0",
        0,
        "",
        accepted=True,
        existing=(_LOOP + "test_declared_windows_1258_and_undeclared_latin_1",),
    ),
    Fault(
        "too-large",
        "body past the size cap (10 MB), announced by `Content-Length`",
        lambda _, __: respond(200, b"<html>", length=20_000_000),
        "refused before reading; not retried; exit 3",
        3,
        "body larger than 10 MB",
        existing=(
            _FETCH + "test_content_length_over_the_cap_is_refused_before_reading",
            _FETCH + "test_streamed_body_over_the_cap_is_refused",
        ),
    ),
    Fault(
        "too-large-gzip",
        "body past the size cap once decompressed (a gzip bomb of 12 KB)",
        lambda _, __: gzipped(b"<html>" + b" " * 12_000_000),
        "decompressed in bounded pieces and refused at the cap; not retried; exit 3",
        3,
        "body larger than 10 MB",
        existing=(
            _LOOP + "test_gzip_body_over_the_cap",
            _FETCH + "test_gzip_body_is_decoded_and_a_gzip_bomb_refused",
            _CLI + "test_oversized_compressed_body",
        ),
    ),
    Fault(
        "redirect-loop",
        "redirect loop",
        lambda _, path: respond(302, b"", Location=path),
        "stops after 10 redirects; the chain is not retried; exit 3",
        3,
        "too many redirects",
        hits=11,
        existing=(
            _FETCH + "test_redirect_loop_and_long_chains_stop",
            _LOOP + "test_demo_bad_redirects",
            _CLI + "test_redirect_loop",
        ),
    ),
    Fault(
        "redirect-off-site",
        "redirect to another host",
        lambda elsewhere, _: respond(302, b"", Location=f"{elsewhere}/a/elsewhere-123456"),
        "refused without contacting the other host; exit 3",
        3,
        "redirected off the site to http://127.0.0.1:",
        existing=(
            _FETCH + "test_redirect_off_the_site_is_refused",
            _FETCH + "test_off_site_message_names_the_target",
        ),
    ),
    Fault(
        "not-html",
        "non-HTML content type (`application/pdf`)",
        lambda _, __: respond(200, b"%PDF-1.4 not a page", "application/pdf"),
        "refused; not retried; exit 3",
        3,
        "not an HTML page (application/pdf)",
        existing=(_FETCH + "test_non_html_is_refused", _CLI + "test_non_html"),
    ),
    Fault(
        "empty-200",
        "empty 200",
        lambda _, __: respond(200, b""),
        "refused; not retried; exit 3",
        3,
        "empty response",
        existing=(_FETCH + "test_empty_200_is_refused", _LOOP + "test_empty_200"),
    ),
    Fault(
        "garbage-binary",
        "a page of binary garbage served as `text/html`",
        lambda _, __: respond(200, bytes(range(256)) * 16),
        "page not understood; not retried; exit 4",
        4,
        "not an HTML page (binary data)",
        existing=(_CLI + "test_page_not_understood",),
    ),
    Fault(
        "garbage-markup",
        "a page of broken markup with no article in it",
        lambda _, __: respond(200, b"<<<>>><p><div></span>" * 40),
        "page not understood (the error names what was missing); exit 4",
        4,
        "",
        existing=(_CLI + "test_page_not_understood",),
    ),
)
