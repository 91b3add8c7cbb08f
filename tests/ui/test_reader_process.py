"""Process-wide effects belong to the tgreader program, not to library use or tests:
``make_app`` leaves the collector alone, and parsing leaves glibc's malloc alone."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from tgreader.settings import Settings
from tgreader.ui.app import make_app


def test_make_app_does_not_freeze_the_collector() -> None:
    before = gc.get_freeze_count()
    make_app(Settings(offline=True))
    assert gc.get_freeze_count() == before


def _run_python(code: str, env: dict[str, str] | None = None) -> str:
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.strip()


_TUNED = (
    "from tgreader._memory import keep_freed_memory\n"
    "info = keep_freed_memory.cache_info()\nprint(info.hits + info.misses)\n"
)


def test_parsing_does_not_tune_malloc_but_the_program_does(tmp_path: Path) -> None:
    parse = (
        "from tgreader.parse import parse_listing\n"
        "from tgreader.errors import ParseError\n"
        "try:\n    parse_listing('<html><body><h1>T</h1></body></html>', 'https://x.vn/a')\n"
        "except ParseError:\n    pass\n"
    )
    assert _run_python(parse + _TUNED) == "0"  # library use: malloc left alone
    # The program asks; it is done as the parser loads (or at once if it is loaded).
    saved = tmp_path / "page.html"
    saved.write_text("<html><body><h1>Tiêu đề</h1><p>Đoạn văn.</p></body></html>")
    env = {**os.environ, "TGREADER_CONFIG_DIR": str(tmp_path)}
    store = ["--cache-dir", str(tmp_path), "--data-dir", str(tmp_path)]
    for argv, loaded in (
        (["--offline", *store, "read", str(saved)], "parser first"),
        (["--version"], "parser first"),
        (["--offline", *store, "read", str(saved)], "program first"),
    ):
        first = "import tgreader.parse\n" if loaded == "parser first" else ""
        program = (
            f"import sys\n{first}from tgreader import cli\nsys.argv = ['tgreader', *{argv!r}]\n"
            "try:\n    cli.program()\nexcept SystemExit:\n    pass\n"
        )
        assert _run_python(program + _TUNED, env).endswith("1"), (argv, loaded)


def test_the_reader_starts_without_the_parser_and_the_network(tmp_path: Path) -> None:
    # The reader on its stored pages imports neither the parser (nor selectolax, nor
    # ctypes for malloc's tuning) nor the HTTP client: they load when a page is fetched.
    code = (
        "import sys\nfrom textual.app import App\n"
        "App.run = lambda self, *args, **kwargs: None  # up to the first screen, not on\n"
        "from tgreader import entry\n"
        f"sys.argv = ['tgreader', '--offline', '--cache-dir', {str(tmp_path)!r}, "
        f"'--data-dir', {str(tmp_path)!r}]\n"
        "code = entry.program()\n"
        "heavy = ('tgreader.parse', 'selectolax', 'ctypes', 'httpx', 'PIL', 'textual_image')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "TGREADER_CONFIG_DIR": str(tmp_path)}
    assert _run_python(code, env) == "0 []"


def test_the_program_collects_garbage_again_once_a_command_runs(tmp_path: Path) -> None:
    # The collector is off while the program imports (tgreader.entry), back on for the
    # command itself and after it.
    code = (
        "import gc, sys\nfrom tgreader import cli, entry\nseen = []\n"
        "async def spy(args, settings):\n    seen.append(gc.isenabled())\n    return 0\n"
        "cli._dispatch = spy\n"
        f"sys.argv = ['tgreader', '--cache-dir', {str(tmp_path)!r}, '--data-dir', "
        f"{str(tmp_path)!r}, '--offline', 'sections']\n"
        "code = entry.program()\nprint(code, seen, gc.isenabled())\n"
    )
    env = {**os.environ, "TGREADER_CONFIG_DIR": str(tmp_path)}
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert ran.stdout.split() == ["0", "[True]", "True"], ran.stderr
