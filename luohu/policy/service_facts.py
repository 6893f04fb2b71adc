"""配套政策事实 The facts of one "what am I entitled to" question (AY2018-19:3.6–3.10).

Month-by-month histories (provident-fund contributions, medical and pension
insurance) are reduced here to a few columns the rules read — the length of
the latest run of full contributions, the uncovered months between the first
and the last covered month — and the months themselves are kept so that an
answer can name them. These are counts over the facts, not policy: every
threshold they are compared with is a dated parameter read by a rule.

``hukou_nature`` and ``hukou_division_code`` are accepted so that tests can
show they never matter (AY2018-19:1.2.a): no service rule reads them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from luohu.common.errors import FieldError, FieldProblem
from luohu.policy.facts import _division_code, problems_from_validation

ResidenceStatus = Literal["hukou_resident", "permit_holder", "neither"]
Work = Literal["employee", "self_employed", "freelancer", "not_working"]
_MONTH = re.compile(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$")


def _month(value: str) -> str:
    if not isinstance(value, str) or not _MONTH.match(value):
        raise ValueError("month")
    return value


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContributionMonth(_Facts):
    """一个月的住房公积金缴存 One month of provident-fund contributions."""

    month: str = Field(description="月份 YYYY-MM")
    full: bool = Field(description="足额缴存")

    _m = field_validator("month")(_month)


class CoverageMonth(_Facts):
    """一个月的参保记录 One covered month of medical or pension insurance."""

    month: str = Field(description="月份 YYYY-MM")
    scheme: str = Field(max_length=40, description="险种：职工 / 城乡居民等")
    division_code: str = Field(description="参保地区划代码")

    _m = field_validator("month")(_month)
    _code = field_validator("division_code")(_division_code)


class ProvidentFundFacts(_Facts):
    """住房公积金 Housing provident fund."""

    has_account: bool | None = Field(None, description="已有住房公积金账户")
    contributions: list[ContributionMonth] | None = Field(
        None, max_length=600, description="逐月缴存记录"
    )
    has_no_house_certificate: bool | None = Field(None, description="无房证明")
    account_elsewhere: bool | None = Field(None, description="在外地有住房公积金账户待转入")


class CoverageFacts(_Facts):
    """参保记录 Insurance history, month by month."""

    history: list[CoverageMonth] | None = Field(None, max_length=1200, description="逐月参保记录")


class ChildFacts(_Facts):
    """随迁子女 A child living with the person."""

    compulsory_school_age: bool | None = Field(None, description="处于义务教育阶段年龄")
    formal_junior_high_record_here: bool | None = Field(
        None, description="具有流入地（本市）初中正式学籍"
    )
    school_record_division_code: str | None = Field(None, description="学籍所在地区划代码")
    senior_high_student: bool | None = Field(None, description="普通高中在校生")
    meets_transfer_conditions: bool | None = Field(None, description="符合规定的转学条件")

    _code = field_validator("school_record_division_code")(_division_code)


class ServiceFacts(_Facts):
    """配套政策事实 One person's situation, for every supporting service."""

    residence_division_code: str = Field(description="居住地区划代码（乡级或县级）")
    residence_status: ResidenceStatus = Field(
        description="户籍居民 hukou_resident / 居住证持有人 permit_holder / 均不是 neither"
    )
    hukou_nature: Literal["rural", "urban"] | None = Field(
        None, description="户口性质; never read (1.2.a)"
    )
    hukou_division_code: str | None = Field(None, description="户籍地区划代码; never read (1.2.a)")
    work: Work | None = Field(None, description="就业形态：职工 / 个体工商户 / 自由职业者 / 未就业")
    employed_in_city: bool | None = Field(None, description="在本市就业")
    rents_home: bool | None = Field(None, description="通过住房租赁市场租房居住")
    household_income_per_capita_yuan_month: int | None = Field(
        None, ge=0, le=10_000_000, description="家庭人均月收入（元）"
    )
    housing_area_per_capita_m2: int | None = Field(
        None, ge=0, le=100_000, description="家庭人均住房面积（平方米，取整）"
    )
    meets_dibao_asset_test: bool | None = Field(None, description="家庭财产状况符合低保规定")
    provident_fund: ProvidentFundFacts = Field(default_factory=ProvidentFundFacts)
    medical_insurance: CoverageFacts = Field(default_factory=CoverageFacts)
    pension: CoverageFacts = Field(default_factory=CoverageFacts)
    child: ChildFacts = Field(default_factory=ChildFacts)

    _codes = field_validator("residence_division_code", "hukou_division_code")(_division_code)


# Column of the evaluation frame -> path of the fact it comes from.
SERVICE_COLUMNS: dict[str, str] = {
    "as_of": "as_of",
    "residence_division_code": "residence_division_code",
    "residence_status": "residence_status",
    "hukou_nature": "hukou_nature",
    "hukou_division_code": "hukou_division_code",
    "work": "work",
    "employed_in_city": "employed_in_city",
    "rents_home": "rents_home",
    "household_income_per_capita_yuan_month": "household_income_per_capita_yuan_month",
    "housing_area_per_capita_m2": "housing_area_per_capita_m2",
    "meets_dibao_asset_test": "meets_dibao_asset_test",
    "pf_has_account": "provident_fund.has_account",
    "pf_consecutive_full_months": "provident_fund.contributions",
    "pf_months_since_last_full": "provident_fund.contributions",
    "pf_has_no_house_certificate": "provident_fund.has_no_house_certificate",
    "pf_account_elsewhere": "provident_fund.account_elsewhere",
    "mi_enrolled": "medical_insurance.history",
    "mi_gap_months": "medical_insurance.history",
    "pension_enrolled": "pension.history",
    "pension_gap_months": "pension.history",
    "child_compulsory_school_age": "child.compulsory_school_age",
    "child_formal_junior_high_record_here": "child.formal_junior_high_record_here",
    "child_senior_high_student": "child.senior_high_student",
    "child_meets_transfer_conditions": "child.meets_transfer_conditions",
}
SERVICE_SCHEMA: dict[str, Any] = {
    "as_of": pl.Date,
    "residence_division_code": pl.String,
    "residence_status": pl.String,
    "hukou_nature": pl.String,
    "hukou_division_code": pl.String,
    "work": pl.String,
    "employed_in_city": pl.Boolean,
    "rents_home": pl.Boolean,
    "household_income_per_capita_yuan_month": pl.Int64,
    "housing_area_per_capita_m2": pl.Int64,
    "meets_dibao_asset_test": pl.Boolean,
    "pf_has_account": pl.Boolean,
    "pf_consecutive_full_months": pl.Int32,
    "pf_months_since_last_full": pl.Int32,
    "pf_has_no_house_certificate": pl.Boolean,
    "pf_account_elsewhere": pl.Boolean,
    "mi_enrolled": pl.Boolean,
    "mi_gap_months": pl.Int32,
    "pension_enrolled": pl.Boolean,
    "pension_gap_months": pl.Int32,
    "child_compulsory_school_age": pl.Boolean,
    "child_formal_junior_high_record_here": pl.Boolean,
    "child_senior_high_student": pl.Boolean,
    "child_meets_transfer_conditions": pl.Boolean,
}
assert set(SERVICE_SCHEMA) == set(SERVICE_COLUMNS)

# Facts no service rule may read: the origin (1.2.a).
ORIGIN_FACTS: dict[str, str] = {
    "hukou_nature": "AY2018-19:1.2.a",
    "hukou_division_code": "AY2018-19:1.2.a",
}

MONTH_MESSAGE = ("month", "月份应为 YYYY-MM", "a month is written YYYY-MM")
MONTH_AFTER_AS_OF = (
    "month_after_as_of",
    "记录月份晚于判定日期",
    "the month is after the date of the question",
)
MONTH_TWICE = ("month_twice", "同一月份出现两次", "the same month is listed twice")


def _index(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def _name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def gap_months(months: list[str]) -> list[str]:
    """Months missing between the first and the last listed month, in order."""
    if not months:
        return []
    present = {_index(m) for m in months}
    return [_name(i) for i in range(min(present), max(present) + 1) if i not in present]


def latest_full_run(contributions: list[ContributionMonth]) -> tuple[int, str | None, list[str]]:
    """(length of the latest run of full months, its last month, months breaking the run before it).

    A month missing from the list or paid short breaks the run.
    """
    full = sorted({_index(c.month) for c in contributions if c.full})
    if not full:
        return 0, None, []
    last = full[-1]
    run = 1
    while last - run in full:
        run += 1
    breaking = last - run
    listed = {_index(c.month) for c in contributions}
    earlier = [i for i in listed if i < breaking]
    breaks = [_name(breaking)] if earlier or breaking in listed else []
    return run, _name(last), breaks


def parse_service_facts(data: Any, on: dt.date) -> tuple[ServiceFacts, dict[str, Any]]:
    """Validate raw facts and derive the row the rules read; FieldError names every bad field."""
    if isinstance(data, ServiceFacts):
        facts = data
    else:
        try:
            facts = ServiceFacts.model_validate(data)
        except ValidationError as exc:
            problems = []
            for problem in problems_from_validation(exc):
                if problem.code == "value_error" and problem.field.endswith(".month"):
                    problem = FieldProblem(problem.field, *MONTH_MESSAGE)
                problems.append(problem)
            raise FieldError(problems) from exc
    _check_months(facts, on)
    return facts, service_row(facts, on)


def _check_months(facts: ServiceFacts, on: dt.date) -> None:
    problems: list[FieldProblem] = []
    now = month_of(on)
    histories: list[tuple[str, list[Any] | None]] = [
        ("provident_fund.contributions", facts.provident_fund.contributions),
        ("medical_insurance.history", facts.medical_insurance.history),
        ("pension.history", facts.pension.history),
    ]
    for path, items in histories:
        seen: set[str] = set()
        for i, item in enumerate(items or []):
            field = f"{path}[{i}].month"
            if item.month > now:
                problems.append(FieldProblem(field, *MONTH_AFTER_AS_OF))
            if item.month in seen:
                problems.append(FieldProblem(field, *MONTH_TWICE))
            seen.add(item.month)
    if problems:
        raise FieldError(problems)


def service_row(facts: ServiceFacts, on: dt.date) -> dict[str, Any]:
    pf = facts.provident_fund
    row: dict[str, Any] = {
        "as_of": on,
        "residence_division_code": facts.residence_division_code,
        "residence_status": facts.residence_status,
        "hukou_nature": facts.hukou_nature,
        "hukou_division_code": facts.hukou_division_code,
        "work": facts.work,
        "employed_in_city": facts.employed_in_city,
        "rents_home": facts.rents_home,
        "household_income_per_capita_yuan_month": facts.household_income_per_capita_yuan_month,
        "housing_area_per_capita_m2": facts.housing_area_per_capita_m2,
        "meets_dibao_asset_test": facts.meets_dibao_asset_test,
        "pf_has_account": pf.has_account,
        "pf_has_no_house_certificate": pf.has_no_house_certificate,
        "pf_account_elsewhere": pf.account_elsewhere,
        "child_compulsory_school_age": facts.child.compulsory_school_age,
        "child_formal_junior_high_record_here": facts.child.formal_junior_high_record_here,
        "child_senior_high_student": facts.child.senior_high_student,
        "child_meets_transfer_conditions": facts.child.meets_transfer_conditions,
    }
    if pf.contributions is None:
        row["pf_consecutive_full_months"] = row["pf_months_since_last_full"] = None
    else:
        run, last, _ = latest_full_run(pf.contributions)
        row["pf_consecutive_full_months"] = run
        row["pf_months_since_last_full"] = (
            None if last is None else _index(month_of(on)) - _index(last)
        )
    for prefix, coverage in (("mi", facts.medical_insurance), ("pension", facts.pension)):
        if coverage.history is None:
            row[f"{prefix}_enrolled"] = row[f"{prefix}_gap_months"] = None
        else:
            row[f"{prefix}_enrolled"] = bool(coverage.history)
            row[f"{prefix}_gap_months"] = len(gap_months([m.month for m in coverage.history]))
    return row


def named_gaps(facts: ServiceFacts) -> dict[str, list[str]]:
    """The months an answer names: coverage gaps and the month that broke a contribution run."""
    gaps: dict[str, list[str]] = {}
    if facts.provident_fund.contributions is not None:
        gaps["provident_fund"] = latest_full_run(facts.provident_fund.contributions)[2]
    if facts.medical_insurance.history is not None:
        gaps["medical_insurance"] = gap_months([m.month for m in facts.medical_insurance.history])
    if facts.pension.history is not None:
        gaps["pension"] = gap_months([m.month for m in facts.pension.history])
    return gaps


def transfers(history: list[CoverageMonth] | None) -> list[dict[str, str]]:
    """Changes of scheme or place between consecutive records (转移接续), in order."""
    if not history:
        return []
    ordered = sorted(history, key=lambda m: m.month)
    moves = []
    for before, after in zip(ordered, ordered[1:], strict=False):
        if (before.scheme, before.division_code) != (after.scheme, after.division_code):
            moves.append(
                {
                    "month": after.month,
                    "from_scheme": before.scheme,
                    "from_division_code": before.division_code,
                    "to_scheme": after.scheme,
                    "to_division_code": after.division_code,
                }
            )
    return moves
