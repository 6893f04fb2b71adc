"""配套政策 What am I entitled to, and why (AY2018-19:3.6–3.10, SC663:12).

:func:`entitlements` answers, service by service: entitled or not, the
conditions met and unmet (rule, clause, zh/en sentence), what would change a
"no", and the months that break a contribution or coverage record. Every
condition is a ``services`` rule of :mod:`luohu.policy.rules.services`;
every threshold a dated parameter. Pure Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from luohu.policy.parameters import ParameterSet, default_parameters
from luohu.policy.rules.services import RULE_SET
from luohu.policy.rulesets import RuleSetEngine
from luohu.policy.service_facts import (
    SERVICE_COLUMNS,
    SERVICE_SCHEMA,
    ServiceFacts,
    named_gaps,
    parse_service_facts,
    transfers,
)
from luohu.policy.sources import clause

ENTITLEMENTS_FORMAT = "luohu.policy.entitlements/1"


@dataclass(frozen=True)
class Service:
    name: str
    rule: str
    conditions: tuple[str, ...]
    label_zh: str
    label_en: str
    department_zh: str
    gaps: str | None = None  # key of named_gaps() for this service


SERVICES: tuple[Service, ...] = (
    Service(
        "basic_public_services",
        "basic_public_services",
        ("basic_public_services",),
        "基本公共服务（就业、卫生、文化体育、法律援助）",
        "Basic public services (employment, health, culture and sport, legal aid)",
        "县级以上人民政府及有关部门",
    ),
    Service(
        "provident_fund_account",
        "provident_fund_account",
        ("pf_work_covered",),
        "住房公积金缴存",
        "Housing provident fund account",
        "市住房公积金管理中心",
    ),
    Service(
        "provident_fund_rent_withdrawal",
        "provident_fund_rent_withdrawal",
        (
            "pf_account_held",
            "pf_contributions_enough",
            "pf_no_house_certificate",
            "rents_on_market",
        ),
        "提取住房公积金支付房租",
        "Withdraw the provident fund to pay rent",
        "市住房公积金管理中心",
        gaps="provident_fund",
    ),
    Service(
        "provident_fund_transfer",
        "provident_fund_transfer",
        ("pf_account_in_another_place",),
        "住房公积金异地转移接续",
        "Transfer a provident fund account between places",
        "市住房公积金管理中心",
    ),
    Service(
        "housing_security",
        "housing_security",
        ("hs_status_admitted", "hs_income_within_limit", "hs_area_within_limit"),
        "住房保障",
        "Housing security",
        "市住房城乡建设局",
    ),
    Service(
        "rent_subsidy",
        "rent_subsidy",
        ("rs_status_admitted", "hs_income_within_limit", "hs_area_within_limit", "rents_on_market"),
        "住房保障租赁补贴",
        "Housing-security rent subsidy",
        "市住房城乡建设局",
    ),
    Service(
        "medical_insurance_transfer",
        "medical_insurance_continuity",
        ("mi_enrolled_rule", "mi_no_coverage_gap"),
        "医保关系转移接续、连续参保",
        "Medical insurance carried across schemes and places without a gap",
        "市人力资源社会保障局",
        gaps="medical_insurance",
    ),
    Service(
        "pension_transfer",
        "pension_transfer_continuity",
        ("pension_enrolled_rule", "pension_no_coverage_gap"),
        "养老保险关系转移接续",
        "Pension insurance carried across transfers without a gap",
        "市人力资源社会保障局",
        gaps="pension",
    ),
    Service(
        "urban_pension_enrolment",
        "urban_pension_enrolment",
        ("urban_pension_enrolment",),
        "参加本地城镇养老保险",
        "Join the urban pension insurance here",
        "市人力资源社会保障局",
    ),
    Service(
        "minimum_living_allowance",
        "minimum_living_allowance",
        ("dibao_status_admitted", "dibao_income_below_standard", "dibao_asset_test"),
        "最低生活保障（低保）",
        "Minimum living allowance (低保)",
        "市民政局",
    ),
    Service(
        "public_school_enrolment",
        "public_school_enrolment",
        ("child_of_school_age", "edu_status_admitted"),
        "随迁子女就地入读公办学校",
        "Child's place in a local public school",
        "市教育局",
    ),
    Service(
        "senior_high_entrance_exam",
        "senior_high_entrance_exam",
        ("zk_formal_record_here", "zk_parent_works_here"),
        "在学籍所在地参加中招",
        "Senior-high entrance exam (中招) where the school record is",
        "市教育局",
    ),
    Service(
        "senior_high_transfer",
        "senior_high_transfer",
        ("senior_high_transfer",),
        "普通高中转学",
        "Senior-high school transfer",
        "市教育局",
    ),
)
SERVICE_BY_NAME = {s.name: s for s in SERVICES}

_PERMIT = ("申领居住证（居住半年以上，有合法稳定就业、住所或连续就读）",
           "a residence permit (half a year here, with legal stable work, home or study)")  # fmt: skip
_SETTLE = ("在本地落户，或待本地将居住证持有人纳入范围",
           "settling here, or the local setting admitting permit holders")  # fmt: skip

# What would turn an unmet condition around: (zh, en); {placeholders} from the row.
WHAT_WOULD_CHANGE: dict[str, tuple[str, str]] = {
    "basic_public_services": _PERMIT,
    "pf_work_covered": (
        "成为职工、个体工商户或自由职业者",
        "working as an employee, self-employed or freelancer",
    ),
    "pf_account_held": ("开立住房公积金账户", "opening a provident fund account"),
    "pf_contributions_enough": (
        "连续足额缴存满 {rent_withdrawal_consecutive_full_months} 个月（当前 {pf_consecutive_full_months} 个月）",
        "{rent_withdrawal_consecutive_full_months} consecutive months of full contributions "
        "(now {pf_consecutive_full_months})",
    ),
    "pf_no_house_certificate": ("办理无房证明", "a no-house certificate"),
    "rents_on_market": ("通过住房租赁市场租房居住", "renting a home on the market"),
    "pf_account_in_another_place": (
        "在外地有住房公积金账户时可申请转入",
        "an account in another place to transfer",
    ),
    "hs_status_admitted": _SETTLE,
    "rs_status_admitted": _SETTLE,
    "hs_income_within_limit": (
        "家庭人均月收入不高于 {income_per_capita_max_yuan_month} 元",
        "household income no higher than {income_per_capita_max_yuan_month} yuan a person a month",
    ),
    "hs_area_within_limit": (
        "人均住房面积不超过 {housing_area_per_capita_max_m2} 平方米",
        "no more than {housing_area_per_capita_max_m2} m² of housing a person",
    ),
    "mi_enrolled_rule": ("参加基本医疗保险", "joining basic medical insurance"),
    "mi_no_coverage_gap": (
        "为断保月份办理转移接续或补缴：{gap_list}",
        "carrying over or paying the months without cover: {gap_list}",
    ),
    "pension_enrolled_rule": ("参加基本养老保险", "joining basic pension insurance"),
    "pension_no_coverage_gap": (
        "为断保月份办理转移接续或补缴：{gap_list}",
        "carrying over or paying the months without cover: {gap_list}",
    ),
    "urban_pension_enrolment": _PERMIT,
    "dibao_status_admitted": _PERMIT,
    "dibao_income_below_standard": (
        "家庭人均月收入低于低保标准 {standard_yuan_month} 元",
        "household income below the standard of {standard_yuan_month} yuan a person a month",
    ),
    "dibao_asset_test": ("家庭财产状况符合低保规定", "household property within the 低保 rules"),
    "child_of_school_age": ("子女处于义务教育阶段", "a child of compulsory-school age"),
    "edu_status_admitted": _PERMIT,
    "zk_formal_record_here": (
        "子女取得本市初中正式学籍",
        "a formal junior-high school record here for the child",
    ),
    "zk_parent_works_here": ("父母在本市就业", "a parent working in the city"),
    "senior_high_transfer": (
        "普通高中在校生符合规定的转学条件",
        "being a senior-high student meeting the transfer conditions",
    ),
}


@cache
def services_engine() -> RuleSetEngine:
    return make_services_engine(default_parameters())


# Coded facts shown by name in the sentences.
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "residence_status": {
        "hukou_resident": ("户籍居民", "hukou resident"),
        "permit_holder": ("居住证持有人", "residence-permit holder"),
        "neither": ("未持居住证的非户籍居民", "resident without hukou or permit"),
    },
    "work": {
        "employee": ("职工", "employee"),
        "self_employed": ("个体工商户", "self-employed"),
        "freelancer": ("自由职业者", "freelancer"),
        "not_working": ("未就业", "not working"),
    },
}
NOT_KNOWN_YET = ("尚不知道（缺少所需回答）", "not known yet (an answer is missing)")


def make_services_engine(params: ParameterSet) -> RuleSetEngine:
    return RuleSetEngine(
        RULE_SET,
        SERVICE_SCHEMA,
        county_from="residence_division_code",
        fact_paths=SERVICE_COLUMNS,
        value_labels=VALUE_LABELS,
        params=params,
    )


def entitlements(
    facts: Mapping[str, Any] | ServiceFacts,
    *,
    on: dt.date,
    params: ParameterSet | None = None,
    services: tuple[str, ...] | None = None,
    trace: bool = False,
) -> dict[str, Any]:
    """Per service: entitled or not, why, what would change it.

    A service whose answer depends on facts not given is ``entitled: None``
    with ``missing_facts`` naming them; it does not stop the other answers.
    Bad facts raise FieldError; a date before the plan raises RuleNotInForce.
    """
    engine = services_engine() if params is None else make_services_engine(params)
    wanted = [SERVICE_BY_NAME[name] for name in services] if services else list(SERVICES)
    # The date first: before the plan, no month of a history can be judged.
    engine.check_in_force(on, [s.rule for s in wanted])
    parsed, row_facts = parse_service_facts(facts, on)
    row = engine.evaluate_row(row_facts)
    gaps = named_gaps(parsed)
    county = parsed.residence_division_code[:6]
    out = []
    for service in wanted:
        out.append(_service_answer(engine, service, row, gaps, parsed, on, county, trace))
    return {
        "format": ENTITLEMENTS_FORMAT,
        "as_of": on.isoformat(),
        "residence_division_code": parsed.residence_division_code,
        "residence_status": parsed.residence_status,
        "services": out,
    }


def _service_answer(
    engine: RuleSetEngine,
    service: Service,
    row: Mapping[str, Any],
    gaps: Mapping[str, list[str]],
    facts: ServiceFacts,
    on: dt.date,
    county: str,
    trace: bool,
) -> dict[str, Any]:
    value = row[service.rule]
    fmt = engine.format_values(row)
    gap_list = gaps.get(service.gaps or "", [])
    fmt["gap_list"] = "、".join(gap_list) if gap_list else "-"
    conditions = []
    for name in service.conditions:
        zh, en = engine.sentence(name, row) if row[name] is not None else NOT_KNOWN_YET
        r = engine.by_name[name]
        condition: dict[str, Any] = {
            "rule": name,
            "clause": r.citation,
            "clause_heading": clause(r.citation).heading,
            "label_en": r.label_en,
            "value": row[name],
            "zh": zh,
            "en": en,
        }
        change = WHAT_WOULD_CHANGE.get(name)
        if row[name] is False and change is not None:
            condition["what_would_change_zh"] = change[0].format_map(fmt)
            condition["what_would_change_en"] = change[1].format_map(fmt)
        conditions.append(condition)
    rule = engine.by_name[service.rule]
    answer: dict[str, Any] = {
        "service": service.name,
        "label_zh": service.label_zh,
        "label_en": service.label_en,
        "department_zh": service.department_zh,
        "clause": rule.citation,
        "clause_heading": clause(rule.citation).heading,
        "entitled": value,
        "conditions": conditions,
        "missing_facts": engine.missing_facts(row, [service.rule]) if value is None else [],
        "parameters": engine.parameters_used(on, county, [service.rule]),
    }
    if service.gaps is not None:
        answer["coverage_gaps"] = gap_list
    if service.gaps in ("medical_insurance", "pension"):
        history = getattr(facts, service.gaps).history
        answer["transfers"] = transfers(history)
    if trace:
        answer["trace"] = engine.trace(row, [service.rule])
    return answer


__all__ = [
    "ENTITLEMENTS_FORMAT",
    "SERVICES",
    "Service",
    "entitlements",
    "make_services_engine",
    "services_engine",
]
