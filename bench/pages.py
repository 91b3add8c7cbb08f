"""The pages the benchmarks parse: the demo site's samples, and the same pages grown to 150 KB.

A real article page carries far more than its article: scripts, styles, a mega-menu, sidebars
of story boxes, an icon sprite, a big footer. :func:`padded` adds such furniture (made up,
deterministic, shaped like what news CMSs emit) around a sample page until it weighs
``size`` bytes, without touching the article itself, so the parse must stay the same.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tgreader.demo.server import default_root
from tgreader.urls import CANONICAL_ORIGIN

SITE = default_root()
GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"
PADDED_SIZE = 150_000

# One page of each kind the reader parses (paths under the demo site, without .html).
ARTICLE_A = "khoa-giao/dua-giao-duc-stem-den-gan-hon-voi-hoc-sinh-trung-hoc-co-so-113481"
ARTICLE_B = "nhip-cau-tuyen-giao/bac-kan-hoi-nghi-giao-ban-cong-tac-tuyen-giao-quy-i-2023-150123"
ARTICLE_C = (
    "blogs/tap-huan-ky-nang-chuyen-doi-so-cho-can-bo-lam-cong-tac-tuyen-giao-co-so-"
    "6805b7a19b2e41c07d3f0a12"
)
LISTING_A = "khoa-giao"
LISTING_B = "thoi-su-chinh-tri"
HOME = "index"


@dataclass(frozen=True)
class Page:
    """A page to parse: its canonical URL, kind and HTML, and the reviewed golden JSON."""

    name: str
    path: str
    kind: str  # "article", "listing" or "home"
    url: str
    html: str

    @property
    def size(self) -> int:
        """The page's size in bytes (UTF-8)."""
        return len(self.html.encode("utf-8"))

    def golden(self) -> dict[str, object] | None:
        """The golden JSON of the unpadded page, if the test suite has one."""
        file = GOLDEN / f"{self.path}.json"
        if not file.exists():
            return None
        data: dict[str, object] = json.loads(file.read_text("utf-8"))
        return data


def page_url(path: str) -> str:
    """The canonical URL the demo server serves ``path`` at (as tests/unit/test_golden.py)."""
    if path == "index":
        return CANONICAL_ORIGIN + "/"
    base, _, number = path.partition("@page=")
    return f"{CANONICAL_ORIGIN}/{base}" + (f"?page={number}" if number else "")


def sample(name: str, path: str, kind: str) -> Page:
    """A page of the demo site as it is."""
    html = (SITE / f"{path}.html").read_text(encoding="utf-8")
    return Page(name, path, kind, page_url(path), html)


def sample_pages() -> list[Page]:
    """One article of each generation, a listing of Gen A and Gen B, and the home page."""
    return [
        sample("article, Gen A", ARTICLE_A, "article"),
        sample("article, Gen B (the seed)", ARTICLE_B, "article"),
        sample("article, Gen C", ARTICLE_C, "article"),
        sample("listing, Gen A", LISTING_A, "listing"),
        sample("listing, Gen B", LISTING_B, "listing"),
        sample("home page", HOME, "home"),
    ]


def padded_pages(size: int = PADDED_SIZE) -> list[Page]:
    """The three article samples grown to ``size`` bytes with page furniture."""
    pages = []
    for page in sample_pages()[:3]:
        label = page.name.split(" (")[0]
        html = padded(page.html, size, generation=label[-1], seed=len(page.path))
        pages.append(Page(f"{label}, {size // 1000} KB", page.path, page.kind, page.url, html))
    return pages


# --- furniture ---------------------------------------------------------------------------


@cache
def _titles() -> tuple[tuple[str, str], ...]:
    """(title, canonical URL) of every article and listing item of the sample site."""
    found: dict[str, str] = {}
    for file in sorted(GOLDEN.rglob("*.json")):
        data = json.loads(file.read_text("utf-8"))
        if "blocks" in data:
            found[data["url"]] = data["title"]
            for link in data.get("related") or ():
                found.setdefault(link["url"], link["title"])
        for item in data.get("articles") or ():
            found.setdefault(item["url"], item["title"])
    return tuple((title, url) for url, title in found.items())


_SECTIONS = (
    ("Thời sự - Chính trị", "thoi-su-chinh-tri"), ("Nhịp cầu Tuyên giáo", "nhip-cau-tuyen-giao"),
    ("Văn hóa - Xã hội", "van-hoa-xa-hoi"), ("Khoa giáo", "khoa-giao"),
    ("Lý luận - Thực tiễn", "ly-luan-thuc-tien"), ("Kinh tế", "kinh-te"),
    ("Quốc phòng - An ninh", "quoc-phong-an-ninh"), ("Đối ngoại", "doi-ngoai"),
    ("Học tập và làm theo Bác", "hoc-tap-va-lam-theo-bac"), ("Bảo vệ nền tảng tư tưởng",
    "bao-ve-nen-tang-tu-tuong"), ("Dư luận xã hội", "du-luan-xa-hoi"),
    ("Tin ảnh", "tin-anh"), ("Video", "video"), ("Tạp chí in", "tap-chi-in"),
)  # fmt: skip
_SUBSECTIONS = (
    "Tin tức", "Sự kiện", "Chỉ đạo, định hướng", "Diễn đàn", "Gương sáng", "Địa phương",
    "Phóng sự", "Chuyên đề", "Hỏi đáp", "Văn bản", "Nghiên cứu - Trao đổi", "Tư liệu",
)  # fmt: skip
# Trailing-block headings a news page puts around its article (never "Tin liên quan" or
# "Các tin khác": those head the article's own related links).
_BOX_HEADINGS = ("Tin mới nhất", "Xem nhiều", "Tin ảnh", "Video", "Tiêu điểm", "Đọc nhiều")
_JS_WORDS = (
    "function", "return", "var", "window", "document", "querySelector", "addEventListener",
    "dataLayer", "push", "config", "length", "prototype", "call", "apply", "setTimeout",
    "getAttribute", "classList", "toggle", "innerHTML", "createElement", "appendChild",
)  # fmt: skip
_CSS_PROPS = (
    "display:flex", "margin:0 auto", "padding:8px 12px", "color:#1d1d1f", "font-size:14px",
    "line-height:1.5", "border-bottom:1px solid #e5e5e5", "background:#fff", "position:relative",
    "text-transform:uppercase", "font-weight:700", "overflow:hidden", "width:100%",
)  # fmt: skip


def _slug(rng: random.Random) -> str:
    return "-".join(
        rng.choice(("tin", "bai", "hoi", "nghi", "dang", "bo", "tinh", "xa")) for _ in range(3)
    )


def _story_items(rng: random.Random, count: int) -> str:
    items = []
    for _ in range(count):
        title, url = rng.choice(_titles())
        stamp = rng.randint(10**9, 2 * 10**9)
        img = (
            f"https://cdn.tuyengiao.vn/uploads/20{rng.randint(18, 24)}/{rng.randint(1, 12)}/"
            f"{rng.randint(1, 28)}/{rng.randint(1, 40)}/{_slug(rng)}-{stamp}"
            f".jpeg?w=360&amp;q=75&amp;f=6&amp;s={rng.getrandbits(64):016x}"
        )
        day = f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/20{rng.randint(18, 24)}"
        items.append(
            f'<div class="story-item-sm clearfix mb-2"><a class="thumb float-left mr-2" '
            f'href="{url}"><img src="{img}" alt="{title}" width="100" height="66" '
            f'loading="lazy"></a><a class="title" href="{url}">{title}</a>'
            f'<span class="time text-muted small">{day}</span></div>'
        )
    return "\n".join(items)


def _box(rng: random.Random) -> str:
    heading = rng.choice(_BOX_HEADINGS)
    return (
        f'<div class="box box-{rng.randint(1, 99)} mb-4"><h3 class="box-title"><span>{heading}'
        f'</span></h3><div class="box-body">\n{_story_items(rng, 10)}\n</div></div>\n'
    )


def _menu() -> str:
    parts = ['<nav class="mega-menu d-none d-lg-block"><div class="container"><ul class="mm-list">']
    for name, slug in _SECTIONS:
        parts.append(f'<li class="mm-item"><a class="mm-link" href="/{slug}">{name}</a>')
        parts.append('<div class="mm-dropdown"><ul>')
        for sub in _SUBSECTIONS:
            sub_slug = slug + "/" + sub.lower().replace(" ", "-").replace(",", "")
            parts.append(f'<li><a href="/{sub_slug}" title="{sub}">{sub}</a></li>')
        parts.append("</ul></div></li>")
    parts.append("</ul></div></nav>\n")
    return "\n".join(parts)


def _script(rng: random.Random, statements: int) -> str:
    lines = []
    for index in range(statements):
        a, b, c = (rng.choice(_JS_WORDS) for _ in range(3))
        lines.append(
            f"{a}_{index}=function(e,t){{var n=e.{b}('{c}-{rng.getrandbits(24):06x}');"
            f"if(!n)return t;n.{c}=t||{rng.randint(0, 999)};return n.{b}}};"
        )
    return "<script>" + "".join(lines) + "</script>\n"


def _style(rng: random.Random, rules: int) -> str:
    body = "".join(
        f".c-{rng.getrandbits(20):05x} .{rng.choice(_SUBSECTIONS)[:4].lower()}"
        f"{{{';'.join(rng.sample(_CSS_PROPS, 4))}}}"
        for _ in range(rules)
    )
    return f"<style>{body}</style>\n"


def _json_ld(rng: random.Random) -> str:
    items = [
        {"@type": "ListItem", "position": i + 1, "item": {"@id": url, "name": title}}
        for i, (title, url) in enumerate(rng.sample(_titles(), 6))
    ]
    data = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": items}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'


def _sprite(rng: random.Random, icons: int) -> str:
    symbols = []
    for index in range(icons):
        path = " ".join(
            f"{rng.choice('MLCQ')}{rng.randint(0, 24)}.{rng.randint(0, 99)} "
            f"{rng.randint(0, 24)}.{rng.randint(0, 99)}"
            for _ in range(12)
        )
        symbols.append(
            f'<symbol id="icon-{index}" viewBox="0 0 24 24"><path d="{path}z"/></symbol>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">'
        + "".join(symbols)
        + "</svg>\n"
    )


def _footer(rng: random.Random) -> str:
    columns = []
    for name, slug in _SECTIONS[:8]:
        links = "".join(f'<li><a href="/{slug}">{sub}</a></li>' for sub in _SUBSECTIONS[:6])
        columns.append(
            f'<div class="col-md-3"><h4 class="ft-title">{name}</h4><ul>{links}</ul></div>'
        )
    return (
        '<div class="site-footer-extra"><div class="container"><div class="row">'
        + "".join(columns)
        + "</div><p>Tòa soạn: 6C Hoàng Diệu, Ba Đình, Hà Nội. Điện thoại: 080.48xxx. "
        "Giấy phép số 1xx/GP-BTTTT. Ghi rõ nguồn khi phát hành lại thông tin từ website này."
        "</p></div></div>\n"
    )


def _next_chunk(rng: random.Random) -> str:
    """A React Server Components chunk (Gen C) carrying menu data, never a blog object."""
    menu = [{"name": n, "slug": s, "children": list(_SUBSECTIONS)} for n, s in _SECTIONS]
    payload = f"{rng.randint(10, 99)}:" + json.dumps({"menu": menu}, ensure_ascii=False) + "\n"
    return f"<script>self.__next_f.push([1,{json.dumps(payload)}])</script>\n"


def padded(html: str, size: int, *, generation: str = "B", seed: int = 0) -> str:
    """``html`` with furniture added in the head, after ``<body>`` and before ``</body>``
    until it weighs at least ``size`` bytes."""
    rng = random.Random(seed)
    head: list[str] = [_json_ld(rng), _style(rng, 40)]
    top: list[str] = [_menu()]
    bottom: list[str] = [_footer(rng)]

    def total() -> int:
        return len(html.encode()) + sum(len(p.encode()) for p in head + top + bottom)

    turn = 0
    while total() < size:
        kind = turn % 5
        if kind == 0:
            head.append(_script(rng, 30) if generation != "C" else _next_chunk(rng))
        elif kind == 1:
            bottom.append(_box(rng))
        elif kind == 2:
            top.append(_sprite(rng, 8))
        elif kind == 3:
            bottom.append(_box(rng))
        else:
            head.append(_style(rng, 30))
        turn += 1
    html = _insert_before(html, r"</head\s*>", "".join(head))
    html = _insert_after(html, r"<body\b[^>]*>", "".join(top))
    return _insert_before(html, r"</body\s*>", "".join(bottom))


def _insert_before(html: str, pattern: str, text: str) -> str:
    match = re.search(pattern, html, re.IGNORECASE)
    if match is None:
        return html + text
    return html[: match.start()] + text + html[match.start() :]


def _insert_after(html: str, pattern: str, text: str) -> str:
    match = re.search(pattern, html, re.IGNORECASE)
    if match is None:
        return text + html
    return html[: match.end()] + text + html[match.end() :]
