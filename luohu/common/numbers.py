"""Case, permit and certificate numbers: a fixed prefix and a random six-digit tail.

The tail is random so that a number alone reveals nothing and cannot be
guessed from the one before. A random tail can repeat (two draws among a
million on one county's busy day), so a number is drawn until it is unused.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

TAIL_DIGITS = 6
# Enough that a free number is found while fewer than 99.99 % of a day's
# tails are taken; past that the county's day is full.
MAX_DRAWS = 100


class NumbersExhaustedError(RuntimeError):
    """Every draw hit a number in use: the day's numbers of this prefix are full."""


def unused_number(prefix: str, taken: Callable[[str], bool]) -> str:
    """``prefix`` plus a random tail, checked with ``taken`` until one is free."""
    for _ in range(MAX_DRAWS):
        number = f"{prefix}{secrets.randbelow(10**TAIL_DIGITS):0{TAIL_DIGITS}d}"
        if not taken(number):
            return number
    raise NumbersExhaustedError(f"no free number after {MAX_DRAWS} draws for {prefix}")
