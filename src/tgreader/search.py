"""Full-text search over stored articles: safe FTS5 queries, folded text and snippets.

Matching is done by SQLite FTS5 on *folded* text (no diacritics, đ → d), so "dang", "DANG"
and "Đảng" all find "Đảng" and "Dang". Snippets are cut in Python from the *original* text,
by finding the folded query terms in a folded copy whose positions map back to the
original, so what the reader sees keeps its diacritics. Highlights are offsets, never
markup, so page text cannot inject styling into the UI.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from tgreader.text import clean, fold, fold_key

__all__ = [
    "ELLIPSIS",
    "EXACT_COLUMNS",
    "FOLDED_COLUMNS",
    "NEAR_TOKENS",
    "SNIPPET_WIDTH",
    "ArticleText",
    "Phrase",
    "Query",
    "SearchHit",
    "Tier",
    "article_text",
    "build_match_query",
    "exact_for_index",
    "fold_for_index",
    "make_snippet",
    "query_phrases",
    "ranking_tiers",
    "read_query",
    "section_key",
    "url_section_keys",
]

SNIPPET_WIDTH = 160
_LEAD = 40  # characters of context kept before the first match of a snippet
_MAX_PHRASES = 64
_MAX_MATCHES = 200  # per field: enough to choose a window, bounded for huge pages
ELLIPSIS = "…"

Phrase = tuple[str, ...]

# A token is what SQLite's unicode61 tokenizer keeps: runs of letters and digits. Anything
# else (punctuation, quotes, FTS5 operators like * ^ : ( ) -, underscores) separates tokens.
_TOKEN = re.compile(r"[^\W_]+")
# Parentheses split bare words, so ``NEAR(a b)`` and ``(a OR b)`` yield their operators
# as words of their own, to be dropped.
_QUOTED_OR_BARE = re.compile(r'"([^"]*)"?|([^\s"()]+)')
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


class SearchHit(NamedTuple):
    """One search result; ``highlights`` are (start, end) offsets of matches in ``snippet``."""

    url: str
    title: str
    section: str | None
    published: str | None
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    score: float
    fetched: bool = True  # False: seen in a listing only, found by its title and sapo


class ArticleText(NamedTuple):
    """The searchable fields of an article, as original (unfolded) text."""

    title: str
    sapo: str
    body: str
    captions: str

    def folded(self) -> ArticleText:
        """The same fields folded for the index."""
        return ArticleText(
            fold_for_index(self.title),
            fold_for_index(self.sapo),
            fold_for_index(self.body),
            fold_for_index(self.captions),
        )

    def index_fields(self) -> tuple[str, ...]:
        """The index's columns: the folded fields, then the same with their diacritics."""
        return (*self.folded(), *(exact_for_index(field) for field in self))


def fold_for_index(text: str) -> str:
    """Text as it goes into the FTS index: diacritics removed and đ/Đ folded to d/D."""
    return fold(text)


def _tone_moves() -> dict[str, str]:
    """The old-style placements of a tone in an open ``oa``, ``oe`` or ``uy`` ("hòa"),
    each mapped to the new style ("hoà"): the site writes both."""
    moves: dict[str, str] = {}
    for mark in ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323"):
        for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
            old = unicodedata.normalize("NFC", first + mark) + second
            moves[old] = first + unicodedata.normalize("NFC", second + mark)
    return moves


@functools.cache
def _old_tone() -> tuple[re.Pattern[str], dict[str, str]]:
    """The old-style tones (compiled when first needed, not at every launch), and their
    new style."""
    moves = _tone_moves()
    # Only at the end of a word: in "hoàn" or "toán" both styles put the tone on the "a".
    return re.compile("(?:" + "|".join(moves) + r")(?![^\W_])"), moves


def exact_for_index(text: str) -> str:
    """Text as it goes into the index's exact columns: lower case with its diacritics, the
    tone of an open "oa", "oe", "uy" always on the second vowel ("hòa" and "hoà" alike)."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    pattern, moves = _old_tone()
    return pattern.sub(lambda m: moves[m.group()], lowered)


def article_text(parsed: Mapping[str, Any]) -> ArticleText:
    """The searchable fields of an ``Article.to_dict()``: body from text blocks, captions
    from images."""
    body: list[str] = []
    captions: list[str] = []
    for block in parsed.get("blocks") or ():
        if not isinstance(block, Mapping):
            continue
        if block.get("kind") == "image":
            if block.get("caption"):
                captions.append(str(block["caption"]))
        elif block.get("text"):
            body.append(str(block["text"]))
    return ArticleText(
        title=str(parsed.get("title") or ""),
        sapo=str(parsed.get("sapo") or ""),
        body="\n".join(body),
        captions="\n".join(captions),
    )


class Query(NamedTuple):
    """A user query as the ranking reads it."""

    phrases: tuple[Phrase, ...]  # folded: a match holds every one
    exact: tuple[Phrase, ...]  # the same phrases with their diacritics as typed
    excluded: tuple[Phrase, ...]  # folded: a match holds none (typed ``-word``)
    diacritics: bool  # whether any were typed (đ counts)


def read_query(user_query: str) -> Query:
    """Split a user query into phrases: a quoted part is one phrase, and so is each bare
    word (``COVID-19`` is the phrase ``covid 19``, as FTS5 itself would read it); a bare
    word after a minus (``-word``) is one to exclude.

    Bare upper-case ``AND``/``OR``/``NOT``/``NEAR`` are dropped: typed so, they were meant
    as operators, which tgreader does not offer; as words they would almost never match
    Vietnamese text and would empty the result. Quoted or in lower case, they are words.
    """
    phrases: list[Phrase] = []
    exact: list[Phrase] = []
    excluded: list[Phrase] = []
    for quoted, bare in _QUOTED_OR_BARE.findall(clean(user_query)):
        if bare in _OPERATORS:
            continue
        text = quoted or bare
        minus = not quoted and len(bare) > 1 and bare.startswith("-")
        tokens = tuple(_TOKEN.findall(fold_key(text)))
        if not tokens:
            continue
        if minus:
            if tokens not in excluded:
                excluded.append(tokens)
            continue
        if tokens in phrases:
            continue
        typed = tuple(_TOKEN.findall(exact_for_index(text)))
        phrases.append(tokens)
        # Letters that fold to several (or none) would misalign the two: fold them too.
        exact.append(typed if len(typed) == len(tokens) else tokens)
        if len(phrases) >= _MAX_PHRASES:
            break
    diacritics = any(e != p for e, p in zip(exact, phrases, strict=True))
    return Query(tuple(phrases), tuple(exact), tuple(excluded), diacritics)


def query_phrases(user_query: str) -> tuple[Phrase, ...]:
    """The folded phrases a match of ``user_query`` holds (see :func:`read_query`)."""
    return read_query(user_query).phrases


def _quote(phrase: Phrase) -> str:
    # Tokens are letters and digits only, so the doubling of quotes is belt and braces.
    return '"' + " ".join(phrase).replace('"', '""') + '"'


def build_match_query(user_query: str) -> str | None:
    """An FTS5 MATCH expression for ``user_query`` (every phrase quoted, all ANDed), or None
    when nothing searchable is left. User text can never be FTS5 syntax."""
    phrases = query_phrases(user_query)
    if not phrases:
        return None
    return " ".join(_quote(phrase) for phrase in phrases)


# The index's columns (see store_schema): the folded text in ``search_index``, with the
# words' positions; the same with its diacritics in ``search_exact``, which knows only which
# words each column holds (two fifths of the size: it tells whether the diacritics match).
FOLDED_COLUMNS = ("title", "sapo", "body", "captions")
EXACT_COLUMNS = ("xtitle", "xsapo", "xbody", "xcaptions")
_FOLDED = "{" + " ".join(FOLDED_COLUMNS) + "}"
_EXACT = "{" + " ".join(EXACT_COLUMNS) + "}"
NEAR_TOKENS = 10  # "near": at most this many words between the query's words


class Tier(NamedTuple):
    """One kind of match of a query: ``match`` on the folded index, and when the kind
    wants the diacritics as typed, ``exact`` on the exact index, which a match must also
    satisfy (its words as typed, in the same fields)."""

    match: str
    exact: str | None = None


def ranking_tiers(user_query: str) -> tuple[Tier, ...]:
    """The kinds of match of ``user_query``, best first; the last matches every article
    holding all the query's words (and none of its ``-words``), and every tier matches
    only such articles. Empty when nothing is searchable.

    By kind of match: the whole query as a phrase with its diacritics as typed (only when
    any were typed), as a phrase folded, then its words near one another (as typed,
    folded), then anywhere in the article as typed, then anywhere folded. Each kind in
    the title first, then in the sapo, then anywhere (see Store.search for the order
    within a tier). "As typed" is the folded kind whose fields also hold every word of
    the query with its diacritics.
    """
    query = read_query(user_query)
    if not query.phrases:
        return ()
    whole = tuple(token for phrase in query.phrases for token in phrase)
    typed = tuple(dict.fromkeys(token for phrase in query.exact for token in phrase))
    near = "NEAR({}, " + str(NEAR_TOKENS) + ")"
    every = "(" + " AND ".join(map(_quote, query.phrases)) + ")"
    kinds: list[tuple[bool, str]] = []  # (with diacritics, what to match folded)
    if query.diacritics:
        kinds.append((True, _quote(whole)))
    if len(query.phrases) > 1:
        kinds.append((False, _quote(whole)))
        if query.diacritics:
            kinds.append((True, near.format(" ".join(map(_quote, query.phrases)))))
        kinds.append((False, near.format(" ".join(map(_quote, query.phrases)))))
        if query.diacritics:
            kinds.append((True, every))
    kinds.append((False, every))
    as_typed = "(" + " AND ".join(_quote((token,)) for token in typed) + ")"
    unwanted = ""
    if query.excluded:
        unwanted = f" NOT {_FOLDED} : (" + " OR ".join(map(_quote, query.excluded)) + ")"
    fields = (("{title}", "{xtitle}"), ("{sapo}", "{xsapo}"), (_FOLDED, _EXACT))
    tiers: list[Tier] = []
    for exact, match in kinds:
        for folded_field, exact_field in fields:
            folded = f"{folded_field} : {match}"
            if unwanted:
                folded = f"({folded}){unwanted}"
            tiers.append(Tier(folded, f"{exact_field} : {as_typed}" if exact else None))
    return tuple(tiers)


def section_key(name_or_slug: str) -> str:
    """A loose key for a section: ``Thời sự``, ``thoi-su``, ``/thoi-su`` and
    ``https://tuyengiao.vn/thoi-su`` all give ``thoi-su``."""
    text = name_or_slug.strip()
    if "/" in text:
        path = urlsplit(text).path if "://" in text else text.split("?", 1)[0]
        segments = [s for s in unquote(path).split("/") if s]
        text = segments[-1] if segments else ""
    return "-".join(_TOKEN.findall(fold_key(text)))


def url_section_keys(url: str) -> list[str]:
    """Keys of the folders of an article URL (``/thoi-su/x-123`` → ``["thoi-su"]``)."""
    segments = [s for s in unquote(urlsplit(url).path).split("/") if s]
    keys = (section_key(s) for s in segments[:-1])
    return [k for k in keys if k]


# --- snippets -------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch).casefold()


@functools.cache
def _one_for_one() -> re.Pattern[str]:
    """Text made only of characters that fold one for one, on their own and in any
    company: ASCII, and the Latin letters and punctuation Vietnamese text is made of."""
    ranges = ((0x80, 0x24F), (0x1E00, 0x1EFF), (0x2000, 0x206F))
    safe = [
        chr(code)
        for low, high in ranges
        for code in range(low, high + 1)
        if len(_fold_char(chr(code))) == 1 and not unicodedata.combining(chr(code))
    ]
    return re.compile("[\x00-\x7f" + "".join(re.escape(c) for c in safe) + "]*")


def _folded_with_map(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded and case-folded, with the index in ``text`` of each folded character.

    Folding NFC Vietnamese is one character to one, but not every string is (a stray
    combining mark folds to nothing, ``ß`` case-folds to two), so the map is built per
    character rather than assumed. None stands for the identity map (ASCII text).
    """
    if text.isascii():
        return text.lower(), None
    if _one_for_one().fullmatch(text):
        # Every character folds to exactly one, and none composes with its neighbour:
        # folding the whole text (fast, in C) gives the same string, offsets unchanged.
        return fold(text).casefold(), None
    parts: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        parts.append(folded)
        index.extend([i] * len(folded))
    return "".join(parts), index


@functools.lru_cache(maxsize=64)
def _phrase_pattern(phrases: tuple[Phrase, ...]) -> tuple[re.Pattern[str], frozenset[str]]:
    """The pattern finding any of ``phrases`` as whole words, and the phrases' first words
    (every match starts with one of them)."""
    # Longer phrases first, so "hoi nghi" wins over "hoi" where both match.
    ordered = sorted(range(len(phrases)), key=lambda i: -len(phrases[i]))
    alternatives = [
        f"(?P<p{i}>" + r"[\W_]+".join(re.escape(t) for t in phrases[i]) + ")" for i in ordered
    ]
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")
    return pattern, frozenset(phrase[0] for phrase in phrases if phrase)


def _finditer(
    pattern: re.Pattern[str], starts: frozenset[str], folded: str
) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(folded)`` yields, trying the pattern only where one of the
    ``starts`` begins: str.find jumps there in C, where the regex engine would try (and
    fail at) every position of a long body in turn, several times slower."""
    positions: set[int] = set()
    for word in starts:
        at = folded.find(word)
        while at != -1:
            positions.add(at)
            at = folded.find(word, at + 1)
    end = 0
    for at in sorted(positions):
        if at < end:
            continue  # inside the previous match: finditer does not overlap matches
        match = pattern.match(folded, at)  # the lookbehind still sees folded[at - 1]
        if match is not None:
            yield match
            end = match.end()


def _matches(
    text: str, pattern: re.Pattern[str], starts: frozenset[str]
) -> list[tuple[int, int, str]]:
    """(start, end, phrase group) of each match, as offsets into the original ``text``."""
    folded, index = _folded_with_map(text)
    found: list[tuple[int, int, str]] = []
    for match in _finditer(pattern, starts, folded):
        start, end = match.span()
        if index is not None:
            start, end = index[start], index[end - 1] + 1
        # Keep combining marks that follow the match (text that was not NFC) inside it.
        while end < len(text) and _fold_char(text[end]) == "":
            end += 1
        found.append((start, end, match.lastgroup or ""))
        if len(found) >= _MAX_MATCHES:
            break
    return found


def _window(text: str, anchor: int, width: int) -> tuple[int, int]:
    # Some context before the match, but never less text than fits when near the end.
    start = min(max(0, anchor - _LEAD), max(0, len(text) - width))
    if start > 0:
        space = text.find(" ", start, anchor)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", anchor + 1, end)
        end = space if space != -1 else end
    return start, end


def make_snippet(
    fields: Iterable[str],
    phrases: Sequence[Phrase],
    width: int = SNIPPET_WIDTH,
    *,
    prefer: Phrase | None = None,
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About ``width`` characters of original text around the best match, and the offsets of
    the matches in it. Fields are tried in order: the first holding ``prefer`` (the whole
    query as a phrase) is cut around it; else the window covering the most distinct
    phrases wins. Without any match, the start of the first non-empty field."""
    # Block separators become spaces (one character for one: offsets stay valid), so the
    # window is cut at word boundaries across paragraphs too and the snippet is one line.
    texts = [t.replace("\n", " ") for t in fields if t]
    if not texts:
        return "", ()
    if prefer and len(prefer) > 1:
        pattern, first_words = _phrase_pattern((prefer, *phrases))
        for text in texts:
            found = _matches(text, pattern, first_words)
            at = next((start for start, _end, group in found if group == "p0"), None)
            if at is not None:
                lo, hi = _window(text, at, width)
                # Highlighted word by word, as everywhere else.
                return _cut(text, lo, hi, _matches(text, *_phrase_pattern(tuple(phrases))))
    best: tuple[int, int, int, list[tuple[int, int, str]]] | None = None  # (count, i, anchor)
    if phrases:
        pattern, first_words = _phrase_pattern(tuple(phrases))
        for i, text in enumerate(texts):
            found = _matches(text, pattern, first_words)
            # No window of this field can hold more phrases than the field does.
            reachable = len({group for _s, _e, group in found})
            if best is not None and reachable <= best[0]:
                continue
            starts = [start for start, _end, _group in found]
            for start, _end, _group in found:
                lo, hi = _window(text, start, width)
                groups = set()
                # Only the matches that start inside the window can lie inside it.
                for k in range(bisect.bisect_left(starts, lo), len(found)):
                    s, e, g = found[k]
                    if s > hi:
                        break
                    if e <= hi:
                        groups.add(g)
                if best is None or len(groups) > best[0]:
                    best = (len(groups), i, start, found)
                    if best[0] == reachable:
                        break  # all this field has in view: no later window does better
            if best is not None and best[0] == len(phrases):
                break  # later fields are not even folded
    if best is None:
        text = texts[0]
        lo, hi = _window(text, 0, width)
        return _cut(text, lo, hi, [])
    _count, i, anchor, found = best
    text = texts[i]
    lo, hi = _window(text, anchor, width)
    return _cut(text, lo, hi, found)


def _cut(
    text: str, lo: int, hi: int, found: list[tuple[int, int, str]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    prefix = ELLIPSIS if lo > 0 else ""
    suffix = ELLIPSIS if hi < len(text) else ""
    snippet = prefix + text[lo:hi] + suffix
    shift = len(prefix) - lo
    spans: list[tuple[int, int]] = []
    for start, end, _group in found:
        start, end = max(start, lo), min(end, hi)
        if start >= end:
            continue
        span = (start + shift, end + shift)
        if spans and span[0] <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], span[1]))
        else:
            spans.append(span)
    return snippet, tuple(spans)
