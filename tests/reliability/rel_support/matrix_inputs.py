"""The fault matrix's rows for commands, their inputs, settings and the user's own files."""

from __future__ import annotations

from rel_support.matrix import Case

__all__ = ["input_cases"]

_REL = "tests/reliability/"
_KIND = _REL + "test_wrong_kind.py::"
_IN = _REL + "test_inputs.py::"
_UI = "tests/ui/"
_UNIT = "tests/unit/"
_USER = _REL + "test_user_files.py::"
_NUMBER_VARIABLES = ("TGREADER_TTL", "TGREADER_RETRIES", "TGREADER_TIMEOUT", "TGREADER_CONCURRENCY")


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
            "`read` of a saved listing or home page (a file)",
            "parsed as the kind its canonical link names and printed as `list`/`home` would",
            (
                _KIND + "test_a_saved_listing_or_home_is_read_as_what_it_is[khoa-giao.html-list]",
                _KIND + "test_a_saved_listing_or_home_is_read_as_what_it_is[index.html-home]",
            ),
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
        Case(
            "config.toml nested a few thousand levels deep (arrays, inline tables, in `[keymap]`)",
            "`<file>: not valid TOML: nested too deeply; ignored`, one line; the command runs "
            "with the defaults, never a RecursionError",
            tuple(
                f"{_IN}test_deeply_nested_config_is_one_line_and_the_command_runs[{case}]"
                for case in ("arrays", "inline-tables", "in-keymap")
            ),
        ),
        Case(
            "config.toml with a bad value beside good ones",
            "the bad values are named (the first, and how many more) and ignored; the good "
            "ones (`site` too) apply",
            (
                _IN + "test_one_bad_key_keeps_the_good_ones",
                _UNIT + "test_settings.py::test_options_win_over_the_environment_which_wins_"
                "over_the_file",
            ),
        ),
        Case(
            "`nan`, `inf`, `1e400`, negative or out-of-range numbers in `TGREADER_TTL`, "
            "`TGREADER_RETRIES`, `TGREADER_TIMEOUT`, `TGREADER_CONCURRENCY`",
            "`<VARIABLE>: must be a number from … to …`, exit 2",
            (
                *(
                    f"{_IN}test_odd_numbers_in_the_environment_are_usage_errors[{v}-{n}]"
                    for n in _NUMBER_VARIABLES
                    for v in ("nan", "inf", "-inf", "1e400", "5e10", "-1", "x")
                ),
                _UNIT + "test_settings.py::test_a_bad_value_names_its_source",
            ),
        ),
        Case(
            "`--site` with port 99999, 0 or not a number; `--timeout nan`; "
            "`sync --concurrency 5000000`",
            "`<option>: <cause>`, exit 2 (concurrency is 1 to 64, as in the config file)",
            tuple(f"{_IN}test_odd_options_are_usage_errors[args{i}]" for i in range(7)),
        ),
        Case(
            "`search --limit` beyond SQLite's 64-bit integers",
            "taken as the most results shown (100,000); exit 0",
            (_IN + "test_a_search_limit_beyond_sqlite_integers",),
        ),
        Case(
            "`read /dev/zero`, `read` of a FIFO with no writer, of a folder (`read /`), of a "
            "file over 8 MB",
            "`<file>: not a regular file …` or `larger than 8 MB`, exit 2; nothing read "
            "without bound, nothing waits",
            (
                _IN + "test_read_refuses_a_device",
                _IN + "test_read_of_a_fifo_does_not_wait",
                _IN + "test_read_of_a_folder_is_refused_not_a_traceback",
                _IN + "test_read_of_a_file_larger_than_a_download",
            ),
        ),
        Case(
            "`read` of a path that does not exist (`/tmp/x.html`, `./x`)",
            "`<path>: no such file`, exit 2; not fetched as a site path",
            (
                _IN + "test_read_of_a_missing_file_is_no_such_file[missing.html]",
                _IN + "test_read_of_a_missing_file_is_no_such_file[sub/missing]",
            ),
        ),
        Case(
            "an author, a URL or a link in an export holding `<`, `>`, `&`, quotes, spaces, "
            "parentheses or a `javascript:` scheme",
            "the byline is HTML-escaped inside its `<p>`; URLs are written with `%XX` for "
            "what would end or break the link; only http(s) URLs become links",
            (
                _UNIT + "test_export.py::test_the_byline_is_html_escaped_inside_its_html_block",
                _UNIT + "test_export.py::test_urls_with_brackets_spaces_and_parentheses_are_"
                "escaped",
            ),
        ),
        Case(
            "an export whose file name is taken (a file, or a symlink to another file), or "
            "whose title has no Latin letter",
            "never replaced nor written through: `-2`, `-3`… created exclusively; a title "
            "without Latin letters is named `bai-viet-<article id>.md`",
            (
                _UNIT + "test_export.py::test_an_export_never_replaces_a_file",
                _UNIT + "test_export.py::test_an_export_never_writes_through_a_symlink",
                _UNIT + "test_export.py::test_a_title_without_latin_letters_is_named_from_the_id",
            ),
        ),
        Case(
            "a damaged bookmarks/read-state file (a page of its rows overwritten)",
            "moved aside; every row SQLite can still read is copied into the new file first, "
            "and the line says how many were kept (the reader says it too)",
            (
                _USER + "test_a_damaged_user_file_keeps_every_readable_row",
                _USER + "test_the_cli_says_how_many_rows_were_kept",
            ),
        ),
        Case(
            "the store or data path (or its folder) is a symlink",
            "used as it is: the mode of what it points to is never changed",
            (
                _USER + "test_a_store_path_that_is_a_symlink_keeps_its_target_mode",
                _USER + "test_a_store_folder_that_is_a_symlink_keeps_its_mode",
            ),
        ),
        Case(
            "the store path is a device (a symlink to /dev/null) or a FIFO",
            "`<file>: not a regular file …`, exit 5; never opened for writing, never waited on",
            (
                _USER + "test_a_store_path_that_is_not_a_file_is_refused[device]",
                _USER + "test_a_store_path_that_is_not_a_file_is_refused[fifo]",
            ),
        ),
        Case(
            "a page stored through one origin (`--site` mirror) read through another",
            "the origin is kept with the page (without `user:password@`); offline the copy is "
            "shown with `… stored <age> ago from <origin>`, `stored_from` in JSON and `bản lưu từ "
            "<origin>` in the reader's status line; online "
            "it is stale and fetched again (without the other origin's validators); another port "
            "of a server on this machine (the demo's) is the same origin",
            (
                _REL + "test_origin.py::test_a_copy_from_another_origin_says_so_and_is_fetched_"
                "again",
                _REL + "test_origin.py::test_credentials_in_the_site_are_not_kept_with_the_page",
                _REL + "test_origin.py::test_another_port_on_this_machine_is_the_same_origin",
                _UI + "test_reader_wrong_kind.py::test_a_copy_from_another_origin_says_where_it_"
                "came_from",
            ),
        ),
        Case(
            "random sequences of read/list/home/sections/search/sync/bookmark/cache actions "
            "on every URL of the sample site, hostile pages and a redirect to another kind, "
            "each URL with every command, online and offline (CLI in-process and service)",
            "only TgErrors: exit codes 0, 2, 3, 4, 5 and `tgreader:` lines, never a traceback; "
            "after every step the store passes `integrity_check`, no page is stored under a "
            "kind it is not, the bookmarks are the model's (hypothesis `RuleBasedStateMachine`, "
            "30 sequences of 25 steps; `TGREADER_STATEFUL_EXAMPLES=N` for more)",
            (_REL + "test_state_machine.py::test_random_sequences_of_commands_keep_every_promise",),
        ),
    ]
