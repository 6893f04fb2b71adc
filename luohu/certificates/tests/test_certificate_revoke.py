from __future__ import annotations

import re

import pytest

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.certificates.errors import (
    CERTIFICATE_ALREADY_REVOKED,
    CERTIFICATE_REVOKE_NOTE_REQUIRED,
    CERTIFICATE_REVOKE_REASON_REQUIRED,
)
from luohu.certificates.models import Certificate, RevocationReason
from luohu.certificates.services import certificate_revoke
from luohu.certificates.tests.factories import issued_notice
from luohu.common.errors import FieldError

pytestmark = pytest.mark.usefixtures("divisions")


class TestCertificateRevoke:
    def test_revoke_records_reason_and_audit(self) -> None:
        """Revoking sets time, reason and clerk, and writes CERTIFICATE_REVOKED in the county."""
        clerk = persona("clerk_li_huaxian")
        certificate = issued_notice(clerk)
        revoked = certificate_revoke(
            acting_user=clerk,
            certificate=certificate,
            reason=RevocationReason.DECISION_REVOKED,
            note="复议撤销原决定",
        )
        assert revoked.revoked_at is not None
        assert revoked.revoked_reason == "decision_revoked"
        assert revoked.revoked_by_id == clerk.pk
        entry = AuditEntry.objects.get(event_type=AuditEventType.CERTIFICATE_REVOKED)
        assert entry.object_id == certificate.number
        assert entry.jurisdiction_code == "410526"
        assert entry.actor_id == clerk.pk
        assert entry.before == {"revoked": False}
        assert entry.after == {"revoked": True, "revoked_reason": "decision_revoked"}
        assert entry.reason == "复议撤销原决定"

    def test_reason_is_required(self) -> None:
        """An empty or unknown reason is refused in zh and en; the document stays live."""
        clerk = persona("clerk_li_huaxian")
        certificate = issued_notice(clerk)
        for reason in ("", "because"):
            with pytest.raises(FieldError) as caught:
                certificate_revoke(acting_user=clerk, certificate=certificate, reason=reason)
            assert str(caught.value) == (
                f"reason: {CERTIFICATE_REVOKE_REASON_REQUIRED[1]} / "
                f"{CERTIFICATE_REVOKE_REASON_REQUIRED[2]}"
            )
        certificate.refresh_from_db()
        assert certificate.revoked_at is None
        assert not AuditEntry.objects.filter(event_type=AuditEventType.CERTIFICATE_REVOKED).exists()

    def test_other_needs_a_note(self) -> None:
        """Reason "other" without the clerk's words is refused with CERTIFICATE_REVOKE_NOTE_REQUIRED."""
        clerk = persona("clerk_li_huaxian")
        with pytest.raises(FieldError) as caught:
            certificate_revoke(
                acting_user=clerk,
                certificate=issued_notice(clerk),
                reason=RevocationReason.OTHER,
                note="  ",
            )
        assert caught.value.codes == [CERTIFICATE_REVOKE_NOTE_REQUIRED[0]]

    def test_second_revocation_is_refused(self) -> None:
        """A revoked document cannot be revoked again; the first revocation stands."""
        clerk = persona("clerk_li_huaxian")
        certificate = issued_notice(clerk)
        certificate_revoke(
            acting_user=clerk, certificate=certificate, reason=RevocationReason.ISSUED_IN_ERROR
        )
        with pytest.raises(FieldError) as caught:
            certificate_revoke(
                acting_user=clerk, certificate=certificate, reason=RevocationReason.REPLACED
            )
        assert caught.value.codes == [CERTIFICATE_ALREADY_REVOKED[0]]
        certificate.refresh_from_db()
        assert certificate.revoked_reason == "issued_in_error"

    def test_after_revocation_a_new_document_can_be_issued(self) -> None:
        """Once the live notice is revoked, issuing again makes a new one with a new token."""
        clerk = persona("clerk_li_huaxian")
        first = issued_notice(clerk)
        certificate_revoke(acting_user=clerk, certificate=first, reason=RevocationReason.REPLACED)
        second = issued_notice(clerk)
        assert second.pk != first.pk
        assert second.token != first.token
        assert Certificate.objects.count() == 2


def test_database_refuses_revocation_without_reason() -> None:
    """The check constraint refuses a revoked_at with no reason, even past the service."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    clerk = persona("clerk_li_huaxian")
    certificate = issued_notice(clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(
            revoked_at=timezone.now(), revoked_by=clerk
        )


def test_only_a_clerk_of_the_county_may_issue_or_revoke() -> None:
    """林州's clerk and the county official cannot issue or revoke 滑县's notice."""
    from luohu.certificates.errors import (
        CERTIFICATE_ACTION_NOT_ALLOWED,
        CertificateActionNotAllowedError,
    )

    certificate = issued_notice(persona("clerk_li_huaxian"))
    message = re.escape(
        f"{CERTIFICATE_ACTION_NOT_ALLOWED[1]} / {CERTIFICATE_ACTION_NOT_ALLOWED[2]}"
    )
    for username in ("clerk_wang_linzhou", "county_liu_huaxian"):
        user = persona(username)
        with pytest.raises(CertificateActionNotAllowedError, match=message):
            issued_notice(user)
        with pytest.raises(CertificateActionNotAllowedError, match=message):
            certificate_revoke(
                acting_user=user, certificate=certificate, reason=RevocationReason.REPLACED
            )
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert AuditEntry.objects.filter(event_type=AuditEventType.CERTIFICATE_ISSUED).count() == 1
