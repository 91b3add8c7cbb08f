"""Interface strings in Vietnamese (the default) and English.

Page text is never translated: only what tgreader itself says. Strings are ``str.format``
templates; their arguments are plain values and the results are shown as plain text.
"""

from __future__ import annotations

import re
from typing import Literal

from tgreader.errors import TgError

__all__ = ["LANGS", "Lang", "Translator", "normalise_lang"]

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

# key: (Vietnamese, English)
_STRINGS: dict[str, tuple[str, str]] = {
    # panes and status
    "pane.sections": ("Chuyên mục", "Sections"),
    "pane.articles": ("Bài viết", "Articles"),
    "pane.article": ("Nội dung", "Article"),
    "pane.search": ("Tìm: {query} ({count})", "Search: {query} ({count})"),
    "pane.bookmarks": ("Đã lưu ({count})", "Saved ({count})"),
    "pane.latest": ("Mới nhất ({count})", "Latest ({count})"),
    "list.latest": ("Mới nhất", "Latest"),
    "list.saved": ("Đã lưu", "Saved"),
    "placeholder": (
        "Chọn một bài viết để đọc.\n\n"
        "{open} mở bài · {next}/{prev} bài sau/trước · {search} tìm · {help} trợ giúp",
        "Choose an article to read.\n\n"
        "{open} opens · {next}/{prev} next/previous · {search} search · {help} help",
    ),
    "empty.list": ("(chưa có bài nào)", "(no articles yet)"),
    "list.more": ("Đang tải thêm…", "Loading more…"),
    "list.end": ("Hết", "The end"),
    "list.end_stored": ("Hết các trang đã lưu", "No more stored pages"),
    "pane.failed": ("Không tải được danh sách.\n{error}", "Could not load the list.\n{error}"),
    "related": ("Các tin khác", "Related articles (Các tin khác)"),
    "status.online": ("trực tuyến", "online"),
    "status.offline": ("ngoại tuyến", "offline"),
    "status.age": ("cập nhật {age}", "updated {age}"),
    "status.from": ("bản lưu từ {origin}", "stored from {origin}"),
    "status.loading": ("đang tải: {what}", "loading: {what}"),
    "status.keys": ("{help} trợ giúp · {quit} thoát", "{help} help · {quit} quit"),
    "status.demo": ("demo", "demo"),
    "age.now": ("vừa xong", "just now"),
    "age.s": ("{n} giây trước", "{n} s ago"),
    "age.min": ("{n} phút trước", "{n} min ago"),
    "age.h": ("{n} giờ trước", "{n} h ago"),
    "age.d": ("{n} ngày trước", "{n} days ago"),
    "loading.sections": ("chuyên mục", "sections"),
    "loading.more": ("trang {page}", "page {page}"),
    "loading.article": ("bài viết", "article"),
    # notifications
    "note.offline_copy": (
        "{error} — đang hiển thị bản đã lưu",
        "{error} — showing the stored copy",
    ),
    "note.recovered": (
        "Tệp {path} bị hỏng: đã chuyển sang {aside} và tạo tệp mới",
        "{path} was damaged: moved it to {aside} and started a new one",
    ),
    "note.salvaged": (
        "Đã giữ lại {count} dòng (dấu trang, bài đã đọc) đọc được từ tệp hỏng",
        "Kept the {count} rows (bookmarks, read state) the damaged file still had",
    ),
    "note.failed": ("Không tải được: {error}", "Could not load: {error}"),
    "note.no_results": ("Không tìm thấy: {query}", "Nothing found: {query}"),
    "note.photos_on": ("Hiện ảnh", "Photos on"),
    "note.photos_off": ("Ẩn ảnh (chỉ chú thích)", "Photos off (captions only)"),
    "empty.bookmarks": (
        "Chưa lưu bài nào: nhấn {shortcut} ở một bài để lưu.",
        "No saved articles yet: press {shortcut} on an article to save it.",
    ),
    "note.no_article": ("Chưa mở bài viết nào", "No article is open"),
    "note.no_link": ("Bài này không có tin khác số {n}", "This article has no related link {n}"),
    "note.link_hint": (
        "Xuống cuối bài (↓) để chọn một tin khác, hoặc nhấn 1…9",
        "Scroll to the end (↓) to pick a related link, or press 1…9",
    ),
    "note.marked_read": ("Đã đánh dấu là đã đọc", "Marked as read"),
    "note.all_marked": (
        "Đã đánh dấu {count} bài là đã đọc ({undo}: hoàn tác)",
        "Marked {count} articles read ({undo}: undo)",
    ),
    "note.none_unread_here": (
        "Danh sách này không còn bài chưa đọc",
        "Nothing unread in this list",
    ),
    "note.nothing_unread": ("Không còn bài chưa đọc nào", "Nothing unread anywhere"),
    "note.undone": (
        "Đã hoàn tác: {count} bài lại là chưa đọc",
        "Undone: {count} articles unread again",
    ),
    "note.nothing_to_undo": ("Không có gì để hoàn tác", "Nothing to undo"),
    "note.marked_unread": ("Đã đánh dấu là chưa đọc", "Marked as unread"),
    "note.bookmarked": ("Đã thêm dấu trang", "Bookmarked"),
    "note.unbookmarked": ("Đã bỏ dấu trang", "Bookmark removed"),
    "note.copied": ("Đã chép địa chỉ: {url}", "Copied the URL: {url}"),
    "note.opened": ("Đã mở trong trình duyệt", "Opened in the browser"),
    "note.no_browser": ("Không mở được trình duyệt", "Could not open a browser"),
    "note.exported": ("Đã lưu: {path}", "Saved: {path}"),
    "note.export_failed": ("Không lưu được: {error}", "Could not save: {error}"),
    "note.config": (
        "Tệp cấu hình lỗi, bỏ qua phần lỗi: {error}",
        "Bad config file, what is wrong is ignored: {error}",
    ),
    "note.keymap_unknown": (
        "[keymap] có mã phím không biết: {ids}",
        "[keymap] names unknown binding ids: {ids}",
    ),
    "note.keymap_clash": (
        "[keymap] giao phím {keys} cho nhiều việc: {ids}",
        "[keymap] gives the key {keys} to several bindings: {ids}",
    ),
    "note.theme_unknown": ("Không có giao diện màu: {theme}", "No such theme: {theme}"),
    "note.end_of_list": ("Đã hết danh sách", "End of the list"),
    "note.history_empty": ("Không còn bài nào để quay lại", "Nothing to go back to"),
    "note.nothing_forward": ("Không còn bài nào để tiến tới", "Nothing to go forward to"),
    # search and help
    "search.prompt": (
        "Tìm trong các bài đã lưu (không cần dấu)",
        "Search stored articles (diacritics optional)",
    ),
    "search.placeholder": ("ví dụ: hoi nghi", "e.g. hoi nghi"),
    "find.placeholder": (
        "Tìm trong bài (không cần dấu)",
        "Find in the article (diacritics optional)",
    ),
    "find.count": ("{n}/{total}", "{n}/{total}"),
    "find.none": ("không thấy", "not found"),
    "help.title": ("Phím tắt", "Keys"),
    "help.keys": ("Phím", "Keys"),
    "help.action": ("Việc", "Action"),
    "help.footer": (
        'Đổi phím trong config.toml, bảng [keymap]: mã = "phím". Esc để đóng.',
        'Remap in config.toml, table [keymap]: id = "keys". Esc closes.',
    ),
    "help.id": ("mã", "id"),
    # bindings (help screen)
    "key.pane_next": ("Sang ô kế tiếp", "Next pane"),
    "key.pane_prev": ("Về ô trước", "Previous pane"),
    "key.down": ("Xuống (danh sách) / cuộn xuống (bài)", "Down in a list / scroll the article"),
    "key.up": ("Lên (danh sách) / cuộn lên (bài)", "Up in a list / scroll the article"),
    "key.page_down": ("Sang trang (xuống)", "Page down"),
    "key.page_up": ("Sang trang (lên)", "Page up"),
    "key.top": ("Lên đầu", "Top"),
    "key.bottom": ("Xuống cuối", "Bottom"),
    "key.open": (
        "Mở chuyên mục, bài viết hoặc liên kết đang chọn",
        "Open the section, article or link under the cursor",
    ),
    "key.next_article": ("Bài kế tiếp trong danh sách", "Next article of the list"),
    "key.prev_article": ("Bài trước trong danh sách", "Previous article of the list"),
    "key.follow": ("Mở tin khác thứ N", "Follow the Nth related link"),
    "key.back": ("Quay lại bài trước", "Back to the previous article"),
    "key.forward": ("Tiến tới bài sau", "Forward again"),
    "key.search": ("Tìm kiếm", "Search"),
    "key.find": (
        "Tìm trong bài (không cần dấu; Enter: tiếp, Esc: đóng)",
        "Find in the article (diacritics optional; Enter: next, Esc: close)",
    ),
    "key.find_next": ("Chỗ tìm thấy tiếp theo", "Next match"),
    "key.find_prev": ("Chỗ tìm thấy trước", "Previous match"),
    "key.refresh": ("Tải lại", "Refresh"),
    "key.mark_read": ("Đánh dấu đã đọc / chưa đọc", "Mark read / unread"),
    "key.next_unread": (
        "Bài chưa đọc kế tiếp (sang chuyên mục sau khi hết)",
        "Next unread article (on into the next section)",
    ),
    "key.mark_all_read": (
        "Đánh dấu cả danh sách là đã đọc (nhấn lại: hoàn tác)",
        "Mark the whole list read (again: undo)",
    ),
    "key.undo": ("Hoàn tác lần đánh dấu cả danh sách", "Undo marking the whole list"),
    "key.bookmark": ("Thêm / bỏ dấu trang", "Bookmark / unbookmark"),
    "key.bookmarks": ("Đã lưu: các bài có dấu trang", "Saved: the bookmarked articles"),
    "key.open_browser": ("Mở trong trình duyệt", "Open in the browser"),
    "key.copy_url": ("Chép địa chỉ bài viết", "Copy the article's URL"),
    "key.export": ("Lưu bài thành Markdown", "Export the article as Markdown"),
    "key.photos": ("Hiện / ẩn ảnh", "Photos on / off"),
    "key.photo_view": ("Xem ảnh toàn màn hình (Esc: quay lại)", "Photo full screen (Esc returns)"),
    "key.help": ("Trợ giúp (màn hình này)", "Help (this screen)"),
    "key.quit": ("Thoát", "Quit"),
    "key.close": ("Đóng hộp thoại", "Close a dialog"),
}


# Phrases of the engine's causes (errors.py, fetch.py, service.py, the parser) in
# Vietnamese; what is not here (a URL, a status line, a detail) stays as it is.
_CAUSE_PHRASES: dict[str, str] = {
    "not in the store, and tgreader is offline": (
        "chưa có trong bản lưu, và tgreader đang ngoại tuyến"
    ),
    "connection timed out": "hết thời gian kết nối",
    "connection lost while reading the body": "mất kết nối khi đang tải trang",
    "connection failed": "không kết nối được",
    "timed out": "hết thời gian chờ",
    "gave up after": "bỏ dở sau",
    "the deadline": "hạn chót cho một trang",
    "past the deadline": "quá hạn chót cho một trang",
    "the server asked to wait": "máy chủ đề nghị chờ",
    "the next try was due in": "lần thử sau phải chờ",
    " after ": " sau ",
    "unexpected ": "",
    "not an HTML page": "không phải trang HTML",
    "empty response": "máy chủ trả về trang trống",
    "too many redirects": "chuyển hướng quá nhiều lần",
    "redirected off the site to": "bị chuyển ra ngoài trang tới",
    "no article title found": "không tìm thấy tiêu đề bài viết",
    "no article body found": "không tìm thấy nội dung bài viết",
    "no article list found": "không tìm thấy danh sách bài",
    "empty page": "trang trống",
    "body larger than": "trang lớn hơn",
    "not an image": "không phải ảnh",
    "no content type": "không có kiểu nội dung",
}
# Compiled by re at the first cause translated (and kept in its cache), not at launch.
_CAUSE = r" after (\d+) tries| \((\d+) tries\)|" + "|".join(
    re.escape(p) for p in sorted(_CAUSE_PHRASES, key=len, reverse=True)
)


def _cause_vi(cause: str) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return f" sau {match.group(1)} lần thử"
        if match.group(2) is not None:
            return f" ({match.group(2)} lần thử)"
        return _CAUSE_PHRASES[match.group(0)]

    return re.sub(_CAUSE, one, cause)


def normalise_lang(lang: str | None) -> Lang:
    """``vi`` or ``en``; anything else (or None) is Vietnamese."""
    return "en" if (lang or "").strip().lower().startswith("en") else "vi"


class Translator:
    """Looks up interface strings in one language: ``tr("note.copied", url=...)``."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang: Lang = normalise_lang(lang)
        self._column = LANGS.index(self.lang)

    def __call__(self, key: str, **values: object) -> str:
        """The string for ``key`` with ``values`` filled in (the key itself if unknown)."""
        entry = _STRINGS.get(key)
        template = entry[self._column] if entry is not None else key
        return template.format(**values) if values else template

    def error(self, error: BaseException) -> str:
        """``error`` as a line of this language: the URL or file, then the cause (the
        engine's causes are written in English)."""
        if not isinstance(error, TgError):
            return f"{type(error).__name__}: {error}"
        cause = _cause_vi(error.cause) if self.lang == "vi" else error.cause
        return f"{error.where}: {cause}"

    @staticmethod
    def keys() -> frozenset[str]:
        """Every known key (for tests: both languages define each one)."""
        return frozenset(_STRINGS)
