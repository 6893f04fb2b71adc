"""Property test of the auditor's date search: any typed dates, a search or an error.

Found by this test: a search up to 9999-12-31 (the last day a date box
accepts) raised OverflowError, a server error on the auditor's page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luohu.audit.forms import AuditSearchForm
from luohu.audit.selectors import audit_entry_search

typed_dates = st.one_of(
    st.text(max_size=24),
    st.from_regex(r"\A\s*-?[0-9]{1,6}[-/.][0-9]{1,3}[-/.][0-9]{1,3}\s*\Z"),
    st.dates().map(dt.date.isoformat),
    st.sampled_from(["9999-12-31", "0001-01-01", "0001-01-02", "2024-02-30", "10000-01-01"]),
)


@pytest.mark.django_db
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed_dates, typed_dates)
def test_the_audit_search_dates_give_a_search_or_an_error(start: str, end: str) -> None:
    """Any pair of typed dates, the calendar's edges included, runs or names its field."""
    form = AuditSearchForm({"date_from": start, "date_to": end})
    if form.is_valid():
        filters = form.to_filter()
        lower = form.cleaned_data.get("date_from")
        # Every bound but the calendar's first day is kept.
        assert (filters.occurred_from is None) == (lower in (None, dt.date.min))
        if filters.occurred_from and filters.occurred_before:
            assert filters.occurred_from < filters.occurred_before
        assert audit_entry_search(filters).count() >= 0
    else:
        assert set(form.errors) <= {"date_from", "date_to", "__all__"}
        assert all(messages for messages in form.errors.values())
