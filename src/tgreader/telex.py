"""Vietnamese typed as Telex or VNI without an input method: ``hooij nghij`` and
``ho6i5 nghi5`` are "hội nghị".

Pure functions. A word is read as Telex or VNI only when it holds their keys (a tone key
after a vowel, a doubled vowel, ``w``, ``dd``, a digit 1-9 after a letter) and what they
make is a well-formed Vietnamese syllable; a plain syllable ("xoong", "hoi") or any
other word is left alone. Whether the reading is used is the search's choice (see
:meth:`tgreader.store.Store.interpret`).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["decode_query", "decode_word", "is_syllable"]

_ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
# Vowel groups of Vietnamese rhymes, written without marks.
_NUCLEI = frozenset(
    (
        "a", "e", "i", "o", "u", "y", "ai", "ao", "au", "ay", "eo", "eu", "ia", "ie", "iu",
        "oa", "oai", "oay", "oe", "oi", "oo", "ua", "ue", "ui", "uo", "uoi", "uou", "uu",
        "uy", "uya", "uye", "uyu", "ye", "yeu", "ieu",
    )
)  # fmt: skip
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t", "")
_VOWELS = "aăâeêioôơuưy"
_PLAIN = str.maketrans("ăâêôơưđ", "aaeooud")

_TONE_MARKS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"o": "ơ", "u": "ư"}
_WORD = re.compile(r"[A-Za-z0-9]+")


def _split(plain: str) -> tuple[str, str, str] | None:
    """(onset, vowels, final) of a syllable written without marks, or None."""
    for onset in _ONSETS:
        if not plain.startswith(onset):
            continue
        rest = plain[len(onset) :]
        if onset in ("gi", "qu") and (not rest or rest[0] not in "aeiouy"):
            continue  # "gì", "gìn": the "i" is the vowel; "qu" needs one after it
        for final in _FINALS:
            vowels = rest[: len(rest) - len(final)] if final else rest
            if rest.endswith(final) and vowels in _NUCLEI:
                return onset, vowels, final
    return None


def is_syllable(word: str) -> bool:
    """True when ``word`` (lower case, marks allowed) is shaped like a Vietnamese syllable."""
    plain = unicodedata.normalize("NFD", word.translate(_PLAIN))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _split(plain) is not None


def _place_tone(word: str, tone: str) -> str:
    """``word`` (lower case, vowel marks done) with ``tone`` on the vowel that carries it."""
    plain = word.translate(_PLAIN)
    parts = _split(plain)
    if parts is None:
        return word
    onset, vowels, final = parts
    start = len(onset)
    marked = [i for i in range(start, start + len(vowels)) if word[i] in "ăâêôơư"]
    if marked:
        at = marked[-1]  # "ươ": the "ơ"
    elif final or len(vowels) == 1:
        at = start + len(vowels) - 1  # "hoàn", "toán"
    elif len(vowels) == 2:
        at = start  # "hòa", "mùa", "tài": the site's (older) placement
    else:
        at = start + 1  # "ngoài", "khuya"
    return word[:at] + unicodedata.normalize("NFC", word[at] + tone) + word[at + 1 :]


def _telex(word: str) -> str | None:
    first_vowel = next((i for i, ch in enumerate(word) if ch in "aeiouy"), None)
    if first_vowel is None:
        return None
    tone = ""
    letters = word[:first_vowel]
    for ch in word[first_vowel:]:
        if ch in _TONE_MARKS:
            tone = _TONE_MARKS[ch]  # after a vowel these never spell a sound
        elif ch != "z":
            letters += ch
    if letters.startswith("dd"):
        letters = "đ" + letters[2:]
    for plain, marked in _CIRCUMFLEX.items():
        letters = letters.replace(plain + plain, marked)
    if "w" in letters:
        letters = letters.replace("w", "")
        if "uo" in letters:
            letters = letters.replace("uo", "ươ", 1)
        elif "o" in letters:
            letters = letters.replace("o", "ơ", 1)
        elif "u" in letters:
            letters = letters.replace("u", "ư", 1)
        elif "a" in letters:
            letters = letters.replace("a", "ă", 1)
        else:
            return None
    return _finish(word, letters, tone)


def _vni(word: str) -> str | None:
    letters, tone = "", ""
    for ch in word:
        if ch in _VNI_TONES:
            tone = _VNI_TONES[ch]
        elif ch in "6789":
            table = {"6": _CIRCUMFLEX, "7": _HORN, "8": {"a": "ă"}, "9": {"d": "đ"}}[ch]
            at = max((i for i, c in enumerate(letters) if c in table), default=-1)
            if at < 0:
                return None
            if ch == "7" and letters[at - 1 : at + 1] == "uo":
                letters = letters[: at - 1] + "ươ" + letters[at + 1 :]  # "u7o7", "uo7"
            else:
                letters = letters[:at] + table[letters[at]] + letters[at + 1 :]
        elif ch.isdigit():
            return None
        else:
            letters += ch
    return _finish(word, letters, tone)


def _finish(word: str, letters: str, tone: str) -> str | None:
    if not is_syllable(letters):
        return None
    decoded = _place_tone(letters, tone) if tone else letters
    return decoded if decoded != word else None


def decode_word(word: str) -> str | None:
    """The syllable ``word`` spells in Telex or VNI, or None when it is not such a word (or
    is a plain syllable already: "xoong", "hoi")."""
    lowered = word.lower()
    if not lowered.isascii() or not lowered.isalnum():
        return None
    if lowered.isalpha():
        if is_syllable(lowered) and not any(lowered.endswith(k) for k in "sfrxj"):
            return None  # "xoong", "hoa": words of their own, not keys
        return _telex(lowered)
    if lowered[0].isdigit() or lowered.isdigit():
        return None  # "19", "5g": numbers, not keys
    return _vni(lowered)


def decode_query(query: str) -> str | None:
    """``query`` with every Telex or VNI word spelled out ("hooij nghij" → "hội nghị"),
    quotes, minus signs and spaces kept; None when no word changes."""
    changed = False

    def spell(match: re.Match[str]) -> str:
        nonlocal changed
        decoded = decode_word(match.group())
        if decoded is None:
            return match.group()
        changed = True
        return decoded

    spelled = _WORD.sub(spell, query)
    return spelled if changed else None
