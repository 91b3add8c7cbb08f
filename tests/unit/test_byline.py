"""The byline rule: real shapes are bylines; headings and sentences never are (hypothesis).

The rule (``_blocks.byline``) sees only the body's last text block, split at ``<br>``,
each line with whether it is wholly bold. These properties hold it to MARKUP.md §5 and
to the real pages of tests/fixtures/real2020.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tgreader.model import Heading, Paragraph
from tgreader.parse import parse_article
from tgreader.parse._byline import byline, is_name

# Syllables of real Vietnamese names and headings (lower case; capitalised where needed).
_SYLLABLES = st.sampled_from(
    ["thu", "hằng", "nhật", "minh", "thanh", "phong", "đạt", "tuấn", "việt", "phạm",
     "nguyễn", "lê", "giao", "tuyến", "cao", "nguyên", "phương", "thảo", "lập", "thạch",
     "duy", "anh", "khánh", "hội", "nghị", "công", "tác", "tuyên", "giáo", "đảng", "ủy",
     "ban", "xây", "dựng", "kết", "luận", "một", "số", "hình", "ảnh", "tại", "đại", "yến",
     "kiến", "phát", "triển", "kinh", "tế", "xã", "văn", "hóa", "đổi", "mới", "và", "của"]
)  # fmt: skip
_BOLD = st.booleans()


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


# A personal name: 1 to 4 capitalised syllables, perhaps an initial first ("T. Thanh").
_NAMES = st.tuples(
    st.lists(_SYLLABLES.map(_capital), min_size=1, max_size=4),
    st.sampled_from(["", "T. ", "V.", "N. "]),
).map(lambda parts: parts[1] + " ".join(parts[0]))

# A sentence-case heading or sentence: capitalised first word, then at least one word in
# lower case (a heading of the real pages: "Hướng đến chuẩn hóa các trung tâm …").
_SENTENCE_CASE = st.tuples(
    _SYLLABLES.map(_capital),
    st.lists(st.one_of(_SYLLABLES, _SYLLABLES.map(_capital)), min_size=1, max_size=19),
    _SYLLABLES,
).map(lambda p: " ".join([p[0], *p[1], p[2]]))

# A job title under a name: at most 16 words ("Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau").
_TITLES = st.tuples(
    _SYLLABLES.map(_capital),
    st.lists(st.one_of(_SYLLABLES, _SYLLABLES.map(_capital)), max_size=14),
).map(lambda p: " ".join([p[0], *p[1]]))

# An upper-case sub-heading longer than any byline (the seed's have 7 to 28 words).
_LONG_UPPER = st.lists(_SYLLABLES, min_size=7, max_size=28).map(lambda w: " ".join(w).upper())

_END = st.sampled_from([".", "./.", "!", "?", ":", "…", ""])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(_NAMES)
@example("Thu Hằng")
@example("T. Thanh")
@example("V.Anh")
@example("TG")
@example("LÝ ROTHA")
def test_a_bold_name_is_a_byline(name: str) -> None:
    assert is_name(name)
    assert byline([(name, True)]) == name


@settings(max_examples=100, deadline=None, derandomize=True)
@given(_SENTENCE_CASE.map(_capital), _BOLD)
@example("TTXVN", False)
@example("nhandan.com.vn", False)
@example("Báo Quân đội nhân dân", True)
def test_theo_a_proper_name_or_a_domain_is_a_byline(source: str, bold: bool) -> None:
    if len(source.split()) <= 5:
        assert byline([(f"Theo {source}", bold)]) == f"Theo {source}"
    assert byline([(f"Theo {source.lower()}", bold)]) is None or "." in source


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(_NAMES, min_size=2, max_size=3), st.sampled_from([" - ", " – ", ", ", " và "]))
def test_bold_names_of_several_authors_are_a_byline(names: list[str], joint: str) -> None:
    text = joint.join(names)
    assert byline([(text, True)]) == text


@settings(max_examples=400, deadline=None, derandomize=True)
@given(_SENTENCE_CASE, _BOLD, _END)
@example("Hướng đến chuẩn hóa các trung tâm chính trị cấp huyện", True, "")
@example("Một số hình ảnh tại buổi Lễ ký kết", True, "")
@example("Thưa các đồng chí", False, "!")
@example("Theo dòng sự kiện", True, "")
def test_a_heading_or_sentence_in_sentence_case_is_no_byline(
    text: str, bold: bool, end: str
) -> None:
    assert byline([(text + end, bold)]) is None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_LONG_UPPER, _BOLD)
def test_a_long_upper_case_heading_is_no_byline(text: str, bold: bool) -> None:
    assert byline([(text, bold)]) is None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_NAMES, _TITLES)
@example("Phạm Việt Phong", "Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau")
def test_a_bold_name_over_a_job_title_is_name_comma_title(name: str, title: str) -> None:
    assert byline([(name, True), (title, False)]) == f"{name}, {title}"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_NAMES, _SENTENCE_CASE, _BOLD)
def test_a_name_is_no_byline_unless_bold_and_a_sentence_never_follows_one(
    name: str, text: str, bold: bool
) -> None:
    # A plain mixed-case name could be any short line; only bold (or initials) says byline.
    if name[1:2] != ".":
        assert byline([(name, False)]) is None
    # A name whose next line ends a sentence is a paragraph that starts with a name.
    assert byline([(name, bold), (text + ".", False)]) is None


def _page(last: str) -> str:
    return (
        '<div class="storydetail"><span class="story_headline">Tiêu đề bài viết</span>'
        '<div class="story_body"><div id="ArticleContent">'
        "<p>Hội nghị đã thảo luận nhiều nội dung quan trọng của công tác tuyên giáo.</p>"
        f"{last}</div></div></div>"
    )


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.one_of(_SENTENCE_CASE, _LONG_UPPER))
def test_a_closing_bold_heading_stays_in_the_article(text: str) -> None:
    article = parse_article(_page(f"<p><strong>{text}</strong></p>"), "https://tuyengiao.vn/a-1")
    assert article.author is None
    last = article.blocks[-1]
    assert isinstance(last, Heading | Paragraph) and last.text == text


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_NAMES)
def test_a_closing_bold_name_is_the_author_and_no_block(name: str) -> None:
    html = _page(f"<p><em><strong>{name}</strong></em> <strong></strong></p>")
    article = parse_article(html, "https://tuyengiao.vn/a-1")
    assert article.author == name
    assert all(getattr(b, "text", None) != name for b in article.blocks)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(_NAMES, _TITLES)
@example("Phạm Việt Phong", "Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau")
def test_a_bold_name_then_an_italic_title_in_its_own_paragraph(name: str, title: str) -> None:
    html = _page(f"<p><strong>{name}</strong></p><p><em>{title}</em></p>")
    article = parse_article(html, "https://tuyengiao.vn/a-1")
    assert article.author == f"{name}, {title}"
    assert str(getattr(article.blocks[-1], "text", "")).startswith("Hội nghị")


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.one_of(_SENTENCE_CASE, _LONG_UPPER), _TITLES)
def test_a_heading_then_an_italic_line_stays_in_the_article(heading: str, line: str) -> None:
    html = _page(f"<p><strong>{heading}</strong></p><p><em>{line}</em></p>")
    article = parse_article(html, "https://tuyengiao.vn/a-1")
    assert article.author is None
    assert [getattr(b, "text", None) for b in article.blocks][-2:] == [heading, line]
