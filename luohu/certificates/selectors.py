"""Reads for certificates: the public lookup by token, and lists limited by jurisdiction."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from luohu.accounts.models import User
from luohu.accounts.roles import Role, page_allowed
from luohu.accounts.selectors import user_county_codes
from luohu.certificates.models import Certificate, CertificateKind, CertificateStatus

CHINA = ZoneInfo("Asia/Shanghai")
# secrets.token_urlsafe output; anything else is refused before a query.
_TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{32,64}")


class CertificateNotFoundError(Exception):
    """No such document within the user's reach (the two look the same)."""


@dataclass(frozen=True)
class StatementLine:
    key: str
    label: str | Promise
    value: str


def certificate_get_by_token(token: str) -> Certificate | None:
    """Return the document the QR token names, or None."""
    if not _TOKEN_FORMAT.fullmatch(token):
        return None
    return Certificate.objects.filter(token=token).first()


def certificate_status(certificate: Certificate, *, today: dt.date | None = None) -> str:
    """Revoked beats expired; ``valid_until`` is the last valid day, China time."""
    if certificate.revoked_at is not None:
        return CertificateStatus.REVOKED
    today = today or timezone.localdate(timezone=CHINA)
    if certificate.valid_until is not None and certificate.valid_until < today:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def certificate_statement(certificate: Certificate) -> list[StatementLine]:
    """What the document states, as labelled lines, for the page and the PDF alike."""
    p = certificate.payload
    if certificate.kind == CertificateKind.SETTLEMENT_NOTICE:
        members = "、".join(f"{m['name']}（{m['relation']}）" for m in p.get("members", []))
        return [
            StatementLine("destination", _("Destination"), p["destination"]),
            StatementLine("members", _("Family members admitted"), members or "—"),
            StatementLine("decided_on", _("Decided on"), p["decided_on"]),
            StatementLine("issuing_office", _("Issuing office"), p["issuing_office"]),
            StatementLine("clause", _("Clause"), p["clause"]),
        ]
    return [
        StatementLine("residence_place", _("Place of residence"), p["residence_place"]),
        StatementLine("issuing_office", _("Issuing office"), p["issuing_office"]),
        StatementLine("clause", _("Clause"), p["clause"]),
    ]


def certificate_verify_url(certificate: Certificate, *, base_url: str) -> str:
    """The address the QR code encodes: ``<base>/verify/<token>/``."""
    return base_url.rstrip("/") + reverse("certificates:verify", args=[certificate.token])


def certificate_list_for_user(user: User) -> QuerySet[Certificate]:
    """Documents a signed-in user may open: their own, their county's, or the city's.

    An applicant's own are those whose subject is one of their applications.
    """
    certificates = Certificate.objects.all()
    if user.role == Role.APPLICANT:
        # Imported here: casework issues certificates, so it imports this app.
        from luohu.casework.selectors import application_list_for_user
        from luohu.permits.selectors import permit_list_for_user

        own = application_list_for_user(user).values("number")
        permits = permit_list_for_user(user).values("number")
        return certificates.filter(
            Q(kind=CertificateKind.SETTLEMENT_NOTICE, subject_ref__in=own)
            | Q(kind=CertificateKind.RESIDENCE_PERMIT, subject_ref__in=permits)
        )
    if not page_allowed(user.role, "cases"):
        return certificates.none()
    codes = user_county_codes(user)
    if codes is None:
        return certificates
    return certificates.filter(county_code__in=codes)


def certificate_live_for_subject(kind: str, subject_ref: str) -> Certificate | None:
    """The document of ``kind`` about ``subject_ref`` that still stands, if any."""
    return Certificate.objects.filter(
        kind=kind, subject_ref=subject_ref, revoked_at__isnull=True
    ).first()


def certificate_get_for_user(user: User, number: str) -> Certificate:
    """Return the document, or CertificateNotFoundError when it is out of reach."""
    try:
        return certificate_list_for_user(user).get(number=number)
    except Certificate.DoesNotExist as exc:
        raise CertificateNotFoundError() from exc
