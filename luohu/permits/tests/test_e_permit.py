"""The e-permit: a certificates-app document whose PDF, QR and public page follow the permit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from luohu.accounts.tests.factories import all_personas
from luohu.certificates.models import Certificate, CertificateKind
from luohu.certificates.tests.test_pdf import qr_texts
from luohu.permits.workflow import PermitAction

from .factories import HOLDER_ID, HOLDER_NAME, act, holder, issued

pytestmark = pytest.mark.usefixtures("divisions")


def test_pdf_has_qr_masked_holder_and_validity_and_the_public_page_follows(
    client: Client,
) -> None:
    people = all_personas()
    clerk = people["clerk_li_huaxian"]
    holder(living_since=timezone.localdate() - dt.timedelta(days=300))
    permit = issued(clerk)
    e_permit = Certificate.objects.get(kind=CertificateKind.RESIDENCE_PERMIT)
    assert e_permit.subject_ref == permit.number
    client.force_login(clerk)
    response = client.get(f"/verify/pdf/{e_permit.number}/")
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert "电子居住证" in text and "滑县道口镇街道" in text and "滑县公安局" in text
    assert f"{e_permit.valid_until:%Y-%m-%d}" in text
    assert "钱*" in text and HOLDER_NAME not in text and HOLDER_ID not in text
    assert qr_texts(reader) == [f"http://testserver/verify/{e_permit.token}/"]

    client.logout()
    page = client.get(f"/verify/{e_permit.token}/").content.decode()
    assert 'data-status="valid"' in page and HOLDER_ID not in page

    act(clerk, permit, PermitAction.CANCEL, note="离开本市")
    page = client.get(f"/verify/{e_permit.token}/").content.decode()
    assert 'data-status="revoked"' in page
    assert 'data-line="revoked_reason"' in page


def test_applicant_sees_their_own_e_permit_only(client: Client) -> None:
    people = all_personas()
    clerk = people["clerk_li_huaxian"]
    holder(living_since=timezone.localdate() - dt.timedelta(days=300))
    client.force_login(people["applicant_zhao"])
    client.post(
        "/my/permits/apply/",
        {
            "citizen_id": HOLDER_ID,
            "name": HOLDER_NAME,
            "residence_division_code": "410526001",
            "basis": "employment",
        },
    )
    from luohu.permits.models import ResidencePermit

    permit = ResidencePermit.objects.get()
    permit = act(clerk, permit, PermitAction.CHECK)
    act(clerk, permit, PermitAction.ISSUE)
    e_permit = Certificate.objects.get(kind=CertificateKind.RESIDENCE_PERMIT)
    mine = client.get("/my/permits/").content.decode()
    assert f'data-certificate="{e_permit.number}"' in mine
    assert client.get(f"/verify/pdf/{e_permit.number}/").status_code == 200
    client.force_login(people["clerk_wang_linzhou"])
    assert client.get(f"/verify/pdf/{e_permit.number}/").status_code == 404
