"""谁查看了我的信息: a citizen sees who looked at their own records, and only those."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from luohu.accounts.models import User
from luohu.accounts.services import user_create
from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.casework.citizen_views import own_record_refs
from luohu.casework.documents import DocumentUpload, application_submit_with_documents
from luohu.casework.models import SettlementApplication
from luohu.casework.tests.factories import submit_in, submitted
from luohu.common.citizen_id import make_citizen_id

pytestmark = pytest.mark.usefixtures("divisions")

URL = "/my/record-views/"


def look(
    user: User,
    application: SettlementApplication,
    *,
    unmask: str = "",
    obj_type: str = "settlement_application",
    obj_id: str = "",
) -> None:
    """What the case page writes when a clerk opens (or unmasks) a case."""
    with transaction.atomic():
        audit_record(
            acting_user=user,
            event_type=AuditEventType.PERSONAL_DATA_UNMASKED
            if unmask
            else AuditEventType.PERSONAL_DATA_VIEWED,
            obj_type=obj_type,
            obj_id=obj_id or application.number,
            jurisdiction_code=application.county_code,
            reason=unmask,
        )


def other_applicant() -> User:
    return user_create(username="applicant_qian", password="Persona-pass-2018", role="applicant")


def test_the_citizen_sees_each_look_with_office_role_and_reason(client: Client) -> None:
    """A view and an unmasking of zhao's case are listed, newest first, with 滑县 and the reason."""
    zhao = persona("applicant_zhao")
    clerk = persona("clerk_li_huaxian")
    mine = submitted(zhao)
    look(clerk, mine)
    look(clerk, mine, unmask="核对户口簿 checking the hukou booklet")
    client.force_login(zhao)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count(f'data-view="settlement_application:{mine.number}"') == 2
    assert "核对户口簿 checking the hukou booklet" in body
    assert "滑县" in body
    assert body.index("核对户口簿") < body.rindex("data-reason>—<")
    # The clerk is an office and a role, never a person.
    assert "clerk_li_huaxian" not in body and "李民警" not in body
    assert response["Cache-Control"].startswith("max-age=0")


def test_nobody_elses_looks_appear(client: Client) -> None:
    """Looks at qian's case, at a case of no one, and zhao's own looks stay off zhao's page."""
    zhao = persona("applicant_zhao")
    qian = other_applicant()
    clerk = persona("clerk_li_huaxian")
    mine = submitted(zhao)
    theirs = submitted(
        qian,
        facts={"citizen_id": make_citizen_id("410526", dt.date(1985, 3, 4), 17)},
        applicant_name="钱申请",
    )
    look(clerk, theirs, unmask="只看钱 qian only")
    look(zhao, mine)
    client.force_login(zhao)
    body = client.get(URL).content.decode()
    assert "qian only" not in body and theirs.number not in body
    assert "data-no-views" in body
    client.force_login(qian)
    body = client.get(URL).content.decode()
    assert "qian only" in body and mine.number not in body


def test_a_look_at_a_handed_in_document_is_listed(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    """The citizen's documents are theirs too; other people's applications are not."""
    settings.MEDIA_ROOT = tmp_path
    zhao = persona("applicant_zhao")
    upload = DocumentUpload(
        field="documents[0]",
        document_type="residence_proof",
        member_position=None,
        file=SimpleUploadedFile("lease.pdf", b"%PDF-1.4 lease"),
    )
    mine, _ = application_submit_with_documents(
        acting_user=zhao, data=submit_in(), uploads=[upload]
    )
    theirs = submitted(
        other_applicant(),
        facts={"citizen_id": make_citizen_id("410526", dt.date(1985, 3, 4), 17)},
    )
    document = mine.documents.get()
    assert own_record_refs(zhao) == [
        ("settlement_application", mine.number),
        ("casework.document", str(document.pk)),
    ]
    assert theirs.number not in str(own_record_refs(zhao))
    look(persona("clerk_li_huaxian"), mine, obj_type="casework.document", obj_id=str(document.pk))
    client.force_login(zhao)
    body = client.get(URL).content.decode()
    assert f'data-view="casework.document:{document.pk}"' in body


def test_staff_do_not_have_the_page(client: Client) -> None:
    client.force_login(persona("clerk_li_huaxian"))
    assert client.get(URL).status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
