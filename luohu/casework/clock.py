"""法定时限 The statutory clock of a case, counted in working days.

The limit itself is the engine's local setting
``local/processing_time_working_days``; this module only counts. Working
days are Monday to Friday: the State Council's yearly holiday calendar
(with its swapped weekend days) is not yet loaded, so a deadline that spans
a public holiday is earlier than the legal one, never later.
"""

from __future__ import annotations

import datetime as dt


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start``."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count
