"""The headings of the blocks that follow an article ("Các tin khác", "Xem nhiều"), and one
test of an element's text against them, cheap for the many elements that are none of them.

Every element of a page may be asked, and most are plainly no heading: too long, or starting
or ending with a letter no heading does. Only the rest are cleaned and folded.
"""

from __future__ import annotations

from collections.abc import Iterable

from selectolax.lexbor import LexborNode

from tgreader.parse._dom import erasable_words
from tgreader.text import clean, clean_word_count, fold_key

__all__ = ["MAX_CHARS", "OTHER_TRAILING", "PUNCTUATION", "RELATED", "TRAILING", "Headings"]

# What a heading may carry at either end: "» Tin liên quan:", "- ĐỌC THÊM -".
PUNCTUATION = " :.-–—»›>"
# A heading's text, trimmed, is never longer than this (the keys are 4 to 19 characters; the
# rest is room for white space inside).
MAX_CHARS = 120


class Headings:
    """A set of folded, lower-case headings, and the test of a text or a node against it."""

    __slots__ = ("_firsts", "_lasts", "_max_words", "_min_words", "keys")

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = frozenset(keys)
        self._firsts = frozenset(key[0] for key in self.keys)
        self._lasts = frozenset(key[-1] for key in self.keys)
        self._min_words = min(len(key.split()) for key in self.keys)
        self._max_words = max(len(key.split()) for key in self.keys)

    def matches(self, raw: str) -> bool:
        """True when ``raw`` (text as the page gives it) cleaned, folded and trimmed of
        :data:`PUNCTUATION` is one of the headings."""
        text = raw.strip().strip(PUNCTUATION)
        if not text or len(text) > MAX_CHARS:
            return False
        # Folding keeps a plain ASCII letter or digit (but for case), so one at either end
        # must be a heading's first or last letter. Anything else there (a mark, a control,
        # an accented letter, stray punctuation) is left to the full test.
        for char, allowed in ((text[0], self._firsts), (text[-1], self._lasts)):
            if char.isascii() and char.isalnum() and char.lower() not in allowed:
                return False
        own = clean(raw)
        # Folding never splits a word and only erases words that start with no letter or
        # digit: skip a text whose key cannot have as many words as a heading.
        words = clean_word_count(own)
        if words < self._min_words:
            return False
        if words > self._max_words and words - erasable_words(own) > self._max_words:
            return False
        return fold_key(own).strip(PUNCTUATION) in self.keys

    def is_heading(self, node: LexborNode) -> bool:
        """True when the whole text of ``node`` is one of the headings."""
        return self.matches(node.text(deep=True))


# The headings of the related-links block, which the reader follows.
RELATED = Headings(
    {
        "cac tin khac", "tin lien quan", "tin khac", "bai viet lien quan", "bai lien quan",
        "cac bai viet khac", "tin cung chuyen muc", "tin bai lien quan", "doc them",
        "xem them", "cac bai khac",
    }
)  # fmt: skip
# Every block that follows an article and is not part of it.
TRAILING = Headings(
    RELATED.keys
    | {
        "phan hoi", "gui phan hoi", "y kien ban doc", "binh luan", "moi nhat", "tin moi nhat",
        "xem nhieu", "doc nhieu", "tin doc nhieu", "tin xem nhieu", "thu vien anh",
        "lien ket website", "lien ket", "chia se", "in bai viet", "tags", "tu khoa",
        "gui email", "video", "multimedia", "tieu diem", "noi bat",
    }
)  # fmt: skip
OTHER_TRAILING = Headings(TRAILING.keys - RELATED.keys)
