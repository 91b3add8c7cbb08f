"""The ``tgreader`` program's entry point: the collector is off before the first of its
modules is imported (see :func:`tgreader.cli.program`, which turns it back on)."""

from __future__ import annotations

import gc


def program() -> int:
    """Run the ``tgreader`` program and return its exit code."""
    gc.disable()
    from tgreader.cli import program as run

    return run()
