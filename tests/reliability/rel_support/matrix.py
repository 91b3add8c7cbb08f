"""The fault matrix: every case, what tgreader does, and the tests that prove it.

``scripts/reliability_matrix.py`` writes docs/reliability.md from this table, and
tests/reliability/test_reliability_doc.py fails when the committed file differs, when a
test named here does not exist, or when a reliability test is missing from the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from rel_support.faults import FAULTS, RETRIES, TIMEOUT
from rel_support.stats import DEFAULT_EXAMPLES, SLOW_EXAMPLES

__all__ = ["AREAS", "Case", "named_tests", "render"]


@dataclass(frozen=True)
class Case:
    """One row: what goes wrong, what tgreader does, which tests prove it."""

    fault: str
    does: str
    tests: tuple[str, ...]


_REL = "tests/reliability/"
_NET = _REL + "test_network_faults.py::test_cli_fault"
_TUI = _REL + "test_tui_reliability.py::test_every_fault_keeps_the_last_good_content"
_PAGES = _REL + "test_hostile_pages.py::"
_HOSTILE = _REL + "test_hostile_inputs.py::"
_SYNC = _REL + "test_sync_bounds.py::"
_STORE = _REL + "test_storage_faults.py::"
_KILL = _REL + "test_storage_kill.py::"
_UNIT = "tests/unit/"
_E2E = "tests/e2e/"
_UI = "tests/ui/"


def _network() -> list[Case]:
    cases = []
    for fault in FAULTS:
        tui = () if fault.accepted else (_TUI,)
        cases.append(Case(fault.what, fault.does, (f"{_NET}[{fault.id}]", *tui, *fault.existing)))
    return [
        *cases,
        Case(
            "nothing listening on the port (connection refused)",
            "retried; exit 3; a stored page is shown from the store with a note, exit 0",
            (
                _UNIT + "test_fetch.py::test_transport_errors_are_retried_then_reported",
                _E2E + "test_fetch_loopback.py::test_nothing_listening",
                _E2E + "test_cli.py::test_sync_then_everything_offline",
            ),
        ),
        Case(
            "`--offline` and the page was never stored",
            "exit 3, `<url>: not in the store, and tgreader is offline`; never connects",
            (
                _E2E + "test_cli.py::test_offline_and_not_stored",
                _E2E + "test_offline.py::test_offline_answers_from_the_store_and_never_connects",
            ),
        ),
        Case(
            "the site is down when the menu is needed",
            "`sections` (and `sync` without sections) fall back to the built-in list, "
            "and say so; exit 0",
            (_E2E + "test_cli.py::test_sections_fall_back_to_the_built_in_list",),
        ),
        Case(
            "an ETag or Last-Modified with bytes that are not ASCII, controls, or 2,000 "
            "characters long (httpx cannot send it back: every revalidation raised)",
            "never kept; one stored before is not sent (the page is fetched whole)",
            (
                _UNIT + "test_fetch.py::"
                "test_a_validator_that_cannot_be_sent_back_is_never_kept_nor_sent",
                _UNIT + "test_fetch.py::test_a_good_validator_is_kept_and_sent",
                _HOSTILE + "test_a_non_ascii_etag_through_the_cli",
            ),
        ),
        Case(
            "escape sequences (CSI, OSC 52), C1 controls and bidi characters in `Content-Type`, "
            "`Content-Encoding` or `Location`; `user:password@` in `--site`",
            "every message quotes them cleaned like page text, on stderr and in `sync`'s "
            "report on stdout; the credentials are never printed",
            (
                _UNIT + "test_fetch.py::test_messages_quote_headers_cleaned",
                _SYNC + "test_what_sync_prints_is_clean",
                _HOSTILE + "test_an_odd_redirect_and_credentials_through_the_cli",
                _UNIT + "test_fetch.py::test_errors_never_name_the_origins_credentials",
            ),
        ),
        Case(
            "generated answers: any status, `Content-Type`, `Content-Encoding`, `Location`, "
            "`ETag`, `Last-Modified`, `Retry-After` holding controls, escapes, bidi, format "
            "characters and non-ASCII bytes, fetched fresh and revalidated with a bad "
            "stored validator",
            "a page or a one-line `FetchError` whose cause is clean; validators kept are "
            "printable ASCII; a `Location` with controls is refused, not retried",
            (_HOSTILE + "test_odd_headers_through_the_fetcher",),
        ),
        Case(
            "any other exception inside the fetcher (the next unknown bug)",
            "`FetchError` naming the URL and the exception's kind; exit 3, no traceback",
            (_UNIT + "test_fetch.py::test_an_unexpected_exception_becomes_a_fetch_error",),
        ),
        Case(
            "`--pages 10**30` on the demo site; a server that answers every page number with "
            "the same listing",
            "a section's walk stops at a listing page that brings no article new to it: the "
            "pages that exist (and at most one empty page past them); the repeated page twice",
            (
                _SYNC + "test_pages_10_to_the_30_ends_at_the_last_page",
                _SYNC + "test_a_listing_that_repeats_is_walked_twice_not_a_thousand_times",
            ),
        ),
        Case(
            "an article with 200 related links",
            "it adds at most 20 to the walk",
            (_SYNC + "test_one_article_adds_at_most_max_related_links",),
        ),
        Case(
            "an exception that is not tgreader's own while syncing one page",
            "the page is named among the failures with the exception's kind; the worker "
            "goes on, the sync ends, the other pages are stored",
            (_SYNC + "test_an_unexpected_exception_in_one_page_is_a_named_failure",),
        ),
        Case(
            "the site goes away while the reader is open",
            "the reader says it is offline once (not once per page), answers from the "
            "store, and a page never stored is a notification",
            (
                _UI + "test_reader_network.py::"
                "test_offline_start_from_a_filled_store_with_the_server_stopped",
            ),
        ),
    ]


_MUTATIONS = (
    "bytes overwritten, inserted or deleted; control, bidi, zero-width, combining and "
    "markup characters inserted; character references to forbidden characters; text or "
    "runs of tags deleted or repeated; truncation; random nesting of unbalanced tags; "
    "hostile and off-site links; NFD text"
)


def _pages() -> list[Case]:
    return [
        Case(
            f"sample pages (demo site and variant fixtures) after 1 to 6 mutations: {_MUTATIONS}",
            "each parser returns a page or raises its own `ParseError`, nothing else; every "
            "string is NFC, holds no C0/C1 control (tab and newline included), bidi or "
            "zero-width character, has its white space collapsed; every URL is http(s) with "
            "no white space",
            (
                _PAGES + "test_parse_article_survives_mutations",
                _PAGES + "test_parse_listing_survives_mutations",
                _PAGES + "test_parse_home_survives_mutations",
                _PAGES + "test_any_page_through_any_parser",
            ),
        ),
        Case(
            "documents built from nothing: random nesting of tags, entities, hostile text",
            "the same",
            (_PAGES + "test_random_documents",),
        ),
        Case(
            "markup nested 200,000 deep (divs, tables, closed or not), towers just past the "
            "limit, one huge attribute, attributes or tags left open",
            "tags nested deeper than 2,048 levels are dropped before Lexbor builds the tree "
            "(their text is kept); the block walk reads boxes past 100 levels as one "
            "paragraph: no `RecursionError`, time linear in the size "
            "(`bench/hostile_bench.py`: at most 0.3 s per MB)",
            (
                _HOSTILE + "test_hostile_shapes_parse_or_raise_parse_error",
                _HOSTILE + "test_markup_nested_200000_deep_keeps_its_text",
            ),
        ),
        Case(
            'Gen C pages of unterminated `self.__next_f.push([1,"` calls, of broken `"blog"` '
            "objects, `__NEXT_DATA__` JSON nested 100,000 deep, `__NEXT_DATA__` scripts left "
            "open",
            "after 16 broken calls the rest are matched by a possessive expression that stops "
            "at the next quote (each failure of the JSON decoder counted the page's lines "
            "up to it: 14 s at 1.5 MB); deep JSON is not read; the script's end is looked for "
            "once, from the first opening tag (78 s per MB before); the real article is still "
            "found",
            (
                _HOSTILE + "test_hostile_shapes_parse_or_raise_parse_error",
                _HOSTILE + "test_unterminated_pushes_do_not_hide_the_real_article",
            ),
        ),
        Case(
            "dates with an offset of a day or more, at the first or last day `datetime` holds, "
            "impossible days and hours",
            "no date (never `ValueError` or `OverflowError`); an offset up to 23:59 is read",
            (
                _HOSTILE + "test_odd_dates_are_no_date",
                _HOSTILE + "test_dates_a_day_from_utc_are_still_read",
            ),
        ),
        Case(
            "canonical links, `og:url`, links and images that are not URLs (port 99999, an "
            "open bracket, NUL, bidi controls)",
            "ignored (never `ValueError`); a saved page's own URL is used only when valid",
            (_HOSTILE + "test_links_that_are_not_urls_are_ignored",),
        ),
        Case(
            "any other exception inside a parser (the next unknown bug)",
            "`ParseError` naming the URL and the exception's kind; exit 4, no traceback",
            (_HOSTILE + "test_an_unexpected_exception_becomes_a_parse_error",),
        ),
        Case(
            "generated hostile documents: the shapes above at random sizes, odd dates and "
            "links, hostile characters anywhere, for each generation's URL",
            "each parser returns a clean page or raises its own `ParseError`",
            (_HOSTILE + "test_hostile_documents_through_every_parser",),
        ),
        Case(
            "text with controls, bidi and zero-width characters between letters and their "
            "combining marks",
            "`text.clean` drops them before NFC, so the letters compose",
            (
                _PAGES + "test_clean_text_is_nfc_visible_and_collapsed",
                _UNIT + "test_text.py::test_clean_strips_escapes_bidi_and_zero_width",
            ),
        ),
        Case(
            "format characters (Unicode category Cf: soft hyphen, U+061C, U+206A-F, "
            "U+FFF9-B, tag characters) and Hangul fillers in text",
            "dropped by `text.clean`, like the controls",
            (
                _UNIT
                + "test_text.py::test_clean_drops_every_format_character_and_the_hangul_fillers",
                _PAGES + "test_random_documents",
            ),
        ),
        Case(
            "a hostile article: Rich/Textual markup, `<script>` text, escapes, bidi overrides",
            "parsed as plain text with the controls removed",
            (_UNIT + "test_variants.py::test_article",),
        ),
        Case(
            "pages that are not what was asked for (no article, a cut page)",
            "`ParseError` naming the URL and what was missing; the CLI exits 4",
            (
                _UNIT + "test_variants.py::test_invalid_pages_raise_the_parsers_error",
                _E2E + "test_cli.py::test_page_not_understood",
            ),
        ),
        Case(
            "Rich/Textual markup in page text (`[bold]`, `[@click=app.quit]`)",
            "shown literally on screen; no style, no action",
            (_UI + "test_reader_safety.py::test_markup_in_page_text_is_shown_literally",),
        ),
        Case(
            "ANSI, OSC (hyperlink, clipboard) and C1 escapes, bidi overrides and isolates, "
            "zero-width characters in a stored page",
            "never reach the terminal: the rest of the text is shown in logical order",
            (
                _REL + "test_tui_reliability.py::"
                "test_bidi_zero_width_and_escapes_never_reach_the_screen",
                _UI + "test_reader_safety.py::test_control_characters_never_reach_the_terminal",
            ),
        ),
        Case(
            "links with other schemes: `javascript:`, `data:`, `file:`, `vbscript:`, `mailto:` "
            "(any case, with white space or controls in and around the scheme)",
            "never resolved to a URL, so never followed, fetched or shown as a link",
            (
                _PAGES + "test_only_http_links_are_ever_resolved",
                _PAGES + "test_any_href_resolves_to_a_clean_http_url_or_nothing",
                _UNIT + "test_urls.py::test_only_http_links_are_kept",
            ),
        ),
        Case(
            "links off the site (another host) among an article's related links",
            "dropped by the parser; `sync` never requests another host (a proxy that "
            "records every such request sees none)",
            (_PAGES + "test_sync_never_fetches_links_off_the_site",),
        ),
        Case(
            "export file names from hostile titles (`../`, `/`, `\\`, NUL, bidi, reserved names)",
            "a plain `a-z0-9-` name ending in `.md`, inside the chosen folder",
            (
                _PAGES + "test_export_names_cannot_leave_the_folder",
                _UI + "test_reader_keys.py::test_e_exports_markdown_into_the_export_folder",
            ),
        ),
        Case(
            "requests that try to leave the demo site's folder (`..`, encoded dots, `//`)",
            "404",
            (_E2E + "test_fetch_loopback.py::test_demo_refuses_path_traversal",),
        ),
    ]


def _storage() -> list[Case]:
    return [
        Case(
            "`sync --pages 2 --depth 2` killed with SIGKILL at a random moment (3 trials; "
            "20 more with `--run-slow`)",
            "the store passes `PRAGMA integrity_check` and the search index's check; every "
            "page holds exactly what the parser makes of its HTML (no half-written page); "
            "the pages stored before the kill are kept, and a new sync completes",
            (
                _KILL + "test_sync_killed_at_random_moments",
                _KILL + "test_sync_killed_at_random_moments_many",
            ),
        ),
        Case(
            "a damaged store file: random bytes, truncated to half, truncated to its header, "
            "pages overwritten, not SQLite at all",
            "one line naming the file and where it was moved "
            "(`<file>.corrupt-<time>`), a new store, exit 0; bookmarks and read state "
            "(their own file) kept",
            (
                *(
                    f"{_STORE}test_a_damaged_store_is_moved_aside_and_said[{damage}]"
                    for damage in (
                        "random-bytes",
                        "truncated-half",
                        "truncated-header",
                        "pages-overwritten",
                        "not-sqlite",
                    )
                ),
                _UNIT + "test_store.py::test_recover_moves_a_damaged_file_aside",
                _UNIT + "test_store.py::test_damaged_pages_inside_a_real_database_are_detected",
            ),
        ),
        Case(
            "damage an open does not read (no open scans the whole file: launch costs the "
            "same at any size), a crash with changes in the WAL, an error that met damage",
            "`cache check` and `cache vacuum` read the whole file: exit 5, one line; after a "
            "crash (a WAL left by a process that died, not one still open) or a damaged "
            "read, the next open checks the whole file and moves a damaged one aside",
            (
                "tests/e2e/test_cli.py::test_cache_check_reads_the_whole_file",
                *(
                    _UNIT + "test_store_open.py::" + name
                    for name in (
                        "test_an_ordinary_open_does_not_read_the_whole_file",
                        "test_a_crash_makes_the_next_open_check_the_file",
                        "test_a_crash_on_a_sound_file_is_checked_once",
                        "test_a_damage_met_while_reading_is_checked_at_the_next_open",
                        "test_a_writer_still_open_elsewhere_is_not_a_crash",
                    )
                ),
            ),
        ),
        Case(
            "a damaged bookmarks and read-state file",
            "moved aside the same way, said in one line; a new empty one",
            (
                _STORE + "test_a_damaged_user_data_file_is_moved_aside_and_said",
                _UNIT + "test_userdata.py::test_a_damaged_file_raises_or_is_moved_aside",
            ),
        ),
        Case(
            "the cache is cleared or deleted",
            "bookmarks and read state are in the data folder, untouched",
            (_UNIT + "test_userdata.py::test_user_data_survives_the_cache",),
        ),
        Case(
            "another program's database, or one from a newer tgreader, where the store goes",
            "refused with a one-line error, never migrated or moved",
            (
                _UNIT + "test_store.py::test_another_programs_database_is_left_alone",
                _UNIT + "test_store.py::test_a_newer_schema_is_refused_not_migrated",
            ),
        ),
        Case(
            "the store's folder is read-only (`read`, `read --refresh`, `sync`)",
            "`<file>: read-only file system` (or permission denied), exit 5, no traceback; "
            "the store unchanged; `sync` stops at the first page it cannot store",
            (
                _STORE + "test_a_store_on_a_read_only_folder",
                _UNIT + "test_store.py::test_a_read_only_folder_raises_store_error",
            ),
        ),
        Case(
            "the store's folder cannot be created (read-only parent)",
            "`<folder>: read-only file system`, exit 5",
            (
                _STORE + "test_a_new_store_under_a_read_only_folder",
                _UNIT + "test_store.py::test_a_folder_that_cannot_be_created_raises_store_error",
            ),
        ),
        Case(
            "the disk is full (a 2 MB tmpfs filled to the last byte)",
            "`<file>: the disk is full`, exit 5, no traceback, for `read`, `read --refresh`, "
            "`sync` and even `--offline read` (SQLite cannot create its shared-memory file); "
            "the old copy intact",
            (
                _STORE + "test_a_store_on_a_full_disk",
                _UNIT + "test_store.py::test_a_full_disk_raises_store_error_and_keeps_the_old_copy",
            ),
        ),
        Case(
            "two readers (`read --refresh`, `search`, `list`, `read`, `cache info`) and a sync, "
            "three processes on one store",
            'all finish; nobody sees "database is locked" or "busy"; the store is whole',
            (_STORE + "test_two_readers_and_a_sync_at_once",),
        ),
        Case(
            "two syncs at once on one store",
            "both finish with nothing failed; the store is whole and complete",
            (
                _STORE + "test_two_syncs_at_once",
                _UNIT + "test_store.py::test_two_stores_on_one_file_write_concurrently",
                _UNIT + "test_store.py::test_stores_opening_a_new_file_at_once",
            ),
        ),
        Case(
            "a fetch fails for a page already stored",
            "the stored copy is kept and shown, with its age and the cause",
            (_E2E + "test_offline.py::test_a_failed_fetch_keeps_the_stored_copy",),
        ),
    ]


def _inputs() -> list[Case]:
    from rel_support.matrix_inputs import input_cases  # imports Case from here

    return input_cases()


def _photos() -> list[Case]:
    hostile = _REL + "test_hostile_images.py::test_a_hostile_photo_is_none_and_one_quiet_log_line"
    reader = _REL + "test_hostile_images.py::test_the_reader_shows_a_hostile_photos_caption_alone"
    quiet = "no photo, one INFO line in the log naming the URL and the cause, nothing stored"
    cases = [
        ("truncated", "a JPEG cut after 1,500 bytes", "decoding fails: " + quiet),
        ("not-an-image", "HTML served as `image/jpeg`", "Pillow does not know it: " + quiet),
        ("wrong-type", "a JPEG served as `text/html`", "refused before reading: " + quiet),
        (
            "huge-dimensions",
            "a small PNG whose header says 60,000 x 60,000 pixels",
            "refused from the header (over 40 megapixels), nothing decoded: " + quiet,
        ),
        (
            "decompression-bomb",
            "a PNG of 48 megapixels that compresses to a few kilobytes",
            "refused from the header, nothing decoded: " + quiet,
        ),
        (
            "too-large",
            "a photo announced past the 5 MB cap",
            "refused from `Content-Length`, the body never read: " + quiet,
        ),
        ("empty", "an empty 200 `image/jpeg`", quiet),
    ]
    out = [
        Case(what, does, (f"{hostile}[{case_id}]", *((reader,) if case_id == "truncated" else ())))
        for case_id, what, does in cases
    ]
    return [
        *out,
        Case(
            "in the reader, an article whose photos are a good one, a truncated one and a bomb",
            "the good photo drawn above its caption; the others' captions stand alone (their "
            "boxes take no room); no notification, no exception",
            (reader,),
        ),
        Case(
            "an animated GIF of 1,000 frames",
            "only the first frame is decoded and stored (a still JPEG)",
            (_REL + "test_hostile_images.py::test_a_gif_of_1000_frames_costs_its_first_frame",),
        ),
        Case(
            "photos on another host (`example.com`, another address)",
            "never requested: only the site's hosts and `cdn.tuyengiao.vn` are fetched",
            (
                _REL + "test_hostile_images.py::test_photos_off_the_site_are_never_requested",
                _UNIT + "test_photo_store.py::test_photo_hosts",
            ),
        ),
    ]


AREAS: tuple[tuple[str, list[Case]], ...] = (
    ("Network", _network()),
    ("Hostile and malformed pages", _pages()),
    ("Storage", _storage()),
    ("Commands, inputs and user data", _inputs()),
    ("Photos", _photos()),
)


def named_tests() -> list[str]:
    """Every test id the matrix names, in order, without repeats."""
    ids = [test for _, cases in AREAS for case in cases for test in case.tests]
    return list(dict.fromkeys(ids))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    """docs/reliability.md."""
    rows = sum(len(cases) for _, cases in AREAS)
    out = [
        "# Reliability: the fault matrix",
        "",
        "<!-- Generated by scripts/reliability_matrix.py from "
        "tests/reliability/rel_support/matrix.py: edit the table, then run "
        "`python scripts/reliability_matrix.py`. -->",
        "",
        f"{rows} cases: what can go wrong, what tgreader does, and the tests that prove it. "
        "`tests/reliability/test_reliability_doc.py` fails when this file differs from what "
        "the script writes, when it names a test that does not exist, or when a reliability "
        "test is missing from it.",
        "",
        "Exit codes: 0 success, 2 usage, 3 network (or offline and not stored), 4 page not "
        "understood, 5 store unusable. Every error is one line on stderr, "
        "`tgreader: <URL or file>: <cause>`, never a traceback.",
        "",
        "Everything runs on 127.0.0.1. `python -m pytest tests/reliability` runs the "
        f"default trials ({DEFAULT_EXAMPLES} hypothesis examples per property, 3 kill "
        f"trials); `--run-slow` adds 20 kill trials and takes the properties to "
        f"{SLOW_EXAMPLES} examples; "
        "`TGREADER_HYPOTHESIS_EXAMPLES=N` sets the examples per property. The counts run "
        "are printed at the end of the test session.",
        "",
        "## Network",
        "",
        "Each fault is served by a fault server on 127.0.0.1 to `tgreader read` "
        f"(`--timeout {TIMEOUT:g}`, `TGREADER_RETRIES={RETRIES}`) and to the reader:",
        "",
        "- a page never stored: the exit code below and one line naming the URL "
        "requested and the cause; nothing stored;",
        "- a page stored earlier (`read --refresh`): the stored copy is printed, with "
        "`tgreader: <URL>: <cause>; showing the copy stored <age> ago`, exit 0, and every "
        "row of the store is unchanged;",
        "- the reader (`r` on an open article, then a related link never stored): a "
        "notification each time, the article shown unchanged, the store unchanged;",
        "- the server counts the requests: a retried fault is asked 1 + retries times, "
        "any other once (a redirect loop: 1 + 10 redirects); another host, never.",
        "",
    ]
    for area, cases in AREAS:
        if area != "Network":
            out += [f"## {area}", ""]
        out += ["| Case | What tgreader does | Proved by |", "|---|---|---|"]
        for case in cases:
            tests = "<br>".join(f"`{t}`" for t in case.tests)
            out.append(f"| {_cell(case.fault)} | {_cell(case.does)} | {tests} |")
        out.append("")
    return "\n".join(out)
