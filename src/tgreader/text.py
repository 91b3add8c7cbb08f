"""Text helpers: NFC normalisation, whitespace, diacritic folding and Vietnamese dates."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from functools import cache

__all__ = [
    "VN_TZ",
    "clean",
    "clean_word_count",
    "fold",
    "fold_key",
    "is_upper_text",
    "parse_vn_datetime",
    "strip_controls",
    "without_agency_tag",
    "word_count",
]

VN_TZ = timezone(timedelta(hours=7), "UTC+07:00")

# C0/C1 controls (ESC included) and every format character (Unicode category Cf: bidi
# overrides and isolates, zero-width characters, the BOM, the soft hyphen, Arabic and
# Syriac marks, interlinear annotation, tag characters), and the Hangul fillers (letters
# that show as nothing): none is ever meaningful in a news article shown in a terminal,
# and terminals and Rich disagree on how wide they are. The Cf list is Unicode 14's, spelt
# out (building it at import would look at every code point); tests/unit/test_text.py
# checks it against unicodedata. Those beyond the BMP (tag characters…) have their own
# expression: in one class with the others, they made it four times slower on all text.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ufff9-\ufffb\u115f\u1160\u3164\uffa0]"
)
_ASTRAL_FORMAT = re.compile(
    "[\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def _has_filler(text: str) -> bool:
    """True when ``text`` holds a Hangul filler: printable (str.isprintable), yet dropped.

    Four ``in`` tests (memchr in C) take a fifth of the time of a regex search.
    """
    return "\u3164" in text or "\u115f" in text or "\u1160" in text or "\uffa0" in text


def strip_controls(text: str) -> str:
    """Remove control and format (bidi, zero-width, tag…) characters and Hangul fillers."""
    return _ASTRAL_FORMAT.sub("", _CONTROLS.sub("", text))


def clean(text: str | None) -> str:
    """NFC-normalise, drop control characters and collapse whitespace (NBSP included)."""
    if not text:
        return ""
    if (
        text.isprintable()
        and "  " not in text
        and text[0] != " "
        and text[-1] != " "
        and (text.isascii() or not _has_filler(text))
    ):
        # Printable means no control, format (zero-width, bidi) or separator character but
        # the ASCII space: nothing to drop, and words already one space apart. Most text
        # is like this, and splitting it into words and joining them again took most of
        # the time of a paragraph.
        return unicodedata.normalize("NFC", text)
    # A carriage return separates words; the other controls it sits among are dropped.
    # Dropped before NFC: one between a letter and its mark would keep them from composing.
    text = unicodedata.normalize("NFC", _CONTROLS.sub("", text.replace("\r", " ")))
    # str.split() splits on exactly what the regex \s matches (NBSP included), several
    # times faster than a regex substitution.
    text = " ".join(text.split())
    if not text.isprintable():
        # Rare: a format character beyond the BMP (all are non-printable), or a private
        # use one. Only then the slower expression, and NFC and the spaces again.
        text = unicodedata.normalize("NFC", _ASTRAL_FORMAT.sub("", text))
        text = " ".join(text.split())
    return text


_FOLD_EXTRA = (("đ", "d"), ("Đ", "D"), ("ð", "d"), ("Ð", "D"))
# The eight combining marks Vietnamese letters decompose into (grave, acute, circumflex,
# tilde, breve, hook above, horn, dot below). str.replace of each is several times faster
# than a regex or translate over the text, and leaves Vietnamese text ASCII, so the general
# rule below (any combining mark, any script) only runs on text that still needs it.
# Anything but ASCII and the combining diacritical marks (U+034F is not a mark: ccc 0).
_NOT_ASCII_OR_MARK = re.compile("[^\x00-\x7f\u0300-\u034e\u0350-\u036f]")
_NOT_ASCII = re.compile("[^\x00-\x7f]")
_VIETNAMESE_MARKS = ("\u0300", "\u0301", "\u0302", "\u0303", "\u0306", "\u0309", "\u031b", "\u0323")


def fold(text: str) -> str:
    """Remove diacritics, folding đ/Đ to d/D (which Unicode decomposition does not do)."""
    if text.isascii():
        return text
    for letter, plain in _FOLD_EXTRA:
        if letter in text:
            text = text.replace(letter, plain)
    decomposed = unicodedata.normalize("NFD", text)
    if _NOT_ASCII_OR_MARK.search(decomposed) is None:
        # Only ASCII and combining marks: dropping every non-ASCII character drops the marks.
        return decomposed.encode("ascii", "ignore").decode("ascii")
    for mark in _VIETNAMESE_MARKS:
        if mark in decomposed:
            decomposed = decomposed.replace(mark, "")
    # What is left is mostly punctuation (quotes, dashes): look at those characters only.
    others = _NOT_ASCII.findall(decomposed)
    if not others:
        return decomposed
    marks = {ch for ch in others if unicodedata.combining(ch)}
    if marks:
        decomposed = decomposed.translate(dict.fromkeys(map(ord, marks)))
    return unicodedata.normalize("NFC", decomposed)


def fold_key(text: str) -> str:
    """Fold diacritics and case, and collapse whitespace: a key for loose comparisons."""
    folded = fold(text)
    # For ASCII, casefold() is lower(), which is twice as fast.
    return " ".join((folded.lower() if folded.isascii() else folded.casefold()).split())


def find_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text``, ignoring case and diacritics (``hoi nghi`` finds
    "Hội nghị", ``dang`` finds "Đảng"): (start, end) offsets into ``text`` itself.

    Each character of NFC text is folded on its own, so the offsets map back one to one.
    """
    needle = " ".join(fold(query).casefold().split())
    if not needle or not text:
        return []
    folded = "".join((fold(ch).casefold()[:1] or ch) if not ch.isspace() else " " for ch in text)
    spans: list[tuple[int, int]] = []
    start = folded.find(needle)
    while start != -1:
        spans.append((start, start + len(needle)))
        start = folded.find(needle, start + len(needle))
    return spans


def word_count(text: str) -> int:
    """Count whitespace-separated words."""
    return len(text.split())


def clean_word_count(text: str) -> int:
    """:func:`word_count` of a text :func:`clean` made (one space between words, none at
    the ends): counted in C, without a list of the words."""
    return text.count(" ") + 1 if text else 0


def is_upper_text(text: str) -> bool:
    """True when the text has at least four letters and every cased letter is upper-case."""
    # str.isupper: some cased character, and none lower-case (in C, where the old letter-by-
    # letter loop spent most of a short paragraph's time).
    return text.isupper() and sum(map(str.isalpha, text)) >= 4


# The tag a sapo opens with on the site: the source's abbreviation in capitals and in
# brackets, a dash or none after it ("(TG) - ", "(TG)- ", "(TG) – ", "(TTXVN) ").
_AGENCY_TAG = r"\(\s*[A-ZĐ]{2,8}\s*\)\s*[-–—:]?\s*"


def without_agency_tag(sapo: str) -> str:
    """``sapo`` without the agency's tag it opens with ("(TG) - Sáng 12/11, …" gives "Sáng
    12/11, …"): in a list row, where there is little room after the date, the tag says
    nothing (most of tuyengiao.vn's own sapos open with "(TG)"). Unchanged when it is all
    tag."""
    tag = re.match(_AGENCY_TAG, sapo)
    return sapo[tag.end() :] if tag is not None and tag.end() < len(sapo) else sapo


@cache
def _date_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The date, ISO 8601 and time patterns, compiled at the first date read rather than at
    launch (the reader's first screen reads none)."""
    return (
        re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)"),
        re.compile(
            r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
            r"\s*(Z|[+-]\d{2}:?\d{2})?)?"
        ),
        re.compile(r"(?<!\d)(\d{1,2})\s*[:hH]\s*(\d{2})(?!\d)"),
    )


def parse_vn_datetime(text: str | None) -> tuple[datetime, bool] | None:
    """Find a date in ``text`` and return it as an aware datetime and whether a time was found.

    Accepts the site's ``Thứ Năm, 13/4/2023 7:53'(GMT+7)``, ``13/04/2023 - 07:53``,
    ``07:53 13/4/2023`` and ISO 8601. Dates without a zone are taken as UTC+7; dates with
    a zone are converted to UTC+7. Returns None when no valid date is present.
    """
    if not text:
        return None
    text = clean(text)
    date_re, iso_re, time_re = _date_patterns()
    iso = iso_re.search(text)
    if iso and not date_re.search(text):
        return _from_iso(iso)
    match = date_re.search(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        date = datetime(year, month, day, tzinfo=VN_TZ)
    except ValueError:
        return None
    # The time is the H:mm right after the date, else right before it (Gen A listings).
    after = time_re.search(text, match.end(), match.end() + 12)
    before = None
    for candidate in time_re.finditer(text, max(0, match.start() - 12), match.start()):
        before = candidate
    found = after or before
    if found:
        hour, minute = int(found.group(1)), int(found.group(2))
        if hour < 24 and minute < 60:
            return date.replace(hour=hour, minute=minute), True
    return date, False


# Dates at the edges of datetime's range overflow when moved to another zone (year 1 at
# UTC+7 is before datetime.min in UTC): no news article is dated there.
_MIN_YEAR, _MAX_YEAR = 2, 9998


def _from_iso(match: re.Match[str]) -> tuple[datetime, bool] | None:
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    has_time = match.group(4) is not None
    hour = int(match.group(4) or 0)
    minute = int(match.group(5) or 0)
    second = int(match.group(6) or 0)
    zone = match.group(7)
    tz: timezone = VN_TZ
    if zone == "Z":
        tz = UTC
    elif zone:
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            return None  # no zone is a day or more away from UTC (timezone() refuses it)
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        value = datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return None
    return value.astimezone(VN_TZ), has_time
