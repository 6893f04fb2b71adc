"""The citizen hands in materials with files, and records or withdraws members' consent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.casework.models import SettlementApplication
from luohu.casework.services import application_act
from luohu.casework.tests.factories import submitted
from luohu.casework.workflow import Action, Status

pytestmark = pytest.mark.usefixtures("divisions")

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def waiting_for_materials() -> SettlementApplication:
    clerk = persona("clerk_li_huaxian")
    application = submitted(persona("applicant_zhao"))
    application = application_act(
        acting_user=clerk, number=application.number, action=Action.ACCEPT, expected_version=1
    )
    return application_act(
        acting_user=clerk,
        number=application.number,
        action=Action.REQUEST_MATERIALS,
        expected_version=application.version,
        note="请补充租赁合同",
    )


def supply_post(application: SettlementApplication, content: bytes, name: str) -> dict[str, Any]:
    return {
        "expected_version": str(application.version),
        "supply-TOTAL_FORMS": "1",
        "supply-INITIAL_FORMS": "0",
        "supply-MIN_NUM_FORMS": "0",
        "supply-MAX_NUM_FORMS": "30",
        "supply-0-document_type": "residence_proof",
        "supply-0-member": "",
        "supply-0-file": SimpleUploadedFile(name, content),
    }


def test_materials_and_files_are_handed_in_together(client: Client, tmp_path: Path) -> None:
    """The file is stored, audited by type and hash only, and the clock restarts."""
    application = waiting_for_materials()
    client.force_login(persona("applicant_zhao"))
    page = client.get("/my/applications/").content.decode()
    assert "请补充租赁合同" in page and "data-supply" in page
    client.post(
        f"/my/applications/{application.number}/supply",
        supply_post(application, PDF, "租赁合同-赵申请.pdf"),
    )
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    document = application.documents.get()
    assert (document.document_type, document.content_type) == ("residence_proof", "application/pdf")
    assert (tmp_path / "media" / document.stored_path).read_bytes() == PDF
    entry = AuditEntry.objects.get(event_type=AuditEventType.DOCUMENT_UPLOADED)
    assert entry.after is not None and "赵申请" not in str(entry.after)
    assert entry.after["sha256"] == document.sha256[:12]


def test_a_file_that_is_not_a_document_changes_nothing(client: Client, tmp_path: Path) -> None:
    """A text file named .pdf is refused; the case still waits and no file is kept."""
    application = waiting_for_materials()
    client.force_login(persona("applicant_zhao"))
    response = client.post(
        f"/my/applications/{application.number}/supply",
        supply_post(application, b"not a pdf at all", "scan.pdf"),
        follow=True,
    )
    assert "scan.pdf" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.MATERIALS_REQUESTED
    assert application.documents.count() == 0
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert stored == []


def test_member_consent_is_withdrawn_and_given_again_from_the_page(client: Client) -> None:
    applicant = persona("applicant_zhao")
    application = submitted(applicant)
    client.force_login(applicant)
    url = f"/cases/{application.number}/members/0/consent"
    client.post(url, {"consent": "withdraw"})
    spouse = application.members.get(position=0)
    assert spouse.consent_withdrawn_at is not None
    client.post(url, {"consent": "give"})
    spouse.refresh_from_db()
    assert spouse.consent_withdrawn_at is None
    events = list(
        AuditEntry.objects.filter(object_id=application.number)
        .filter(event_type__in=[AuditEventType.CONSENT_WITHDRAWN, AuditEventType.CONSENT_GIVEN])
        .values_list("event_type", flat=True)
    )
    assert events == [AuditEventType.CONSENT_WITHDRAWN, AuditEventType.CONSENT_GIVEN]


def test_another_applicant_cannot_touch_the_consent(client: Client) -> None:
    application = submitted(persona("applicant_zhao"))
    from luohu.accounts.services import user_create

    other = user_create(username="applicant_qian", password="Qian-pass-2018", role="applicant")
    client.force_login(other)
    response = client.post(
        f"/cases/{application.number}/members/0/consent", {"consent": "withdraw"}
    )
    assert response.status_code == 404
    assert application.members.get(position=0).consent_withdrawn_at is None


def test_clerk_sees_the_handed_in_file_and_the_view_is_recorded(client: Client) -> None:
    application = waiting_for_materials()
    client.force_login(persona("applicant_zhao"))
    client.post(
        f"/my/applications/{application.number}/supply",
        supply_post(application, PDF, "contract.pdf"),
    )
    document = application.documents.get()
    client.force_login(persona("clerk_li_huaxian"))
    page = client.get(f"/cases/{application.number}/").content.decode()
    assert 'data-document="residence_proof"' in page
    assert 'data-member-outcome="admitted"' in page
    response = client.get(f"/cases/{application.number}/documents/{document.pk}")
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert (
        AuditEntry.objects.filter(
            event_type=AuditEventType.PERSONAL_DATA_VIEWED, object_type="casework.document"
        ).count()
        == 1
    )
    client.force_login(persona("clerk_wang_linzhou"))
    assert client.get(f"/cases/{application.number}/documents/{document.pk}").status_code == 404
