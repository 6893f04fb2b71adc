"""居住证 Residence-permit conditions of 居住证暂行条例 (国务院令第663号, SC663).

Rule set ``permits``, evaluated by :func:`luohu.policy.permits.permit_eligibility`.
The conditions never read where the hukou is beyond "not here": a local rural
hukou, another county's and another province's are treated alike
(AY2018-19:1.2.a); the Hypothesis tests of ``tests/test_permits.py`` check it.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from luohu.policy.parameters import ParameterSet
from luohu.policy.rules.base import param, rule

SC663_IN_FORCE = dt.date(2016, 1, 1)
RULE_SET = "permits"


@rule(
    clause="SC663:2",
    label_en="Has left the place of hukou registration",
    true=(
        "居住地（{residence_division_code}）不在常住户口所在地",
        "lives ({residence_division_code}) outside the place of hukou registration",
    ),
    false=(
        "居住地与常住户口所在地为同一县（市、区），无需申领居住证",
        "lives in the county of hukou registration; no residence permit is needed there",
    ),
    in_force_from=SC663_IN_FORCE,
    rule_set=RULE_SET,
)
def permit_has_left_hukou_place(p: ParameterSet) -> pl.Expr:
    """离开常住户口所在地 Lives outside the place of hukou registration.

    SC663:2 第二条：
        公民离开常住户口所在地，到其他城市居住半年以上

    Reading: the permit is issued by the county-level police (SC663:10), and
    the plan treats local and non-local non-hukou residents alike
    (AY2018-19:1.2.a), so "another place" is another county-level division:
    a rural hukou of 安阳县 living in 文峰区 qualifies like one from another
    province. Only whether the two counties differ is read, never which.
    """
    return pl.col("residence_division_code").str.slice(0, 6) != pl.col(
        "hukou_division_code"
    ).str.slice(0, 6)


@rule(
    clause="SC663:2",
    label_en="Has lived at the place of residence for half a year or more",
    true=(
        "在居住地居住 {residence_months} 个月，达到 {residence_months_min} 个月（半年以上）",
        "{residence_months} months at the place of residence, at least {residence_months_min}",
    ),
    false=(
        "在居住地居住 {residence_months} 个月，不足 {residence_months_min} 个月（半年）",
        "{residence_months} months at the place of residence, fewer than {residence_months_min}",
    ),
    in_force_from=SC663_IN_FORCE,
    rule_set=RULE_SET,
)
def permit_has_lived_half_a_year(p: ParameterSet) -> pl.Expr:
    """居住半年以上 Half a year of residence.

    SC663:2 第二条：
        到其他城市居住半年以上

    Reading: 半年以上 includes exactly six months (parameter
    permits/residence_months_min).
    """
    return pl.col("residence_months") >= param("permits/residence_months_min")


@rule(
    clause="SC663:2",
    label_en="Has legal stable employment, a legal stable residence or is studying",
    true=(
        "符合合法稳定就业、合法稳定住所、连续就读条件之一",
        "meets one of: legal stable employment, legal stable residence, continuous study",
    ),
    false=(
        "合法稳定就业、合法稳定住所、连续就读三项条件均不符合",
        "has neither legal stable employment, nor a legal stable residence, nor continuous study",
    ),
    in_force_from=SC663_IN_FORCE,
    rule_set=RULE_SET,
)
def permit_meets_one_condition(p: ParameterSet) -> pl.Expr:
    """三项条件之一 One of the three conditions.

    SC663:2 第二条：
        符合有合法稳定就业、合法稳定住所、连续就读条件之一的，可以依照本条例的规定申领居住证。
    """
    return pl.any_horizontal(
        "has_legal_stable_employment",
        "has_legal_stable_residence",
        "is_continuously_studying",
    )


@rule(
    clause="SC663:2",
    label_en="May apply for a residence permit",
    true=("可以申领居住证", "may apply for a residence permit"),
    false=("不符合申领居住证的条件", "may not apply for a residence permit"),
    in_force_from=SC663_IN_FORCE,
    rule_set=RULE_SET,
)
def permit_eligible(p: ParameterSet) -> pl.Expr:
    """申领居住证 Eligible for a residence permit.

    SC663:2 第二条：
        公民离开常住户口所在地，到其他城市居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一的，可以依照本条例的规定申领居住证。
    """
    return (
        pl.col("permit_has_left_hukou_place")
        & pl.col("permit_has_lived_half_a_year")
        & pl.col("permit_meets_one_condition")
    )
