"""Writes for certificates. Issue and revoke each run in one transaction with their audit entry."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from luohu.accounts.models import User
from luohu.accounts.roles import Role
from luohu.accounts.selectors import user_can_reach_county
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.certificates.errors import (
    CERTIFICATE_ALREADY_REVOKED,
    CERTIFICATE_COUNTY_INVALID,
    CERTIFICATE_HOLDER_NAME_REQUIRED,
    CERTIFICATE_KIND_INVALID,
    CERTIFICATE_PAYLOAD_HAS_CITIZEN_ID,
    CERTIFICATE_PAYLOAD_INVALID,
    CERTIFICATE_REVOKE_NOTE_REQUIRED,
    CERTIFICATE_REVOKE_REASON_REQUIRED,
    CERTIFICATE_SUBJECT_REQUIRED,
    CERTIFICATE_VALID_UNTIL_BEFORE_ISSUE,
    CertificateActionNotAllowedError,
)
from luohu.certificates.masking import mask_holder_name
from luohu.certificates.models import Certificate, CertificateKind, RevocationReason
from luohu.certificates.schemas import PAYLOAD_SCHEMAS
from luohu.common.citizen_id import mask_citizen_id, parse_citizen_id
from luohu.common.errors import FieldError, FieldProblem, field_error
from luohu.common.numbers import unused_number

# Printed before the county code in the human number.
NUMBER_PREFIXES: dict[str, str] = {
    CertificateKind.SETTLEMENT_NOTICE: "LH",
    CertificateKind.RESIDENCE_PERMIT: "JZ",
}
# Documents are issued and revoked by the county's household-registration
# clerks (户籍民警), the office that decided; other roles only read them.
ISSUING_ROLES = frozenset({Role.CLERK})
# 24 random bytes: 192 bits, 32 URL-safe characters.
TOKEN_BYTES = 24
# A collision of the random number tail is retried; three in a row means
# something else is wrong.
NUMBER_ATTEMPTS = 3

CHINA = ZoneInfo("Asia/Shanghai")
CERTIFICATE_NUMBER_EXHAUSTED = (
    "文书编号连续重复，请重试。 The document number collided repeatedly; try again."
)
_COUNTY_CODE = re.compile(r"[0-9]{6}")
# Anywhere in a string: a full citizen id (a masked one has stars).
_CITIZEN_ID_ANYWHERE = re.compile(r"[0-9]{17}[0-9Xx]")


def _china_today() -> dt.date:
    # Validity is counted in the issuing office's calendar, whatever the server's zone.
    return timezone.localdate(timezone=CHINA)


def _new_number(kind: str, county_code: str) -> str:
    # Kind, county, date and a random tail, like application numbers: a
    # number says what and where, and neighbouring numbers cannot be guessed.
    today = _china_today()
    return unused_number(
        f"{NUMBER_PREFIXES[kind]}{county_code}{today:%Y%m%d}",
        lambda number: Certificate.objects.filter(number=number).exists(),
    )


def _holds_citizen_id(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_CITIZEN_ID_ANYWHERE.search(value))
    if isinstance(value, dict):
        return any(_holds_citizen_id(k) or _holds_citizen_id(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_citizen_id(v) for v in value)
    return False


def _clean_payload(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Validate ``payload`` for ``kind`` and mask the names it carries."""
    if _holds_citizen_id(payload):
        raise field_error("payload", CERTIFICATE_PAYLOAD_HAS_CITIZEN_ID)
    try:
        parsed = PAYLOAD_SCHEMAS[kind].model_validate(payload)
    except PydanticValidationError as exc:
        code, zh, en = CERTIFICATE_PAYLOAD_INVALID
        raise FieldError(
            [
                FieldProblem("payload." + ".".join(str(p) for p in problem["loc"]), code, zh, en)
                for problem in exc.errors()
            ]
        ) from exc
    cleaned = parsed.model_dump(mode="json")
    for member in cleaned.get("members", []):
        member["name"] = mask_holder_name(member["name"])
    return cleaned


def _check_may_act(user: User, county_code: str) -> None:
    if user.role not in ISSUING_ROLES or not user_can_reach_county(user, county_code):
        raise CertificateActionNotAllowedError()


def _live(kind: str, subject_ref: str) -> Certificate | None:
    return Certificate.objects.filter(
        kind=kind, subject_ref=subject_ref, revoked_at__isnull=True
    ).first()


def certificate_issue(
    *,
    acting_user: User,
    kind: str,
    subject_ref: str,
    holder_name: str,
    holder_citizen_id: str,
    county_code: str,
    payload: dict[str, Any],
    valid_until: dt.date | None = None,
) -> Certificate:
    """Issue a document, or return the live one already issued for (kind, subject_ref).

    The holder's name and citizen id are masked here and never stored in
    full. Bad input raises FieldError naming the field, and a user who is
    not a clerk of ``county_code`` gets CertificateActionNotAllowedError;
    nothing is written.
    """
    if kind not in CertificateKind.values:
        raise field_error("kind", CERTIFICATE_KIND_INVALID)
    subject_ref = subject_ref.strip()
    if not subject_ref:
        raise field_error("subject_ref", CERTIFICATE_SUBJECT_REQUIRED)
    if not _COUNTY_CODE.fullmatch(county_code):
        raise field_error("county_code", CERTIFICATE_COUNTY_INVALID)
    _check_may_act(acting_user, county_code)
    existing = _live(kind, subject_ref)
    if existing is not None:
        _check_may_act(acting_user, existing.county_code)
        return existing
    if not holder_name.strip():
        raise field_error("holder_name", CERTIFICATE_HOLDER_NAME_REQUIRED)
    citizen = parse_citizen_id(holder_citizen_id, field="holder_citizen_id")
    cleaned = _clean_payload(kind, payload)
    now = timezone.now()
    if valid_until is not None and valid_until < _china_today():
        raise field_error("valid_until", CERTIFICATE_VALID_UNTIL_BEFORE_ISSUE)

    for _attempt in range(NUMBER_ATTEMPTS):
        certificate = Certificate(
            kind=kind,
            number=_new_number(kind, county_code),
            token=secrets.token_urlsafe(TOKEN_BYTES),
            subject_ref=subject_ref,
            holder_name_masked=mask_holder_name(holder_name),
            holder_id_masked=mask_citizen_id(citizen.number),
            county_code=county_code,
            payload=cleaned,
            issued_at=now,
            valid_until=valid_until,
            issued_by=acting_user,
        )
        try:
            with transaction.atomic():
                # Uniqueness and the revocation constraint are the
                # database's to enforce (the race below needs it anyway);
                # validating them here would only add queries.
                certificate.full_clean(validate_unique=False, validate_constraints=False)
                certificate.save()
                audit_record(
                    acting_user=acting_user,
                    event_type=AuditEventType.CERTIFICATE_ISSUED,
                    obj_type="certificate",
                    obj_id=certificate.number,
                    jurisdiction_code=county_code,
                    after={
                        "kind": kind,
                        "subject_ref": subject_ref,
                        "valid_until": valid_until.isoformat() if valid_until else None,
                    },
                )
        except IntegrityError:
            # Either a concurrent issue for the same subject won (return its
            # document), or the random number tail collided (draw again).
            existing = _live(kind, subject_ref)
            if existing is not None:
                return existing
            continue
        return certificate
    raise IntegrityError(CERTIFICATE_NUMBER_EXHAUSTED)


@transaction.atomic
def certificate_revoke(
    *,
    acting_user: User,
    certificate: Certificate,
    reason: str,
    note: str = "",
    check_county: bool = True,
) -> Certificate:
    """Revoke a document. It stays verifiable and says since when it no longer stands.

    ``reason`` is a RevocationReason, shown on the public page; ``note`` is
    the clerk's own words, required for ``other`` and never shown publicly.
    ``check_county`` False is for services revoking as the consequence of
    another county's act (a permit closed by settlement elsewhere); the
    acting user must still be a clerk.
    """
    if check_county:
        _check_may_act(acting_user, certificate.county_code)
    elif acting_user.role not in ISSUING_ROLES:
        raise CertificateActionNotAllowedError()
    if reason not in RevocationReason.values:
        raise field_error("reason", CERTIFICATE_REVOKE_REASON_REQUIRED)
    note = note.strip()
    if reason == RevocationReason.OTHER and not note:
        raise field_error("note", CERTIFICATE_REVOKE_NOTE_REQUIRED)
    # Re-read under a row lock: two clerks revoking at once get one revocation.
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.is_revoked:
        raise field_error("certificate", CERTIFICATE_ALREADY_REVOKED)
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason
    locked.revoked_note = note
    locked.revoked_by = acting_user
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_note", "revoked_by"])
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.CERTIFICATE_REVOKED,
        obj_type="certificate",
        obj_id=locked.number,
        jurisdiction_code=locked.county_code,
        before={"revoked": False},
        after={"revoked": True, "revoked_reason": reason},
        reason=note or reason,
    )
    return locked


@transaction.atomic
def certificate_validity_set(
    *, acting_user: User, certificate: Certificate, valid_until: dt.date | None
) -> Certificate:
    """Change the last valid day of a live document (a residence permit's endorsement)."""
    _check_may_act(acting_user, certificate.county_code)
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.is_revoked:
        raise field_error("certificate", CERTIFICATE_ALREADY_REVOKED)
    if valid_until is not None and valid_until < _china_today():
        raise field_error("valid_until", CERTIFICATE_VALID_UNTIL_BEFORE_ISSUE)
    before = locked.valid_until
    locked.valid_until = valid_until
    locked.full_clean(validate_unique=False, validate_constraints=False)
    locked.save(update_fields=["valid_until"])
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.CERTIFICATE_VALIDITY_CHANGED,
        obj_type="certificate",
        obj_id=locked.number,
        jurisdiction_code=locked.county_code,
        before={"valid_until": before.isoformat() if before else None},
        after={"valid_until": valid_until.isoformat() if valid_until else None},
    )
    return locked


def certificate_record_verification(*, certificate: Certificate) -> None:
    """Count one public verification of ``certificate``.

    Not audited: anonymous traffic must not fill, nor serialise behind, the
    hash chain. See docs/decisions/0004-verifiable-certificates.md.
    """
    Certificate.objects.filter(pk=certificate.pk).update(
        verification_count=F("verification_count") + 1, last_verified_at=timezone.now()
    )
