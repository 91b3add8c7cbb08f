"""The "Các tin khác" search: where it looks first, and the test of each element's text."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tgreader.parse import parse_article
from tgreader.parse._headings import MAX_CHARS, PUNCTUATION, RELATED, TRAILING, Headings
from tgreader.text import clean, fold_key

URL = "https://tuyengiao.vn/thoi-su/bai-viet-nay-150001"
PARAGRAPHS = "".join(
    f"<p>Đoạn văn thứ {n} của bài viết, đủ dài để là thân bài của một bài báo thật.</p>"
    for n in range(1, 6)
)


def _page(before: str, after: str) -> str:
    return (
        "<html><head><title>Bài viết này</title></head><body>"
        f"<div class='header'>{before}</div>"
        "<article class='story-detail'><h1 class='story-headline'>Bài viết này</h1>"
        f"<div class='story-body'>{PARAGRAPHS}</div></article>"
        f"{after}<div class='footer'>Bản quyền</div></body></html>"
    )


def _box(heading: str, *ids: int) -> str:
    links = "".join(
        f"<li><a href='/thoi-su/tin-so-{i}-{150100 + i}'>Tin số {i} của chuyên mục</a></li>"
        for i in ids
    )
    return f"<div class='box'><h3 class='box-title'>{heading}</h3><ul>{links}</ul></div>"


def _related_ids(html: str) -> list[str]:
    return [link.title.split()[2] for link in parse_article(html, URL).related]


def test_the_block_after_the_article_wins_over_an_earlier_one() -> None:
    html = _page(before=_box("Tin liên quan", 1, 2), after=_box("Các tin khác", 3, 4))
    assert _related_ids(html) == ["3", "4"]


def test_a_block_only_before_the_article_is_still_found() -> None:
    html = _page(before=_box("Các tin khác", 1, 2), after="")
    assert _related_ids(html) == ["1", "2"]


def test_no_block_gives_no_links() -> None:
    assert _related_ids(_page(before="", after="")) == []


_PIECES = st.sampled_from(
    [*sorted(TRAILING.keys), "Các tin khác", "CÁC TIN KHÁC", "Tin liên quan", "Đọc thêm",
     "Xem thêm", " ", "\xa0", "\n", ":", "»", "-", ".", "\u200b", "\u0301", "\x1f", "\x0b",
     "a", "Z", "9", "đ", "Đ", "ồ", "tin", "khác", "quan", "C", "c", "m", "n", "x"]
)  # fmt: skip


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(_PIECES, max_size=8).map("".join))
@example("\u200bCác tin khác")
@example(" » CÁC TIN KHÁC: ")
@example("Các tin khác\u0301")
@example("Xem them\x0b")
def test_the_quick_test_agrees_with_folding(raw: str) -> None:
    key = fold_key(clean(raw)).strip(PUNCTUATION)
    trimmed = raw.strip().strip(PUNCTUATION)
    for headings in (RELATED, TRAILING):
        expected = key in headings.keys and 0 < len(trimmed) <= MAX_CHARS
        assert headings.matches(raw) == expected


def test_the_quick_test_turns_down_ordinary_text() -> None:
    assert not RELATED.matches("Văn hóa - Xã hội")  # no heading ends with an i
    assert not RELATED.matches("2024")
    assert not RELATED.matches("Các tin khác " * 20)  # far too long for a heading
    assert RELATED.matches("Các tin khác")
    assert RELATED.matches(" » CÁC TIN KHÁC: ")
    assert not RELATED.matches("Xem nhiều")
    assert TRAILING.matches("Xem nhiều")


def test_a_set_of_headings_knows_its_words() -> None:
    headings = Headings({"doc them", "tin cung chuyen muc"})
    assert headings.matches("Đọc thêm") and headings.matches("Tin cùng chuyên mục")
    assert not headings.matches("Tin")  # fewer words than any heading
    assert not headings.matches("Đọc thêm nhiều tin hơn nữa ở đây")  # more than any
