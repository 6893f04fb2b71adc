"""The fault test's checker sees what it must: a missing or half-written application."""

from __future__ import annotations

import pytest

from luohu.accounts.tests.factories import persona
from luohu.casework.models import StatusChange
from luohu.casework.tests.factories import submitted
from tests.faults._platform import check

pytestmark = pytest.mark.usefixtures("divisions")


def test_a_whole_database_passes() -> None:
    application = submitted(persona("applicant_zhao"))
    report = check([application.number])
    assert report["acknowledged_missing"] == [] and report["half_written"] == []
    assert report["audit_ok"] is True


def test_an_acknowledged_number_that_is_not_there_is_reported() -> None:
    submitted(persona("applicant_zhao"))
    assert check(["410526202405060000000"])["acknowledged_missing"] == ["410526202405060000000"]


def test_an_application_without_its_history_or_a_member_is_half_written() -> None:
    first = submitted(persona("applicant_zhao"))
    second = submitted(persona("applicant_zhao"))
    StatusChange.objects.filter(application=first).delete()
    second.members.filter(position=1).delete()
    report = check([first.number, second.number])
    assert sorted(report["half_written"]) == sorted([first.number, second.number])
