"""Text helpers: NFC, control characters, folding, Vietnamese dates."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgreader.model import Published
from tgreader.text import (
    clean,
    fold,
    fold_key,
    is_upper_text,
    parse_vn_datetime,
    strip_controls,
    without_agency_tag,
)


def test_clean_normalises_to_nfc_and_collapses_spaces() -> None:
    decomposed = unicodedata.normalize("NFD", "Hội  nghị\u00a0 cấp\n ủy")
    assert clean(decomposed) == "Hội nghị cấp ủy"
    assert unicodedata.is_normalized("NFC", clean(decomposed))


def test_clean_strips_escapes_bidi_and_zero_width() -> None:
    assert clean("a\x1b[31mb\u202ec\u200bd\x07") == "a[31mbcd"


def _format_characters() -> list[str]:
    """Every character of Unicode category Cf in this Python's Unicode database."""
    return [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]


def test_clean_drops_every_format_character_and_the_hangul_fillers() -> None:
    dropped = [*_format_characters(), "\u115f", "\u1160", "\u3164", "\uffa0"]
    assert len(dropped) > 100  # the soft hyphen, U+061C, U+206A-F, U+FFF9-B, tags...
    # Alone between two letters, in Vietnamese text (the slow path) and in ASCII text.
    kept = [ch for ch in dropped if clean(f"Hội{ch}nghị") != "Hộinghị"]
    kept += [ch for ch in dropped if clean(f"a{ch}b") != "ab" or strip_controls(ch) != ""]
    assert kept == []


def test_clean_keeps_the_visible_characters_around_a_filler() -> None:
    # Nothing visible is dropped: letters, marks, CJK and the Hangul syllables around a filler.
    assert clean("한\u3164글 漢字 Đà Nẵng ๑") == "한글 漢字 Đà Nẵng ๑"


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đảng", "Dang"), ("Hội nghị", "Hoi nghi"), ("đoàn", "doan"), ("ĐẨY MẠNH", "DAY MANH")],
)
def test_fold_removes_diacritics_and_d_stroke(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_key_ignores_case() -> None:
    assert fold_key("  Các TIN  khác ") == "cac tin khac"


def test_upper_case_detection() -> None:
    assert is_upper_text("TĂNG CƯỜNG CÔNG TÁC ĐẤU TRANH")
    assert not is_upper_text("Tăng cường công tác")
    assert not is_upper_text("XII")  # too short to be a heading by itself


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Thứ Năm, 13/4/2023 7:53'(GMT+7)", "2023-04-13T07:53:00+07:00"),
        ("Thứ Hai, 19/01/2026 09:05", "2026-01-19T09:05:00+07:00"),
        ("07:53 13/4/2023", "2023-04-13T07:53:00+07:00"),
        ("13/04/2023", "2023-04-13"),
        ("2026-01-19T02:00:00.000Z", "2026-01-19T09:00:00+07:00"),
        ("2023-04-13T07:53:00+07:00", "2023-04-13T07:53:00+07:00"),
    ],
)
def test_dates(text: str, iso: str) -> None:
    found = parse_vn_datetime(text)
    assert found is not None
    assert Published(*found).isoformat() == iso


@pytest.mark.parametrize("text", ["", "Thứ hai, công tác", "31/2/2023", "ngày hôm qua"])
def test_no_date(text: str) -> None:
    assert parse_vn_datetime(text) is None


def test_vietnamese_date_form() -> None:
    found = parse_vn_datetime("Thứ Năm, 13/4/2023 7:53'(GMT+7)")
    assert found is not None
    assert Published(*found).vietnamese() == "Thứ Năm, 13/4/2023 07:53"
    day_only = parse_vn_datetime("13/4/2023")
    assert day_only is not None
    assert Published(*day_only).vietnamese() == "Thứ Năm, 13/4/2023"


def _clean_by_definition(text: str) -> str:
    # What clean() is defined to do, step by step (its fast path must agree).
    if not text:
        return ""
    text = unicodedata.normalize("NFC", strip_controls(text.replace("\r", " ")))
    return " ".join(text.split())


_CLEAN_ALPHABET = list(
    "aăâđeêoơưy AĐ\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u200a\u200b\u200f\u2028"
    "\u2029\u202f\u205f\u3000\ufeff\u202e\u2066\x00\x1b\x7f\x9f\u00ad\u061c\ue000.,-"
    "\u0300\u0301\u0303\u0309\u0323"
)


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_CLEAN_ALPHABET), max_size=12).map("".join))
def test_clean_is_nfc_without_controls_and_single_spaced(text: str) -> None:
    assert clean(text) == _clean_by_definition(text)


_REAL_2020 = Path(__file__).parent.parent / "fixtures" / "real2020" / "expected.json"


def test_the_agency_tag_goes_from_every_real_sapo_and_nothing_else_does() -> None:
    # The real sapos of November 2020: "(TG) - ", "(TG)- ", "(TG) – ", "(TG) " and none.
    sapos = [a["sapo"] for a in json.loads(_REAL_2020.read_text("utf-8"))["articles"]]
    tagged = [s for s in sapos if s.startswith("(TG)")]
    assert len(tagged) >= 15 and len(sapos) - len(tagged) >= 5
    for sapo in sapos:
        shown = without_agency_tag(sapo)
        assert sapo.endswith(shown)
        if sapo in tagged:
            assert shown[0].isupper() and "TG" not in shown[:4], shown
        else:
            assert shown == sapo


@pytest.mark.parametrize(
    ("sapo", "shown"),
    [
        ("(TG) - Sáng 12/11, tại Hà Nội", "Sáng 12/11, tại Hà Nội"),
        ("(TG) – Sáng 13/11, Đại hội", "Sáng 13/11, Đại hội"),
        ("(TG)- Ngày 19/11", "Ngày 19/11"),
        ("(TG) Kỷ niệm ngày Nhà giáo", "Kỷ niệm ngày Nhà giáo"),
        ("(TTXVN) - Chiều 3/12", "Chiều 3/12"),
        ("(ĐCSVN) - Sáng nay", "Sáng nay"),
        ("(TG) - ", "(TG) - "),  # all tag: left as it is
        ("Mặt trận Tổ quốc (MTTQ) - các cấp", "Mặt trận Tổ quốc (MTTQ) - các cấp"),
        ("(Ảnh minh họa) Người dân", "(Ảnh minh họa) Người dân"),  # not capitals
        ("(tg) - chữ thường", "(tg) - chữ thường"),
    ],
)
def test_only_an_opening_tag_in_capitals_goes(sapo: str, shown: str) -> None:
    assert without_agency_tag(sapo) == shown
