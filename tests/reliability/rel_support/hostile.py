"""Hostile pages, built to a size: the shapes that once took the parser quadratic time or
raised, and a hypothesis strategy that mixes them with odd dates, links and characters.

``bench/hostile_bench.py`` times the same shapes per MB (the budget lives there, never in
a test).
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from rel_support.pages import HOSTILE_CHARS

__all__ = [
    "ODD_DATES",
    "ODD_LINKS",
    "SHAPES",
    "hostile_document",
    "page_with",
    "shape",
]

_HEAD = "<!doctype html><html><head><title>Bài viết</title>{head}</head><body>"
_ARTICLE = (
    '<h1 class="story-headline">Tiêu đề bài viết</h1>'
    '<div class="story-body"><p>Nội dung bài viết có đủ chữ để đọc.</p>{body}</div>'
)


def page_with(body: str = "", head: str = "") -> str:
    """A Gen B article page with ``head`` in its head and ``body`` inside its body."""
    return _HEAD.format(head=head) + _ARTICLE.format(body=body) + "</body></html>"


def _repeat(unit: str, size: int, prefix: str = "<html><body>") -> str:
    return prefix + unit * max(1, (size - len(prefix)) // len(unit))


def _nested_divs(size: int) -> str:
    return _repeat("<div>", size) + "x"


def _nested_closed(size: int) -> str:
    depth = size // 11
    return "<html><body>" + "<div>" * depth + "x" + "</div>" * depth


def _towers(size: int) -> str:
    # Towers just deeper than the parser's limit, one after another.
    tower = "<div>" * 2100 + "x" + "</div>" * 2100
    return _repeat(tower, size)


def _nested_tables(size: int) -> str:
    return _repeat("<table><tr><td>", size)


def _open_pushes(size: int) -> str:
    return _repeat('self.__next_f.push([1,"', size, "<html><body><script>")


def _long_open_pushes(size: int) -> str:
    return _repeat('self.__next_f.push([1,"' + "a" * 1000, size, "<html><body><script>")


def _broken_blogs(size: int) -> str:
    unit = '\\"blog\\":{\\"title\\":'
    return _repeat(unit, size, '<html><body><script>self.__next_f.push([1,"') + '"])'


def _deep_next_data(size: int) -> str:
    depth = max(1, size // 6 - 20)
    return (
        '<html><body><script id="__NEXT_DATA__" type="application/json">'
        + '{"a":[' * depth
        + "</script></body></html>"
    )


def _open_next_data(size: int) -> str:
    return _repeat('<script id="__NEXT_DATA__">', size)


def _open_scripts(size: int) -> str:
    return _repeat("<script>{", size)


def _huge_attribute(size: int) -> str:
    return '<html><body><div title="' + "a" * size + '">x</div></body></html>'


def _open_attributes(size: int) -> str:
    return _repeat('<div title="aaa', size)


def _lone_brackets(size: int) -> str:
    return _repeat("<a", size)


SHAPES: dict[str, Callable[[int], str]] = {
    "nested divs": _nested_divs,
    "nested divs, closed": _nested_closed,
    "towers of 2,100 divs": _towers,
    "nested tables": _nested_tables,
    "unterminated Next.js pushes": _open_pushes,
    "long unterminated pushes": _long_open_pushes,
    "broken blog objects": _broken_blogs,
    "deep __NEXT_DATA__ JSON": _deep_next_data,
    "__NEXT_DATA__ scripts left open": _open_next_data,
    "scripts left open": _open_scripts,
    "one huge attribute": _huge_attribute,
    "attributes left open": _open_attributes,
    "lone '<a'": _lone_brackets,
}


def shape(name: str, size: int) -> str:
    """The hostile page ``name`` at about ``size`` characters."""
    return SHAPES[name](size)


# Offsets a day or more from UTC, the first and last days datetime can hold, nonsense.
ODD_DATES = (
    "2023-04-13T07:53:00+99:00",
    "2023-04-13T07:53+24:00",
    "2023-04-13T07:53:00-23:60",
    "0001-01-01T00:00:00+07:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-07:00",
    "9999-12-31T23:59:59Z",
    "01/01/0001 00:00",
    "31/12/9999 23:59",
    "00/00/0000",
    "31/02/2023 25:61",
    "99999-01-01",
)
# Canonical links and hrefs that are not URLs one can build.
ODD_LINKS = (
    "http://[::1",
    "http://[zz]/",
    "https://tuyengiao.vn:99999/a",
    "https://tuyengiao.vn:abc/a",
    "https://user:pa ss@/x",
    "http://\x00/",
    "https://%zz/",
    "//[",
    "https://tuyengiao.vn/\u202ea-1",
)


def _dated(date: str) -> str:
    return page_with(
        f'<time datetime="{date}">{date}</time>',
        f'<meta property="article:published_time" content="{date}">',
    )


def _linked(link: str) -> str:
    return page_with(
        f'<a href="{link}">Bài liên quan</a><img src="{link}">',
        f'<link rel="canonical" href="{link}"><meta property="og:url" content="{link}">',
    )


@st.composite
def hostile_document(draw: st.DrawFn) -> str:
    """A small hostile page: a shape, an odd date or link, with hostile characters around."""
    kind = draw(st.sampled_from(("shape", "date", "link")))
    if kind == "shape":
        html = shape(draw(st.sampled_from(sorted(SHAPES))), draw(st.integers(100, 30_000)))
    elif kind == "date":
        html = _dated(draw(st.sampled_from(ODD_DATES)))
    else:
        html = _linked(draw(st.sampled_from(ODD_LINKS)))
    noise = draw(st.text(st.sampled_from(HOSTILE_CHARS), max_size=20))
    at = draw(st.integers(0, len(html)))
    return html[:at] + noise + html[at:]
