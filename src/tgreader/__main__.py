"""``python -m tgreader``: the same as the ``tgreader`` command."""

import sys

from tgreader.entry import program

sys.exit(program())
