"""办件 Settlement applications, the family members on them, and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luohu.casework.workflow import Action, Status
from luohu.common.fields import (
    BlindIndexedModel,
    BlindIndexField,
    EncryptedJSONField,
    EncryptedTextField,
    ciphertext_check,
)


class RequestType(models.TextChoices):
    SETTLE = "settle", _("Settle")
    STUDENT_MOVE_IN = "student_move_in", _("Student move-in at admission")
    GRADUATE_MOVE_OUT = "graduate_move_out", _("Graduate move-out")


class SettlementApplication(BlindIndexedModel):
    """落户申请 One application to settle, with the family members who come along."""

    number = models.CharField(_("application number"), max_length=20, unique=True)
    request_type = models.CharField(max_length=32, choices=RequestType.choices)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.SUBMITTED)
    # Incremented by every status change; an action names the version it saw,
    # so a second concurrent action on the same case finds it moved on.
    version = models.PositiveIntegerField(default=1)
    # Destination county (GB/T 2260): the jurisdiction that handles the case.
    county_code = models.CharField(max_length=6, db_index=True)
    destination_division_code = models.CharField(max_length=9)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlement_applications",
    )
    # Encrypted at rest; found through the blind indexes beside them
    # (docs/security-data.md).
    citizen_id = EncryptedTextField(max_length=18)
    citizen_id_index = BlindIndexField(purpose="citizen_id", sources=["citizen_id"], db_index=True)
    applicant_name = EncryptedTextField(max_length=64)
    birth_date = models.DateField()
    # Name and birth date: the key of the duplicate check.
    name_birth_index = BlindIndexField(
        purpose="name_birth", sources=["applicant_name", "birth_date"], db_index=True
    )
    # The engine's facts as submitted (luohu.policy.facts.SettlementFacts),
    # encrypted whole: they carry the citizen ids of applicant and family.
    facts = EncryptedJSONField()
    consent_given_at = models.DateTimeField()
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The engine's answer at submission: priority groups go first in the
    # queue (1.2.b); the preview is what the citizen was told to expect.
    priority_flags = models.JSONField(default=list, blank=True)
    is_priority = models.BooleanField(default=False)
    preview_decision = models.CharField(max_length=32)
    # Set at acceptance; moved later by the working days spent waiting for
    # materials, since the clock is paused then.
    due_date = models.DateField(null=True, blank=True)
    # Set by the citizen's browser per form; a repeated submit finds it taken.
    submission_key = models.CharField(max_length=64, unique=True)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["county_code", "status", "submitted_at"]),
            models.Index(
                fields=["county_code", "status", "-is_priority", "due_date", "submitted_at"],
                name="casework_queue_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="casework_application_status_valid",
                condition=Q(status__in=[s.value for s in Status]),
            ),
            models.CheckConstraint(
                name="casework_application_version_positive", condition=Q(version__gte=1)
            ),
            ciphertext_check("citizen_id", name="casework_application_citizen_id_encrypted"),
            ciphertext_check("applicant_name", name="casework_application_name_encrypted"),
            ciphertext_check("facts", name="casework_application_facts_encrypted"),
        ]

    def __str__(self) -> str:
        return self.number


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class FamilyMember(models.Model):
    """随迁家庭成员 A family member on an application, each decided on their own."""

    application = models.ForeignKey(
        SettlementApplication, on_delete=models.CASCADE, related_name="members"
    )
    position = models.PositiveSmallIntegerField()
    relation = models.CharField(max_length=16, choices=Relation.choices)
    name = EncryptedTextField(max_length=64)
    citizen_id = EncryptedTextField(max_length=18, blank=True)
    birth_date = models.DateField()
    co_residing = models.BooleanField()
    # Adults give their own consent (1.2.d); minors follow their guardians.
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "position"], name="casework_member_unique_position"
            ),
            ciphertext_check("name", name="casework_member_name_encrypted"),
            ciphertext_check(
                "citizen_id", name="casework_member_citizen_id_encrypted", allow_blank=True
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.number}#{self.position} {self.relation}"


class StatusChange(models.Model):
    """One step of a case's history; (application, version) is unique."""

    application = models.ForeignKey(
        SettlementApplication, on_delete=models.CASCADE, related_name="history"
    )
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=32, choices=Action.choices, blank=True)
    from_status = models.CharField(max_length=32, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["application", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "version"], name="casework_status_change_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} v{self.version} {self.from_status}->{self.to_status}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Decision(models.Model):
    """审批决定 A clerk's decision with the engine evaluation it rests on.

    The evaluation is stored whole (format, as-of date, parameter values with
    their dates and clauses, per-member outcomes, trace) so the decision can be
    shown and re-run on appeal exactly as it was made.
    """

    application = models.ForeignKey(
        SettlementApplication, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    # The rules are those in force on this date: the day the case was accepted.
    rules_as_of = models.DateField()
    # The exact facts the engine was given, so a re-run changes only the rules;
    # encrypted like the application's. The evaluation holds no ids or names.
    facts = EncryptedJSONField()
    evaluation = models.JSONField()
    clerk_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "decided_at"]
        constraints = [
            models.CheckConstraint(
                name="casework_decision_outcome_valid",
                condition=Q(outcome__in=[o.value for o in DecisionOutcome]),
            ),
            ciphertext_check("facts", name="casework_decision_facts_encrypted"),
        ]

    def __str__(self) -> str:
        return f"{self.application.number} {self.outcome}"


class DocumentContentType(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"


class Document(models.Model):
    """申请材料 A file handed in with an application, stored under MEDIA_ROOT.

    The file's name on disk is its SHA-256, so the path carries no personal
    data; the citizen's own file name is kept here only.
    """

    application = models.ForeignKey(
        SettlementApplication, on_delete=models.CASCADE, related_name="documents"
    )
    # The family member the document is about; null for the applicant.
    member_position = models.PositiveSmallIntegerField(null=True, blank=True)
    # A code from the engine's document list (local/documents parameters).
    document_type = models.CharField(max_length=64)
    # Citizens name files after themselves ("张三身份证.jpg"): encrypted.
    original_name = EncryptedTextField(max_length=255)
    # Relative to MEDIA_ROOT.
    stored_path = models.CharField(max_length=255)
    content_type = models.CharField(max_length=32, choices=DocumentContentType.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        ordering = ["application", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="casework_document_content_type_valid",
                condition=Q(content_type__in=[c.value for c in DocumentContentType]),
            ),
            models.CheckConstraint(name="casework_document_size_positive", condition=Q(size__gt=0)),
            ciphertext_check("original_name", name="casework_document_name_encrypted"),
        ]

    def __str__(self) -> str:
        return f"{self.application.number} {self.document_type} {self.sha256[:12]}"


class DuplicateVerdict(models.TextChoices):
    DUPLICATE = "duplicate", _("Same person")
    NOT_DUPLICATE = "not_duplicate", _("Different person")


class DuplicateReview(models.Model):
    """重复申请核查 A clerk's verdict on two applications with the same name and birth date."""

    application = models.ForeignKey(
        SettlementApplication, on_delete=models.CASCADE, related_name="duplicate_reviews"
    )
    other = models.ForeignKey(SettlementApplication, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=16, choices=DuplicateVerdict.choices)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reviewed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "other"], name="casework_duplicate_review_unique_pair"
            ),
            models.CheckConstraint(
                name="casework_duplicate_review_not_self",
                condition=~Q(application=models.F("other")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}~{self.other_id} {self.verdict}"
