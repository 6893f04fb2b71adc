"""Writes for residence permits. Each runs in one transaction with its audit entry.

Every figure (days to issue, the endorsement window, fees, a fixed term)
comes from ``luohu.policy.permits.permit_parameters`` on the day of the act;
the conditions of SC663:2 come from ``permit_eligibility``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from luohu.accounts.models import User
from luohu.accounts.roles import Role
from luohu.accounts.selectors import user_can_reach_county
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.certificates.models import CertificateKind, RevocationReason
from luohu.certificates.selectors import certificate_live_for_subject
from luohu.certificates.services import (
    certificate_issue,
    certificate_revoke,
    certificate_validity_set,
)
from luohu.common.errors import FieldError, field_error
from luohu.common.numbers import unused_number
from luohu.permits.errors import (
    PERMIT_ALREADY_LIVE,
    PERMIT_BASIS_INVALID,
    PERMIT_DIVISION_NOT_TOWNSHIP,
    PERMIT_DIVISION_OUT_OF_REACH,
    PERMIT_ENDORSEMENT_TOO_EARLY,
    PERMIT_IDENTITY_NOT_MATCHED,
    PERMIT_NAME_MISMATCH,
    PERMIT_NOT_CHECKED,
    PERMIT_NOT_ELIGIBLE,
    PERMIT_NOT_EXPIRED,
    PERMIT_NOTE_REQUIRED,
    PERMIT_REPLACEMENT_REASON_REQUIRED,
    PERMIT_TERM_ENDED,
    PermitActionNotAllowedError,
    PermitConflictError,
)
from luohu.permits.models import (
    Basis,
    PeriodKind,
    PermitPeriod,
    PermitReplacement,
    PermitStatusChange,
    ReplacementReason,
    ResidencePermit,
)
from luohu.permits.selectors import (
    add_years,
    permit_get_for_user,
    permit_last_valid_day,
    permit_live_for_person,
)
from luohu.permits.workflow import TRANSITIONS, PermitAction, PermitStatus, transition_for
from luohu.policy.permits import PermitParameters, permit_eligibility, permit_parameters
from luohu.registry.household_selectors import (
    person_current_hukou,
    person_get,
    person_residence_history,
)
from luohu.registry.models import Person
from luohu.registry.selectors import division_county_on, division_get, division_validate_code
from luohu.registry.snapshot import add_months

ACTION_EVENTS: dict[PermitAction, AuditEventType] = {
    PermitAction.APPLY: AuditEventType.PERMIT_APPLIED,
    PermitAction.CHECK: AuditEventType.PERMIT_CHECKED,
    PermitAction.ISSUE: AuditEventType.PERMIT_ISSUED,
    PermitAction.REFUSE: AuditEventType.PERMIT_REFUSED,
    PermitAction.ENDORSE: AuditEventType.PERMIT_ENDORSED,
    PermitAction.SUSPEND: AuditEventType.PERMIT_SUSPENDED,
    PermitAction.REINSTATE: AuditEventType.PERMIT_REINSTATED,
    PermitAction.CANCEL: AuditEventType.PERMIT_REVOKED,
    PermitAction.REPLACE: AuditEventType.PERMIT_REPLACED,
    PermitAction.EXPIRE: AuditEventType.PERMIT_EXPIRED,
    PermitAction.CLOSE_BY_SETTLEMENT: AuditEventType.PERMIT_CLOSED_BY_SETTLEMENT,
}
# Actions whose reason the holder must be able to read.
NOTE_REQUIRED = frozenset({PermitAction.REFUSE, PermitAction.SUSPEND, PermitAction.CANCEL})
# SC663:10: the permit is issued by the county public security organ.
ISSUING_CLAUSE = "SC663:10"
APPLYING_ROLES = frozenset({Role.APPLICANT, Role.CLERK})
_CLOSABLE = sorted(t.source for t in TRANSITIONS if t.action == PermitAction.CLOSE_BY_SETTLEMENT)


def _today() -> dt.date:
    return timezone.localdate()


def _new_number(county_code: str) -> str:
    # 居住证 number: county, date and a random tail, like application numbers.
    return unused_number(
        f"JZZ{county_code}{_today():%Y%m%d}",
        lambda number: ResidencePermit.objects.filter(number=number).exists(),
    )


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def _residence_months(person: Person, division_code: str, on: dt.date) -> int:
    """Whole months of unbroken recorded residence in the county of ``division_code``.

    The registry's residence records (居住登记) are the evidence; a stay
    made of adjacent records inside the county counts as one.
    """
    county = str(division_county_on(division_code, on).code)

    def in_county(code: str, day: dt.date) -> bool:
        return str(division_county_on(code, day).code) == county

    records = [r for r in person_residence_history(person.citizen_id) if r.valid_from <= on]
    if not records:
        return 0
    last = records[-1]
    if (last.valid_to is not None and last.valid_to <= on) or not in_county(
        last.division_code, last.valid_from
    ):
        return 0
    since = last.valid_from
    for record in reversed(records[:-1]):
        if record.valid_to != since or not in_county(record.division_code, record.valid_from):
            break
        since = record.valid_from
    return _months_between(since, on)


def _hukou_code(person: Person, on: dt.date) -> str:
    """The township of the person's Anyang hukou, or the county coded in their citizen id.

    For someone without an Anyang hukou the id's address code (GB 11643,
    the county of first registration) is the best place the platform knows.
    """
    record = person_current_hukou(person.citizen_id, on)
    if record is not None:
        return record.division_code
    return person.citizen_id[:6]


def permit_facts(permit: ResidencePermit, *, on: dt.date) -> dict[str, Any]:
    """The engine's facts for ``permit`` on ``on``: registry records plus the basis."""
    person = permit.holder
    return {
        "residence_months": _residence_months(person, permit.residence_division_code, on),
        "has_legal_stable_employment": permit.basis == Basis.EMPLOYMENT,
        "has_legal_stable_residence": permit.basis == Basis.RESIDENCE,
        "is_continuously_studying": permit.basis == Basis.STUDY,
        "residence_division_code": permit.residence_division_code,
        "hukou_division_code": _hukou_code(person, on),
    }


def _person_for(acting_user: User, citizen_id: str, name: str) -> Person:
    """The registry's person with this id and name; a citizen learns only "no match"."""
    try:
        person = person_get(citizen_id, field="citizen_id")
    except FieldError:
        if acting_user.role == Role.APPLICANT:
            raise field_error("citizen_id", PERMIT_IDENTITY_NOT_MATCHED) from None
        raise
    if person.name != (name or "").strip():
        if acting_user.role == Role.APPLICANT:
            raise field_error("citizen_id", PERMIT_IDENTITY_NOT_MATCHED)
        raise field_error("name", PERMIT_NAME_MISMATCH)
    return person


def permit_apply(
    *,
    acting_user: User,
    citizen_id: str,
    name: str,
    residence_division_code: str,
    basis: str,
) -> ResidencePermit:
    """申领 Apply for a residence permit at the place of residence (SC663:9).

    The person must be in the registry (居住登记 comes first); the name must
    agree with it. A citizen applies for themself online; a clerk takes the
    application at the counter of their own county. Nothing is written when
    a field is wrong.
    """
    if acting_user.role not in APPLYING_ROLES:
        raise PermitActionNotAllowedError()
    if basis not in Basis.values:
        raise field_error("basis", PERMIT_BASIS_INVALID)
    today = _today()
    code = (residence_division_code or "").strip()
    division_validate_code(code, today, "residence_division_code")
    if len(code) != 9:
        raise field_error("residence_division_code", PERMIT_DIVISION_NOT_TOWNSHIP)
    county_code = str(division_county_on(code, today).code)
    if acting_user.role == Role.CLERK and not user_can_reach_county(acting_user, county_code):
        raise field_error("residence_division_code", PERMIT_DIVISION_OUT_OF_REACH)
    person = _person_for(acting_user, citizen_id, name)
    if permit_live_for_person(person) is not None:
        raise field_error("citizen_id", PERMIT_ALREADY_LIVE)
    params = permit_parameters(today)
    now = timezone.now()
    try:
        with transaction.atomic():
            permit = ResidencePermit(
                number=_new_number(county_code),
                holder=person,
                applicant=acting_user if acting_user.role == Role.APPLICANT else None,
                county_code=county_code,
                residence_division_code=code,
                basis=basis,
                status=PermitStatus.APPLIED,
                submitted_at=now,
                # SC663:9 counts 日 from acceptance; H5's reading is calendar
                # days, the earlier of the two readings, so never late.
                due_date=today + dt.timedelta(days=params.issue_working_days),
            )
            permit.facts = permit_facts(permit, on=today)
            permit.full_clean(validate_constraints=False)
            permit.save()
            PermitStatusChange.objects.create(
                permit=permit,
                version=1,
                action=PermitAction.APPLY,
                to_status=PermitStatus.APPLIED,
                actor=acting_user,
                at=now,
                effective_on=today,
            )
            audit_record(
                acting_user=acting_user,
                event_type=AuditEventType.PERMIT_APPLIED,
                obj_type="residence_permit",
                obj_id=permit.number,
                jurisdiction_code=county_code,
                after={"status": PermitStatus.APPLIED, "basis": basis, "holder": person.pk},
            )
    except IntegrityError:
        # A concurrent application for the same person won the live slot.
        raise field_error("citizen_id", PERMIT_ALREADY_LIVE) from None
    return permit


def _certificate_valid_until(permit: ResidencePermit) -> dt.date | None:
    return permit_last_valid_day(permit)


def _certificate_issue(acting_user: User, permit: ResidencePermit, on: dt.date) -> None:
    person = permit.holder
    county = division_get(permit.county_code, on)
    place = division_get(permit.residence_division_code, on)
    certificate_issue(
        acting_user=acting_user,
        kind=CertificateKind.RESIDENCE_PERMIT,
        subject_ref=permit.number,
        # Read from the registry for masking here; never stored in full.
        holder_name=person.name,
        holder_citizen_id=person.citizen_id,
        county_code=permit.county_code,
        payload={
            "residence_place": f"{county.name}{place.name}",
            "issuing_office": f"{county.name}公安局",
            "clause": ISSUING_CLAUSE,
        },
        valid_until=_certificate_valid_until(permit),
    )


def _certificate_revoke(
    acting_user: User, permit: ResidencePermit, reason: str, *, check_county: bool = True
) -> None:
    certificate = certificate_live_for_subject(CertificateKind.RESIDENCE_PERMIT, permit.number)
    if certificate is not None:
        certificate_revoke(
            acting_user=acting_user,
            certificate=certificate,
            reason=reason,
            check_county=check_county,
        )


def _endorsement(
    permit: ResidencePermit, on: dt.date, params: PermitParameters
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The new year of validity an endorsement on ``on`` gives, and the permit's changes.

    SC663:10: due within the month before each full year of residence;
    late, the permit was suspended from the anniversary and the years count
    again from the day of the endorsement.
    """
    anniversary = permit.next_anniversary
    assert anniversary is not None
    window_opens = add_months(anniversary, -params.endorsement_window_months)
    if on < window_opens:
        raise field_error("action", PERMIT_ENDORSEMENT_TOO_EARLY)
    # Reading: 每满1年之日前 is before the anniversary itself, so an
    # endorsement on the anniversary is already late; the window opens the
    # same day one month earlier (前1个月内).
    late = on >= anniversary
    start = on if late else anniversary
    if permit.valid_until is not None and start > permit.valid_until:
        raise field_error("action", PERMIT_TERM_ENDED)
    period = {
        "kind": PeriodKind.ENDORSEMENT,
        "recorded_on": on,
        "anniversary": anniversary,
        "window_opens": window_opens,
        "late": late,
        "valid_from": start,
        "valid_to": add_years(start, 1),
    }
    changes: dict[str, Any] = {"next_anniversary": add_years(start, 1)}
    if late:
        changes["counted_from"] = on
    return period, changes


def _add_period(permit: ResidencePermit, actor: User | None, **fields: Any) -> PermitPeriod:
    sequence = permit.periods.count() + 1
    valid_to = fields["valid_to"]
    if permit.valid_until is not None:
        # A city's fixed term ends the last year early.
        valid_to = min(valid_to, permit.valid_until + dt.timedelta(days=1))
    fields["valid_to"] = valid_to
    period = PermitPeriod(permit=permit, sequence=sequence, actor=actor, **fields)
    period.full_clean(validate_constraints=False)
    period.save()
    return period


@transaction.atomic
def permit_act(
    *,
    acting_user: User,
    number: str,
    action: str,
    expected_version: int,
    note: str = "",
    replacement_reason: str = "",
) -> ResidencePermit:
    """Take one workflow action on a permit the user can reach.

    The change applies only if the permit is still at ``expected_version``;
    otherwise PermitConflictError. Field problems raise FieldError and
    nothing is written.
    """
    permit = permit_get_for_user(acting_user, number)
    transition = transition_for(permit.status, action)
    if transition is None or acting_user.role not in transition.roles:
        if permit.version != expected_version:
            raise PermitConflictError()
        raise PermitActionNotAllowedError()
    if transition.action in NOTE_REQUIRED and not note.strip():
        raise field_error("note", PERMIT_NOTE_REQUIRED)
    today = _today()
    changes: dict[str, Any] = {}
    period: dict[str, Any] | None = None
    replacement: dict[str, Any] | None = None
    audit_after: dict[str, Any] = {}
    act = transition.action
    if act == PermitAction.CHECK:
        facts = permit_facts(permit, on=today)
        evaluation = permit_eligibility(facts, on=today)
        changes.update(facts=facts, eligibility=evaluation.as_dict(), rules_as_of=today)
        audit_after["eligible"] = evaluation.eligible
    elif act == PermitAction.ISSUE:
        if not permit.eligibility:
            raise field_error("action", PERMIT_NOT_CHECKED)
        if permit.eligibility.get("eligible") is not True:
            raise field_error("action", PERMIT_NOT_ELIGIBLE)
        params = permit_parameters(today)
        anniversary = add_years(today, 1)
        changes.update(
            issued_on=today,
            counted_from=today,
            next_anniversary=anniversary,
            card_sequence=1,
            valid_until=(
                add_years(today, params.validity_years) - dt.timedelta(days=1)
                if params.validity_years
                else None
            ),
        )
        period = {
            "kind": PeriodKind.ISSUE,
            "recorded_on": today,
            "valid_from": today,
            "valid_to": anniversary,
        }
        audit_after["first_card_fee_yuan"] = params.first_card_fee_yuan
    elif act == PermitAction.ENDORSE:
        period, endorsed = _endorsement(permit, today, permit_parameters(today))
        changes.update(endorsed)
        audit_after.update(late=period["late"], valid_from=period["valid_from"].isoformat())
    elif act == PermitAction.REPLACE:
        if replacement_reason not in ReplacementReason.values:
            raise field_error("replacement_reason", PERMIT_REPLACEMENT_REASON_REQUIRED)
        params = permit_parameters(today)
        # SC663:21: the first card is free; a replaced or reissued one is charged.
        replacement = {
            "card_sequence": permit.card_sequence + 1,
            "reason": replacement_reason,
            "fee_yuan": Decimal(params.replacement_fee_yuan),
            "fee_clause": params.clause_of("replacement_fee_yuan"),
            "recorded_on": today,
        }
        changes["card_sequence"] = permit.card_sequence + 1
        audit_after.update(card=replacement["card_sequence"], fee_yuan=str(replacement["fee_yuan"]))
    elif act == PermitAction.EXPIRE:
        if permit.valid_until is None or permit.valid_until >= today:
            raise field_error("action", PERMIT_NOT_EXPIRED)
        changes["ended_on"] = today
    elif act in (PermitAction.CANCEL,):
        changes["ended_on"] = today
    now = timezone.now()
    moved = ResidencePermit.objects.filter(
        pk=permit.pk, version=expected_version, status=transition.source
    ).update(status=transition.target, version=F("version") + 1, updated_at=now, **changes)
    if moved != 1:
        raise PermitConflictError()
    permit.refresh_from_db()
    if period is not None:
        _add_period(permit, acting_user, **period)
    if replacement is not None:
        PermitReplacement.objects.create(permit=permit, actor=acting_user, **replacement)
    # The e-permit follows the permit (the certificates app audits each change).
    if act == PermitAction.ISSUE or act == PermitAction.REINSTATE:
        _certificate_issue(acting_user, permit, today)
    elif act == PermitAction.ENDORSE:
        certificate = certificate_live_for_subject(CertificateKind.RESIDENCE_PERMIT, permit.number)
        if certificate is not None:
            certificate_validity_set(
                acting_user=acting_user,
                certificate=certificate,
                valid_until=_certificate_valid_until(permit),
            )
    elif act == PermitAction.REPLACE:
        _certificate_revoke(acting_user, permit, RevocationReason.REPLACED)
        _certificate_issue(acting_user, permit, today)
    elif act == PermitAction.SUSPEND:
        _certificate_revoke(acting_user, permit, RevocationReason.PERMIT_SUSPENDED)
    elif act in (PermitAction.CANCEL, PermitAction.EXPIRE):
        _certificate_revoke(acting_user, permit, RevocationReason.PERMIT_CLOSED)
    PermitStatusChange.objects.create(
        permit=permit,
        version=permit.version,
        action=act,
        from_status=transition.source,
        to_status=transition.target,
        actor=acting_user,
        note=note,
        at=now,
        effective_on=today,
    )
    audit_record(
        acting_user=acting_user,
        event_type=ACTION_EVENTS[act],
        obj_type="residence_permit",
        obj_id=permit.number,
        jurisdiction_code=permit.county_code,
        before={"status": transition.source, "version": expected_version},
        after={"status": transition.target, "version": permit.version, **audit_after},
    )
    return permit


def permits_close_on_settlement(
    *, acting_user: User, citizen_ids: list[str], on: dt.date, case_ref: str
) -> list[ResidencePermit]:
    """Close the live permits of people just registered as settled (落户后注销).

    Called by casework registration inside its transaction, so a failed
    registration leaves the permits as they were. The permit may belong to
    another county: closing it is the consequence of the registering
    clerk's act, recorded under the permit's own jurisdiction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("permits_close_on_settlement must run inside the registration")
    closed = []
    for citizen_id in citizen_ids:
        person = person_get(citizen_id)
        permit = (
            ResidencePermit.objects.select_for_update()
            .filter(holder=person, status__in=_CLOSABLE)
            .first()
        )
        if permit is None:
            continue
        transition = transition_for(permit.status, PermitAction.CLOSE_BY_SETTLEMENT)
        assert transition is not None
        now = timezone.now()
        source, version = permit.status, permit.version
        ResidencePermit.objects.filter(pk=permit.pk, version=version).update(
            status=transition.target, version=F("version") + 1, updated_at=now, ended_on=on
        )
        permit.refresh_from_db()
        if source == PermitStatus.VALID:
            _certificate_revoke(
                acting_user, permit, RevocationReason.PERMIT_CLOSED, check_county=False
            )
        PermitStatusChange.objects.create(
            permit=permit,
            version=permit.version,
            action=PermitAction.CLOSE_BY_SETTLEMENT,
            from_status=source,
            to_status=transition.target,
            actor=acting_user,
            note=case_ref,
            at=now,
            effective_on=on,
        )
        audit_record(
            acting_user=acting_user,
            event_type=AuditEventType.PERMIT_CLOSED_BY_SETTLEMENT,
            obj_type="residence_permit",
            obj_id=permit.number,
            jurisdiction_code=permit.county_code,
            before={"status": source, "version": version},
            after={"status": transition.target, "version": permit.version, "case": case_ref},
        )
        closed.append(permit)
    return closed
