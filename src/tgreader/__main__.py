"""``python -m tgreader``: the same as the ``tgreader`` command."""

import sys

from tgreader.cli import program

sys.exit(program())
