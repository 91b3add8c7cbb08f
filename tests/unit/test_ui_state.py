"""The reading screen's state without a screen: requests in flight and the list's paging."""

from __future__ import annotations

from tgreader.model import Section
from tgreader.ui.state import Paging, Requests, Row, UnreadCounts, slot_of

KINH_TE = Section("Kinh tế", "https://tuyengiao.vn/kinh-te")
PAGE_2 = "https://tuyengiao.vn/kinh-te?page=2"
PAGE_3 = "https://tuyengiao.vn/kinh-te?page=3"


def rows(*names: str) -> list[Row]:
    return [Row(f"https://tuyengiao.vn/kinh-te/{n}", n) for n in names]


def test_a_newer_request_of_a_slot_makes_the_older_stale() -> None:
    requests = Requests()
    first = requests.start("list", "Kinh tế")
    second = requests.start("list", "Khoa giáo")
    article = requests.start("article", "bài")
    assert not requests.current("list", first)
    assert requests.current("list", second) and requests.current("article", article)
    assert requests.labels() == ["Khoa giáo", "bài"]
    assert requests.loading("list") and requests.done("list")
    assert not requests.done("list")  # already over
    assert requests.labels() == ["bài"]


def test_failed_loads_map_to_their_slots() -> None:
    assert slot_of("listing") == slot_of("search") == slot_of("bookmarks") == "list"
    assert slot_of("more") == "more" and slot_of("article") == "article"
    assert slot_of("export") is None and slot_of("browser") is None


def test_a_section_grows_a_page_at_a_time_in_page_order() -> None:
    paging = Paging(page_size=20)
    paging.open("section", KINH_TE)
    assert paging.add_page(1, rows("a", "b"), PAGE_2) == rows("a", "b")
    assert paging.has_more() and paging.next_page() == 2
    # A refreshed first page arriving after page 2 keeps page 2 after it.
    assert paging.add_page(2, rows("c"), PAGE_3) == rows("a", "b", "c")
    assert paging.add_page(1, rows("z", "a"), PAGE_2) == rows("z", "a", "c")
    assert paging.next_url == PAGE_3  # an earlier page does not move "next"
    assert paging.add_page(3, [], None) == rows("z", "a", "c")
    assert not paging.has_more()
    assert paging.footer(has_rows=True, loading_more=False) == "list.end"


def test_a_next_page_that_404s_or_is_not_stored_ends_the_list_and_is_not_asked_again() -> None:
    paging = Paging(page_size=20)
    paging.open("section", KINH_TE)
    paging.add_page(1, rows("a"), PAGE_2)
    assert paging.footer(has_rows=True, loading_more=True) == "list.more"
    paging.dead_end(stored_only=True)
    assert not paging.has_more()
    assert paging.footer(has_rows=True, loading_more=False) == "list.end_stored"
    paging.add_page(1, rows("a"), PAGE_2)  # the first page again, naming the same next page
    assert paging.next_url == PAGE_2 and not paging.has_more()
    paging.open("section", KINH_TE)  # reopened: asked again
    paging.add_page(1, rows("a"), PAGE_2)
    assert paging.has_more() and paging.footer(has_rows=True, loading_more=False) is None


def test_search_results_come_a_full_page_at_a_time() -> None:
    paging = Paging(page_size=2)
    paging.open("search", query="hội nghị")
    paging.add_hits(2, first=True)
    assert paging.has_more() and paging.count_text == "2+" and paging.next_page() == 2
    paging.add_hits(1, first=False)
    assert not paging.has_more() and paging.count_text == "3" and paging.hits == 3
    assert paging.query == "hội nghị"
    paging.open("bookmarks")
    assert paging.query == "hội nghị"  # offered again at the next /


def test_the_latest_news_come_whole_and_show_a_screenful_at_a_time() -> None:
    paging = Paging(page_size=20)
    paging.open("latest")
    every = rows(*"abcdefg")
    assert paging.add_whole(every, 3) == every[:3]
    assert paging.has_more() and paging.footer(has_rows=True, loading_more=False) is None
    assert paging.take(3) == every[3:6]
    assert paging.take(3) == every[6:]
    assert not paging.has_more()
    assert paging.footer(has_rows=True, loading_more=False) == "list.end"
    paging.add_whole(every, 10)  # shown again, all at once
    assert not paging.has_more() and paging.take(3) == []


def test_the_bookmarks_come_whole_without_a_footer() -> None:
    paging = Paging(page_size=20)
    paging.open("bookmarks")
    assert not paging.has_more()
    assert paging.footer(has_rows=True, loading_more=False) is None
    paging.open("section", KINH_TE)
    assert paging.footer(has_rows=False, loading_more=False) is None  # an empty list


def test_unread_counts_follow_reading_and_what_the_lists_show() -> None:
    counts = UnreadCounts()
    a, b, c, d = (f"https://tuyengiao.vn/kinh-te/{n}" for n in "abcd")
    counts.stored({"kinh-te": [a, b, c], "khoa-giao": []}, read={a})
    assert counts.counts() == {"kinh-te": 2}  # nothing stored of khoa-giao: no count
    counts.mark([b], True)
    assert counts.counts() == {"kinh-te": 1}
    # The list as loaded: d is new and read, and the read state it came with says a is not.
    counts.listed("kinh-te", [d, a], read={d})
    assert counts.counts() == {"kinh-te": 2}  # a and c (b, d read)
    counts.mark([a, c], True)
    assert counts.counts() == {"kinh-te": 0}
    counts.stored({"kinh-te": [a]}, read=())  # a late count from the store: the list stays
    assert counts.counts() == {"kinh-te": 0}
