"""The benchmarks still run: each of their functions once, on tiny inputs, with no timing
asserted (timings belong in bench/, see BENCHMARKS.md). Generated stores and sites go to a
temporary folder, never to the shared bench cache."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench import (  # noqa: E402 - the repository root had to be put on the path first
    common,
    corpus,
    launch_bench,
    memory_bench,
    pages,
    parse_bench,
    photo_bench,
    relevance_bench,
    run,
    search_bench,
    size_bench,
    sync_bench,
)


@pytest.fixture(autouse=True)
def bench_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bench-cache"
    monkeypatch.setenv("TGREADER_BENCH_CACHE", str(folder))
    return folder


def test_stats_and_timing() -> None:
    stats = common.timed(lambda: None, repeat=5)
    assert stats.n == 5 and stats.min <= stats.median <= stats.max
    assert "n=5" in stats.ms()
    assert common.machine()["cores"]


def test_padded_pages_parse_as_the_samples_do() -> None:
    from tgreader.parse import parse_article

    sample = pages.sample_pages()[0]
    grown = pages.padded(sample.html, 40_000, generation="A")
    assert len(grown.encode()) >= 40_000
    assert parse_article(grown, sample.url) == parse_article(sample.html, sample.url)
    found = parse_bench.time_tgreader(pages.sample_pages()[:2], repeat=1)
    assert len(found) == 2


def test_trafilatura_comparison() -> None:
    pytest.importorskip("trafilatura")
    facts = parse_bench.extracted(pages.sample_pages()[0])
    assert facts is not None and facts["tgreader"]["title"]
    assert parse_bench.time_trafilatura(pages.sample_pages()[:1], repeat=1)


def test_generated_articles_parse_back_to_themselves() -> None:
    from tgreader.parse import parse_article

    for index in range(3):
        page = corpus.article(index, 10)
        assert parse_article(corpus.render(page), page.url) == page


def test_search_and_size_on_a_tiny_store() -> None:
    found = search_bench.measure(3, repeat=1)
    assert set(found["queries"]) == set(search_bench.QUERIES)
    facts = size_bench.breakdown(corpus.ensure(3, progress=False))
    assert facts["pages"] > 3 and facts["file"] > 0


def test_average_precision_and_the_relevance_judge() -> None:
    assert relevance_bench.average_precision(["a", "x", "b"], {"a", "b"}) == (1 + 2 / 3) / 2
    assert relevance_bench.average_precision(["x", "a"], {"a", "b"}) == 0.25
    texts = {"1": "Hội nghị báo cáo viên", "2": "hỏi - đáp, ngày nghỉ", "3": "Hội, nghị: họp"}
    assert relevance_bench.judge(texts, "hội nghị") == {"1", "3"}
    assert relevance_bench.judge(texts, "hoi nghi") == {"1", "3"}
    assert relevance_bench.judge(texts, "hỏi") == {"2"}


def test_every_judged_query_has_a_relevant_article() -> None:
    found = relevance_bench.measure()
    assert len(relevance_bench.WITH_DIACRITICS) == len(relevance_bench.WITHOUT) >= 10
    assert all(entry["relevant"] > 0 for entry in found["queries"].values())
    assert 0.0 < found["map"] <= 1.0


def test_demo_store_size(tmp_path: Path) -> None:
    facts = size_bench.breakdown(size_bench.demo_store(tmp_path / "demo", vacuum=True))
    assert facts["raw"] > facts["file"] > 0


def test_sync_against_the_server_process() -> None:
    root, sections = sync_bench.build_site(1, per_page=2)
    server = sync_bench.Server(root, 0.0)
    try:
        ours = sync_bench.run_tgreader(server.url, sections, 1)
        raw = sync_bench.run_raw(server.url, root)
    finally:
        server.close()
    assert ours["pages"] == 12 and ours["failures"] == 0  # 4 listings, 8 articles
    assert raw["pages"] == 12


def test_launch_and_open(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    launch_bench.fill(tmp_path)
    section, title = launch_bench.first_screen_texts(tmp_path)
    assert section and title
    assert launch_bench.headless("floor", tmp_path) > 0
    assert launch_bench.headless("app", tmp_path) > 0
    assert len(asyncio.run(launch_bench.opens(tmp_path, 1))) >= 2


def test_photos(tmp_path: Path) -> None:
    photo_bench.fill(tmp_path)
    texts, photos = asyncio.run(photo_bench.opens(tmp_path, 1))
    assert len(texts) >= 2 and photos
    store = photo_bench.store_figures(tmp_path)
    assert store["photos"] > 0 and store["bytes"] > 0 and store["articles"] > 0
    assert photo_bench.camera_photo()["width"] == 1280


@pytest.mark.skipif(shutil.which("tmux") is None, reason="no tmux")
def test_launch_in_tmux(tmp_path: Path) -> None:
    floor = [sys.executable, str(launch_bench.FLOOR)]
    try:
        assert launch_bench.in_tmux(floor, ("floor-ready",), tmp_path, "smoke") > 0
    finally:
        launch_bench._tmux("kill-server")


def test_memory_on_a_tiny_store() -> None:
    found = memory_bench.measure(3)
    assert found["peak_mb"] > 0 and found["search_hits"] >= 0


def test_the_report_is_written(tmp_path: Path) -> None:
    result = common.Result("Example")
    result.add("a figure", "1 ms", "≤ 2 ms", True)
    result.say("Some text.")
    result.add("a missed one", "3 ms", "≤ 2 ms", False)
    probes = (run.machine_probe(), 0.5)
    path = run.write_report([result], time.time(), True, probes, path=tmp_path / "BENCHMARKS.md")
    text = path.read_text()
    assert "| a figure | 1 ms | ≤ 2 ms | ✅ |" in text and "## Example" in text
    assert f"took {probes[0] * 1000:.0f} ms at the start and 500 ms at the end" in text
    assert "- **a missed one**: 3 ms." in text  # listed under the targets missed
