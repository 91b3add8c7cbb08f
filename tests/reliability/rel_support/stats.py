"""Counts the reliability tests report at the end of a run: hypothesis examples and kill
trials (printed by tests/reliability/conftest.py's terminal summary)."""

from __future__ import annotations

import os
from collections import Counter

import pytest

__all__ = [
    "COLLECTED",
    "DEFAULT_EXAMPLES",
    "EXAMPLES",
    "KILLS",
    "SLOW_EXAMPLES",
    "STORED_AT_KILL",
    "examples",
    "exploring",
    "set_examples",
]

# Every test id collected in the session, for the check of docs/reliability.md.
COLLECTED = pytest.StashKey[set[str]]()
EXAMPLES: Counter[str] = Counter()  # property name -> examples run
KILLS: Counter[str] = Counter()  # "run", "killed mid-sync", "finished first", "passed"
STORED_AT_KILL: list[int] = []  # pages in the store right after each kill (-1: no file yet)

DEFAULT_EXAMPLES = 200  # per property, in the default suite
SLOW_EXAMPLES = 1000  # per property, with --run-slow

_examples = int(os.environ.get("TGREADER_HYPOTHESIS_EXAMPLES", "0") or 0)


def set_examples(count: int) -> None:
    """Examples per property for this run (unless TGREADER_HYPOTHESIS_EXAMPLES says)."""
    global _examples
    if not os.environ.get("TGREADER_HYPOTHESIS_EXAMPLES"):
        _examples = count


def examples() -> int:
    """Examples per property: 200 by default, more with --run-slow or the variable."""
    return _examples or DEFAULT_EXAMPLES


def exploring() -> bool:
    """True for a long run (more examples than the default suite's), which explores anew."""
    return examples() != DEFAULT_EXAMPLES
