"""落户登记 Apply an approved decision to the registry.

The decision says who is admitted; registration moves exactly those people,
all or nothing, through the registry's own service. A member who withdrew
consent after the approval stays where they are (1.2.d: consent may be
withdrawn until registration).
"""

from __future__ import annotations

import datetime as dt

from luohu.accounts.models import User
from luohu.casework.models import DecisionOutcome, FamilyMember, SettlementApplication
from luohu.certificates.models import CertificateKind
from luohu.certificates.services import certificate_issue
from luohu.common.citizen_id import parse_citizen_id
from luohu.common.errors import field_error
from luohu.permits.services import permits_close_on_settlement
from luohu.registry.households import SettlementMove, settlement_register
from luohu.registry.models import Household, HukouReasonIn, RelationToHead
from luohu.registry.selectors import DivisionKind, division_get, division_kind

REGISTRATION_NO_APPROVAL = (
    "no_approval",
    "该申请没有准予落户的决定",
    "the application has no approval to register",
)
REGISTRATION_MEMBER_ID_REQUIRED = (
    "member_citizen_id_required",
    "登记前须填写该成员的公民身份号码",
    "this member's citizen id is needed before registration",
)

REASON_BY_REQUEST = {
    "settle": HukouReasonIn.SETTLEMENT,
    "student_move_in": HukouReasonIn.STUDENT_MOVE_IN,
    "graduate_move_out": HukouReasonIn.GRADUATE_MOVE_OUT,
}
_TOWN_KINDS = frozenset({DivisionKind.COUNTY_SEAT_TOWN, DivisionKind.ESTABLISHED_TOWN})


def _move(citizen_id: str, name: str, relation: str, *, field: str) -> SettlementMove:
    if not citizen_id:
        raise field_error(field, REGISTRATION_MEMBER_ID_REQUIRED)
    parsed = parse_citizen_id(citizen_id, field=field)
    return SettlementMove(
        citizen_id=parsed.number,
        name=name,
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        relation_to_head=relation,
        is_head=relation == RelationToHead.HEAD,
    )


def _still_consents(member: FamilyMember) -> bool:
    return member.consent_withdrawn_at is None


def application_register(
    *, acting_user: User, application: SettlementApplication, on: dt.date
) -> Household:
    """Register the applicant and the admitted members in one household; issue the notice.

    The settlement notice (准予迁入/落户通知) carries a verification code.
    """
    decision = application.decisions.filter(outcome=DecisionOutcome.APPROVED).last()
    if decision is None:
        raise field_error("action", REGISTRATION_NO_APPROVAL)
    admitted = {
        m["index"] for m in decision.evaluation["family_members"] if m["decision"] == "admitted"
    }
    moves = [
        _move(
            application.citizen_id,
            application.applicant_name,
            RelationToHead.HEAD,
            field="citizen_id",
        )
    ]
    moving_members = [
        member
        for member in application.members.all()
        if member.position in admitted and _still_consents(member)
    ]
    moves += [
        _move(
            member.citizen_id,
            member.name,
            member.relation,
            field=f"members[{member.position}].citizen_id",
        )
        for member in moving_members
    ]
    code = application.destination_division_code
    # Settling in a town under 2.3 means registering in the town itself,
    # which NBS counts as urban (镇中心区); a village of the town is not
    # what the plan opens.
    is_urban = True if division_kind(code, on) in _TOWN_KINDS else None
    household = settlement_register(
        acting_user=acting_user,
        case_ref=application.number,
        destination_division_code=code,
        on=on,
        moves=moves,
        destination_is_urban=is_urban,
        reason_in=REASON_BY_REQUEST[application.request_type],
    )
    # A settled person needs no residence permit: their live permit closes
    # in this transaction (SC663:2 covers only those living away from their
    # hukou place).
    permits_close_on_settlement(
        acting_user=acting_user,
        citizen_ids=[move.citizen_id for move in moves],
        on=on,
        case_ref=application.number,
    )
    destination = division_get(code, on)
    county = division_get(application.county_code, on)
    certificate_issue(
        acting_user=acting_user,
        kind=CertificateKind.SETTLEMENT_NOTICE,
        subject_ref=application.number,
        holder_name=application.applicant_name,
        holder_citizen_id=application.citizen_id,
        county_code=application.county_code,
        payload={
            "destination": f"{county.name}{destination.name}",
            "members": [
                {"name": m.name, "relation": RelationToHead(m.relation).label.split()[0]}
                for m in moving_members
            ],
            "decided_on": decision.decided_at.date().isoformat(),
            # The issuing office is the county public security bureau, whose
            # household-registration clerks register the move (2.1–2.3).
            "issuing_office": f"{county.name}公安局",
            "clause": decision.evaluation["channels"][0]["clause"],
        },
    )
    return household
