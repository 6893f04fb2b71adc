"""户籍登记 Writes of persons, households, hukou and residence records.

Each service runs in one transaction and writes its audit entries in it, so
a registration is either complete and audited or absent. Audit snapshots
carry ids, codes and dates; citizen ids and names are masked.

Only a household-registration clerk of the county (or an administrator, or
the system for loads, with ``acting_user`` None) may write; casework checks
the case, this module checks the county again before touching the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from luohu.accounts.roles import Role
from luohu.accounts.selectors import user_can_reach_county
from luohu.audit.events import AuditEventType
from luohu.audit.masking import mask_for_audit
from luohu.audit.services import audit_record
from luohu.common.citizen_id import CitizenId, Sex, check_citizen_id_agrees, parse_citizen_id
from luohu.common.crypto import citizen_id_index
from luohu.common.errors import field_error
from luohu.registry.household_selectors import HOUSEHOLD_NOT_FOUND, PERSON_NOT_FOUND
from luohu.registry.models import (
    TOWNSHIP_LEVELS,
    Division,
    Household,
    HouseholdNumberSequence,
    HouseholdType,
    HukouReasonIn,
    HukouReasonOut,
    HukouRecord,
    Person,
    RelationToHead,
    ResidenceRecord,
)
from luohu.registry.models import Sex as SexChoice
from luohu.registry.selectors import (
    DIVISION_NOT_TOWNSHIP_LEVEL,
    UrbanClass,
    division_county_on,
    division_place_on,
    division_urban_class,
    division_validate_code,
)

REGISTRY_WRITE_FORBIDDEN = (
    "无权办理该县（市、区）的户籍登记：{county}。 "
    "Not allowed to write the registry of county {county}."
)

NAME_REQUIRED = ("name_required", "姓名不能为空", "the name is required")
NAME_TOO_LONG = ("name_too_long", "姓名不能超过100个字符", "the name cannot exceed 100 characters")
SEX_INVALID = ("sex_invalid", "性别应为 male 或 female", "sex must be male or female")
DATE_IN_FUTURE = ("date_in_future", "日期不能晚于今天", "the date cannot be later than today")
DATE_BEFORE_BIRTH = (
    "date_before_birth",
    "日期早于本人出生日期",
    "the date is before the person's birth",
)
PERSON_ALREADY_REGISTERED = (
    "person_already_registered",
    "该公民身份号码已在登记中",
    "a person with this citizen id is already in the registry",
)
PERSON_NAME_MISMATCH = (
    "person_name_mismatch",
    "姓名与登记中的不一致",
    "the name differs from the one in the registry",
)
URBAN_FLAG_REQUIRED = (
    "is_urban_required",
    "镇须指明登记地是镇区（城镇）还是村（农村）",
    "in a town, whether the place is its urban centre or a rural village must be given",
)
URBAN_FLAG_CONTRADICTS_DIVISION = (
    "is_urban_contradicts_division",
    "城乡属性与该区划的城乡分类不符",
    "the urban or rural flag contradicts the division's urban-rural class",
)
RELATION_INVALID = (
    "relation_to_head_invalid",
    "与户主关系取值未定义",
    "the relation to the head is not one of the defined values",
)
RELATION_HEAD_REQUIRED = (
    "relation_to_head_must_be_head",
    "新立户的登记人须为户主",
    "the person who opens a new household must be its head",
)
REASON_IN_INVALID = (
    "reason_in_invalid",
    "此项登记不能使用该迁入原因",
    "this registration cannot use that reason",
)
HOUSEHOLD_TYPE_INVALID = (
    "household_type_invalid",
    "户别应为 family 或 collective",
    "the household type must be family or collective",
)
HOUSEHOLD_CLOSED = ("household_closed", "该户已注销", "the household is closed")
HOUSEHOLD_NOT_AT_PLACE = (
    "household_not_at_place",
    "该户不在登记地",
    "the household is not registered at this place",
)
HOUSEHOLD_HAS_HEAD = ("household_has_head", "该户已有户主", "the household already has a head")
HUKOU_ALREADY_CURRENT = (
    "hukou_already_current",
    "该人已有现行户籍登记",
    "the person already has a current hukou record",
)
HUKOU_ALREADY_IN_HOUSEHOLD = (
    "hukou_already_in_household",
    "该人已在此户登记",
    "the person is already registered in this household",
)
HUKOU_MOVE_NOT_AFTER_START = (
    "hukou_move_not_after_start",
    "迁移日期须晚于现户籍登记的起始日期",
    "the move date must be after the start of the person's current hukou record",
)
CASE_REF_INVALID = (
    "case_ref_invalid",
    "申请编号应为1至32个字符",
    "the application number must be 1 to 32 characters",
)
CASE_REF_REUSED = (
    "case_ref_reused",
    "该申请编号已办理过不同人员或迁入地的登记",
    "this application number was registered with other persons or another destination",
)
MOVES_EMPTY = ("moves_empty", "迁入人员不能为空", "at least one person must move")
MOVES_DUPLICATE_PERSON = (
    "moves_duplicate_person",
    "同一人在迁入人员中出现两次",
    "the same person appears twice among the moves",
)
MOVES_HEAD_COUNT = (
    "moves_head_count",
    "新立户须恰有一名户主",
    "a new household needs exactly one head",
)
MOVES_HEAD_WHEN_JOINING = (
    "moves_head_when_joining",
    "迁入现有户的人员不能为户主",
    "a person joining an existing household cannot be its head",
)
MOVES_HEAD_RELATION = (
    "moves_head_relation",
    "户主的关系须为 head，其他人不能为 head",
    "the head's relation must be head, and no one else's",
)
RESIDENCE_PERIOD_INVALID = (
    "valid_to_not_after_valid_from",
    "结束日期须晚于开始日期",
    "valid_to must be after valid_from",
)
RESIDENCE_OVERLAP = (
    "residence_overlap",
    "居住期间与已登记的居住期间重叠",
    "the period overlaps a recorded residence period",
)
RESIDENCE_UNCHANGED = (
    "residence_unchanged",
    "现居住地已是该地",
    "the person already lives at this place with this urban or rural flag",
)

# Reasons each service accepts: settlement-type moves carry a case number
# and go through settlement_register; the others open a first record.
PERSON_REGISTER_REASONS = frozenset(
    {HukouReasonIn.BIRTH, HukouReasonIn.INITIAL_LOAD, HukouReasonIn.OTHER}
)
SETTLEMENT_REASONS = frozenset(
    {
        HukouReasonIn.SETTLEMENT,
        HukouReasonIn.STUDENT_MOVE_IN,
        HukouReasonIn.GRADUATE_MOVE_OUT,
    }
)
# 三员分立: the system administrator keeps accounts and reference data and
# never writes a person's record; commands (acting_user=None) load the registry.
REGISTRY_WRITER_ROLES = frozenset({Role.CLERK})
CASE_REF_MAX_LENGTH = 32


@dataclass(frozen=True)
class SettlementMove:
    """迁入人员 One person a settlement decision admitted."""

    citizen_id: str
    name: str
    sex: str
    birth_date: dt.date
    relation_to_head: str
    is_head: bool = False


@dataclass(frozen=True)
class _Place:
    division: Division
    county_code: str
    is_urban: bool

    @property
    def code(self) -> str:
        return str(self.division.code)


def _check_writer(acting_user: Any, county_code: str) -> None:
    if acting_user is None:
        return
    if not (
        getattr(acting_user, "is_authenticated", False)
        and acting_user.role in REGISTRY_WRITER_ROLES
        and user_can_reach_county(acting_user, county_code)
    ):
        raise PermissionDenied(REGISTRY_WRITE_FORBIDDEN.format(county=county_code))


def _check_date(on: dt.date, field: str) -> None:
    if on > timezone.localdate():
        raise field_error(field, DATE_IN_FUTURE)


def _place(code: str, on: dt.date, field: str, is_urban: bool | None, flag_field: str) -> _Place:
    """Validate a township-level place and settle its urban or rural flag."""
    division = division_validate_code(code, on, field)
    if division.level not in TOWNSHIP_LEVELS:
        raise field_error(field, DIVISION_NOT_TOWNSHIP_LEVEL)
    urban_class = division_urban_class(code, on)
    if urban_class == UrbanClass.MIXED:
        # NBS classes a town's centre urban and its villages rural; only the
        # registering clerk knows which part the address is in.
        if is_urban is None:
            raise field_error(flag_field, URBAN_FLAG_REQUIRED)
        flag = is_urban
    else:
        flag = urban_class == UrbanClass.URBAN
        if is_urban is not None and is_urban != flag:
            raise field_error(flag_field, URBAN_FLAG_CONTRADICTS_DIVISION)
    county = division_county_on(code, on)
    return _Place(division=division, county_code=str(county.code), is_urban=flag)


def _same_place(code: str, other_code: str, on: dt.date) -> bool:
    # Follows a place across code changes (水冶镇 410522101 → 410505101).
    return division_place_on(code, on).lineage == division_place_on(other_code, on).lineage


def _person_snapshot(person: Person) -> dict[str, Any]:
    return mask_for_audit({"citizen_id": person.citizen_id, "name": person.name, "sex": person.sex})


def _household_snapshot(household: Household) -> dict[str, Any]:
    return {
        "number": household.number,
        "division_code": household.division_code,
        "household_type": household.household_type,
        "closed_at": household.closed_at,
    }


def _hukou_snapshot(record: HukouRecord) -> dict[str, Any]:
    return {
        "person_id": record.person_id,
        "household_number": record.household.number,
        "division_code": record.division_code,
        "is_urban": record.is_urban,
        "relation_to_head": record.relation_to_head,
        "valid_from": record.valid_from,
        "valid_to": record.valid_to,
        "reason_in": record.reason_in,
        "reason_out": record.reason_out,
        "case_ref": record.case_ref,
    }


def _residence_snapshot(record: ResidenceRecord) -> dict[str, Any]:
    return {
        "person_id": record.person_id,
        "division_code": record.division_code,
        "is_urban": record.is_urban,
        "valid_from": record.valid_from,
        "valid_to": record.valid_to,
    }


def _parse_person(
    *, citizen_id: str, name: str, sex: str, birth_date: dt.date, prefix: str
) -> tuple[CitizenId, str]:
    """Validate a person's identity fields; return the parsed id and clean name."""
    parsed = parse_citizen_id(citizen_id, field=f"{prefix}citizen_id")
    clean_name = (name or "").strip()
    if not clean_name:
        raise field_error(f"{prefix}name", NAME_REQUIRED)
    if len(clean_name) > 100:
        raise field_error(f"{prefix}name", NAME_TOO_LONG)
    if sex not in SexChoice.values:
        raise field_error(f"{prefix}sex", SEX_INVALID)
    check_citizen_id_agrees(parsed, birth_date=birth_date, sex=cast(Sex, sex), field_prefix=prefix)
    return parsed, clean_name


def _person_new(
    *, acting_user: Any, parsed: CitizenId, name: str, jurisdiction_code: str, prefix: str
) -> Person:
    if Person.objects.filter(citizen_id_index=citizen_id_index(parsed.number)).exists():
        raise field_error(f"{prefix}citizen_id", PERSON_ALREADY_REGISTERED)
    person = Person(
        citizen_id=parsed.number, name=name, sex=parsed.sex, birth_date=parsed.birth_date
    )
    person.full_clean()
    person.save()
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.PERSON_REGISTERED,
        obj_type="registry.person",
        obj_id=person.pk,
        jurisdiction_code=jurisdiction_code,
        after=_person_snapshot(person),
    )
    return person


def _household_new(*, acting_user: Any, place: _Place, household_type: str) -> Household:
    # One counter row per county, locked FOR UPDATE: two clerks of a county
    # creating households at once get consecutive numbers, not a collision.
    HouseholdNumberSequence.objects.bulk_create(
        [HouseholdNumberSequence(county_code=place.county_code)], ignore_conflicts=True
    )
    sequence = HouseholdNumberSequence.objects.select_for_update().get(
        county_code=place.county_code
    )
    sequence.last_sequence += 1
    sequence.save(update_fields=["last_sequence"])
    household = Household(
        number=f"{place.county_code}{sequence.last_sequence:08d}",
        division_code=place.code,
        household_type=household_type,
    )
    household.full_clean()
    household.save()
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.HOUSEHOLD_CREATED,
        obj_type="registry.household",
        obj_id=household.number,
        jurisdiction_code=place.county_code,
        after=_household_snapshot(household),
    )
    return household


def _household_joinable(number: str, *, place: _Place, on: dt.date, field: str) -> Household:
    household = Household.objects.select_for_update().filter(number=number).first()
    if household is None:
        raise field_error(field, HOUSEHOLD_NOT_FOUND)
    if not household.is_open:
        raise field_error(field, HOUSEHOLD_CLOSED)
    if not _same_place(household.division_code, place.code, on):
        raise field_error(field, HOUSEHOLD_NOT_AT_PLACE)
    return household


def _household_has_head(household: Household) -> bool:
    return HukouRecord.objects.filter(
        household=household, valid_to__isnull=True, relation_to_head=RelationToHead.HEAD
    ).exists()


def _hukou_open(
    *,
    acting_user: Any,
    person: Person,
    household: Household,
    place: _Place,
    relation_to_head: str,
    on: dt.date,
    reason_in: str,
    case_ref: str = "",
) -> HukouRecord:
    record = HukouRecord(
        person=person,
        household=household,
        division_code=place.code,
        is_urban=place.is_urban,
        relation_to_head=relation_to_head,
        valid_from=on,
        reason_in=reason_in,
        case_ref=case_ref,
    )
    record.full_clean()
    record.save()
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.HUKOU_MOVED_IN,
        obj_type="registry.hukou_record",
        obj_id=record.pk,
        jurisdiction_code=place.county_code,
        after=_hukou_snapshot(record),
    )
    return record


def _hukou_close(
    *, acting_user: Any, record: HukouRecord, on: dt.date, reason_out: str, case_ref: str
) -> None:
    before = _hukou_snapshot(record)
    record.valid_to = on
    record.reason_out = reason_out
    record.full_clean()
    record.save(update_fields=["valid_to", "reason_out"])
    # The move-out belongs to the county the person leaves: its auditors
    # see their departures. ``out_case_ref`` ties it to the move-in; the
    # record's own ``case_ref`` is the case that brought the person there.
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.HUKOU_MOVED_OUT,
        obj_type="registry.hukou_record",
        obj_id=record.pk,
        jurisdiction_code=str(division_county_on(record.division_code, on).code),
        before=before,
        after={**_hukou_snapshot(record), "out_case_ref": case_ref},
    )


def _households_close_if_empty(*, acting_user: Any, household_ids: set[int], on: dt.date) -> None:
    """Close households that the moves left without a current member (户口注销)."""
    for household in Household.objects.select_for_update().filter(pk__in=sorted(household_ids)):
        if household.hukou_records.filter(valid_to__isnull=True).exists():
            continue
        before = _household_snapshot(household)
        household.closed_at = timezone.now()
        household.full_clean()
        household.save(update_fields=["closed_at"])
        audit_record(
            acting_user=acting_user,
            event_type=AuditEventType.HOUSEHOLD_CLOSED,
            obj_type="registry.household",
            obj_id=household.number,
            jurisdiction_code=str(division_county_on(household.division_code, on).code),
            before=before,
            after=_household_snapshot(household),
        )


@transaction.atomic
def person_create(
    *,
    acting_user: Any,
    citizen_id: str,
    name: str,
    sex: str,
    birth_date: dt.date,
) -> Person:
    """Record a person without hukou in Anyang (非户籍人口), to record where they live.

    The audit entry falls in the acting clerk's county.
    """
    jurisdiction_code = getattr(acting_user, "jurisdiction_code", "") or ""
    _check_writer(acting_user, jurisdiction_code)
    parsed, clean_name = _parse_person(
        citizen_id=citizen_id, name=name, sex=sex, birth_date=birth_date, prefix=""
    )
    return _person_new(
        acting_user=acting_user,
        parsed=parsed,
        name=clean_name,
        jurisdiction_code=jurisdiction_code,
        prefix="",
    )


@transaction.atomic
def person_register(
    *,
    acting_user: Any,
    citizen_id: str,
    name: str,
    sex: str,
    birth_date: dt.date,
    division_code: str,
    is_urban: bool | None = None,
    household: Household | None = None,
    household_type: str = HouseholdType.FAMILY,
    relation_to_head: str,
    on: dt.date,
    reason_in: str,
) -> HukouRecord:
    """Register a new person's hukou: a birth, the initial load, or another first entry.

    Without ``household`` the person opens a new household at the division
    as its head; with it they join that open household at the same place.
    ``is_urban`` is required in a town and must agree with the division
    elsewhere. Return the new hukou record.
    """
    _check_date(on, "on")
    if reason_in not in PERSON_REGISTER_REASONS:
        raise field_error("reason_in", REASON_IN_INVALID)
    if relation_to_head not in RelationToHead.values:
        raise field_error("relation_to_head", RELATION_INVALID)
    place = _place(division_code, on, "division_code", is_urban, "is_urban")
    _check_writer(acting_user, place.county_code)
    parsed, clean_name = _parse_person(
        citizen_id=citizen_id, name=name, sex=sex, birth_date=birth_date, prefix=""
    )
    if on < parsed.birth_date:
        raise field_error("on", DATE_BEFORE_BIRTH)
    if household is None:
        if household_type not in HouseholdType.values:
            raise field_error("household_type", HOUSEHOLD_TYPE_INVALID)
        if relation_to_head != RelationToHead.HEAD:
            raise field_error("relation_to_head", RELATION_HEAD_REQUIRED)
    else:
        household = _household_joinable(household.number, place=place, on=on, field="household")
        if relation_to_head == RelationToHead.HEAD and _household_has_head(household):
            raise field_error("relation_to_head", HOUSEHOLD_HAS_HEAD)
    person = _person_new(
        acting_user=acting_user,
        parsed=parsed,
        name=clean_name,
        jurisdiction_code=place.county_code,
        prefix="",
    )
    if household is None:
        household = _household_new(
            acting_user=acting_user, place=place, household_type=household_type
        )
    return _hukou_open(
        acting_user=acting_user,
        person=person,
        household=household,
        place=place,
        relation_to_head=relation_to_head,
        on=on,
        reason_in=reason_in,
    )


def _settlement_already_registered(
    *, case_ref: str, citizen_ids: set[str], place: _Place, on: dt.date
) -> Household | None:
    """Return the household of an earlier registration of ``case_ref``, if any.

    A retry with the same persons and destination is answered with it; the
    same number with other persons or another place is refused.
    """
    records = list(
        HukouRecord.objects.filter(case_ref=case_ref, reason_in__in=SETTLEMENT_REASONS)
        .select_related("person", "household")
        .order_by("pk")
    )
    if not records:
        return None
    registered_ids = {record.person.citizen_id for record in records}
    households = {record.household_id for record in records}
    if (
        registered_ids != citizen_ids
        or len(households) != 1
        or not _same_place(records[0].division_code, place.code, on)
    ):
        raise field_error("case_ref", CASE_REF_REUSED)
    return records[0].household


@transaction.atomic
def settlement_register(
    *,
    acting_user: Any,
    case_ref: str,
    destination_division_code: str,
    on: dt.date,
    moves: Sequence[SettlementMove],
    join_household_number: str | None = None,
    destination_is_urban: bool | None = None,
    household_type: str = HouseholdType.FAMILY,
    reason_in: str = HukouReasonIn.SETTLEMENT,
) -> Household:
    """Apply a settlement decision to the registry, all or nothing; return the household.

    Each admitted person in ``moves`` leaves their current hukou record
    (closed on ``on`` as moved out, kept as history) and is registered at
    the destination from ``on``: in a new household of ``household_type``
    headed by the one move with ``is_head``, or in the open household
    ``join_household_number`` at the destination. A person new to the
    registry (from outside Anyang) is created. Family members refused by
    the decision are not in ``moves`` and stay where they are. Households
    left empty are closed.

    Idempotent per ``case_ref``: calling again with the same case, persons
    and destination returns the same household and writes nothing.
    """
    case_ref = (case_ref or "").strip()
    if not case_ref or len(case_ref) > CASE_REF_MAX_LENGTH:
        raise field_error("case_ref", CASE_REF_INVALID)
    if reason_in not in SETTLEMENT_REASONS:
        raise field_error("reason_in", REASON_IN_INVALID)
    _check_date(on, "on")
    place = _place(
        destination_division_code,
        on,
        "destination_division_code",
        destination_is_urban,
        "destination_is_urban",
    )
    _check_writer(acting_user, place.county_code)
    if not moves:
        raise field_error("moves", MOVES_EMPTY)

    parsed: list[tuple[CitizenId, str]] = []
    seen: set[str] = set()
    for index, move in enumerate(moves):
        prefix = f"moves[{index}]."
        person_id, clean_name = _parse_person(
            citizen_id=move.citizen_id,
            name=move.name,
            sex=move.sex,
            birth_date=move.birth_date,
            prefix=prefix,
        )
        if person_id.number in seen:
            raise field_error(f"{prefix}citizen_id", MOVES_DUPLICATE_PERSON)
        seen.add(person_id.number)
        if move.relation_to_head not in RelationToHead.values:
            raise field_error(f"{prefix}relation_to_head", RELATION_INVALID)
        if move.is_head != (move.relation_to_head == RelationToHead.HEAD):
            raise field_error(f"{prefix}relation_to_head", MOVES_HEAD_RELATION)
        if on < person_id.birth_date:
            raise field_error("on", DATE_BEFORE_BIRTH)
        parsed.append((person_id, clean_name))

    # Lock the persons already known, in a fixed order, before looking for an
    # earlier registration of the case: a concurrent retry waits here and
    # then finds the first one's records.
    known = {
        person.citizen_id: person
        for person in Person.objects.select_for_update()
        .filter(citizen_id_index__in=sorted(citizen_id_index(number) for number in seen))
        .order_by("citizen_id_index")
    }
    earlier = _settlement_already_registered(
        case_ref=case_ref, citizen_ids=seen, place=place, on=on
    )
    if earlier is not None:
        return earlier

    heads = [index for index, move in enumerate(moves) if move.is_head]
    household: Household | None
    if join_household_number is None:
        if household_type not in HouseholdType.values:
            raise field_error("household_type", HOUSEHOLD_TYPE_INVALID)
        if len(heads) != 1:
            raise field_error("moves", MOVES_HEAD_COUNT)
        household = None
    else:
        if heads:
            raise field_error(f"moves[{heads[0]}].is_head", MOVES_HEAD_WHEN_JOINING)
        household = _household_joinable(
            join_household_number.strip(), place=place, on=on, field="join_household_number"
        )
    if household is None:
        household = _household_new(
            acting_user=acting_user, place=place, household_type=household_type
        )

    left: set[int] = set()
    for index, (move, (person_id, clean_name)) in enumerate(zip(moves, parsed, strict=True)):
        prefix = f"moves[{index}]."
        person = known.get(person_id.number)
        if person is None:
            person = _person_new(
                acting_user=acting_user,
                parsed=person_id,
                name=clean_name,
                jurisdiction_code=place.county_code,
                prefix=prefix,
            )
        elif person.name != clean_name:
            raise field_error(f"{prefix}name", PERSON_NAME_MISMATCH)
        current = (
            HukouRecord.objects.select_for_update()
            .select_related("household")
            .filter(person=person, valid_to__isnull=True)
            .first()
        )
        if current is not None:
            if current.household_id == household.pk:
                raise field_error(f"{prefix}citizen_id", HUKOU_ALREADY_IN_HOUSEHOLD)
            if current.valid_from >= on:
                raise field_error(f"{prefix}citizen_id", HUKOU_MOVE_NOT_AFTER_START)
            _hukou_close(
                acting_user=acting_user,
                record=current,
                on=on,
                reason_out=HukouReasonOut.MOVED_OUT,
                case_ref=case_ref,
            )
            left.add(current.household_id)
        _hukou_open(
            acting_user=acting_user,
            person=person,
            household=household,
            place=place,
            relation_to_head=move.relation_to_head,
            on=on,
            reason_in=reason_in,
            case_ref=case_ref,
        )
    _households_close_if_empty(acting_user=acting_user, household_ids=left, on=on)
    return household


@transaction.atomic
def residence_record(
    *,
    acting_user: Any,
    citizen_id: str,
    division_code: str,
    is_urban: bool | None = None,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> ResidenceRecord:
    """Record that a person lives at a township-level place from ``valid_from``.

    With ``valid_to`` None this is the current residence: the open record,
    if any, ends on ``valid_from``. With ``valid_to`` it is a past period,
    which may not overlap any recorded one. ``is_urban`` follows the same
    rule as for hukou: required in a town, derived elsewhere.
    """
    _check_date(valid_from, "valid_from")
    if valid_to is not None and valid_to <= valid_from:
        raise field_error("valid_to", RESIDENCE_PERIOD_INVALID)
    place = _place(division_code, valid_from, "division_code", is_urban, "is_urban")
    _check_writer(acting_user, place.county_code)
    number = parse_citizen_id(citizen_id, field="citizen_id").number
    person = (
        Person.objects.select_for_update().filter(citizen_id_index=citizen_id_index(number)).first()
    )
    if person is None:
        raise field_error("citizen_id", PERSON_NOT_FOUND)
    if valid_from < person.birth_date:
        raise field_error("valid_from", DATE_BEFORE_BIRTH)

    records = list(ResidenceRecord.objects.select_for_update().filter(person=person))
    current = next((r for r in records if r.valid_to is None), None)
    if valid_to is None and current is not None and current.valid_from < valid_from:
        if (
            _same_place(current.division_code, place.code, valid_from)
            and current.is_urban == place.is_urban
        ):
            raise field_error("division_code", RESIDENCE_UNCHANGED)
        before = _residence_snapshot(current)
        current.valid_to = valid_from
        current.full_clean()
        current.save(update_fields=["valid_to"])
        audit_record(
            acting_user=acting_user,
            event_type=AuditEventType.RESIDENCE_ENDED,
            obj_type="registry.residence_record",
            obj_id=current.pk,
            jurisdiction_code=str(division_county_on(current.division_code, valid_from).code),
            before=before,
            after=_residence_snapshot(current),
        )
    for other in records:
        ends_after_start = other.valid_to is None or other.valid_to > valid_from
        starts_before_end = valid_to is None or other.valid_from < valid_to
        if ends_after_start and starts_before_end:
            raise field_error("valid_from", RESIDENCE_OVERLAP)

    record = ResidenceRecord(
        person=person,
        division_code=place.code,
        is_urban=place.is_urban,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    record.full_clean()
    record.save()
    audit_record(
        acting_user=acting_user,
        event_type=AuditEventType.RESIDENCE_RECORDED,
        obj_type="registry.residence_record",
        obj_id=record.pk,
        jurisdiction_code=place.county_code,
        after=_residence_snapshot(record),
    )
    return record
