"""Search ranking on a real store: the query as a phrase above its words apart, near above
far, diacritics as typed above folded matches, the title above the body; ``-word``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tgreader.model import Article, Paragraph, Published
from tgreader.search import Tier, ranking_tiers, read_query
from tgreader.store import STORE_FILENAME, Store
from tgreader.text import VN_TZ

FILLER = "Các đại biểu thảo luận sôi nổi về nhiều nội dung quan trọng của địa phương. "


def page(slug: str, title: str, body: str, day: int = 1) -> Article:
    return Article(
        url=f"https://tuyengiao.vn/thoi-su/{slug}-{110000 + day}",
        section="Thời sự",
        title=title,
        published=Published(datetime(2024, 5, day, 8, 0, tzinfo=VN_TZ)),
        sapo="Tin từ các địa phương.",
        author=None,
        blocks=(Paragraph(body),),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "cache" / STORE_FILENAME) as opened:
        yield opened


def fill(store: Store, *pages: Article) -> None:
    for item in pages:
        store.put(item.url, item, "<html></html>")


def urls(store: Store, query: str, *, limit: int = 20, offset: int = 0) -> list[str]:
    return [hit.url for hit in store.search(query, limit=limit, offset=offset)]


def test_the_phrase_ranks_above_its_syllables_apart(store: Store) -> None:
    # Title words weigh most: without the phrase rule, "hỏi … nghỉ" in a title would win.
    apart = page("hoi-dap", "Hỏi đáp về ngày nghỉ hằng năm", "Hỏi và đáp. " + FILLER, day=9)
    phrase = page("bao-cao-vien", "Bồi dưỡng báo cáo viên", FILLER * 5 + "Hội nghị báo cáo viên.")
    fill(store, apart, phrase)
    for query in ("hội nghị", "hoi nghi", "HOI NGHI"):
        assert urls(store, query) == [phrase.url, apart.url], query


def test_near_ranks_above_far(store: Store) -> None:
    near = page("gan", "Tin một", FILLER + "Hội đồng nhân dân nghị quyết mới. " + FILLER, day=1)
    far = page("xa", "Tin hai", "Hội đồng họp. " + FILLER * 3 + "Nghị quyết mới.", day=2)
    fill(store, near, far)
    assert urls(store, "hoi nghi") == [near.url, far.url]


def test_diacritics_typed_are_preferred_not_required(store: Store) -> None:
    party = page("dang", "Xây dựng Đảng vững mạnh", "Đảng bộ tỉnh lãnh đạo. " + FILLER, day=9)
    now = page("dang-lam", "Bà con vùng cao", FILLER + "Tủ sách đang trở thành địa chỉ quen.")
    fill(store, party, now)
    assert urls(store, "đang") == [now.url, party.url]
    assert urls(store, "Đảng") == [party.url, now.url]
    # Without diacritics every form matches alike: the title decides.
    assert urls(store, "dang") == [party.url, now.url]


def test_typed_tone_placement_does_not_matter(store: Store) -> None:
    old_style = page("hoa-binh", "Hòa Bình: tin mới", FILLER)
    fill(store, old_style)
    assert urls(store, "Hoà Bình") == [old_style.url]
    assert read_query("Hoà Bình").exact == read_query("Hòa Bình").exact


def test_the_title_counts_most_within_a_tier(store: Store) -> None:
    in_body = page("than-bai", "Tin địa phương", FILLER + "Hội nghị tổng kết năm.", day=9)
    in_title = page("tieu-de", "Hội nghị tổng kết công tác", FILLER, day=1)
    fill(store, in_body, in_title)
    assert urls(store, "hội nghị") == [in_title.url, in_body.url]


def test_a_minus_word_excludes(store: Store) -> None:
    one = page("mot", "Hội nghị về kinh tế", FILLER, day=1)
    two = page("hai", "Hội nghị về văn hóa", FILLER, day=2)
    fill(store, one, two)
    assert urls(store, "hội nghị -kinh") == [two.url]
    assert urls(store, "-kinh") == []


def test_pages_of_results_follow_on_across_tiers(store: Store) -> None:
    pages = []
    for n in range(12):
        # A third hold the phrase, a third the words near, a third far apart.
        kind = n % 3
        body = [
            "Hội nghị toàn tỉnh. ",
            "Hội đồng ra nghị quyết. ",
            "Hội đồng. " + FILLER * 2 + "Nghị quyết.",
        ][kind] + FILLER
        pages.append(page(f"bai-{n}", f"Tin số {n}", body, day=n + 1))
    fill(store, *pages)
    whole = urls(store, "hội nghị", limit=50)
    assert sorted(whole) == sorted(p.url for p in pages)
    paged = [
        url for start in range(0, 12, 5) for url in urls(store, "hội nghị", limit=5, offset=start)
    ]
    assert paged == whole
    phrase = {p.url for n, p in enumerate(pages) if n % 3 == 0}
    assert set(whole[:4]) == phrase


def test_tiers_go_from_the_phrase_in_the_title_to_the_words_anywhere() -> None:
    tiers = ranking_tiers("hội nghị")
    assert len(tiers) == 18  # six kinds of match, each in the title, the sapo, anywhere
    # The phrase as typed: the folded phrase, in a title that holds the words as typed.
    assert tiers[0] == Tier('{title} : "hoi nghi"', '{xtitle} : ("hội" AND "nghị")')
    assert tiers[3] == Tier('{title} : "hoi nghi"')
    assert tiers[-1] == Tier('{title sapo body captions} : ("hoi" AND "nghi")')
    assert ranking_tiers("dang") == (
        Tier('{title} : ("dang")'),
        Tier('{sapo} : ("dang")'),
        Tier('{title sapo body captions} : ("dang")'),
    )
    assert ranking_tiers("") == ()


def test_the_snippet_shows_the_phrase_with_spaces_around_its_highlights(store: Store) -> None:
    body = (
        "Hội đồng nhân dân họp bàn. " + FILLER * 3 + "Nghị quyết được thông qua. "
        + FILLER * 2 + "Tỉnh Bắc Kạn đã tổ chức hội nghị triển khai nhiệm vụ năm mới."
    )  # fmt: skip
    fill(store, page("bac-kan", "Tin Bắc Kạn", body))
    hit = store.search("hội nghị")[0]
    assert "tổ chức hội nghị triển khai" in hit.snippet
    marked = [hit.snippet[a:b] for a, b in hit.highlights]
    assert marked[-2:] == ["hội", "nghị"]
    for start, end in hit.highlights:
        # Highlights cover whole words: what is next to them is a space or the snippet's end.
        assert start == 0 or not hit.snippet[start - 1].isalnum()
        assert end == len(hit.snippet) or not hit.snippet[end].isalnum()
    kan = store.search("bac kan")[0]
    assert "Bắc Kạn đã" in kan.snippet
