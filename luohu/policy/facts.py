"""落户事实 The facts of one settlement question, as a typed schema.

Every fact a rule may read is here. A fact left out (``None``) is *not
known*: the engine reports it as missing when a decision needs it and never
fills it in. Home ownership, investment, tax paid, settlement points and the
willingness to give up rural rights are accepted so that the engine can show
they never matter (AY2018-19:2.2, 3.5).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from luohu.common.citizen_id import (
    CitizenId,
    Sex,
    check_citizen_id_agrees,
    parse_citizen_id,
)
from luohu.common.errors import FieldError, FieldProblem

Request = Literal["settle", "student_move_in", "graduate_move_out"]
DestinationKind = Literal["city_district", "county_seat_town", "established_town", "township"]
HukouNature = Literal["rural", "urban"]
Tenure = Literal["owned", "rented", "employer_provided", "other"]
Relation = Literal["spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other"]

_DIVISION = re.compile(r"^[1-9][0-9]{5}([0-9]{3})?$")


def _division_code(value: str | None) -> str | None:
    """A GB/T 2260 county code (6 digits) or an NBS township code (9 or 12 digits)."""
    if value is None:
        return None
    value = value.strip()
    if len(value) == 12 and value.endswith("000"):
        value = value[:9]
    if not _DIVISION.match(value):
        raise ValueError("division_code")
    return value


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HukouFacts(_Facts):
    """现户籍 Where the person's hukou is now."""

    division_code: str = Field(description="现户籍地区划代码 GB/T 2260 or NBS code")
    nature: HukouNature | None = Field(None, description="户口性质：农村 rural / 城镇 urban")
    province: str | None = Field(
        None,
        max_length=20,
        description="户籍所在省份（安阳市外） province, when outside Anyang; never read (1.2.a)",
    )
    registered_at_destination: bool | None = Field(None, description="已在迁入地登记常住户口")

    _code = field_validator("division_code")(_division_code)


class DestinationFacts(_Facts):
    """迁入地 Where the person asks to settle."""

    division_code: str = Field(description="迁入地区划代码")
    kind: DestinationKind | None = Field(
        None, description="城区 city_district / 县政府驻地镇 / 其他建制镇 / 乡 township"
    )

    _code = field_validator("division_code")(_division_code)


class QualificationFacts(_Facts):
    """重点群体身份 Membership of the groups whose settlement 2.1 fully opens."""

    college_graduate: bool | None = Field(None, description="高校毕业生")
    vocational_graduate: bool | None = Field(None, description="职业院校毕业生")
    technical_worker_certificate: bool | None = Field(None, description="技术工人（职业资格证书）")
    returned_overseas_student: bool | None = Field(None, description="留学归国人员")
    entered_town_by_study: bool | None = Field(None, description="农村学生升学进入城镇")
    entered_town_by_military_service: bool | None = Field(None, description="参军进入城镇")


class StudentFacts(_Facts):
    """来去自由 Rural college students moving their hukou to the college and back."""

    admitted_to_college: bool | None = Field(None, description="已被高校录取")
    college_division_code: str | None = Field(None, description="高校所在地区划代码")
    hukou_at_college: bool | None = Field(None, description="户口已迁至高校所在地")
    origin_division_code: str | None = Field(None, description="原籍地区划代码")
    graduated: bool | None = Field(None, description="已毕业")

    _codes = field_validator("college_division_code", "origin_division_code")(_division_code)


class EmploymentFacts(_Facts):
    """就业 Employment or business."""

    employed: bool | None = Field(None, description="就（创）业")
    division_code: str | None = Field(None, description="就业地区划代码")
    legal_stable: bool | None = Field(None, description="合法稳定就业（依本地认定标准）")

    _code = field_validator("division_code")(_division_code)


class ResidenceFacts(_Facts):
    """住所 Residence."""

    division_code: str | None = Field(None, description="住所地区划代码")
    legal_stable: bool | None = Field(None, description="合法稳定住所（依本地认定标准）")
    tenure: Tenure | None = Field(None, description="自有 owned / 租赁 rented / 单位提供 / 其他")

    _code = field_validator("division_code")(_division_code)


class RuralRightsFacts(_Facts):
    """三权 Rural rights held; never read by a decision (3.5)."""

    land_contract: bool | None = Field(None, description="土地承包权")
    homestead: bool | None = Field(None, description="宅基地使用权")
    collective_income: bool | None = Field(None, description="集体收益分配权")


class FamilyMemberFacts(_Facts):
    """随迁家庭成员 A family member asking to settle with the applicant."""

    relation: Relation = Field(description="与申请人关系")
    birth_date: dt.date = Field(description="出生日期")
    citizen_id: str | None = Field(None, description="公民身份号码（如有）")
    co_residing: bool | None = Field(None, description="与申请人共同居住生活")
    consent: bool | None = Field(None, description="本人意愿（成年人须本人同意）")


class SettlementFacts(_Facts):
    """落户申请事实 One settlement question."""

    as_of: dt.date = Field(description="判定日期")
    request: Request = Field(description="申请类型：落户 / 升学迁入高校 / 毕业迁出")
    citizen_id: str = Field(description="公民身份号码（GB 11643）")
    birth_date: dt.date | None = Field(None, description="出生日期（须与身份号码一致）")
    sex: Sex | None = Field(None, description="性别（须与身份号码一致）")
    consent: bool | None = Field(None, description="本人落户意愿 (1.2.d)")
    hukou: HukouFacts
    destination: DestinationFacts
    qualifications: QualificationFacts = Field(default_factory=QualificationFacts)
    student: StudentFacts = Field(default_factory=StudentFacts)
    employment: EmploymentFacts = Field(default_factory=EmploymentFacts)
    residence: ResidenceFacts = Field(default_factory=ResidenceFacts)
    urban_insurance_months_at_destination: int | None = Field(
        None, ge=0, le=1200, description="在迁入地参加城镇社会保险月数"
    )
    years_employed_and_living_in_town: int | None = Field(
        None, ge=0, le=100, description="在城镇就业居住年数"
    )
    whole_family_migration: bool | None = Field(None, description="举家迁徙")
    owns_home: bool | None = Field(None, description="购买房屋; never read (2.2)")
    made_investment: bool | None = Field(None, description="投资; never read (2.2)")
    tax_paid: bool | None = Field(None, description="纳税; never read (2.2)")
    settlement_points: int | None = Field(None, ge=0, description="落户积分; never read (2.2)")
    rural_rights: RuralRightsFacts = Field(default_factory=RuralRightsFacts)
    willing_to_give_up_rural_rights: bool | None = Field(
        None, description="愿意放弃农村三权; never read (3.5)"
    )
    family_members: list[FamilyMemberFacts] = Field(default_factory=list, max_length=20)


# Column of the evaluation frame -> path of the fact in SettlementFacts.
PERSON_COLUMNS: dict[str, str] = {
    "as_of": "as_of",
    "request": "request",
    "birth_date": "birth_date",
    "consent": "consent",
    "hukou_division_code": "hukou.division_code",
    "hukou_nature": "hukou.nature",
    "hukou_province": "hukou.province",
    "hukou_registered_at_destination": "hukou.registered_at_destination",
    "destination_division_code": "destination.division_code",
    "destination_kind": "destination.kind",
    "college_graduate": "qualifications.college_graduate",
    "vocational_graduate": "qualifications.vocational_graduate",
    "technical_worker_certificate": "qualifications.technical_worker_certificate",
    "returned_overseas_student": "qualifications.returned_overseas_student",
    "entered_town_by_study": "qualifications.entered_town_by_study",
    "entered_town_by_military_service": "qualifications.entered_town_by_military_service",
    "student_admitted_to_college": "student.admitted_to_college",
    "student_college_division_code": "student.college_division_code",
    "student_hukou_at_college": "student.hukou_at_college",
    "student_origin_division_code": "student.origin_division_code",
    "student_graduated": "student.graduated",
    "employed": "employment.employed",
    "employment_division_code": "employment.division_code",
    "employment_legal_stable": "employment.legal_stable",
    "residence_division_code": "residence.division_code",
    "residence_legal_stable": "residence.legal_stable",
    "residence_tenure": "residence.tenure",
    "urban_insurance_months_at_destination": "urban_insurance_months_at_destination",
    "years_employed_and_living_in_town": "years_employed_and_living_in_town",
    "whole_family_migration": "whole_family_migration",
    "owns_home": "owns_home",
    "made_investment": "made_investment",
    "tax_paid": "tax_paid",
    "settlement_points": "settlement_points",
    "rural_rights_land_contract": "rural_rights.land_contract",
    "rural_rights_homestead": "rural_rights.homestead",
    "rural_rights_collective_income": "rural_rights.collective_income",
    "willing_to_give_up_rural_rights": "willing_to_give_up_rural_rights",
}
MEMBER_COLUMNS: dict[str, str] = {
    "member_relation": "relation",
    "member_birth_date": "birth_date",
    "member_co_residing": "co_residing",
    "member_consent": "consent",
}

# Facts the decision must never read (2.2, 3.5) and the origin (1.2.a).
FORBIDDEN_FACTS: dict[str, str] = {
    "owns_home": "AY2018-19:2.2",
    "made_investment": "AY2018-19:2.2",
    "tax_paid": "AY2018-19:2.2",
    "settlement_points": "AY2018-19:2.2",
    "willing_to_give_up_rural_rights": "AY2018-19:3.5",
    "rural_rights_land_contract": "AY2018-19:3.5",
    "rural_rights_homestead": "AY2018-19:3.5",
    "rural_rights_collective_income": "AY2018-19:3.5",
    "hukou_province": "AY2018-19:1.2.a",
}


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def person_row(facts: SettlementFacts, citizen: CitizenId) -> dict[str, Any]:
    row = {column: _get(facts, path) for column, path in PERSON_COLUMNS.items()}
    row["birth_date"] = citizen.birth_date
    return row


def member_rows(facts: SettlementFacts) -> list[dict[str, Any]]:
    return [
        {"member_index": i, **{c: getattr(m, p) for c, p in MEMBER_COLUMNS.items()}}
        for i, m in enumerate(facts.family_members)
    ]


def fact_path(column: str) -> str:
    if column in PERSON_COLUMNS:
        return PERSON_COLUMNS[column]
    return f"family_members[].{MEMBER_COLUMNS[column]}"


# --- validation -----------------------------------------------------------

# Pydantic error type -> (zh, en) message.
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填项", "this field is required"),
    "extra_forbidden": ("不认识的字段", "unknown field"),
    "bool_type": ("应为是或否（true/false）", "must be true or false"),
    "bool_parsing": ("应为是或否（true/false）", "must be true or false"),
    "int_type": ("应为整数", "must be a whole number"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_from_float": ("应为整数", "must be a whole number"),
    "string_type": ("应为文本", "must be text"),
    "date_type": ("应为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "date_parsing": ("应为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": ("应为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": ("应为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "literal_error": ("取值不在允许范围内", "is not one of the allowed values"),
    "greater_than_equal": ("不得为负数或小于下限", "is below the smallest allowed value"),
    "less_than_equal": ("超出可能的最大值", "is above the largest possible value"),
    "too_long": ("条目过多或过长", "has too many items or is too long"),
    "string_too_long": ("过长", "is too long"),
    "list_type": ("应为列表", "must be a list"),
    "model_type": ("应为对象", "must be an object"),
    "dict_type": ("应为对象", "must be an object"),
}
_DIVISION_MESSAGE = (
    "division_code",
    "区划代码应为6位（县级）或9位、12位（乡级）数字",
    "a division code has 6 (county) or 9 or 12 (township) digits",
)
IMPOSSIBLE_BIRTH_AFTER_AS_OF = (
    "birth_after_as_of",
    "出生日期晚于判定日期",
    "the birth date is after the date of the question",
)
IMPOSSIBLE_INSURANCE_MONTHS = (
    "impossible_insurance_months",
    "参保月数超过本人年龄",
    "more months of insurance than the person has lived",
)
IMPOSSIBLE_YEARS_IN_TOWN = (
    "impossible_years_in_town",
    "在城镇就业居住年数超过本人年龄",
    "more years in town than the person has lived",
)


def _location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]"
        else:
            parts.append(item)
    return ".".join(parts)


def problems_from_validation(exc: ValidationError) -> list[FieldProblem]:
    problems = []
    for error in exc.errors():
        field = _location(error["loc"])
        kind = error["type"]
        if kind == "value_error" and "division_code" in str(error.get("msg", "")):
            code, zh, en = _DIVISION_MESSAGE
            problems.append(FieldProblem(field, code, zh, en))
            continue
        zh, en = _MESSAGES.get(kind, ("取值无效", "is not valid"))
        problems.append(FieldProblem(field, kind, zh, en))
    return problems


def _age_months(birth: dt.date, on: dt.date) -> int:
    return (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)


def parse_facts(data: Any) -> tuple[SettlementFacts, CitizenId]:
    """Validate raw input into facts, or raise FieldError with every problem found."""
    try:
        facts = SettlementFacts.model_validate(data)
    except ValidationError as exc:
        raise FieldError(problems_from_validation(exc)) from exc
    return facts, check_facts(facts)


def check_facts(facts: SettlementFacts) -> CitizenId:
    """Cross-field checks: the id, birth dates and impossible quantities."""
    problems: list[FieldProblem] = []
    citizen = parse_citizen_id(facts.citizen_id, field="citizen_id", today=facts.as_of)
    try:
        check_citizen_id_agrees(citizen, birth_date=facts.birth_date, sex=facts.sex)
    except FieldError as exc:
        problems.extend(exc.problems)
    age_months = _age_months(citizen.birth_date, facts.as_of)
    months = facts.urban_insurance_months_at_destination
    if months is not None and months > age_months:
        problems.append(
            FieldProblem("urban_insurance_months_at_destination", *IMPOSSIBLE_INSURANCE_MONTHS)
        )
    years = facts.years_employed_and_living_in_town
    if years is not None and years * 12 > age_months:
        problems.append(
            FieldProblem("years_employed_and_living_in_town", *IMPOSSIBLE_YEARS_IN_TOWN)
        )
    for i, member in enumerate(facts.family_members):
        prefix = f"family_members[{i}]."
        if member.birth_date > facts.as_of:
            problems.append(FieldProblem(f"{prefix}birth_date", *IMPOSSIBLE_BIRTH_AFTER_AS_OF))
        if member.citizen_id is not None:
            try:
                member_id = parse_citizen_id(
                    member.citizen_id, field=f"{prefix}citizen_id", today=facts.as_of
                )
                check_citizen_id_agrees(
                    member_id, birth_date=member.birth_date, sex=None, field_prefix=prefix
                )
            except FieldError as exc:
                problems.extend(exc.problems)
    if problems:
        raise FieldError(problems)
    return citizen
