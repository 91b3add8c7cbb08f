"""Process-wide effects belong to the tgreader program, not to library use or tests:
``make_app`` leaves the collector alone, and parsing leaves glibc's malloc alone."""

from __future__ import annotations

import gc
import subprocess
import sys

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
