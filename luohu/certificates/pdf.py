"""Render a certificate as an A4 PDF with embedded Chinese fonts and a QR code.

WeasyPrint lays out an HTML template through Pango and finds fonts through
fontconfig; the Noto CJK fonts (Debian ``fonts-noto-cjk``) are subset and
embedded, so the PDF shows the same on a machine without them. The QR code is
embedded as a PNG image so that a scanner, or a test, reads exactly the
pixels that are printed.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

from luohu.certificates.models import Certificate, CertificateKind
from luohu.certificates.selectors import certificate_statement, certificate_status

CHINA = ZoneInfo("Asia/Shanghai")

# The official Chinese title and its English rendering, both printed.
DOCUMENT_TITLES: dict[str, tuple[str, str]] = {
    CertificateKind.SETTLEMENT_NOTICE: ("准予迁入（落户）通知书", "Settlement notice"),
    CertificateKind.RESIDENCE_PERMIT: ("电子居住证", "Electronic residence permit"),
}
# Error correction M survives a fold or a smudge (15 %) and keeps a
# 60-character URL at version 4, small enough to scan from paper.
QR_ERROR_LEVEL = "m"
QR_MODULE_PIXELS = 8
# The quiet zone the QR standard asks for, in modules.
QR_BORDER = 4


def qr_png_data_uri(url: str) -> str:
    """The QR code for ``url`` as a PNG data URI."""
    qr = segno.make(url, error=QR_ERROR_LEVEL, micro=False)
    return str(qr.png_data_uri(scale=QR_MODULE_PIXELS, border=QR_BORDER))


def _both(label: Any) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return zh, en


def certificate_pdf_render(certificate: Certificate, *, verify_url: str) -> bytes:
    """Return the PDF bytes of ``certificate`` with a QR code for ``verify_url``."""
    # Imported here: WeasyPrint loads Pango through cffi at import, which
    # only the PDF download needs.
    import weasyprint

    title_zh, title_en = DOCUMENT_TITLES[certificate.kind]
    lines = [
        {"key": line.key, "labels": _both(line.label), "value": line.value}
        for line in certificate_statement(certificate)
    ]
    revoked_on = (
        timezone.localtime(certificate.revoked_at, CHINA).date() if certificate.revoked_at else None
    )
    html = render_to_string(
        "certificates/pdf/document.html",
        {
            "certificate": certificate,
            "title_zh": title_zh,
            "title_en": title_en,
            "is_settlement_notice": certificate.kind == CertificateKind.SETTLEMENT_NOTICE,
            "lines": lines,
            "payload": certificate.payload,
            "issued_on": timezone.localtime(certificate.issued_at, CHINA).date(),
            "revoked_on": revoked_on,
            "status": certificate_status(certificate),
            "qr_data_uri": qr_png_data_uri(verify_url),
            "verify_url": verify_url,
        },
    )
    # No base_url: the template holds everything it needs inline, so
    # rendering never reaches for a file or the network.
    return bytes(weasyprint.HTML(string=html).write_pdf())
