"""``python -m tgreader``: the same as the ``tgreader`` command."""

import sys

from tgreader.cli import main

sys.exit(main())
