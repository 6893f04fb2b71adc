"""USER_CREATED from accounts.services.user_create."""

from __future__ import annotations

import pytest

from luohu.accounts.services import user_create
from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry

pytestmark = pytest.mark.usefixtures("divisions")


def test_user_create_records_who_was_created_with_which_role() -> None:
    """Creating a clerk writes USER_CREATED with role and county, and no name or password."""
    admin = persona("admin_wu")
    clerk = user_create(
        acting_user=admin,
        username="clerk_new_huaxian",
        password="x-Password-1",
        role="clerk",
        jurisdiction_code="410526",
        full_name="新民警",
    )
    entry = AuditEntry.objects.get(event_type=AuditEventType.USER_CREATED, object_id=str(clerk.pk))
    assert (entry.actor_id, entry.object_type, entry.jurisdiction_code) == (
        admin.pk,
        "accounts.user",
        "410526",
    )
    assert entry.after == {"role": "clerk", "jurisdiction_code": "410526"}
    assert "新民警" not in str(entry.chain_content())
    assert "x-Password-1" not in str(entry.chain_content())


def test_user_created_by_the_system_has_no_actor() -> None:
    """Accounts made by a command (demo accounts, personas) are recorded with no actor."""
    user = persona("applicant_zhao")
    entry = AuditEntry.objects.get(event_type=AuditEventType.USER_CREATED, object_id=str(user.pk))
    assert entry.actor_id is None
    assert entry.after == {"role": "applicant", "jurisdiction_code": ""}
