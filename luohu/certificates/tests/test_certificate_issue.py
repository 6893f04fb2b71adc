from __future__ import annotations

import datetime as dt

import pytest

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.certificates.errors import (
    CERTIFICATE_PAYLOAD_HAS_CITIZEN_ID,
    CERTIFICATE_PAYLOAD_INVALID,
    CERTIFICATE_VALID_UNTIL_BEFORE_ISSUE,
)
from luohu.certificates.masking import mask_holder_name
from luohu.certificates.models import Certificate, CertificateKind
from luohu.certificates.tests.factories import (
    HOLDER_CITIZEN_ID,
    HOLDER_NAME,
    SUBJECT_REF,
    issued_notice,
    notice_payload,
)
from luohu.common.citizen_id import CITIZEN_ID_INVALID_CHECKSUM, make_citizen_id
from luohu.common.errors import FieldError

pytestmark = pytest.mark.usefixtures("divisions")


class TestCertificateIssue:
    def test_issue_stores_only_masked_holder(self) -> None:
        """The record holds 赵** and 410526********xxxx; the full name and id appear nowhere."""
        certificate = issued_notice(persona("clerk_li_huaxian"))
        assert certificate.holder_name_masked == "赵**"
        assert certificate.holder_id_masked == "410526********" + HOLDER_CITIZEN_ID[-4:]
        stored = str(Certificate.objects.filter(pk=certificate.pk).values().get())
        assert HOLDER_NAME not in stored
        assert HOLDER_CITIZEN_ID not in stored

    def test_member_names_in_payload_are_masked(self) -> None:
        """Family members admitted are stored as 钱** and 赵**, with their relation."""
        certificate = issued_notice(persona("clerk_li_huaxian"))
        assert certificate.payload["members"] == [
            {"name": "钱**", "relation": "配偶"},
            {"name": "赵**", "relation": "子女"},
        ]

    def test_number_and_token_shapes(self) -> None:
        """The number says kind, county and day; the token is 32 URL-safe characters (192 bits)."""
        certificate = issued_notice(persona("clerk_li_huaxian"))
        assert certificate.number.startswith("LH410526")
        assert len(certificate.number) == 22
        assert len(certificate.token) == 32
        assert set(certificate.token) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )

    def test_issue_is_idempotent_per_subject(self) -> None:
        """Issuing twice for one application returns the first document and audits once."""
        clerk = persona("clerk_li_huaxian")
        first = issued_notice(clerk)
        second = issued_notice(clerk)
        assert first.pk == second.pk
        assert Certificate.objects.count() == 1
        assert AuditEntry.objects.filter(event_type=AuditEventType.CERTIFICATE_ISSUED).count() == 1

    def test_same_subject_other_kind_is_a_new_document(self) -> None:
        """A permit for the same reference is its own document, numbered JZ…."""
        clerk = persona("clerk_li_huaxian")
        issued_notice(clerk)
        permit = issued_notice(
            clerk,
            kind=CertificateKind.RESIDENCE_PERMIT,
            payload={
                "residence_place": "滑县道口镇",
                "issuing_office": "滑县公安局",
                "clause": "SC663:12",
            },
            valid_until=dt.date.today() + dt.timedelta(days=365),
        )
        assert permit.number.startswith("JZ410526")
        assert Certificate.objects.count() == 2

    def test_issue_writes_audit_entry_with_jurisdiction(self) -> None:
        """CERTIFICATE_ISSUED names the number, the issuing county and the clerk, no personal data."""
        clerk = persona("clerk_li_huaxian")
        certificate = issued_notice(clerk)
        entry = AuditEntry.objects.get(event_type=AuditEventType.CERTIFICATE_ISSUED)
        assert entry.object_type == "certificate"
        assert entry.object_id == certificate.number
        assert entry.jurisdiction_code == "410526"
        assert entry.actor_id == clerk.pk
        assert entry.after == {
            "kind": "settlement_notice",
            "subject_ref": SUBJECT_REF,
            "valid_until": None,
        }

    def test_full_citizen_id_in_payload_is_refused(self) -> None:
        """A raw citizen id anywhere in the payload is refused and nothing is written."""
        member_id = make_citizen_id("410526", dt.date(2015, 1, 1), 22)
        payload = notice_payload(members=[{"name": "赵小孩", "relation": f"子女 {member_id}"}])
        with pytest.raises(FieldError) as caught:
            issued_notice(persona("clerk_li_huaxian"), payload=payload)
        assert caught.value.codes == [CERTIFICATE_PAYLOAD_HAS_CITIZEN_ID[0]]
        assert str(caught.value) == (
            f"payload: {CERTIFICATE_PAYLOAD_HAS_CITIZEN_ID[1]} / "
            f"{CERTIFICATE_PAYLOAD_HAS_CITIZEN_ID[2]}"
        )
        assert Certificate.objects.count() == 0
        assert not AuditEntry.objects.filter(event_type=AuditEventType.CERTIFICATE_ISSUED).exists()

    def test_incomplete_payload_names_each_field(self) -> None:
        """A notice without destination and with a bad clause id names both fields."""
        payload = notice_payload(clause="2.3")
        del payload["destination"]
        with pytest.raises(FieldError) as caught:
            issued_notice(persona("clerk_li_huaxian"), payload=payload)
        assert sorted(p.field for p in caught.value.problems) == [
            "payload.clause",
            "payload.destination",
        ]
        assert set(caught.value.codes) == {CERTIFICATE_PAYLOAD_INVALID[0]}

    def test_invalid_citizen_id_is_refused(self) -> None:
        """A holder id with a wrong check digit is refused, naming holder_citizen_id."""
        wrong = HOLDER_CITIZEN_ID[:-1] + ("0" if HOLDER_CITIZEN_ID[-1] != "0" else "1")
        with pytest.raises(FieldError) as caught:
            issued_notice(persona("clerk_li_huaxian"), holder_citizen_id=wrong)
        assert caught.value.codes == [CITIZEN_ID_INVALID_CHECKSUM[0]]
        assert caught.value.problems[0].field == "holder_citizen_id"

    def test_validity_ending_in_the_past_is_refused(self) -> None:
        """A last valid day before today is refused with CERTIFICATE_VALID_UNTIL_BEFORE_ISSUE."""
        with pytest.raises(FieldError) as caught:
            issued_notice(
                persona("clerk_li_huaxian"), valid_until=dt.date.today() - dt.timedelta(days=2)
            )
        assert caught.value.codes == [CERTIFICATE_VALID_UNTIL_BEFORE_ISSUE[0]]


def test_mask_holder_name() -> None:
    """The family name stays; the rest, and a one-character name, become stars."""
    cases = {"赵申请": "赵**", "王五": "王*", "赵": "赵*", "欧阳娜娜": "欧***", "": ""}
    for name, masked in cases.items():
        assert mask_holder_name(name) == masked, name
