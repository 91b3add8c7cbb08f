"""Telex and VNI typed without an input method, read as Vietnamese: pure functions, and the
search's choice between the typed form and its reading on a real store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tgreader.model import Article, Paragraph, Published
from tgreader.store import STORE_FILENAME, Store
from tgreader.telex import decode_query, decode_word, is_syllable
from tgreader.text import VN_TZ


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("hooij", "hội"),
        ("nghij", "nghị"),
        ("ddangr", "đảng"),
        ("ddang", "đang"),
        ("nguowif", "người"),
        ("nguoiwf", "người"),  # the w at the end, as many type it
        ("tuyeen", "tuyên"),
        ("giaos", "giáo"),
        ("hoaf", "hòa"),  # the tone of an open "oa" on the "o", as the site writes it
        ("toans", "toán"),  # before a final consonant, on the last vowel
        ("ngoaif", "ngoài"),
        ("quys", "quý"),
        ("gif", "gì"),
        ("nawm", "năm"),
        ("chuyeenr", "chuyển"),
        ("vieejt", "việt"),
        ("HOOIJ", "hội"),
    ],
)
def test_telex_words(typed: str, word: str) -> None:
    assert decode_word(typed) == word


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("ho6i5", "hội"),
        ("hoi65", "hội"),  # marks at the end of the word
        ("nghi5", "nghị"),
        ("d9ang3", "đảng"),
        ("u7o7ng", "ương"),
        ("nguo72i", "người"),
        ("a8n", "ăn"),
    ],
)
def test_vni_words(typed: str, word: str) -> None:
    assert decode_word(typed) == word


@pytest.mark.parametrize(
    "typed",
    [
        "hoi", "nghi", "dang", "tuyen", "giao",  # plain syllables are words of their own
        "xoong", "boong", "hoa",  # "oo", "oa" spelled so in Vietnamese
        "covid", "19", "f0", "g20", "5g", "2024",  # not syllables, or numbers
        "hội", "đảng",  # already Vietnamese
        "www", "dd", "zzz", "brr",
    ],
)  # fmt: skip
def test_ordinary_words_are_left_alone(typed: str) -> None:
    assert decode_word(typed) is None


def test_a_query_keeps_its_shape() -> None:
    assert decode_query("hooij nghij") == "hội nghị"
    assert decode_query("ho6i5 nghi5") == "hội nghị"
    assert decode_query('"hooij nghij" -ddangr covid-19') == '"hội nghị" -đảng covid-19'
    assert decode_query("hoi nghi") is None
    assert decode_query("") is None


def test_syllable_shapes() -> None:
    assert all(is_syllable(w) for w in ("nghiêng", "người", "khuya", "quốc", "gìn", "oanh"))
    assert not any(is_syllable(w) for w in ("covid", "test", "str", "hoix", "ngh"))


def _article(number: int, title: str) -> Article:
    return Article(
        url=f"https://tuyengiao.vn/thoi-su/bai-{number}-{120000 + number}",
        section="Thời sự",
        title=title,
        published=Published(datetime(2024, 5, 1 + number, 8, 0, tzinfo=VN_TZ)),
        sapo="Tin địa phương.",
        author=None,
        blocks=(Paragraph("Nội dung của bài."),),
    )


def test_the_reading_is_searched_only_when_the_typed_form_finds_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path / "cache" / STORE_FILENAME) as store:
        meeting = _article(1, "Hội nghị báo cáo viên")
        store.put(meeting.url, meeting, "<html></html>")
        assert store.interpret("hooij nghij") == "hội nghị"
        assert store.interpret("ho6i5 nghi5") == "hội nghị"
        assert [h.url for h in store.search(store.interpret("hooij nghij"))] == [meeting.url]
        assert store.interpret("hoi nghi") == "hoi nghi"  # nothing to read
        # A word that is also Telex ("test" → "tét") stays as typed when it matches.
        test = _article(2, "Test phần mềm")
        store.put(test.url, test, "<html></html>")
        assert store.interpret("test") == "test"
        assert store.interpret("tesst") == "tesst"  # "tét" matches nothing either
