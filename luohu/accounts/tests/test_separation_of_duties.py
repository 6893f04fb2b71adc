"""三员分立: system administrator, security administrator and auditor are three accounts.

The service refuses a second separated duty with a bilingual error; the
database refuses it too, and refuses any superuser. Role and permission
changes are audited.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from luohu.accounts.models import User
from luohu.accounts.roles import SEPARATED_ROLES, Role
from luohu.accounts.services import (
    SYSTEM_ADMIN_PERMISSIONS,
    USER_SEPARATED_DUTY_TAKEN,
    user_create,
    user_role_change,
)
from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.common.errors import FieldError

pytestmark = pytest.mark.usefixtures("divisions")


def test_the_three_duties_are_three_roles() -> None:
    assert SEPARATED_ROLES == {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (Role.SECURITY_ADMIN, Role.AUDITOR),
        (Role.AUDITOR, Role.SYSTEM_ADMIN),
        (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
    ],
)
def test_an_account_never_takes_a_second_separated_duty(first: str, second: str) -> None:
    """Even by way of another role in between, the second duty is refused in zh and en."""
    security = persona("security_xu")
    user = user_create(username=f"u_{first}", password="x-Password-1", role=first)
    user_role_change(
        acting_user=security, user_id=user.pk, role=Role.CLERK, jurisdiction_code="410526"
    )
    with pytest.raises(FieldError) as caught:
        user_role_change(acting_user=security, user_id=user.pk, role=second)
    problem = caught.value.problems[0]
    assert (problem.field, problem.code, problem.message_zh, problem.message_en) == (
        "role",
        *USER_SEPARATED_DUTY_TAKEN,
    )
    user.refresh_from_db()
    assert (user.role, user.separated_duty) == (Role.CLERK, first)
    # The same duty may be given back.
    user_role_change(acting_user=security, user_id=user.pk, role=first)


def test_the_database_refuses_a_second_duty_and_any_superuser() -> None:
    """Bypassing the service does not help: the check constraints say no."""
    auditor = persona("auditor_zhou")
    auditor.role = Role.SECURITY_ADMIN
    with pytest.raises(IntegrityError), transaction.atomic():
        auditor.save()
    clerk = persona("clerk_li_huaxian")
    clerk.is_superuser = True
    with pytest.raises(IntegrityError), transaction.atomic():
        clerk.save()
    clerk.refresh_from_db()
    clerk.is_staff = True  # admin-site access is the system administrator's only
    with pytest.raises(IntegrityError), transaction.atomic():
        clerk.save()


def test_role_change_and_permission_change_are_audited() -> None:
    """ROLE_CHANGED carries before and after; PERMISSIONS_CHANGED the model permissions."""
    security = persona("security_xu")
    user = user_create(username="u_stats", password="x-Password-1", role=Role.STATISTICS)
    user_role_change(acting_user=security, user_id=user.pk, role=Role.SYSTEM_ADMIN)
    role_entry = AuditEntry.objects.get(event_type=AuditEventType.ROLE_CHANGED)
    assert role_entry.actor_id == security.pk
    assert role_entry.before == {"role": "statistics", "jurisdiction_code": "410500"}
    assert role_entry.after == {"role": "system_admin", "jurisdiction_code": "410500"}
    permission_entry = AuditEntry.objects.get(event_type=AuditEventType.PERMISSIONS_CHANGED)
    assert permission_entry.before == {"permissions": []}
    assert permission_entry.after == {
        "permissions": sorted(f"{a}.{c}" for a, c in SYSTEM_ADMIN_PERMISSIONS)
    }
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, False)


def test_system_administrator_has_accounts_not_cases_nor_the_trail(client: Client) -> None:
    """The admin site shows accounts and divisions; case data and the audit trail do not exist."""
    admin = persona("admin_wu")
    assert (admin.is_staff, admin.is_superuser) == (True, False)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/registry/division/").status_code == 200
    assert client.get("/audit/").status_code == 404
    assert client.get("/cases/").status_code == 404
    assert client.get("/security/users/").status_code == 404
    # Roles are the security administrator's: read-only on the admin site.
    clerk = persona("clerk_li_huaxian")
    page = client.get(f"/admin/accounts/user/{clerk.pk}/change/").content.decode()
    assert 'name="role"' not in page


def test_security_administrator_changes_roles_on_the_page(client: Client) -> None:
    """The page refuses a second duty with the bilingual reason and changes nothing."""
    auditor = persona("auditor_zhou")
    client.force_login(persona("security_xu"))
    response = client.post(
        f"/security/users/{auditor.pk}/role",
        {f"u{auditor.pk}-role": "system_admin", f"u{auditor.pk}-jurisdiction_code": ""},
        follow=True,
    )
    html = response.content.decode()
    assert USER_SEPARATED_DUTY_TAKEN[1] in html
    assert USER_SEPARATED_DUTY_TAKEN[2] in html
    auditor.refresh_from_db()
    assert auditor.role == Role.AUDITOR
    assert client.get("/cases/").status_code == 404
    assert client.get("/audit/").status_code == 404


def test_admin_site_creates_accounts_as_applicants_and_audits_it(client: Client) -> None:
    """An account made on the admin site has no staff role until the security admin gives one."""
    client.force_login(persona("admin_wu"))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_person",
            "password1": "Very-long-pass-2018",
            "password2": "Very-long-pass-2018",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new_person")
    assert (user.role, user.is_staff, user.is_superuser) == (Role.APPLICANT, False, False)
    entry = AuditEntry.objects.filter(event_type=AuditEventType.USER_CREATED).latest("sequence")
    assert (entry.actor_username, entry.object_id) == ("admin_wu", str(user.pk))
