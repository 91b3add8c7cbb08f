"""Search: folded matching (diacritics, đ, case), safe FTS5 queries, ranking, snippets with
the original diacritics and highlight offsets, and the section filter."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgreader.model import Article, Image, Paragraph, Published
from tgreader.search import (
    ELLIPSIS,
    SNIPPET_WIDTH,
    SearchHit,
    article_text,
    build_match_query,
    make_snippet,
    query_phrases,
    read_query,
    section_key,
    url_section_keys,
)
from tgreader.store import Store
from tgreader.text import VN_TZ, fold, fold_key

SITE = "https://tuyengiao.vn"

_VOWELS = "aăâeêioôơuưy"
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
VIETNAMESE_LETTERS = (
    "".join(
        unicodedata.normalize("NFC", base + tone)
        for base in _VOWELS + _VOWELS.upper()
        for tone in ("", *_TONES)
    )
    + "đĐbcdghklmnpqrstvx"
)

HOSTILE = [
    '"',
    '""',
    '"""',
    "*",
    "hoi*",
    "NEAR(",
    "NEAR(hoi nghi, 2)",
    "-",
    "- dang",
    "AND OR",
    "NOT",
    "hoi AND",
    '"hoi nghi',
    'hoi" nghi"',
    "title:x",
    "{title sapo}: x",
    "^hoi",
    "(hoi OR nghi)",
    "hoi + nghi",
    "'; DROP TABLE pages; --",
    "\x00",
    "\u202e dang",
    "  ",
]


def make_article(
    slug: str,
    title: str,
    body: str = "",
    *,
    sapo: str | None = None,
    caption: str | None = None,
    section: str | None = "Thời sự",
) -> Article:
    blocks: list[Paragraph | Image] = [Paragraph(body)] if body else []
    if caption:
        blocks.append(Image(f"{SITE}/Uploads/a.jpg", caption))
    return Article(
        url=f"{SITE}/{slug}",
        section=section,
        title=title,
        published=Published(datetime(2024, 5, 2, 9, 0, tzinfo=VN_TZ)),
        sapo=sapo,
        author=None,
        blocks=tuple(blocks),
    )


CORPUS = [
    make_article(
        "thoi-su/hoi-nghi-giao-ban-113371",
        "Hội nghị giao ban công tác Tuyên giáo quý I",
        "Sáng 13/4, tại Hà Nội, Ban Tuyên giáo Trung ương tổ chức Hội nghị giao ban "
        "trực tuyến với các tỉnh ủy, thành ủy.",
        sapo="Hội nghị đánh giá kết quả công tác quý I và triển khai nhiệm vụ quý II.",
    ),
    make_article(
        "bao-ve-nen-tang-tu-tuong-cua-dang/bao-ve-nen-tang-113372",
        "Bảo vệ nền tảng tư tưởng của Đảng",
        "Đấu tranh phản bác các quan điểm sai trái, thù địch là nhiệm vụ của toàn Đảng.",
        section="Bảo vệ nền tảng tư tưởng của Đảng",
    ),
    make_article(
        "kinh-te/viet-khong-dau-113373",
        "Tin viet khong dau",
        "Bai nay viet khong dau: Dang bo tinh to chuc hoi nghi tong ket.",
        section="Kinh tế",
    ),
    make_article(
        "kinh-te/hoi-va-nghi-113374",
        "Người dân hỏi, chính quyền trả lời",
        "Câu hỏi của bà con được trả lời sau khi nghỉ lễ; ban giao nhiệm vụ mới.",
        section="Kinh tế",
        caption="Bà con dự buổi đối thoại.",
    ),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "pages.sqlite3") as opened:
        for page in CORPUS:
            opened.put(page.url, page, f"<html><h1>{page.title}</h1></html>")
        yield opened


def urls(hits: list[SearchHit]) -> list[str]:
    return [hit.url for hit in hits]


def slug_of(url: str) -> str:
    return url.rsplit("/", 1)[-1]


# --- folding ----------------------------------------------------------------------------


def test_folding_nfc_vietnamese_is_one_character_for_one() -> None:
    # Snippet offsets rely on it for ordinary text (and fall back per character otherwise).
    assert len(VIETNAMESE_LETTERS) == 12 * 2 * 6 + 18
    folded = fold(VIETNAMESE_LETTERS)
    assert len(folded) == len(VIETNAMESE_LETTERS)
    assert folded == "".join(fold(ch) for ch in VIETNAMESE_LETTERS)
    assert all(ch.isascii() for ch in folded)
    assert fold("Đảng Cộng sản Việt Nam") == "Dang Cong san Viet Nam"


# --- the MATCH expression ---------------------------------------------------------------


def test_build_match_query_folds_and_quotes() -> None:
    assert build_match_query("Hội nghị") == '"hoi" "nghi"'
    assert build_match_query("ĐẢNG") == '"dang"'
    assert build_match_query('"hội nghị giao ban" quý') == '"hoi nghi giao ban" "quy"'
    assert build_match_query("COVID-19") == '"covid 19"'
    assert build_match_query("hoi hoi HỘI") == '"hoi"'


def test_operators_lose_their_meaning() -> None:
    # Upper-case operators typed bare are dropped; anything else is text.
    assert build_match_query("AND OR") is None
    assert build_match_query("hoi AND nghi NOT dang") == '"hoi" "nghi" "dang"'
    assert build_match_query("NEAR(hoi nghi, 2)") == '"hoi" "nghi" "2"'
    assert build_match_query("(hoi OR nghi)") == '"hoi" "nghi"'
    assert build_match_query("and or") == '"and" "or"'
    assert build_match_query('"AND" hoi') == '"and" "hoi"'
    assert build_match_query("title:x") == '"title x"'
    assert build_match_query("{title sapo}: x") == '"title" "sapo" "x"'
    # A minus before a word excludes it (the one operator tgreader offers); alone, or
    # inside a word, it is a separator.
    assert build_match_query("^hoi -nghi") == '"hoi"'
    assert read_query("^hoi -nghi").excluded == (("nghi",),)
    assert build_match_query("hoi - nghi") == '"hoi" "nghi"'
    assert build_match_query("covid-19") == '"covid 19"'
    assert build_match_query("hoi*") == '"hoi"'
    assert build_match_query('"hoi nghi') == '"hoi nghi"'


@pytest.mark.parametrize("query", ["", "   ", '"', '""', "*", "-", "^", ":", "()", "\x00"])
def test_nothing_searchable_gives_none(query: str) -> None:
    assert build_match_query(query) is None
    assert query_phrases(query) == ()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_valid_fts5_query(query: str) -> None:
    match = build_match_query(query)
    if match is None:
        return
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t VALUES ('Hoi nghi Dang')")
    conn.execute("SELECT * FROM t WHERE t MATCH ?", (match,)).fetchall()


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("\"*^:()-+ NEARORANDNOThoiđĐ,{}'\\"), max_size=30))
def test_operator_soup_never_breaks_a_query(query: str) -> None:
    match = build_match_query(query)
    if match is not None:
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        conn.execute("SELECT * FROM t WHERE t MATCH ?", (match,)).fetchall()


# --- the search requirements -----------------------------------------------------------------


def test_words_without_diacritics_find_text_with_them(store: Store) -> None:
    found = urls(store.search("hoi nghi"))
    assert f"{SITE}/thoi-su/hoi-nghi-giao-ban-113371" in found
    assert f"{SITE}/kinh-te/viet-khong-dau-113373" in found


def test_d_finds_the_vietnamese_d_with_stroke_in_any_case(store: Store) -> None:
    for query in ("dang", "DANG", "Dang", "đảng", "ĐẢNG"):
        found = {slug_of(u) for u in urls(store.search(query))}
        assert "bao-ve-nen-tang-113372" in found, query
        # ... and the text written without diacritics, "Dang bo tinh":
        assert "viet-khong-dau-113373" in found, query


def test_a_query_with_diacritics_finds_text_without_them(store: Store) -> None:
    assert slug_of(store.search("Đảng bộ tỉnh")[0].url) == "viet-khong-dau-113373"
    assert urls(store.search("Tin viết không dấu")) == [f"{SITE}/kinh-te/viet-khong-dau-113373"]


def test_a_quoted_phrase_matches_only_as_a_phrase(store: Store) -> None:
    phrase = urls(store.search('"hoi nghi giao ban"'))
    assert phrase == [f"{SITE}/thoi-su/hoi-nghi-giao-ban-113371"]
    # Unquoted, the words may be anywhere: "hỏi ... nghỉ ... giao" in another article too.
    loose = urls(store.search("hoi nghi giao ban"))
    assert set(loose) == {
        f"{SITE}/thoi-su/hoi-nghi-giao-ban-113371",
        f"{SITE}/kinh-te/hoi-va-nghi-113374",
    }


def test_a_title_match_ranks_above_a_body_only_match(tmp_path: Path) -> None:
    in_body = make_article(
        "kinh-te/body-113380",
        "Tin kinh tế trong tuần",
        "Cuối tuần có bài viết về chuyển đổi số ở các tỉnh, rồi nhiều nội dung khác nữa.",
    )
    in_title = make_article(
        "kinh-te/title-113381",
        "Chuyển đổi số ở cơ sở",
        "Bài viết về công tác cơ sở, với nội dung dài hơn một chút so với bài kia.",
    )
    # Unrelated articles, so the terms are rare enough for bm25 to weigh them.
    fillers = [
        make_article(f"x/khac-11339{i}", f"Tin khác {i}", "Nội dung khác.") for i in range(4)
    ]
    with Store.open(tmp_path / "p.sqlite3") as store:
        for page in fillers:
            store.put(page.url, page, "<html/>")
        store.put(in_body.url, in_body, "<html/>")
        store.put(in_title.url, in_title, "<html/>")
        hits = store.search("chuyen doi so")
        assert urls(hits) == [in_title.url, in_body.url]
        assert hits[0].score > hits[1].score > 0


def test_hits_carry_the_list_fields(store: Store) -> None:
    hit = store.search("bao ve nen tang")[0]
    assert hit.title == "Bảo vệ nền tảng tư tưởng của Đảng"
    assert hit.section == "Bảo vệ nền tảng tư tưởng của Đảng"
    assert hit.published == "2024-05-02T09:00:00+07:00"


def test_snippets_keep_diacritics_and_highlight_the_matches(store: Store) -> None:
    hit = store.search("nhiem vu quy")[0]
    assert slug_of(hit.url) == "hoi-nghi-giao-ban-113371"
    assert "nhiệm vụ quý II" in hit.snippet  # from the sapo, with its diacritics
    marked = [hit.snippet[a:b] for a, b in hit.highlights]
    assert marked == ["quý", "nhiệm", "vụ", "quý"]
    for start, end in hit.highlights:
        assert 0 <= start < end <= len(hit.snippet)


def test_snippet_highlights_a_phrase_as_one_span(store: Store) -> None:
    hit = store.search('"Hội nghị giao ban"')[0]
    marked = [hit.snippet[a:b] for a, b in hit.highlights]
    assert marked == ["Hội nghị giao ban"]
    assert fold_key(marked[0]) == "hoi nghi giao ban"


def test_snippet_of_text_without_diacritics(store: Store) -> None:
    hit = store.search("đảng bộ")[0]
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["Dang", "bo"]


def test_snippet_from_a_caption(store: Store) -> None:
    hit = store.search("doi thoai")[0]
    assert hit.snippet == "Bà con dự buổi đối thoại."
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["đối", "thoại"]


def test_hostile_queries_never_raise(store: Store) -> None:
    for query in HOSTILE:
        hits = store.search(query)
        assert isinstance(hits, list), query
    assert store.search("hoi*")  # the star is dropped, the word is searched
    assert urls(store.search("(hoi OR nghi)")) == urls(store.search("hoi nghi"))
    assert store.search("AND OR") == []


def test_limit_and_empty(store: Store) -> None:
    assert len(store.search("nhiem vu", limit=1)) == 1
    assert store.search("nhiem vu", limit=0) == []
    assert store.search("") == []
    assert store.search("khongcotrongbaiviet") == []


def test_section_filter_is_loose(store: Store) -> None:
    everywhere = {slug_of(u) for u in urls(store.search("hoi"))}
    assert {"hoi-nghi-giao-ban-113371", "viet-khong-dau-113373", "hoi-va-nghi-113374"} <= (
        everywhere
    )
    for section in ("Kinh tế", "kinh te", "kinh-te", "KINH TẾ", f"{SITE}/kinh-te"):
        found = {slug_of(u) for u in urls(store.search("hoi", section=section))}
        assert found == {"viet-khong-dau-113373", "hoi-va-nghi-113374"}, section
    assert store.search("hoi", section="the-gioi") == []


# --- pure helpers -------------------------------------------------------------------------------


def test_section_keys() -> None:
    assert section_key("Thời sự - Chính trị") == "thoi-su-chinh-tri"
    assert section_key("/thoi-su/") == "thoi-su"
    assert section_key("https://tuyengiao.vn/nhip-cau-tuyen-giao/tuyen-giao-cac-cap") == (
        "tuyen-giao-cac-cap"
    )
    assert section_key("Bảo vệ nền tảng tư tưởng của Đảng") == "bao-ve-nen-tang-tu-tuong-cua-dang"
    assert url_section_keys(f"{SITE}/a/b/title-123") == ["a", "b"]
    assert url_section_keys(f"{SITE}/title-123") == []


def test_article_text_uses_text_blocks_and_captions() -> None:
    text = article_text(CORPUS[3].to_dict())
    assert text.title == "Người dân hỏi, chính quyền trả lời"
    assert text.sapo == ""
    assert text.body.startswith("Câu hỏi")
    assert text.captions == "Bà con dự buổi đối thoại."
    assert text.folded().captions == "Ba con du buoi doi thoai."


def test_long_text_snippet_is_cut_around_the_match() -> None:
    body = (
        ("Mở đầu bài viết rất dài. " * 30)
        + "Đây là Hội nghị quan trọng. "
        + ("Phần kết luận của bài. " * 30)
    )
    snippet, spans = make_snippet([body], query_phrases("hoi nghi"))
    assert snippet.startswith(ELLIPSIS) and snippet.endswith(ELLIPSIS)
    assert len(snippet) <= SNIPPET_WIDTH + 2
    assert [snippet[a:b] for a, b in spans] == ["Hội", "nghị"]
    assert spans[0][0] >= 20  # some context is kept before the match


def test_snippet_prefers_the_window_with_most_terms() -> None:
    fields = ["Chỉ có chữ hội ở đây.", "Ở đây có cả hội lẫn nghị."]
    snippet, spans = make_snippet(fields, query_phrases("hoi nghi"))
    assert snippet == fields[1]
    assert [snippet[a:b] for a, b in spans] == ["hội", "nghị"]


def test_snippet_without_a_match_starts_the_text() -> None:
    assert make_snippet(["", "Nội dung."], query_phrases("xyz")) == ("Nội dung.", ())
    assert make_snippet([], query_phrases("xyz")) == ("", ())


def test_snippet_survives_text_that_does_not_fold_one_for_one() -> None:
    # NFD text (a base letter then combining marks) and ß, which case-folds to two letters.
    nfd = unicodedata.normalize("NFD", "Straße của Hội nghị")
    snippet, spans = make_snippet([nfd], query_phrases("hoi nghi"))
    assert snippet == nfd
    marked = [unicodedata.normalize("NFC", snippet[a:b]) for a, b in spans]
    assert marked == ["Hội", "nghị"]
    snippet, spans = make_snippet(["Straße Hội"], query_phrases("strasse hoi"))
    assert [snippet[a:b] for a, b in spans] == ["Straße", "Hội"]


def test_words_inside_longer_words_are_not_highlighted() -> None:
    _snippet, spans = make_snippet(["hội hộii ahội hội_nghị"], query_phrases("hoi"))
    # The underscore separates words, as in SQLite's unicode61 tokenizer.
    assert spans == ((0, 3), (14, 17))


_WORDS = ["hoi", "nghi", "hoi nghi", "dang", "ho", "i", "nghia", "xhoi", "_", " ", ".", "-", "\n"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(st.sampled_from(_WORDS), max_size=40).map("".join),
    st.lists(
        st.lists(st.sampled_from(["hoi", "nghi", "dang", "ho", "i"]), min_size=1, max_size=3),
        min_size=1,
        max_size=3,
    ),
)
def test_matches_are_found_where_finditer_finds_them(text: str, words: list[list[str]]) -> None:
    # The snippet code looks for matches only where a phrase's first word begins: it must
    # find exactly what the regular expression finds scanning every position.
    from tgreader.search import _finditer, _phrase_pattern

    pattern, starts = _phrase_pattern(tuple(tuple(w) for w in words))
    expected = [(m.span(), m.lastgroup) for m in pattern.finditer(text)]
    assert [(m.span(), m.lastgroup) for m in _finditer(pattern, starts, text)] == expected


def test_pages_of_results_follow_one_another(store: Store) -> None:
    everything = urls(store.search("hoi", limit=50))
    assert len(everything) == 3
    pages = [urls(store.search("hoi", limit=2, offset=start)) for start in (0, 2)]
    assert pages[0] + pages[1] == everything and len(pages[0]) == 2
    assert store.search("hoi", limit=2, offset=len(everything)) == []
