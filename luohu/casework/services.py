"""Writes for casework. Each runs in one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field

from luohu.accounts.models import User
from luohu.accounts.roles import Role
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.casework.clock import add_working_days, working_days_between
from luohu.casework.decisions import acceptance_date, case_facts, facts_evaluate
from luohu.casework.errors import (
    CASE_CONSENT_NOT_OPEN,
    CASE_CONSENT_REQUIRED,
    CASE_MEMBER_NAMES_MISMATCH,
    CASE_NOT_A_POSSIBLE_DUPLICATE,
    CASE_NOT_ELIGIBLE,
    CASE_NOTE_REQUIRED,
    CASE_SUBMISSION_KEY_REUSED,
    CASE_VERDICT_INVALID,
    CaseActionNotAllowedError,
    CaseConflictError,
    CaseNotFoundError,
)
from luohu.casework.models import (
    Decision,
    DecisionOutcome,
    DuplicateReview,
    DuplicateVerdict,
    FamilyMember,
    SettlementApplication,
    StatusChange,
)
from luohu.casework.registration import application_register
from luohu.casework.selectors import application_get_for_user, application_possible_duplicates
from luohu.casework.workflow import OPEN_STATUSES, Action, Status, transition_for
from luohu.common.errors import field_error
from luohu.common.numbers import unused_number
from luohu.policy.facts import parse_facts
from luohu.registry.selectors import division_county_on, division_validate_code

ACTION_EVENTS: dict[Action, AuditEventType] = {
    Action.ACCEPT: AuditEventType.CASE_ACCEPTED,
    Action.REQUEST_MATERIALS: AuditEventType.CASE_MATERIALS_REQUESTED,
    Action.SUPPLY_MATERIALS: AuditEventType.CASE_MATERIALS_SUPPLIED,
    Action.APPROVE: AuditEventType.CASE_APPROVED,
    Action.REFUSE: AuditEventType.CASE_REFUSED,
    Action.REGISTER: AuditEventType.CASE_REGISTERED,
    Action.WITHDRAW: AuditEventType.CASE_WITHDRAWN,
}
# Actions whose reason the applicant must read.
NOTE_REQUIRED = frozenset({Action.REQUEST_MATERIALS, Action.REFUSE})
# Actions that rest on an engine evaluation, stored with the decision.
DECIDING_ACTIONS = frozenset({Action.APPROVE, Action.REFUSE})
ADULT_AGE = 18


class CaseSubmitIn(BaseModel):
    """落户申请提交 What a citizen submits: the engine's facts plus names."""

    model_config = ConfigDict(extra="forbid")

    applicant_name: str = Field(min_length=1, max_length=64)
    member_names: list[str] = Field(default_factory=list, max_length=20)
    facts: dict[str, Any]
    submission_key: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


def _age_on(birth: Any, on: Any) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# Draws of a fresh number when a concurrent submission took the same one.
NUMBER_ATTEMPTS = 3


def _new_number(county_code: str) -> str:
    # County, date and a random tail: unguessable, so a number alone opens nothing.
    return unused_number(
        f"{county_code}{timezone.localdate():%Y%m%d}",
        lambda number: SettlementApplication.objects.filter(number=number).exists(),
    )


def application_submit(
    *, acting_user: User, data: CaseSubmitIn
) -> tuple[SettlementApplication, bool]:
    """Create an application, or return the one this submission key already made.

    Returns ``(application, created)``. Bad facts raise FieldError naming
    every problem; nothing is written.
    """
    if acting_user.role != Role.APPLICANT:
        raise CaseActionNotAllowedError()
    existing = SettlementApplication.objects.filter(submission_key=data.submission_key).first()
    if existing is not None:
        return _same_submitter(existing, acting_user), False
    facts, citizen = parse_facts(data.facts)
    if facts.consent is not True:
        raise field_error("facts.consent", CASE_CONSENT_REQUIRED)
    if len(data.member_names) != len(facts.family_members):
        raise field_error("member_names", CASE_MEMBER_NAMES_MISMATCH)
    division_validate_code(
        facts.destination.division_code, facts.as_of, "facts.destination.division_code"
    )
    county = division_county_on(facts.destination.division_code, facts.as_of)
    preview = facts_evaluate(data.facts, trace=False)
    now = timezone.now()
    # Two submissions may draw the same unused number at the same moment; the
    # second one's insert then fails on the unique number and draws again.
    for attempt in range(NUMBER_ATTEMPTS):
        number = _new_number(str(county.code))
        try:
            with transaction.atomic():
                application = SettlementApplication(
                    number=number,
                    request_type=facts.request,
                    status=Status.SUBMITTED,
                    county_code=str(county.code),
                    destination_division_code=facts.destination.division_code,
                    applicant=acting_user,
                    citizen_id=citizen.number,
                    applicant_name=data.applicant_name,
                    birth_date=citizen.birth_date,
                    facts=facts.model_dump(mode="json"),
                    consent_given_at=now,
                    priority_flags=preview["priority_flags"],
                    is_priority=bool(preview["priority_flags"]),
                    preview_decision=preview["decision"],
                    submission_key=data.submission_key,
                    submitted_at=now,
                )
                # Unique number and submission key are left to the database: a
                # race on either lands in the IntegrityError branch below.
                application.full_clean(validate_unique=False)
                application.save()
                for position, (member, name) in enumerate(
                    zip(facts.family_members, data.member_names, strict=True)
                ):
                    adult = _age_on(member.birth_date, facts.as_of) >= ADULT_AGE
                    FamilyMember.objects.create(
                        application=application,
                        position=position,
                        relation=member.relation,
                        name=name,
                        citizen_id=member.citizen_id or "",
                        birth_date=member.birth_date,
                        co_residing=bool(member.co_residing),
                        consent_given_at=now if adult and member.consent else None,
                    )
                StatusChange.objects.create(
                    application=application,
                    version=1,
                    to_status=Status.SUBMITTED,
                    actor=acting_user,
                    at=now,
                )
                audit_record(
                    acting_user=acting_user,
                    event_type=AuditEventType.CASE_SUBMITTED,
                    obj_type="settlement_application",
                    obj_id=application.number,
                    jurisdiction_code=application.county_code,
                    after={"status": Status.SUBMITTED, "members": len(data.member_names)},
                )
        except IntegrityError:
            # Two submits with one key raced; the loser returns the winner's case.
            existing = SettlementApplication.objects.filter(
                submission_key=data.submission_key
            ).first()
            if existing is not None:
                return _same_submitter(existing, acting_user), False
            number_taken = SettlementApplication.objects.filter(number=number).exists()
            if not number_taken or attempt == NUMBER_ATTEMPTS - 1:
                raise
            continue
        return application, True
    raise AssertionError("unreachable: the last attempt returns or raises")


def _same_submitter(application: SettlementApplication, user: User) -> SettlementApplication:
    if application.applicant_id != user.pk:
        raise field_error("submission_key", CASE_SUBMISSION_KEY_REUSED)
    return application


@transaction.atomic
def application_act(
    *,
    acting_user: User,
    number: str,
    action: str,
    expected_version: int,
    note: str = "",
) -> SettlementApplication:
    """Take one workflow action on a case the user can reach.

    The change applies only if the case is still at ``expected_version``;
    otherwise someone acted first and CaseConflictError is raised.
    """
    application = application_get_for_user(acting_user, number)
    transition = transition_for(application.status, action)
    if transition is None or acting_user.role not in transition.roles:
        if application.version != expected_version:
            raise CaseConflictError()
        raise CaseActionNotAllowedError()
    if transition.action in NOTE_REQUIRED and not note.strip():
        raise field_error("note", CASE_NOTE_REQUIRED)
    evaluation = None
    if transition.action in DECIDING_ACTIONS:
        # The rules in force on the day of acceptance decide the case.
        facts = case_facts(application, as_of=acceptance_date(application))
        evaluation = facts_evaluate(facts)
        if transition.action == Action.APPROVE and not evaluation["eligible"]:
            raise field_error("action", CASE_NOT_ELIGIBLE)
    now = timezone.now()
    changes: dict[str, Any] = {}
    if transition.action == Action.ACCEPT:
        limit = facts_evaluate(case_facts(application, as_of=timezone.localdate()), trace=False)[
            "processing_time_working_days"
        ]
        changes["due_date"] = add_working_days(timezone.localdate(), limit)
    elif transition.action == Action.SUPPLY_MATERIALS and application.due_date:
        paused_since = application.history.filter(version=expected_version).get().at
        paused = working_days_between(timezone.localdate(paused_since), timezone.localdate())
        changes["due_date"] = add_working_days(application.due_date, paused)
    moved = SettlementApplication.objects.filter(
        pk=application.pk, version=expected_version, status=transition.source
    ).update(status=transition.target, version=F("version") + 1, updated_at=now, **changes)
    if moved != 1:
        raise CaseConflictError()
    application.refresh_from_db()
    if transition.action == Action.REGISTER:
        # Inside this transaction: if the registry refuses, the case stays approved.
        application_register(
            acting_user=acting_user, application=application, on=timezone.localdate()
        )
    StatusChange.objects.create(
        application=application,
        version=application.version,
        action=transition.action,
        from_status=transition.source,
        to_status=transition.target,
        actor=acting_user,
        note=note,
        at=now,
    )
    if evaluation is not None:
        Decision.objects.create(
            application=application,
            outcome=DecisionOutcome.APPROVED
            if transition.action == Action.APPROVE
            else DecisionOutcome.REFUSED,
            rules_as_of=dt.date.fromisoformat(evaluation["as_of"]),
            facts=facts,
            evaluation=evaluation,
            clerk_note=note,
            decided_by=acting_user,
            decided_at=now,
        )
    audit_record(
        acting_user=acting_user,
        event_type=ACTION_EVENTS[transition.action],
        obj_type="settlement_application",
        obj_id=application.number,
        jurisdiction_code=application.county_code,
        before={"status": transition.source, "version": expected_version},
        after={"status": transition.target, "version": application.version},
    )
    return application


@transaction.atomic
def consent_give(*, acting_user: User, number: str, position: int) -> FamilyMember:
    """Record an adult family member's own consent (1.2.d)."""
    return _set_member_consent(acting_user, number, position, give=True)


@transaction.atomic
def consent_withdraw(*, acting_user: User, number: str, position: int) -> FamilyMember:
    """Withdraw a family member's consent; allowed until registration (1.2.d)."""
    return _set_member_consent(acting_user, number, position, give=False)


def _set_member_consent(user: User, number: str, position: int, *, give: bool) -> FamilyMember:
    application = application_get_for_user(user, number)
    # The applicant hands in a member's signed consent, or the clerk records
    # it at the counter; either way it is the member's own will, recorded.
    if user.role not in (Role.APPLICANT, Role.CLERK):
        raise CaseActionNotAllowedError()
    if application.status not in OPEN_STATUSES:
        raise field_error("consent", CASE_CONSENT_NOT_OPEN)
    member = application.members.select_for_update().filter(position=position).first()
    if member is None:
        raise CaseNotFoundError()
    now = timezone.now()
    before = {"consent": member.consent_given_at is not None and not member.consent_withdrawn_at}
    if give:
        member.consent_given_at, member.consent_withdrawn_at = now, None
    else:
        member.consent_withdrawn_at = now
    member.save(update_fields=["consent_given_at", "consent_withdrawn_at"])
    audit_record(
        acting_user=user,
        event_type=AuditEventType.CONSENT_GIVEN if give else AuditEventType.CONSENT_WITHDRAWN,
        obj_type="settlement_application",
        obj_id=application.number,
        jurisdiction_code=application.county_code,
        before=before,
        after={"consent": give, "member": position},
    )
    return member


@transaction.atomic
def duplicate_review(
    *, acting_user: User, number: str, other_number: str, verdict: str
) -> DuplicateReview:
    """Record whether a name-and-birth-date match is the same person."""
    # Reach first: a case out of reach is 404 for every role, as everywhere.
    application = application_get_for_user(acting_user, number)
    if acting_user.role != Role.CLERK:
        raise CaseActionNotAllowedError()
    if verdict not in DuplicateVerdict.values:
        raise field_error("verdict", CASE_VERDICT_INVALID)
    other = application_possible_duplicates(application).filter(number=other_number).first()
    if other is None:
        raise field_error("other_number", CASE_NOT_A_POSSIBLE_DUPLICATE)
    review, _ = DuplicateReview.objects.update_or_create(
        application=application,
        other=other,
        defaults={
            "verdict": verdict,
            "reviewed_by": acting_user,
            "reviewed_at": timezone.now(),
        },
    )
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.CASE_DUPLICATE_REVIEWED,
        obj_type="settlement_application",
        obj_id=application.number,
        jurisdiction_code=application.county_code,
        after={"other": other.number, "verdict": verdict},
    )
    return review
