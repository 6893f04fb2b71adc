from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.certificates.models import Certificate
from luohu.certificates.tests.factories import issued_notice

ISSUERS = 4

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_for_one_subject_make_one_document() -> None:
    """Four clerks' sessions issuing the same notice at once all get the same document."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE; the race needs PostgreSQL")
    clerk = persona("clerk_li_huaxian")
    start = threading.Barrier(ISSUERS)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def issuer() -> None:
        try:
            start.wait()
            numbers.append(issued_notice(clerk).number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issuer) for _ in range(ISSUERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(numbers)) == 1 and len(numbers) == ISSUERS
    assert Certificate.objects.count() == 1
    assert AuditEntry.objects.filter(event_type=AuditEventType.CERTIFICATE_ISSUED).count() == 1
