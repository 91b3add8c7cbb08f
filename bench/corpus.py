"""Generated stores of many articles, for the search, size and memory benchmarks.

Articles are made by recombining the sentences, captions, sapos and bylines of the sample
site's articles (real Vietnamese prose of the site's kind), with varied titles, dates and
sections. Each one is rendered into a Gen B article page (the demo's own template, with
its header, menu, sidebars and footer), and stored with :meth:`Store.put` together with
the model the parser makes of that page, exactly as a sync would store it. A store also
holds the demo site itself, so the reader has a home page and listings to show.

Stores are built once per size and per version of the code that writes them, and kept in
the bench cache folder (see :func:`common.cache_root`), never in git:

    python bench/corpus.py 10000        # build (or find) the store, print its path
"""

from __future__ import annotations

import html as htmlmod
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, SRC, cache_root, code_fingerprint
from bench.pages import GOLDEN, SITE, page_url

from tgreader.model import Article, Block, Heading, Image, Link, Paragraph, Published
from tgreader.text import VN_TZ

TEMPLATE = (
    "nhip-cau-tuyen-giao/tuyen-quang-boi-duong-nghiep-vu-cho-doi-ngu-bao-cao-vien-co-so-150163"
)
SECTIONS = (
    ("thoi-su-chinh-tri", "Thời sự - Chính trị"),
    ("nhip-cau-tuyen-giao", "Nhịp cầu Tuyên giáo"),
    ("van-hoa-xa-hoi", "Văn hóa - Xã hội"),
    ("khoa-giao", "Khoa giáo"),
)
PROVINCES = (
    "Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Thành phố Hồ Chí Minh", "An Giang",
    "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk",
    "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam",
    "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang",
    "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định",
    "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình",
    "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang",
    "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)  # fmt: skip
FIRST_ID = 300_000
SEED = 20241122
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĐÀ-Ỹ“\"(])")


@dataclass(frozen=True)
class Material:
    """The sample site's prose, cut into pieces to recombine."""

    sentences: tuple[str, ...]
    topics: tuple[tuple[str, ...], ...]  # the sentences of each sample article
    captions: tuple[str, ...]
    sapos: tuple[str, ...]
    authors: tuple[str, ...]
    phrases: tuple[str, ...]  # title fragments
    headings: tuple[str, ...]


@cache
def material() -> Material:
    """Sentences, captions, sapos, bylines and title fragments of the sample articles."""
    from tgreader.text import is_upper_text

    sentences: list[str] = []
    topics: list[tuple[str, ...]] = []
    captions: list[str] = []
    sapos: list[str] = []
    authors: list[str] = []
    phrases: list[str] = []
    headings: list[str] = []
    for file in sorted(GOLDEN.rglob("*.json")):
        data = json.loads(file.read_text("utf-8"))
        if "blocks" not in data:
            continue
        title = data["title"]
        phrases.append(title.split(": ", 1)[-1])
        if data.get("sapo"):
            sapos.append(data["sapo"])
        if data.get("author"):
            authors.append(data["author"])
        first = len(sentences)
        for block in data["blocks"]:
            if block["kind"] == "paragraph" and not is_upper_text(block["text"]):
                for sentence in _SENTENCE_END.split(block["text"]):
                    if len(sentence.split()) >= 6 and sentence[-1] in ".!?…":
                        sentences.append(sentence)
            elif block["kind"] == "image" and block.get("caption"):
                captions.append(block["caption"])
            elif block["kind"] == "heading" and is_upper_text(block["text"]):
                headings.append(block["text"])
        topics.append(tuple(sentences[first:]))
    for sentence in sentences:
        # Clauses of five to fourteen words make believable headlines.
        for clause in re.split(r"[,;:]\s+", sentence.rstrip(".!?…")):
            if 5 <= len(clause.split()) <= 14 and not clause.endswith(" là"):
                phrases.append(clause)
    unique = [tuple(dict.fromkeys(x)) for x in (sentences, captions, sapos, authors, phrases)]
    return Material(
        unique[0], tuple(t for t in topics if t), *unique[1:], tuple(dict.fromkeys(headings))
    )


def _sentence(rng: random.Random, topic: list[str], parts: Material) -> str:
    return rng.choice(topic) if rng.random() < 0.85 else rng.choice(parts.sentences)


def _slug(title: str) -> str:
    from tgreader.text import fold_key

    return "-".join(re.findall(r"[a-z0-9]+", fold_key(title)))[:90].strip("-")


def title_of(index: int) -> str:
    """The title of generated article ``index`` (varied: province, phrase, year)."""
    rng = random.Random(SEED * 7 + index)
    parts = material()
    phrase = rng.choice(parts.phrases)
    phrase = phrase[0].upper() + phrase[1:]
    kind = rng.random()
    if kind < 0.55:
        title = f"{rng.choice(PROVINCES)}: {phrase}"
    elif kind < 0.8:
        title = f"{phrase} năm {rng.randint(2018, 2025)}"
    else:
        title = phrase
    return title


def url_of(index: int) -> str:
    """The canonical URL of generated article ``index``."""
    slug, _ = SECTIONS[index % len(SECTIONS)]
    return f"https://tuyengiao.vn/{slug}/{_slug(title_of(index))}-{FIRST_ID + index}"


def article(index: int, total: int) -> Article:
    """Generated article ``index`` of a corpus of ``total``."""
    rng = random.Random(SEED + index)
    parts = material()
    section = SECTIONS[index % len(SECTIONS)][1]
    when = datetime(2018, 1, 1, tzinfo=VN_TZ) + timedelta(
        minutes=rng.randrange(0, 8 * 365 * 24 * 60)
    )
    # An article keeps to a topic: most sentences come from one or two sample articles, so
    # words have the spread of document frequencies of a real archive (not every word in
    # every article, as drawing from all the sentences at once would give).
    topic = [s for t in rng.sample(parts.topics, rng.randint(1, 2)) for s in t]
    blocks: list[Block] = []
    images = rng.randint(1, 4)
    paragraphs = rng.randint(6, 16)
    image_at = sorted(rng.sample(range(paragraphs), images))
    heading_at = rng.randrange(2, paragraphs) if rng.random() < 0.3 else -1
    for number in range(paragraphs):
        if number == heading_at and parts.headings:
            blocks.append(Heading(rng.choice(parts.headings)))
        text = " ".join(_sentence(rng, topic, parts) for _ in range(rng.randint(2, 4)))
        blocks.append(Paragraph(text))
        if number in image_at:
            year, month, day = when.year, when.month, when.day
            src = (
                f"https://cdn.tuyengiao.vn/uploads/{year}/{month:02d}/{day:02d}/"
                f"{rng.randint(1, 30):02d}/anh-{index}-{number}-{rng.getrandbits(32):08x}.jpeg"
            )
            blocks.append(Image(src, rng.choice(parts.captions)))
    sapo = (
        " ".join(_sentence(rng, topic, parts) for _ in range(rng.randint(1, 2)))
        if rng.random() < 0.7
        else None
    )
    related = tuple(
        Link(title_of(j), url_of(j))
        for j in dict.fromkeys(rng.randrange(total) for _ in range(rng.randint(3, 5)))
        if j != index
    )
    return Article(
        url=url_of(index),
        section=section,
        title=title_of(index),
        published=Published(when, True),
        sapo=sapo,
        author=rng.choice(parts.authors),
        blocks=tuple(blocks),
        related=related,
        generation="B",
    )


@cache
def _template() -> str:
    return (SITE / f"{TEMPLATE}.html").read_text(encoding="utf-8")


def _date_text(when: datetime) -> str:
    days = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
    return f"{days[when.weekday()]}, {when.day}/{when.month}/{when.year} {when:%H:%M}'(GMT+7)"


def _sub(pattern: str, replacement: str, text: str) -> str:
    found, count = re.subn(pattern, lambda _m: replacement, text, count=1, flags=re.DOTALL)
    if count != 1:
        raise ValueError(f"template changed: {pattern!r} not found")
    return found


def render(page: Article) -> str:
    """The Gen B article page of ``page`` (the demo template with its furniture)."""
    e = htmlmod.escape
    slug = page.url.split("/")[3]
    body: list[str] = []
    for block in page.blocks:
        if isinstance(block, Image):
            body.append(
                f'<figure class="image align-center">\n  <img src="{e(block.src or "")}" '
                f'alt="{e(page.title)}" width="800" height="533">\n'
                f"  <figcaption>{e(block.caption or '')}</figcaption>\n</figure>"
            )
        else:
            body.append(f"<p>{e(block.text)}</p>")
    body.append(f"<p>{e(page.author or '')}</p>")
    related = "\n".join(
        f'      <li class="clearfix"><a href="{e(link.url)}">{e(link.title)}</a></li>'
        for link in page.related
    )
    assert page.published is not None
    first = next((b.text for b in page.blocks if not isinstance(b, Image)), "")
    description = e(page.sapo or first)
    text = _template()
    text = _sub(r"<title>.*?</title>", f"<title>{e(page.title)}</title>", text)
    text = _sub(
        r'<meta name="description" content="[^"]*">',
        f'<meta name="description" content="{description}">',
        text,
    )
    text = _sub(
        r'<link rel="canonical" href="[^"]*">', f'<link rel="canonical" href="{page.url}">', text
    )
    text = _sub(
        r'<meta property="og:title" content="[^"]*">',
        f'<meta property="og:title" content="{e(page.title)}">',
        text,
    )
    text = _sub(
        r'<meta property="og:description" content="[^"]*">',
        f'<meta property="og:description" content="{description}">',
        text,
    )
    text = _sub(
        r'<meta property="og:url" content="[^"]*">',
        f'<meta property="og:url" content="{page.url}">',
        text,
    )
    text = _sub(
        r'<meta property="article:section" content="[^"]*">',
        f'<meta property="article:section" content="{e(page.section or "")}">',
        text,
    )
    text = _sub(
        r'<a class="story-cate" href="[^"]*">[^<]*</a>',
        f'<a class="story-cate" href="/{slug}">{e(page.section or "")}</a>',
        text,
    )
    text = _sub(
        r'(<div class="ml-lg-auto story-date text-muted">)[^<]*(</div>)',
        f'<div class="ml-lg-auto story-date text-muted">{_date_text(page.published.when)}</div>',
        text,
    )
    text = _sub(
        r'<h1 class="story-headline">.*?</h1>',
        f'<h1 class="story-headline">{e(page.title)}</h1>',
        text,
    )
    teaser = f'<div class="story-teaser"><p>{e(page.sapo)}</p></div>' if page.sapo else ""
    text = _sub(r'<div class="story-teaser">.*?</div>', teaser, text)
    text = _sub(
        r'<div class="story-body">.*?</div>\n    </article>',
        '<div class="story-body">\n' + "\n".join(body) + "\n      </div>\n    </article>",
        text,
    )
    text = re.sub(r'data-url="[^"]*"', f'data-url="{page.url}"', text)
    text = _sub(
        r'<ul class="list-related">.*?</ul>',
        f'<ul class="list-related">\n{related}\n    </ul>',
        text,
    )
    return text  # fmt: skip


# --- stores ------------------------------------------------------------------------------

_CODE = (
    REPO / "bench" / "corpus.py",
    SRC / "tgreader" / "store.py",
    SRC / "tgreader" / "store_schema.py",
    SRC / "tgreader" / "store_codec.py",
    SRC / "tgreader" / "store_index.py",
    SRC / "tgreader" / "search.py",
    SRC / "tgreader" / "text.py",
    SRC / "tgreader" / "model.py",
    SRC / "tgreader" / "_sqlite.py",
)


def store_path(size: int, tag: str = "") -> Path:
    """Where the store of ``size`` generated articles is cached for the current code."""
    key = tag or code_fingerprint(list(_CODE))
    return cache_root() / f"corpus-{size}-{key}" / "pages.sqlite3"


def demo_pages() -> list[tuple[str, str, str]]:
    """(canonical URL, kind, HTML) of every page of the demo site."""
    from tgreader.urls import is_article_url

    found = []
    for file in sorted(SITE.rglob("*.html")):
        path = file.relative_to(SITE).with_suffix("").as_posix()
        url = page_url(path)
        kind = "home" if path == "index" else "article" if is_article_url(url) else "listing"
        found.append((url, kind, file.read_text(encoding="utf-8")))
    return found


def fill(path: Path, size: int, *, progress: bool = False) -> dict[str, float]:
    """Write the demo site and ``size`` generated articles into a new store at ``path``."""
    from tgreader.parse import parse_article, parse_home, parse_listing
    from tgreader.store import Store

    parsers = {"home": parse_home, "listing": parse_listing, "article": parse_article}
    raw = 0
    started = time.perf_counter()
    with Store.open(path) as store:
        for url, kind, html in demo_pages():
            store.put(url, parsers[kind](html, url), html, fetched_at=1.7e9)
            raw += len(html.encode())
        for index in range(size):
            page = article(index, size)
            html = render(page)
            raw += len(html.encode())
            store.put(page.url, page, html, fetched_at=1.7e9 + index)
            if progress and index % 5000 == 4999:
                print(f"  {index + 1}/{size} articles", file=sys.stderr, flush=True)
        conn = store._conn
        assert conn is not None
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"seconds": time.perf_counter() - started, "raw_html_bytes": raw}


def ensure(size: int, tag: str = "", *, progress: bool = True) -> Path:
    """The cached store of ``size`` articles, built first if needed (by the code that is
    imported: run under the baseline's ``src`` with a ``tag`` to build the baseline's)."""
    path = store_path(size, tag)
    done = path.with_name("built.json")
    if done.exists() and path.exists():
        return path
    if not tag:
        # Stores built by earlier versions of the code are of no more use: make room.
        for old in path.parent.parent.glob(f"corpus-{size}-*"):
            if old != path.parent and not old.name.startswith(f"corpus-{size}-baseline"):
                shutil.rmtree(old, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob("pages.sqlite3*"):
        stale.unlink()
    if progress:
        print(f"building a store of {size} articles in {path.parent}", file=sys.stderr)
    facts = fill(path, size, progress=progress)
    done.write_text(json.dumps(facts))
    return path


def facts(path: Path) -> dict[str, float]:
    """What :func:`fill` recorded about a cached store (time taken, raw HTML bytes)."""
    data: dict[str, float] = json.loads(path.with_name("built.json").read_text())
    return data


def main() -> int:
    """Build (or find) the store of the size given on the command line; print its path."""
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    tag = sys.argv[2] if len(sys.argv) > 2 else ""
    print(ensure(size, tag))
    return 0


if __name__ == "__main__":
    sys.exit(main())
