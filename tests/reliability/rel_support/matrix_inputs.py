"""The fault matrix's rows for commands, their inputs, settings and the user's own files."""

from __future__ import annotations

from rel_support.matrix import Case

__all__ = ["input_cases"]

_REL = "tests/reliability/"
_KIND = _REL + "test_wrong_kind.py::"
_IN = _REL + "test_inputs.py::"
_UI = "tests/ui/"


def input_cases() -> list[Case]:
    """Wrong kinds of page for a command, odd inputs and settings, user data."""
    return [
        Case(
            "`read` of a section URL, online and `--offline`, before or after `list`",
            "the listing is printed (as `list` does), exit 0; stored as a listing only",
            (_KIND + "test_read_of_a_section_lists_it_and_list_then_works",),
        ),
        Case(
            "`read` of the home page URL",
            "the home page is printed (as `home` does), exit 0",
            (_KIND + "test_read_of_the_home_page_shows_it",),
        ),
        Case(
            "`list` of an article or of the home page, online and `--offline`",
            "`<URL>: an article, not a section listing; read it with: tgreader read <URL>`, "
            "exit 4; nothing stored",
            (
                _KIND + "test_list_of_an_article_or_home_says_which_command_reads_it[False]",
                _KIND + "test_list_of_an_article_or_home_says_which_command_reads_it[True]",
            ),
        ),
        Case(
            "a section the store holds under another kind (an article an older version "
            "made up from the listing)",
            "never served as that kind: offline it is not stored (exit 3), online fetched "
            "again and stored as a listing; the reader loads the section and `r` keeps it",
            (
                _KIND + "test_a_page_stored_under_the_wrong_kind_is_mended",
                _UI + "test_reader_wrong_kind.py::"
                "test_a_section_stored_as_an_article_loads_and_r_mends_it",
            ),
        ),
    ]
