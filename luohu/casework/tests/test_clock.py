from __future__ import annotations

import datetime as dt

import pytest

from luohu.casework.clock import add_working_days, working_days_between

FRIDAY = dt.date(2024, 5, 10)


def test_working_days_skip_the_weekend() -> None:
    assert add_working_days(FRIDAY, 1) == dt.date(2024, 5, 13)
    assert add_working_days(FRIDAY, 0) == FRIDAY
    assert add_working_days(FRIDAY, 20) == dt.date(2024, 6, 7)


def test_working_days_between_counts_weekdays_after_start() -> None:
    assert working_days_between(FRIDAY, dt.date(2024, 5, 13)) == 1
    assert working_days_between(FRIDAY, dt.date(2024, 5, 12)) == 0
    assert working_days_between(FRIDAY, FRIDAY) == 0
    assert working_days_between(FRIDAY, dt.date(2024, 5, 3)) == 0


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(FRIDAY, -1)
