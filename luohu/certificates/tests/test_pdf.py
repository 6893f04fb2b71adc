from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.certificates.models import RevocationReason
from luohu.certificates.services import certificate_revoke
from luohu.certificates.tests.factories import HOLDER_CITIZEN_ID, HOLDER_NAME, issued_notice

pytestmark = pytest.mark.usefixtures("divisions")


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """BaseFont name → whether the font program is embedded, for every font on every page."""
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


def qr_texts(reader: PdfReader) -> list[str]:
    texts = []
    for page in reader.pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data))
            texts += [code.text for code in zxingcpp.read_barcodes(picture)]
    return texts


def test_clerk_downloads_a_one_page_pdf_with_cjk_font_and_qr(client: Client) -> None:
    """The 滑县 clerk's PDF is one A4 page, embeds Noto CJK, and its QR opens the verify URL."""
    clerk = persona("clerk_li_huaxian")
    certificate = issued_notice(clerk)
    client.force_login(clerk)
    response = client.get(f"/verify/pdf/{certificate.number}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    fonts = embedded_fonts(reader)
    cjk = [name for name, embedded in fonts.items() if "CJK" in name and embedded]
    assert cjk, fonts
    assert qr_texts(reader) == [f"http://testserver/verify/{certificate.token}/"]
    text = reader.pages[0].extract_text()
    assert "准予迁入（落户）通知书" in text
    assert certificate.number in text
    assert "滑县公安局" in text
    assert HOLDER_NAME not in text and HOLDER_CITIZEN_ID not in text


def test_printed_url_uses_public_base_url(client: Client, settings: object) -> None:
    """With LUOHU_PUBLIC_BASE_URL set, the QR carries that address, not the request's host."""
    settings.LUOHU_PUBLIC_BASE_URL = "https://luohu.anyang.example/"  # type: ignore[attr-defined]
    clerk = persona("clerk_li_huaxian")
    certificate = issued_notice(clerk)
    client.force_login(clerk)
    reader = PdfReader(io.BytesIO(client.get(f"/verify/pdf/{certificate.number}/").content))
    assert qr_texts(reader) == [f"https://luohu.anyang.example/verify/{certificate.token}/"]


def test_download_is_audited_as_a_view(client: Client) -> None:
    """Each download writes PERSONAL_DATA_VIEWED for the certificate in its county."""
    clerk = persona("clerk_li_huaxian")
    certificate = issued_notice(clerk)
    client.force_login(clerk)
    client.get(f"/verify/pdf/{certificate.number}/")
    entry = AuditEntry.objects.get(
        event_type=AuditEventType.PERSONAL_DATA_VIEWED, object_type="certificate"
    )
    assert (entry.object_id, entry.jurisdiction_code, entry.actor_id) == (
        certificate.number,
        "410526",
        clerk.pk,
    )


def test_revoked_pdf_says_so(client: Client) -> None:
    """A revoked notice downloads with 本文书已于 … 撤销 across it."""
    clerk = persona("clerk_li_huaxian")
    certificate = issued_notice(clerk)
    certificate_revoke(acting_user=clerk, certificate=certificate, reason=RevocationReason.REPLACED)
    client.force_login(clerk)
    reader = PdfReader(io.BytesIO(client.get(f"/verify/pdf/{certificate.number}/").content))
    assert len(reader.pages) == 1
    assert "撤销" in reader.pages[0].extract_text()


def test_other_county_and_applicant_get_404(client: Client) -> None:
    """The 林州 clerk, the applicant and an anonymous visitor cannot download 滑县's notice."""
    certificate = issued_notice(persona("clerk_li_huaxian"))
    url = f"/verify/pdf/{certificate.number}/"
    for username in ("clerk_wang_linzhou", "applicant_zhao"):
        client.force_login(persona(username))
        assert client.get(url).status_code == 404, username
        assert client.get("/verify/pdf/LH410526000000000000/").status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(
        event_type=AuditEventType.PERSONAL_DATA_VIEWED, object_type="certificate"
    ).exists()


def test_permit_uses_the_generic_layout() -> None:
    """An e-permit renders with its own title, place of residence, validity and QR."""
    import datetime as dt

    from luohu.certificates.models import CertificateKind
    from luohu.certificates.pdf import certificate_pdf_render

    permit = issued_notice(
        persona("clerk_wang_linzhou"),
        kind=CertificateKind.RESIDENCE_PERMIT,
        county_code="410581",
        payload={
            "residence_place": "林州市开元街道",
            "issuing_office": "林州市公安局",
            "clause": "SC663:12",
        },
        valid_until=dt.date(2099, 12, 31),
    )
    url = f"https://luohu.anyang.example/verify/{permit.token}/"
    reader = PdfReader(io.BytesIO(certificate_pdf_render(permit, verify_url=url)))
    text = reader.pages[0].extract_text()
    assert "电子居住证" in text and "林州市开元街道" in text and "2099-12-31" in text
    assert qr_texts(reader) == [url]
