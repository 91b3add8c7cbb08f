"""Helpers of the page parsers: comparing block texts with folded keys (the quick tests must
agree with folding), and the C heap kept between pages."""

from __future__ import annotations

import platform
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tgreader._memory import keep_freed_memory
from tgreader.parse._dom import same_key
from tgreader.text import clean, fold_key

_WORDS = st.sampled_from(
    ["Ảnh", "ảnh", "TIN", "tin", "Đảng", "dang", "a", "Z", "9", "(", "-", "»", "\u0301",
     "\u0301\u0323", "ồ", "Hội", "nghị", "NGHỊ", "ß", "ﬁ", "x.", ":", "\u200b", "Ω"]
)  # fmt: skip
_TEXTS = st.lists(_WORDS, max_size=6).map(lambda words: clean(" ".join(words)))


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(_TEXTS, _TEXTS.map(fold_key))
@example("Hội nghị", "hoi nghi")
@example("\u0301 a", "a")
@example("Ảnh", "")
@example("\u0301", "")
def test_same_key_is_folding_then_comparing(text: str, key: str) -> None:
    assert same_key(text, key) == (fold_key(text) == key)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(_TEXTS)
def test_a_text_has_its_own_key(text: str) -> None:
    assert same_key(text, fold_key(text))


def test_freed_memory_is_kept_where_glibc_allows() -> None:
    on_glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert keep_freed_memory() is on_glibc
