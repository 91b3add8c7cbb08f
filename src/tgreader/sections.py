"""The site's known sections (MARKUP.md §3): the fallback menu and names for bare slugs."""

from __future__ import annotations

from urllib.parse import urlsplit

from tgreader.model import Section
from tgreader.urls import CANONICAL_ORIGIN

__all__ = [
    "GEN_C_CATEGORIES",
    "KNOWN_SECTIONS",
    "builtin_sections",
    "section_for_url",
    "section_name",
]

# Slugs are verified; the display names are rebuilt from the slug and may differ from the
# live menu's wording (MARKUP.md marks them inferred).
KNOWN_SECTIONS: dict[str, str] = {
    "thoi-su-chinh-tri": "Thời sự - Chính trị",
    "bao-ve-nen-tang-tu-tuong-cua-dang": "Bảo vệ nền tảng tư tưởng của Đảng",
    "hoc-va-lam-theo-bac": "Học và làm theo Bác",
    "nhip-cau-tuyen-giao": "Nhịp cầu Tuyên giáo",
    "van-hoa-xa-hoi": "Văn hóa - Xã hội",
    "khoa-giao": "Khoa giáo",
    "kinh-te": "Kinh tế",
    "thoi-su": "Thời sự",
    "theo-guong-bac": "Theo gương Bác",
    "the-gioi": "Thế giới",
    "tu-lieu": "Tư liệu",
    # Sub-sections of nhip-cau-tuyen-giao (their URLs and names are real: real-2020 pages).
    "tuyen-giao-cac-cap": "Tuyên giáo các cấp",
    "ban-tuyen-giao-tw": "Ban Tuyên giáo Trung ương",
    "video": "Video",
}
# Sections the current (Gen B) menu is believed to hold, in menu order.
_CURRENT = (
    "thoi-su-chinh-tri",
    "bao-ve-nen-tang-tu-tuong-cua-dang",
    "hoc-va-lam-theo-bac",
    "nhip-cau-tuyen-giao",
    "van-hoa-xa-hoi",
    "khoa-giao",
    "kinh-te",
)

# Gen C category ids (verified) and their labels as a public crawler wrote them.
GEN_C_CATEGORIES: dict[str, str] = {
    "67f4d37460777e499c87d270": "Lý luận chính trị",
    "67f4cbbd48ad87279a8a7692": "Dư luận xã hội",
    "67f4cbd048ad87279a8a7693": "Lý luận chính trị",
    "67f4cbe448ad87279a8a7694": "Báo chí - Xuất bản",
    "67f4cbf848ad87279a8a7695": "Dân chủ và Dân vận",
    "67f4cc0348ad87279a8a7696": "Mặt trận và Đoàn thể",
    "67f4d26a60777e499c87d25f": "Thông tin - Tuyên truyền",
    "67f4d27660777e499c87d260": "Văn hóa - Văn nghệ",
    "67f4d28360777e499c87d261": "Dân tộc - Tôn giáo",
    "67f4d28d60777e499c87d262": "Khoa giáo",
    "67f4d2a160777e499c87d263": "Bảo vệ nền tảng tư tưởng",
    "67f4ca9a48ad87279a8a7691": "Dư luận xã hội",
    "67f4d2d460777e499c87d264": "Bảo vệ nền tảng",
    "67f4d2e560777e499c87d265": "Học tập theo Bác",
    "67f4d2f760777e499c87d266": "Lịch sử Đảng",
    "67f4d30160777e499c87d267": "Báo chí - Xuất bản",
    "67f4d30b60777e499c87d268": "Lý luận chính trị",
    "67f4d32860777e499c87d26a": "Văn hóa - Văn nghệ",
    "67f4d33260777e499c87d26b": "Khoa giáo",
    "67f4d33a60777e499c87d26c": "Thông tin - Tuyên truyền",
    "67f4d34160777e499c87d26d": "Dân chủ và Dân vận",
    "67f4d34760777e499c87d26e": "Mặt trận và Đoàn thể",
    "67f4d35760777e499c87d26f": "Điển hình dân vận",
}


def section_name(slug: str) -> str | None:
    """The display name of a known section slug, else None (never invented)."""
    return KNOWN_SECTIONS.get(slug.strip("/").split("/")[-1].lower())


def section_for_url(url: str) -> str | None:
    """The deepest known section among the folders of an article's URL
    (``/nhip-cau-tuyen-giao/tuyen-giao-cac-cap/<slug>-<id>``: "Tuyên giáo các cấp";
    ``/video/<Category>/<slug>-<id>``: the category if known, else "Video"; ``/<slug>-<id>``:
    None)."""
    folders = [s for s in urlsplit(url).path.split("/") if s][:-1]
    for folder in reversed(folders):
        name = section_name(folder)
        if name:
            return name
    return None


def builtin_sections() -> list[Section]:
    """The built-in menu, used when the home page cannot be read."""
    return [Section(KNOWN_SECTIONS[slug], f"{CANONICAL_ORIGIN}/{slug}") for slug in _CURRENT]
