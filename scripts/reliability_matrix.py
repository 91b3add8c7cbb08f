#!/usr/bin/env python3
"""Write docs/reliability.md from the fault matrix in tests/reliability/rel_support/matrix.py.

python scripts/reliability_matrix.py           # write the file
python scripts/reliability_matrix.py --check   # exit 1 if the file is out of date
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"


def generate() -> str:
    """The text docs/reliability.md must hold."""
    sys.path.insert(0, str(ROOT / "tests" / "reliability"))
    matrix = importlib.import_module("rel_support.matrix")
    return str(matrix.render())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run {Path(__file__).name}")
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
