"""Who wrote an article: the byline forms of the site's closing blocks (a prefix form, a
name in capitals, initials, a bold name with its job title on the next line)."""

from __future__ import annotations

import re

from tgreader.text import clean, clean_word_count, fold_key, is_upper_text

__all__ = ["are_names", "byline", "is_author_line", "is_name"]

_AUTHOR_MAX_WORDS = 10
_AUTHOR_PREFIX = re.compile(
    r"^\(?\s*(tin|bai|anh|video|clip|do hoa|nguon|theo|thuc hien|nhom pv|nhom phong vien|pv|"
    r"ctv|phong vien|bien tap|trinh bay)(\s*(,|va|&|\+|-)\s*(tin|bai|anh|video|clip|do hoa))*"
    r"\s*[:：]",
)
_AUTHOR_SOURCE = re.compile(r"^\(?\s*(theo|nguon)\s+\S")
_BYLINE_TITLE_MAX_WORDS = 16  # "Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau" has 10
_NAME_MAX_WORDS = 5


def byline(lines: list[tuple[str, bool]]) -> str | None:
    """The author a body's closing block names, from its lines (split at ``<br>``), each
    with whether all of it is bold; None when the block is no byline.

    A byline is a prefix form (``Tin, ảnh: …``, ``Theo TTXVN``), an upper-case name,
    initials (``N.L``), or a bold name (``Thu Hằng``, ``TG``), optionally followed on the
    next line by a short job title (kept as ``Name, Title``). A sentence or a heading is
    none of these: they hold lower-case words, or end a sentence.
    """
    lines = [(clean(text), bold) for text, bold in lines if clean(text)]
    if not lines or len(lines) > 3:
        return None
    (first, bold), rest = lines[0], lines[1:]
    named = is_author_line(first) or (bold and are_names(first))
    if not named or not rest:
        return first if named else None
    title = ", ".join(text.strip(" ,") for text, _ in rest)
    if (
        clean_word_count(title) > _BYLINE_TITLE_MAX_WORDS
        or title.endswith((".", "!", "?", ":", ";"))
        # Only a bold or upper-case name says what the line under it is.
        or not (bold or is_upper_text(first))
    ):
        return None
    return f"{first}, {title}"


_NAME_SEPARATORS = re.compile(r"\s+(?:-|–|&|và)\s+|\s*,\s*")
_NAMES_MAX = 3


def are_names(text: str) -> bool:
    """True for one to three names (see :func:`is_name`) joined by ``-``, ``–``, ``&``,
    ``và`` or commas: ``Nhật Minh - Thu Hằng``."""
    parts = _NAME_SEPARATORS.split(text)
    return len(parts) <= _NAMES_MAX and all(is_name(part) for part in parts)


def is_name(text: str) -> bool:
    """True for a short name whose every word is capitalised: ``Thu Hằng``, ``T. Thanh``,
    ``V.Anh``, ``LÝ ROTHA``, ``TG``. Only an initial (one letter) may end with a dot."""
    words = text.split()
    if not 1 <= len(words) <= _NAME_MAX_WORDS:
        return False
    letters = 0
    for word in words:
        pieces = word.split(".")
        if len(pieces) > 1 and not pieces[-1]:
            pieces.pop()
            if len(pieces[-1]) != 1:
                return False  # a full stop after a word: a sentence, not a name
        for piece in pieces:
            if not piece.isalpha() or not piece[0].isupper():
                return False
            letters += len(piece)
    return letters >= 2


def _initials(text: str) -> bool:
    """``N.L``, ``N.KHANH``, ``T. Thanh``: a name that starts with an initial and a dot."""
    return len(text) >= 3 and text[0].isupper() and text[1] == "." and is_name(text)


def is_author_line(text: str) -> bool:
    """True for a byline that needs no markup to be seen: ``Tin, ảnh: THẾ HOÀNG``,
    ``Theo TTXVN``, a name in capitals, initials (``N.L``)."""
    text = clean(text)
    words = clean_word_count(text)
    if not text or words > _AUTHOR_MAX_WORDS or text.endswith(("…/.", "/.")):
        return False
    key = fold_key(text)
    if _AUTHOR_PREFIX.match(key):
        return True
    source = _AUTHOR_SOURCE.match(key)
    if source and words <= 6:
        # "Theo TTXVN", "Theo nhandan.com.vn", "Theo Báo Quân đội nhân dân": a source is a
        # proper name or a domain; "Theo dòng sự kiện" (a heading) is neither.
        named = text.strip(" ()").split(None, 1)[-1].strip(" ()")
        proper = named[:1].isupper() and not any(c in named for c in ",;!?…")
        if (proper and not named.endswith(".")) or (" " not in named and "." in named.strip(".")):
            return True
    if words <= 3 and _initials(text):
        return True
    letters = [ch for ch in text if ch.isalpha()]
    return words <= 6 and len(letters) >= 4 and is_upper_text(text.split(":")[-1])
