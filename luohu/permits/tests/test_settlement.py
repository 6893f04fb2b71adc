"""Registration of a settlement closes the settled person's permit in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from luohu.accounts.tests.factories import all_personas
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.casework.models import SettlementApplication
from luohu.casework.services import application_act
from luohu.casework.tests.factories import submitted
from luohu.casework.workflow import Action
from luohu.certificates.models import Certificate, CertificateKind, RevocationReason
from luohu.certificates.selectors import certificate_status
from luohu.permits.models import ResidencePermit
from luohu.permits.selectors import Validity, permit_validity_on
from luohu.permits.workflow import PermitStatus

from .factories import HOLDER_ID, HOLDER_NAME, holder, issued

pytestmark = pytest.mark.usefixtures("divisions")


def settle(applicant, clerk) -> SettlementApplication:  # type: ignore[no-untyped-def]
    """The holder applies to settle in 滑县 白道口镇; the clerk accepts, approves, registers."""
    application = submitted(applicant, applicant_name=HOLDER_NAME, facts={"citizen_id": HOLDER_ID})
    version = application.version
    for action in (Action.ACCEPT, Action.APPROVE, Action.REGISTER):
        version = application_act(
            acting_user=clerk, number=application.number, action=action, expected_version=version
        ).version
    application.refresh_from_db()
    return application


def test_registration_closes_the_live_permit_and_revokes_the_e_permit() -> None:
    """落户登记: the permit becomes closed_by_settlement, the e-permit revoked, both audited."""
    people = all_personas()
    clerk = people["clerk_li_huaxian"]
    today = timezone.localdate()
    holder(living_since=today - dt.timedelta(days=300))
    permit = issued(clerk)
    application = settle(people["applicant_zhao"], clerk)

    permit.refresh_from_db()
    assert application.status == "registered"
    assert permit.status == PermitStatus.CLOSED_BY_SETTLEMENT
    assert permit.ended_on == today
    assert permit_validity_on(permit, today) == Validity.NOT_VALID
    change = permit.history.get(version=permit.version)
    assert (change.action, change.from_status, change.note) == (
        "close_by_settlement",
        "valid",
        application.number,
    )
    e_permit = Certificate.objects.get(kind=CertificateKind.RESIDENCE_PERMIT)
    assert e_permit.revoked_reason == RevocationReason.PERMIT_CLOSED
    assert certificate_status(e_permit) == "revoked"
    entry = AuditEntry.objects.get(
        event_type=AuditEventType.PERMIT_CLOSED_BY_SETTLEMENT, object_id=permit.number
    )
    assert entry.after is not None
    assert entry.after["case"] == application.number
    registered = AuditEntry.objects.get(
        event_type=AuditEventType.CASE_REGISTERED, object_id=application.number
    )
    # Same transaction: the closing entry precedes the case's own entry.
    assert entry.sequence < registered.sequence


def test_a_failed_registration_leaves_the_permit_valid(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """If the settlement notice cannot be issued, nothing of the registration stays."""
    import luohu.casework.registration as registration

    people = all_personas()
    clerk = people["clerk_li_huaxian"]
    holder(living_since=timezone.localdate() - dt.timedelta(days=300))
    permit = issued(clerk)

    def broken(**_kwargs: object) -> None:
        raise RuntimeError("certificates down")

    monkeypatch.setattr(registration, "certificate_issue", broken)
    with pytest.raises(RuntimeError):
        settle(people["applicant_zhao"], clerk)
    permit.refresh_from_db()
    assert permit.status == PermitStatus.VALID
    assert Certificate.objects.get(kind=CertificateKind.RESIDENCE_PERMIT).revoked_at is None
    assert not AuditEntry.objects.filter(
        event_type=AuditEventType.PERMIT_CLOSED_BY_SETTLEMENT
    ).exists()


def test_registration_without_a_permit_changes_no_permit() -> None:
    people = all_personas()
    holder(living_since=timezone.localdate() - dt.timedelta(days=300))
    settle(people["applicant_zhao"], people["clerk_li_huaxian"])
    assert not ResidencePermit.objects.exists()


def test_settling_in_another_county_closes_a_permit_of_the_county_of_residence() -> None:
    """A 林州 permit closes when a 滑县 clerk registers the holder's settlement in 滑县."""
    from luohu.common.citizen_id import make_citizen_id
    from luohu.permits.services import permit_act, permit_apply
    from luohu.permits.workflow import PermitAction
    from luohu.registry.households import person_create, residence_record

    people = all_personas()
    linzhou = people["clerk_wang_linzhou"]
    citizen_id = make_citizen_id("110105", dt.date(1988, 5, 6), 15)
    person_create(
        acting_user=None,
        citizen_id=citizen_id,
        name=HOLDER_NAME,
        sex="male",
        birth_date=dt.date(1988, 5, 6),
    )
    residence_record(
        acting_user=None,
        citizen_id=citizen_id,
        division_code="410581001",
        valid_from=timezone.localdate() - dt.timedelta(days=300),
    )
    permit = permit_apply(
        acting_user=linzhou,
        citizen_id=citizen_id,
        name=HOLDER_NAME,
        residence_division_code="410581001",
        basis="residence",
    )
    for action in (PermitAction.CHECK, PermitAction.ISSUE):
        permit = permit_act(
            acting_user=linzhou,
            number=permit.number,
            action=action,
            expected_version=permit.version,
        )
    application = submitted(
        people["applicant_zhao"], applicant_name=HOLDER_NAME, facts={"citizen_id": citizen_id}
    )
    version = application.version
    for step in (Action.ACCEPT, Action.APPROVE, Action.REGISTER):
        version = application_act(
            acting_user=people["clerk_li_huaxian"],
            number=application.number,
            action=step,
            expected_version=version,
        ).version
    permit.refresh_from_db()
    assert permit.status == PermitStatus.CLOSED_BY_SETTLEMENT
    entry = AuditEntry.objects.get(
        event_type=AuditEventType.PERMIT_CLOSED_BY_SETTLEMENT, object_id=permit.number
    )
    assert entry.jurisdiction_code == "410581"
    assert entry.actor_username == "clerk_li_huaxian"
    e_permit = Certificate.objects.get(kind=CertificateKind.RESIDENCE_PERMIT)
    assert e_permit.revoked_reason == RevocationReason.PERMIT_CLOSED
