"""配套政策 Supporting services of AY2018-19:3.6–3.10 and SC663:12, as rules.

Rule set ``services``, evaluated by :func:`luohu.policy.services.entitlements`.
Who may use a service is read from ``residence_status`` (hukou resident,
residence-permit holder or neither) against a dated parameter; the origin of
the person (``hukou_nature``, ``hukou_division_code``) is never read
(AY2018-19:1.2.a), which :mod:`luohu.policy.tests.test_services` checks on the
dependency graph and with Hypothesis.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from luohu.policy.parameters import ParameterSet
from luohu.policy.rules.base import param, rule

RULE_SET = "services"
SC663_IN_FORCE = dt.date(2016, 1, 1)


def _status_in(path: str) -> pl.Expr:
    status = pl.col("residence_status")
    return pl.when(status.is_null()).then(None).otherwise(param(path).list.contains(status))


# --- 3.6 housing provident fund ------------------------------------------------------


@rule(
    clause="AY2018-19:3.6",
    label_en="The kind of work is covered by the housing provident fund",
    true=(
        "就业形态（{work}）属于住房公积金缴存覆盖范围",
        "the kind of work ({work}) is covered by the housing provident fund",
    ),
    false=(
        "就业形态（{work}）不在住房公积金缴存覆盖范围内",
        "the kind of work ({work}) is not covered by the housing provident fund",
    ),
    rule_set=RULE_SET,
)
def pf_work_covered(p: ParameterSet) -> pl.Expr:
    """缴存覆盖范围 Provident-fund coverage of the kind of work.

    AY2018-19:3.6 三（六）：
        推进扩大住房公积金缴存面，将农业转移人口、个体工商户、自由职业者纳入覆盖范围

    Reading: employees (agricultural migrants among them: the hukou is not
    read), the self-employed and freelancers
    (services/provident_fund/account_open_to).
    """
    work = pl.col("work")
    return (
        pl.when(work.is_null())
        .then(None)
        .otherwise(param("services/provident_fund/account_open_to").list.contains(work))
    )


@rule(
    clause="AY2018-19:3.6",
    label_en="Has a housing provident fund account",
    true=("已有住房公积金账户", "has a housing provident fund account"),
    false=("没有住房公积金账户", "has no housing provident fund account"),
    rule_set=RULE_SET,
)
def pf_account_held(p: ParameterSet) -> pl.Expr:
    """公积金账户 Holds a provident-fund account.

    AY2018-19:3.6 三（六）：
        职工连续足额缴存住房公积金满3个月，凭无房证明可提取用于支付房租
    """
    return pl.col("pf_has_account")


@rule(
    clause="AY2018-19:3.6",
    label_en="Three consecutive months of full contributions, up to date",
    true=(
        "最近连续足额缴存 {pf_consecutive_full_months} 个月，满 {rent_withdrawal_consecutive_full_months} 个月",
        "{pf_consecutive_full_months} consecutive months of full contributions, at least {rent_withdrawal_consecutive_full_months}",
    ),
    false=(
        "最近连续足额缴存 {pf_consecutive_full_months} 个月，不满 {rent_withdrawal_consecutive_full_months} 个月或已中断",
        "{pf_consecutive_full_months} consecutive months of full contributions, fewer than {rent_withdrawal_consecutive_full_months} or not up to date",
    ),
    rule_set=RULE_SET,
)
def pf_contributions_enough(p: ParameterSet) -> pl.Expr:
    """连续足额缴存满3个月 Three consecutive months of full contributions.

    AY2018-19:3.6 三（六）：
        职工连续足额缴存住房公积金满3个月

    Reading: the latest run of full months counts; a missing or short month
    breaks it, and the run must reach the month of the request or the month
    before (local/services/provident_fund/contributions_current_within_months).
    """
    return (
        pl.col("pf_consecutive_full_months")
        >= param("services/provident_fund/rent_withdrawal_consecutive_full_months")
    ) & (
        pl.col("pf_months_since_last_full")
        <= param("local/services/provident_fund/contributions_current_within_months")
    )


@rule(
    clause="AY2018-19:3.6",
    label_en="Has a no-house certificate",
    true=("持有无房证明", "holds a no-house certificate"),
    false=("没有无房证明", "has no no-house certificate"),
    rule_set=RULE_SET,
)
def pf_no_house_certificate(p: ParameterSet) -> pl.Expr:
    """无房证明 No-house certificate.

    AY2018-19:3.6 三（六）：
        凭无房证明可提取用于支付房租
    """
    return pl.col("pf_has_no_house_certificate")


@rule(
    clause="AY2018-19:3.6",
    label_en="Rents a home",
    true=("租房居住", "rents a home"),
    false=("不是租房居住", "does not rent a home"),
    rule_set=RULE_SET,
)
def rents_on_market(p: ParameterSet) -> pl.Expr:
    """租房居住 Rents a home on the market.

    AY2018-19:3.6 三（六）：
        支持符合条件的落户农民通过住房租赁市场租房居住
    """
    return pl.col("rents_home")


@rule(
    clause="AY2018-19:3.6",
    label_en="May open and pay into a housing provident fund account",
    true=("可以开立并缴存住房公积金账户", "may open and pay into a provident fund account"),
    false=("不在住房公积金缴存范围内", "is not covered by the provident fund"),
    rule_set=RULE_SET,
)
def provident_fund_account(p: ParameterSet) -> pl.Expr:
    """公积金缴存 Provident-fund account.

    AY2018-19:3.6 三（六）：
        推进扩大住房公积金缴存面，将农业转移人口、个体工商户、自由职业者纳入覆盖范围
    """
    return pl.col("pf_work_covered")


@rule(
    clause="AY2018-19:3.6",
    label_en="May withdraw the provident fund to pay rent",
    true=("可提取住房公积金支付房租", "may withdraw the provident fund to pay rent"),
    false=("暂不能提取住房公积金支付房租", "may not yet withdraw the fund to pay rent"),
    rule_set=RULE_SET,
)
def provident_fund_rent_withdrawal(p: ParameterSet) -> pl.Expr:
    """提取支付房租 Withdrawal to pay rent.

    AY2018-19:3.6 三（六）：
        放宽住房公积金提取条件，职工连续足额缴存住房公积金满3个月，凭无房证明可提取用于支付房租
    """
    return (
        pl.col("pf_account_held")
        & pl.col("pf_contributions_enough")
        & pl.col("pf_no_house_certificate")
        & pl.col("rents_on_market")
    )


@rule(
    clause="AY2018-19:3.6",
    label_en="Has an account elsewhere to transfer",
    true=("在外地有住房公积金账户", "has a provident fund account in another place"),
    false=("没有需要转入的外地住房公积金账户", "has no account in another place to transfer"),
    rule_set=RULE_SET,
)
def pf_account_in_another_place(p: ParameterSet) -> pl.Expr:
    """异地账户 An account in another place.

    AY2018-19:3.6 三（六）：
        接入全国住房公积金异地转移接续平台，实现“账随人走、钱随账走”。
    """
    return pl.col("pf_account_elsewhere")


@rule(
    clause="AY2018-19:3.6",
    label_en="May transfer the provident fund account between places",
    true=("可办理住房公积金异地转移接续", "may transfer the provident fund account here"),
    false=("无需办理异地转移接续", "no account to transfer between places"),
    rule_set=RULE_SET,
)
def provident_fund_transfer(p: ParameterSet) -> pl.Expr:
    """异地转移接续 Transfer of the account between places.

    AY2018-19:3.6 三（六）：
        接入全国住房公积金异地转移接续平台，实现“账随人走、钱随账走”。
    """
    return pl.col("pf_account_in_another_place")


# --- 3.6 housing security and rent subsidy -----------------------------------------------


@rule(
    clause="AY2018-19:3.6",
    label_en="Residence status admitted to housing security here",
    true=(
        "本地住房保障对象包括{residence_status}",
        "housing security here admits {residence_status}",
    ),
    false=(
        "本地住房保障对象不包括{residence_status}（本地设置）",
        "housing security here does not admit {residence_status} (local setting)",
    ),
    rule_set=RULE_SET,
)
def hs_status_admitted(p: ParameterSet) -> pl.Expr:
    """住房保障对象 Status admitted to housing security.

    AY2018-19:3.6 三（六）：
        进一步扩大住房保障范围，将符合条件的进城落户农业转移人口纳入住房保障体系。

    Reading: settled migrants are hukou residents like any other; permit
    holders are admitted where the city or county says so
    (local/services/housing_security/eligible_statuses).
    """
    return _status_in("local/services/housing_security/eligible_statuses")


@rule(
    clause="AY2018-19:3.6",
    label_en="Household income per person within the local limit",
    true=(
        "家庭人均月收入 {household_income_per_capita_yuan_month} 元，不高于 {income_per_capita_max_yuan_month} 元",
        "household income {household_income_per_capita_yuan_month} yuan a person a month, within {income_per_capita_max_yuan_month}",
    ),
    false=(
        "家庭人均月收入 {household_income_per_capita_yuan_month} 元，高于 {income_per_capita_max_yuan_month} 元",
        "household income {household_income_per_capita_yuan_month} yuan a person a month, above {income_per_capita_max_yuan_month}",
    ),
    rule_set=RULE_SET,
)
def hs_income_within_limit(p: ParameterSet) -> pl.Expr:
    """收入条件 Income condition of housing security.

    AY2018-19:3.6 三（六）：
        将符合条件的进城落户农业转移人口纳入住房保障体系
    """
    return pl.col("household_income_per_capita_yuan_month") <= param(
        "local/services/housing_security/income_per_capita_max_yuan_month"
    )


@rule(
    clause="AY2018-19:3.6",
    label_en="Housing area per person within the local limit",
    true=(
        "人均住房面积 {housing_area_per_capita_m2} 平方米，不超过 {housing_area_per_capita_max_m2} 平方米",
        "{housing_area_per_capita_m2} m² a person, within {housing_area_per_capita_max_m2}",
    ),
    false=(
        "人均住房面积 {housing_area_per_capita_m2} 平方米，超过 {housing_area_per_capita_max_m2} 平方米",
        "{housing_area_per_capita_m2} m² a person, above {housing_area_per_capita_max_m2}",
    ),
    rule_set=RULE_SET,
)
def hs_area_within_limit(p: ParameterSet) -> pl.Expr:
    """住房条件 Housing condition of housing security.

    AY2018-19:3.6 三（六）：
        将符合条件的进城落户农业转移人口纳入住房保障体系
    """
    return pl.col("housing_area_per_capita_m2") <= param(
        "local/services/housing_security/housing_area_per_capita_max_m2"
    )


@rule(
    clause="AY2018-19:3.6",
    label_en="May apply for housing security",
    true=("可申请住房保障", "may apply for housing security"),
    false=("不符合住房保障条件", "does not meet the housing security conditions"),
    rule_set=RULE_SET,
)
def housing_security(p: ParameterSet) -> pl.Expr:
    """住房保障 Housing security.

    AY2018-19:3.6 三（六）：
        进一步扩大住房保障范围，将符合条件的进城落户农业转移人口纳入住房保障体系。
    """
    return (
        pl.col("hs_status_admitted")
        & pl.col("hs_income_within_limit")
        & pl.col("hs_area_within_limit")
    )


@rule(
    clause="AY2018-19:3.6",
    label_en="Residence status admitted to the rent subsidy here",
    true=(
        "本地租赁补贴对象包括{residence_status}",
        "the rent subsidy here admits {residence_status}",
    ),
    false=(
        "本地租赁补贴对象不包括{residence_status}（本地设置）",
        "the rent subsidy here does not admit {residence_status} (local setting)",
    ),
    rule_set=RULE_SET,
)
def rs_status_admitted(p: ParameterSet) -> pl.Expr:
    """租赁补贴对象 Status admitted to the rent subsidy.

    AY2018-19:3.6 三（六）：
        加快推广住房保障租赁补贴制度，支持符合条件的落户农民通过住房租赁市场租房居住。
    """
    return _status_in("local/services/rent_subsidy/eligible_statuses")


@rule(
    clause="AY2018-19:3.6",
    label_en="May apply for the housing-security rent subsidy",
    true=("可申请住房保障租赁补贴", "may apply for the rent subsidy"),
    false=("不符合租赁补贴条件", "does not meet the rent subsidy conditions"),
    rule_set=RULE_SET,
)
def rent_subsidy(p: ParameterSet) -> pl.Expr:
    """租赁补贴 Rent subsidy.

    AY2018-19:3.6 三（六）：
        加快推广住房保障租赁补贴制度，支持符合条件的落户农民通过住房租赁市场租房居住。
    """
    return (
        pl.col("rs_status_admitted")
        & pl.col("hs_income_within_limit")
        & pl.col("hs_area_within_limit")
        & pl.col("rents_on_market")
    )


# --- 3.7 medical insurance, 3.8 pension ---------------------------------------------------


@rule(
    clause="AY2018-19:3.7",
    label_en="Enrolled in basic medical insurance",
    true=("有基本医疗保险参保记录", "has a basic medical insurance record"),
    false=("没有基本医疗保险参保记录", "has no basic medical insurance record"),
    rule_set=RULE_SET,
)
def mi_enrolled_rule(p: ParameterSet) -> pl.Expr:
    """医保参保 Enrolled in medical insurance.

    AY2018-19:3.7 三（七）：
        全面实施统一的城乡居民基本医保制度
    """
    return pl.col("mi_enrolled")


@rule(
    clause="AY2018-19:3.7",
    label_en="No gap in medical insurance across schemes and places",
    true=(
        "跨制度、跨地区连续参保，无断保月份",
        "covered without a gap across schemes and places",
    ),
    false=(
        "参保记录中有 {mi_gap_months} 个月断保",
        "{mi_gap_months} month(s) without cover in the record",
    ),
    rule_set=RULE_SET,
)
def mi_no_coverage_gap(p: ParameterSet) -> pl.Expr:
    """连续参保 Continuous medical insurance.

    AY2018-19:3.7 三（七）：
        确保基本医保参保人能跨制度、跨统筹地区连续参保。

    Reading: a gap is a month without cover between the first and the last
    covered month (services/medical_insurance/coverage_gap_months_max).
    """
    return pl.col("mi_gap_months") <= param("services/medical_insurance/coverage_gap_months_max")


@rule(
    clause="AY2018-19:3.7",
    label_en="Medical insurance carried over without a gap",
    true=("医保关系转移接续连续", "medical insurance carried over without a gap"),
    false=("医保关系转移接续不连续", "medical insurance not carried over without a gap"),
    rule_set=RULE_SET,
)
def medical_insurance_continuity(p: ParameterSet) -> pl.Expr:
    """医保关系转移接续 Medical insurance transfer.

    AY2018-19:3.7 三（七）：
        完善并落实医保关系转移接续办法和异地就医结算办法，妥善处理医保关系转移中的有关权益问题
    """
    return pl.col("mi_enrolled_rule") & pl.col("mi_no_coverage_gap")


@rule(
    clause="AY2018-19:3.8",
    label_en="Enrolled in basic pension insurance",
    true=("有基本养老保险参保记录", "has a basic pension insurance record"),
    false=("没有基本养老保险参保记录", "has no basic pension insurance record"),
    rule_set=RULE_SET,
)
def pension_enrolled_rule(p: ParameterSet) -> pl.Expr:
    """养老参保 Enrolled in pension insurance.

    AY2018-19:3.8 三（八）：
        推动符合条件的农业转移人口参加当地城乡居民养老保险或城镇职工养老保险
    """
    return pl.col("pension_enrolled")


@rule(
    clause="AY2018-19:3.8",
    label_en="No gap in pension insurance across transfers",
    true=("养老保险关系转移接续无断保月份", "pension record carried over without a gap"),
    false=(
        "养老保险记录中有 {pension_gap_months} 个月断保",
        "{pension_gap_months} month(s) without pension cover in the record",
    ),
    rule_set=RULE_SET,
)
def pension_no_coverage_gap(p: ParameterSet) -> pl.Expr:
    """养老保险连续 Continuous pension insurance.

    AY2018-19:3.8 三（八）：
        加快落实基本养老保险关系转移接续政策
    """
    return pl.col("pension_gap_months") <= param("services/pension/coverage_gap_months_max")


@rule(
    clause="AY2018-19:3.8",
    label_en="Pension carried over without a gap",
    true=("养老保险关系转移接续连续", "pension carried over without a gap"),
    false=("养老保险关系转移接续不连续", "pension not carried over without a gap"),
    rule_set=RULE_SET,
)
def pension_transfer_continuity(p: ParameterSet) -> pl.Expr:
    """养老保险关系转移接续 Pension transfer.

    AY2018-19:3.8 三（八）：
        加快落实基本养老保险关系转移接续政策，推动符合条件的农业转移人口参加当地城乡居民养老保险或城镇职工养老保险，按规定享有养老保险待遇。
    """
    return pl.col("pension_enrolled_rule") & pl.col("pension_no_coverage_gap")


@rule(
    clause="AY2018-19:3.8",
    label_en="May join the urban pension insurance here",
    true=("可参加本地城镇养老保险", "may join the urban pension insurance here"),
    false=(
        "{residence_status}不在本地城镇养老保险参保范围内",
        "{residence_status} may not join the urban pension insurance here",
    ),
    rule_set=RULE_SET,
)
def urban_pension_enrolment(p: ParameterSet) -> pl.Expr:
    """纳入城镇养老保险 Joining the urban pension.

    AY2018-19:3.8 三（八）：
        支持将持有居住证人口统一纳入城镇养老保险体系。
    """
    return _status_in("services/pension/urban_enrolment_statuses")


@rule(
    clause="AY2018-19:3.8",
    label_en="Residence status admitted to the minimum living allowance",
    true=(
        "{residence_status}与当地城镇居民同等享有最低生活保障",
        "{residence_status}: same minimum living allowance as local residents",
    ),
    false=(
        "{residence_status}不在本地最低生活保障范围内",
        "{residence_status}: not covered by the minimum living allowance here",
    ),
    rule_set=RULE_SET,
)
def dibao_status_admitted(p: ParameterSet) -> pl.Expr:
    """同等享有低保 Equal minimum living allowance.

    AY2018-19:3.8 三（八）：
        确保符合低保条件的农业转移人口与当地城镇居民同等享有最低生活保障的权利。
    """
    return _status_in("services/minimum_living_allowance/eligible_statuses")


@rule(
    clause="AY2018-19:3.8",
    label_en="Household income per person below the local 低保 standard",
    true=(
        "家庭人均月收入 {household_income_per_capita_yuan_month} 元，低于低保标准 {standard_yuan_month} 元",
        "household income {household_income_per_capita_yuan_month} yuan a person a month, below the standard of {standard_yuan_month}",
    ),
    false=(
        "家庭人均月收入 {household_income_per_capita_yuan_month} 元，不低于低保标准 {standard_yuan_month} 元",
        "household income {household_income_per_capita_yuan_month} yuan a person a month, not below the standard of {standard_yuan_month}",
    ),
    rule_set=RULE_SET,
)
def dibao_income_below_standard(p: ParameterSet) -> pl.Expr:
    """低保标准 Income below the standard.

    AY2018-19:3.8 三（八）：
        确保符合低保条件的农业转移人口与当地城镇居民同等享有最低生活保障的权利。

    Reading: 低保条件 are the local ones: income per person below the local
    standard (local/services/minimum_living_allowance/standard_yuan_month) and
    the household's property within the rules (a fact the office checks).
    """
    return pl.col("household_income_per_capita_yuan_month") < param(
        "local/services/minimum_living_allowance/standard_yuan_month"
    )


@rule(
    clause="AY2018-19:3.8",
    label_en="Household property within the 低保 rules",
    true=("家庭财产状况符合低保规定", "household property within the 低保 rules"),
    false=("家庭财产状况不符合低保规定", "household property outside the 低保 rules"),
    rule_set=RULE_SET,
)
def dibao_asset_test(p: ParameterSet) -> pl.Expr:
    """低保财产条件 Property test.

    AY2018-19:3.8 三（八）：
        确保符合低保条件的农业转移人口与当地城镇居民同等享有最低生活保障的权利。
    """
    return pl.col("meets_dibao_asset_test")


@rule(
    clause="AY2018-19:3.8",
    label_en="May receive the minimum living allowance (低保)",
    true=("可申请最低生活保障", "may apply for the minimum living allowance"),
    false=("不符合最低生活保障条件", "does not meet the minimum living allowance conditions"),
    rule_set=RULE_SET,
)
def minimum_living_allowance(p: ParameterSet) -> pl.Expr:
    """最低生活保障 Minimum living allowance.

    AY2018-19:3.8 三（八）：
        确保符合低保条件的农业转移人口与当地城镇居民同等享有最低生活保障的权利。
    """
    return (
        pl.col("dibao_status_admitted")
        & pl.col("dibao_income_below_standard")
        & pl.col("dibao_asset_test")
    )


# --- 3.9 schooling -------------------------------------------------------------------------


@rule(
    clause="AY2018-19:3.9",
    label_en="The child is of compulsory-school age",
    true=("子女处于义务教育阶段", "the child is of compulsory-school age"),
    false=("子女不在义务教育阶段", "the child is not of compulsory-school age"),
    rule_set=RULE_SET,
)
def child_of_school_age(p: ParameterSet) -> pl.Expr:
    """义务教育阶段 Compulsory-school age.

    AY2018-19:3.9 三（九）：
        保障随迁子女以公办学校为主接受义务教育
    """
    return pl.col("child_compulsory_school_age")


@rule(
    clause="SC663:12",
    label_en="Parent's residence status gives the child a local school place",
    true=(
        "父母为{residence_status}，子女可在居住地接受义务教育",
        "the parent is {residence_status}: the child may go to school here",
    ),
    false=(
        "父母为{residence_status}，需先取得居住证",
        "the parent is {residence_status}: a residence permit is needed first",
    ),
    in_force_from=SC663_IN_FORCE,
    rule_set=RULE_SET,
)
def edu_status_admitted(p: ParameterSet) -> pl.Expr:
    """义务教育对象 Residence status for schooling.

    SC663:12 第十二条：
        县级以上人民政府及其有关部门应当为居住证持有人提供下列基本公共服务：(一)义务教育；
    """
    return _status_in("services/schooling/compulsory_education_statuses")


@rule(
    clause="AY2018-19:3.9",
    label_en="The child may attend a local public school",
    true=("子女可就地入读公办学校", "the child may attend a local public school"),
    false=("子女暂不能就地入读公办学校", "the child may not yet attend a local public school"),
    rule_set=RULE_SET,
)
def public_school_enrolment(p: ParameterSet) -> pl.Expr:
    """随迁子女就地入学 Public school for migrant children.

    AY2018-19:3.9 三（九）：
        落实和完善农业转移人口随迁子女就地入学政策，保障随迁子女以公办学校为主接受义务教育
    """
    return pl.col("child_of_school_age") & pl.col("edu_status_admitted")


@rule(
    clause="AY2018-19:3.9",
    label_en="The child has a formal junior-high school record here",
    true=("子女具有本市初中正式学籍", "the child has a formal junior-high record here"),
    false=("子女没有本市初中正式学籍", "the child has no formal junior-high record here"),
    rule_set=RULE_SET,
)
def zk_formal_record_here(p: ParameterSet) -> pl.Expr:
    """初中正式学籍 Formal junior-high record.

    AY2018-19:3.9 三（九）：
        具有流入地初中正式学籍，可在学籍所在地参加中招升学考试
    """
    return pl.col("child_formal_junior_high_record_here")


@rule(
    clause="AY2018-19:3.9",
    label_en="The parent works in the city or the family's hukou is here",
    true=("父母在本市就业或为本地户籍", "the parent works in the city or has hukou here"),
    false=("父母未在本市就业", "the parent does not work in the city"),
    rule_set=RULE_SET,
)
def zk_parent_works_here(p: ParameterSet) -> pl.Expr:
    """在我市就业 Parent employed in the city.

    AY2018-19:3.9 三（九）：
        凡在我市就业的非就业地户籍人员子女，具有流入地初中正式学籍，可在学籍所在地参加中招升学考试

    Reading: the clause opens the exam to children of parents working here
    without hukou; children of hukou residents sit it here already.
    """
    return (pl.col("residence_status") == "hukou_resident") | pl.col("employed_in_city")


@rule(
    clause="AY2018-19:3.9",
    label_en="The child may sit the senior-high entrance exam (中招) here",
    true=(
        "子女可在学籍所在地参加中招升学考试",
        "the child may sit the senior-high entrance exam where the school record is",
    ),
    false=("子女暂不能在本地参加中招", "the child may not yet sit the entrance exam here"),
    rule_set=RULE_SET,
)
def senior_high_entrance_exam(p: ParameterSet) -> pl.Expr:
    """中招 Senior-high entrance exam.

    AY2018-19:3.9 三（九）：
        凡在我市就业的非就业地户籍人员子女，具有流入地初中正式学籍，可在学籍所在地参加中招升学考试
    """
    return pl.col("zk_formal_record_here") & pl.col("zk_parent_works_here")


@rule(
    clause="AY2018-19:3.9",
    label_en="A senior-high student meeting the transfer conditions",
    true=("普通高中在校生，符合转学条件", "a senior-high student meeting the transfer conditions"),
    false=(
        "不是普通高中在校生或不符合规定的转学条件",
        "not a senior-high student, or the transfer conditions are not met",
    ),
    rule_set=RULE_SET,
)
def senior_high_transfer(p: ParameterSet) -> pl.Expr:
    """高中转学 Senior-high transfer.

    AY2018-19:3.9 三（九）：
        普通高中学生符合规定转学条件的可正常转学。
    """
    return pl.col("child_senior_high_student") & pl.col("child_meets_transfer_conditions")


# --- 3.10 and SC663:12 basic public services ---------------------------------------------------


@rule(
    clause="SC663:12",
    label_en="Basic public services at the place of residence",
    true=(
        "{residence_status}在居住地享有基本公共就业、卫生、文化体育和法律援助等服务",
        "{residence_status}: basic public employment, health, culture and legal services here",
    ),
    false=(
        "尚未持有居住证，需先申领居住证",
        "no residence permit yet: apply for one first",
    ),
    in_force_from=SC663_IN_FORCE,
    rule_set=RULE_SET,
)
def basic_public_services(p: ParameterSet) -> pl.Expr:
    """基本公共服务 Basic public services of permit holders.

    SC663:12 第十二条：
        居住证持有人在居住地依法享受劳动就业，参加社会保险，缴存、提取和使用住房公积金的权利。

    SC663:3 第三条：
        居住证是持证人在居住地居住、作为常住人口享受基本公共服务和便利、申请登记常住户口的证明。

    AY2018-19:3.10 三（十）：
        切实保障居住证持有人享有国家规定的各项基本公共服务和办事便利。
    """
    return _status_in("services/basic_public_services/eligible_statuses")
