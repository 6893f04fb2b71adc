"""Pages for certificates: the public verification page and the signed-in PDF download."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.certificates.errors import CertificateActionNotAllowedError
from luohu.certificates.models import Certificate
from luohu.certificates.pdf import certificate_pdf_render
from luohu.certificates.selectors import (
    CertificateNotFoundError,
    certificate_get_by_token,
    certificate_get_for_user,
    certificate_statement,
    certificate_status,
    certificate_verify_url,
)
from luohu.certificates.services import certificate_record_verification, certificate_revoke
from luohu.common.errors import FieldError

CHINA = ZoneInfo("Asia/Shanghai")


def _public_base_url(request: HttpRequest) -> str:
    # The printed URL must not depend on how a clerk reached the server
    # (an internal host name, a port); production sets the public address.
    configured = getattr(settings, "LUOHU_PUBLIC_BASE_URL", "")
    return str(configured) if configured else request.build_absolute_uri("/")


@require_GET
@never_cache
def certificate_verify(request: HttpRequest, token: str) -> HttpResponse:
    """核验 Public, without login: what a document states and whether it still stands.

    An unknown token gets the same page shape with 404 and no hint whether
    anything is near it.
    """
    certificate = certificate_get_by_token(token)
    if certificate is None:
        response = render(request, "certificates/not_found.html", status=404)
    else:
        certificate_record_verification(certificate=certificate)
        response = _verify_page(request, certificate)
    # The address is public but meant for whoever holds the paper, not for
    # search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _verify_page(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "status": certificate_status(certificate),
            "lines": certificate_statement(certificate),
            "issued_on": timezone.localtime(certificate.issued_at, CHINA).date(),
            "revoked_on": (
                timezone.localtime(certificate.revoked_at, CHINA).date()
                if certificate.revoked_at
                else None
            ),
        },
    )


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The document as PDF, for staff who can reach its county; 404 for anyone else."""
    try:
        certificate: Certificate = certificate_get_for_user(request.user, number)  # type: ignore[arg-type]
    except CertificateNotFoundError as exc:
        raise Http404 from exc
    # A download is a read of a person's record (masked, but still theirs).
    with transaction.atomic():
        audit_record(
            acting_user=request.user,
            event_type=AuditEventType.PERSONAL_DATA_VIEWED,
            obj_type="certificate",
            obj_id=certificate.number,
            jurisdiction_code=certificate.county_code,
        )
    pdf = certificate_pdf_render(
        certificate,
        verify_url=certificate_verify_url(certificate, base_url=_public_base_url(request)),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response


@login_required
@require_POST
def certificate_revoke_view(request: HttpRequest, number: str) -> HttpResponse:
    """撤销 A clerk of the issuing county revokes a document, with the reason category."""
    try:
        certificate = certificate_get_for_user(request.user, number)  # type: ignore[arg-type]
    except CertificateNotFoundError as exc:
        raise Http404 from exc
    try:
        certificate_revoke(
            acting_user=request.user,  # type: ignore[arg-type]
            certificate=certificate,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except FieldError as exc:
        for problem in exc.problems:
            messages.error(request, f"{problem.message_zh} / {problem.message_en}")
    except CertificateActionNotAllowedError as exc:
        raise Http404 from exc
    target = request.POST.get("next", "")
    # Only a path on this site: an outside address here would be an open redirect.
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
