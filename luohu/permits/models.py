"""居住证 Residence permits: the application and permit, their years of validity,
replacements and history.

No citizen id or name is stored here: the holder is a ``registry.Person``
(whose fields the registry protects), and pages show the holder masked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from luohu.permits.workflow import LIVE_STATUSES, PermitAction, PermitStatus


class Basis(models.TextChoices):
    """The one condition of SC663:2 the applicant relies on."""

    EMPLOYMENT = "employment", _("Legal stable employment")
    RESIDENCE = "residence", _("Legal stable residence")
    STUDY = "study", _("Continuous study")


class ResidencePermit(models.Model):
    """居住证 One residence permit, from its application to its end."""

    number = models.CharField(_("permit number"), max_length=24, unique=True)
    holder = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="residence_permits"
    )
    # The citizen who applied online; null for an application at the counter.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residence_permits",
    )
    # County of residence (GB/T 2260): its public security bureau issues
    # the permit (SC663:10) and its clerks handle it.
    county_code = models.CharField(max_length=6, db_index=True)
    residence_division_code = models.CharField(max_length=9)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    status = models.CharField(
        max_length=32, choices=PermitStatus.choices, default=PermitStatus.APPLIED
    )
    # Incremented by every change; an action names the version it saw.
    version = models.PositiveIntegerField(default=1)
    # The engine's facts (no id, no name) and its answer at the check.
    facts = models.JSONField(default=dict)
    eligibility = models.JSONField(null=True, blank=True)
    rules_as_of = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField()
    # Last day to issue, counted in working days from acceptance.
    due_date = models.DateField(null=True, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    # Start of the continuous residence counted by the permit; moved to the
    # day of a late endorsement (SC663:10).
    counted_from = models.DateField(null=True, blank=True)
    # Anniversary by which the next endorsement is due; the permit is valid
    # up to the day before it (SC663:10).
    next_anniversary = models.DateField(null=True, blank=True)
    # Last day of a fixed term, where the city sets one; null = none.
    valid_until = models.DateField(null=True, blank=True)
    card_sequence = models.PositiveSmallIntegerField(default=0)
    ended_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["county_code", "status", "submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="permits_permit_status_valid",
                condition=Q(status__in=PermitStatus.values),
            ),
            models.CheckConstraint(
                name="permits_permit_basis_valid", condition=Q(basis__in=Basis.values)
            ),
            models.CheckConstraint(
                name="permits_permit_version_positive", condition=Q(version__gte=1)
            ),
            models.CheckConstraint(
                name="permits_permit_county_code_format",
                condition=Q(county_code__regex=r"^[0-9]{6}$"),
            ),
            models.UniqueConstraint(
                fields=["holder"],
                condition=Q(status__in=sorted(LIVE_STATUSES)),
                name="permits_one_live_per_person",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PeriodKind(models.TextChoices):
    ISSUE = "issue", _("Issue")
    ENDORSEMENT = "endorsement", _("Endorsement")


class PermitPeriod(models.Model):
    """有效期间 One year of validity, opened by the issue or by an endorsement (签注).

    Half-open [valid_from, valid_to). An endorsement made in its window
    (the days before the anniversary) continues from the anniversary; a late
    one starts on its own day, and the counted residence restarts there.
    """

    permit = models.ForeignKey(ResidencePermit, on_delete=models.CASCADE, related_name="periods")
    sequence = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=PeriodKind.choices)
    recorded_on = models.DateField()
    # For an endorsement: the anniversary it was due by and the first day
    # of its window.
    anniversary = models.DateField(null=True, blank=True)
    window_opens = models.DateField(null=True, blank=True)
    late = models.BooleanField(default=False)
    valid_from = models.DateField()
    valid_to = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        ordering = ["permit", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "sequence"], name="permits_period_unique_sequence"
            ),
            models.CheckConstraint(
                name="permits_period_from_before_to", condition=Q(valid_from__lt=F("valid_to"))
            ),
            models.CheckConstraint(
                name="permits_period_kind_valid", condition=Q(kind__in=PeriodKind.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.permit_id} #{self.sequence} [{self.valid_from}–{self.valid_to})"


class ReplacementReason(models.TextChoices):
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")


class PermitReplacement(models.Model):
    """补领、换领 A new card for a lost or damaged one, with the fee charged (SC663:21)."""

    permit = models.ForeignKey(
        ResidencePermit, on_delete=models.CASCADE, related_name="replacements"
    )
    card_sequence = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=16, choices=ReplacementReason.choices)
    fee_yuan = models.DecimalField(max_digits=8, decimal_places=2)
    fee_clause = models.CharField(max_length=32)
    recorded_on = models.DateField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["permit", "card_sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "card_sequence"], name="permits_replacement_unique_card"
            ),
            models.CheckConstraint(
                name="permits_replacement_fee_not_negative", condition=Q(fee_yuan__gte=0)
            ),
            models.CheckConstraint(
                name="permits_replacement_reason_valid",
                condition=Q(reason__in=ReplacementReason.values),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.permit_id} card {self.card_sequence}"


class PermitStatusChange(models.Model):
    """One step of a permit's history; (permit, version) is unique."""

    permit = models.ForeignKey(ResidencePermit, on_delete=models.CASCADE, related_name="history")
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=32, choices=PermitAction.choices)
    from_status = models.CharField(max_length=32, choices=PermitStatus.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=PermitStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField()
    # The day the change takes effect, in the issuing office's calendar.
    effective_on = models.DateField()

    class Meta:
        ordering = ["permit", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["permit", "version"], name="permits_status_change_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.permit_id} v{self.version} {self.from_status}->{self.to_status}"
