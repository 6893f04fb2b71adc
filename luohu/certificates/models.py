"""证明文书 Verifiable documents: what was issued, to whom (masked), and whether it stands."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

COUNTY_CODE_VALIDATOR = RegexValidator(r"^[0-9]{6}$")


class CertificateKind(models.TextChoices):
    SETTLEMENT_NOTICE = "settlement_notice", _("Settlement notice")
    RESIDENCE_PERMIT = "residence_permit", _("Electronic residence permit")


class RevocationReason(models.TextChoices):
    """Why a document no longer stands; the public page shows only this category."""

    DECISION_REVOKED = "decision_revoked", _("The decision was revoked")
    ISSUED_IN_ERROR = "issued_in_error", _("Issued in error")
    REPLACED = "replaced", _("Replaced by a new document")
    PERMIT_CLOSED = "permit_closed", _("The permit was cancelled or closed")
    PERMIT_SUSPENDED = "permit_suspended", _("The permit is suspended")
    OTHER = "other", _("Other")


class Certificate(models.Model):
    """证明文书 One issued document that anyone holding its QR code can verify.

    Only masked personal data is stored: the verification page is public, and
    a record that never held the full name or id cannot leak it.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=CertificateKind.choices)
    number = models.CharField(_("number"), max_length=32, unique=True)
    # The QR code carries this, not the number: numbers are printed and
    # guessable in bulk, a 192-bit random token is not.
    token = models.CharField(max_length=64, unique=True)
    # What the document is about, e.g. the settlement application number.
    subject_ref = models.CharField(max_length=64)
    holder_name_masked = models.CharField(_("holder"), max_length=64)
    holder_id_masked = models.CharField(_("citizen id"), max_length=18)
    county_code = models.CharField(
        _("issuing county"), max_length=6, validators=[COUNTY_CODE_VALIDATOR], db_index=True
    )
    # What the document states, validated per kind by luohu.certificates.schemas.
    payload = models.JSONField()
    issued_at = models.DateTimeField(_("issued at"))
    # Last day the document is valid, inclusive; null = no end date.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, choices=RevocationReason.choices, blank=True)
    # The clerk's own words; kept for the office and the audit trail, never
    # shown on the public page.
    revoked_note = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Anonymous checks are counted here instead of audited: see
    # docs/decisions/0004-verifiable-certificates.md.
    verification_count = models.PositiveIntegerField(default=0)
    last_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                name="certificates_kind_valid",
                condition=Q(kind__in=CertificateKind.values),
            ),
            models.CheckConstraint(
                name="certificates_revoked_has_reason",
                condition=(
                    Q(revoked_at__isnull=True, revoked_reason="", revoked_by__isnull=True)
                    | (
                        Q(revoked_at__isnull=False, revoked_by__isnull=False)
                        & Q(revoked_reason__in=RevocationReason.values)
                    )
                ),
            ),
            # One live document per subject and kind; a revoked one may be
            # followed by a new issue (e.g. a replacement).
            models.UniqueConstraint(
                fields=["kind", "subject_ref"],
                condition=Q(revoked_at__isnull=True),
                name="certificates_one_live_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CertificateStatus(models.TextChoices):
    """Whether a document still stands; derived, never stored."""

    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
