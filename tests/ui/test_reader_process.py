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


def test_parsing_does_not_tune_malloc_but_the_program_does() -> None:
    code = (
        "from tgreader.parse import parse_listing\n"
        "from tgreader.parse._memory import keep_freed_memory\n"
        "from tgreader.errors import ParseError\n"
        "try:\n    parse_listing('<html><body><h1>T</h1></body></html>', 'https://x.vn/a')\n"
        "except ParseError:\n    pass\n"
        "info = keep_freed_memory.cache_info()\n"
        "print(info.hits + info.misses)\n"
    )
    library = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert library.stdout.strip() == "0", library.stderr
    program = (
        "import sys\nfrom tgreader import cli\nsys.argv = ['tgreader', '--version']\n"
        "from tgreader.parse._memory import keep_freed_memory\n"
        "try:\n    cli.program()\nexcept SystemExit:\n    pass\n"
        "info = keep_freed_memory.cache_info()\nprint(info.hits + info.misses)\n"
    )
    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert ran.stdout.strip().endswith("1"), ran.stderr


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
