"""The ``tgreader`` program's entry point (the console script, ``python -m tgreader``).

The collector is off before the first of the program's modules is imported: all they make
lives as long as the process, and the collector's passes over it cost a tenth of the
reader's imports. :func:`tgreader.cli.program` turns it back on.
"""

from __future__ import annotations

import gc


def program() -> int:
    """Run the ``tgreader`` program and return its exit code."""
    gc.disable()
    from tgreader.cli import program as run

    return run()
