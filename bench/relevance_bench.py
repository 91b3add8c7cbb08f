"""Search relevance: mean average precision (MAP) of the ranking over a judged query set.

The articles: the demo site's, and the 30 real articles of November 2020 in
``../shared/site/real-2020`` (``expected.json`` for URL, title, date and sapo;
``articles.csv`` for the body, its html2text markup removed). The queries: 24, half typed
with diacritics and half without. An article is relevant to a query when it holds the
query as a phrase (its words adjacent and in order, punctuation between them allowed):
with the diacritics as typed when any are typed (lower case, NFC), folded otherwise. The
judgement reads the articles' text, never the index.

Average precision of a query: the mean, over its relevant articles, of the precision of
the ranking at the rank of each (a relevant article not returned counts 0); MAP is the
mean over queries. Every query of the set has at least one relevant article.

    python bench/relevance_bench.py [--json] [--site-root ../shared/site]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, Result, run_json

WITH_DIACRITICS = (
    "hội nghị", "đang", "Đảng", "báo cáo viên", "chuyển đổi số", "tuyên giáo",
    "nền tảng tư tưởng", "Mặt trận Tổ quốc", "đại đoàn kết", "văn hóa", "Hà Nội", "bảo vệ",
)  # fmt: skip
WITHOUT = (
    "hoi nghi", "dang", "bao cao vien", "chuyen doi so", "tuyen giao", "nen tang tu tuong",
    "mat tran to quoc", "dai doan ket", "van hoa", "ha noi", "bao ve", "quoc hoi",
)  # fmt: skip
QUERIES = WITH_DIACRITICS + WITHOUT
TARGET = 0.97
REAL = REPO.parent / "shared" / "site" / "real-2020"
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\*\*|(?<!\w)_|_(?!\w)|^[-|\s]+$", re.MULTILINE)
_WORD = re.compile(r"[^\W_]+")


def real_articles(root: Path = REAL) -> list[Any]:
    """The real articles as models: text from ``articles.csv``, facts from expected.json."""
    from tgreader.model import Article, Paragraph, Published
    from tgreader.text import VN_TZ, clean

    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))["articles"]
    with (root / "articles.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    articles = []
    for facts, row in zip(expected, rows, strict=True):
        paragraphs = [clean(_MARKUP.sub(" ", p)) for p in row["body"].split("\n\n")]
        day = datetime.fromisoformat(facts["published_day"]).replace(hour=8, tzinfo=VN_TZ)
        articles.append(
            Article(
                url=facts["url"],
                section=None,
                title=facts["title"],
                published=Published(day),
                sapo=facts["sapo"],
                author=None,
                blocks=tuple(Paragraph(p) for p in paragraphs if p),
            )
        )
    return articles


def _tokens(text: str, diacritics: bool) -> list[str]:
    from tgreader.text import fold_key

    return _WORD.findall(text.lower() if diacritics else fold_key(text))


def _holds(text_tokens: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(text_tokens[i : i + n] == phrase for i in range(len(text_tokens) - n + 1))


def judge(texts: dict[str, str], query: str) -> set[str]:
    """The URLs of the articles relevant to ``query`` (see the module doc)."""
    from tgreader.text import fold_key

    diacritics = fold_key(query) != query.lower()
    phrase = _tokens(query, diacritics)
    return {url for url, text in texts.items() if _holds(_tokens(text, diacritics), phrase)}


def average_precision(ranking: list[str], relevant: set[str]) -> float:
    """Average precision of ``ranking`` for the ``relevant`` set (0 when it is empty)."""
    found, total = 0, 0.0
    for rank, url in enumerate(ranking, start=1):
        if url in relevant:
            found += 1
            total += found / rank
    return total / len(relevant) if relevant else 0.0


def _demo_redirects() -> dict[str, str]:
    """The demo site's redirects, as canonical URLs: the old one -> the new one."""
    from bench.pages import SITE, page_url

    pairs = [line.split() for line in (SITE / "_redirects.txt").read_text().splitlines()]
    return {page_url(a.strip("/")): page_url(b.strip("/")) for a, b in pairs if a and b}


def _build(folder: Path) -> tuple[Any, dict[str, str]]:
    from bench.corpus import demo_pages

    from tgreader.parse import parse_article, parse_home, parse_listing
    from tgreader.store import Store

    parsers = {"home": parse_home, "listing": parse_listing, "article": parse_article}
    store = Store.open(folder / "pages.sqlite3")
    texts: dict[str, str] = {}
    # A redirected article is stored as the service stores it: under the URL the lists
    # link to, with the one it ends at as its final URL.
    moved = {new: old for old, new in _demo_redirects().items()}
    pages = [(url, parsers[kind](html, url), html) for url, kind, html in demo_pages()]
    pages += [(a.url, a, "<html></html>") for a in real_articles()]
    for url, page, html in pages:
        store.put(moved.get(url, url), page, html, final_url=url, fetched_at=1.7e9)
        if getattr(page, "blocks", None) is not None and hasattr(page, "sapo"):
            blocks = " ".join(
                str(getattr(b, "text", None) or getattr(b, "caption", None) or "")
                for b in page.blocks
            )
            texts[moved.get(url, url)] = f"{page.title}\n{page.sapo or ''}\n{blocks}"
    return store, texts


def measure() -> dict[str, Any]:
    """AP of every query over the store of the imported code, and what it was judged on."""
    with tempfile.TemporaryDirectory() as folder:
        store, texts = _build(Path(folder))
        try:
            found: dict[str, Any] = {"articles": len(texts), "queries": {}}
            for query in QUERIES:
                relevant = judge(texts, query)
                ranking = [hit.url for hit in store.search(query, limit=500)]
                found["queries"][query] = {
                    "relevant": len(relevant),
                    "returned": len(ranking),
                    "ap": average_precision(ranking, relevant),
                }
        finally:
            store.close()
    aps = [entry["ap"] for entry in found["queries"].values()]
    found["map"] = sum(aps) / len(aps)
    return found


def run(quick: bool = False, baseline: Path | None = None) -> Result:
    """The relevance benchmark, as a section of the report."""
    result = Result("Search relevance")
    now = measure()
    before = run_json(baseline, __file__, ["--json"]) if baseline is not None else None
    lines = [
        f"{now['articles']} articles (the demo site and the 30 real articles of "
        "`real-2020`), 24 queries (12 with diacritics, 12 without). Relevant: the article "
        "holds the query as a phrase, with its diacritics as typed when any are typed. "
        "AP per query, then MAP.",
        "",
        "| query | relevant | returned | AP" + (" | AP before |" if before else " |"),
        "|---|---:|---:|---:" + ("|---:|" if before else "|"),
    ]
    for query, entry in now["queries"].items():
        cells = [f"`{query}`", str(entry["relevant"]), str(entry["returned"]), f"{entry['ap']:.3f}"]
        if before:
            cells.append(f"{before['queries'][query]['ap']:.3f}")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"MAP: **{now['map']:.3f}** (target ≥ {TARGET})."]
    result.say(*lines)
    result.add("Search relevance, MAP", f"{now['map']:.3f}", f"≥ {TARGET}", now["map"] >= TARGET)
    if before:
        result.say("", f"MAP before (the baseline's code): {before['map']:.3f}.")
    result.data = {"now": now, "before": before}
    return result


def main() -> int:
    """Print the relevance figures (``--json``: as data, for a baseline run)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure()))
        return 0
    print("\n".join(run().text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
