from __future__ import annotations

import pytest
from django.db import transaction

from luohu.accounts.models import User
from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.selectors import PERSON_OBJECT_TYPE, audit_views_of_person
from luohu.audit.services import audit_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("divisions")]


def look(user: User, person: int, event: AuditEventType, reason: str = "") -> None:
    with transaction.atomic():
        audit_record(
            acting_user=user,
            event_type=event,
            obj_type=PERSON_OBJECT_TYPE,
            obj_id=person,
            jurisdiction_code="410526",
            reason=reason,
        )


def test_a_person_sees_each_look_at_their_record_by_role_unit_and_reason() -> None:
    """Views and unmaskings of a record are listed newest first with role, unit and reason."""
    clerk = persona("clerk_li_huaxian")
    auditor = persona("auditor_zhou")
    look(clerk, 7, AuditEventType.PERSONAL_DATA_VIEWED, reason="受理落户申请 case intake")
    look(auditor, 7, AuditEventType.PERSONAL_DATA_UNMASKED, reason="审计抽查 audit sample")
    views = audit_views_of_person(7)
    assert [(v.event_type, v.viewer_role, v.viewer_unit_code, v.reason) for v in views] == [
        (AuditEventType.PERSONAL_DATA_UNMASKED, "auditor", "410500", "审计抽查 audit sample"),
        (AuditEventType.PERSONAL_DATA_VIEWED, "clerk", "410526", "受理落户申请 case intake"),
    ]
    assert views[0].viewed_at >= views[1].viewed_at


def test_only_that_persons_views_are_listed() -> None:
    """Other people's records and other kinds of event do not appear."""
    clerk = persona("clerk_li_huaxian")
    look(clerk, 8, AuditEventType.PERSONAL_DATA_VIEWED)
    look(clerk, 7, AuditEventType.CASE_SUBMITTED)
    assert audit_views_of_person(7) == []
    assert len(audit_views_of_person("8")) == 1


def test_the_viewer_is_not_named() -> None:
    """The citizen learns the office and the role, not the clerk's account."""
    look(persona("clerk_li_huaxian"), 7, AuditEventType.PERSONAL_DATA_VIEWED)
    (view,) = audit_views_of_person(7)
    assert "clerk_li_huaxian" not in repr(view)
