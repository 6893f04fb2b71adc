"""落户 Settlement rules of 安政办〔2018〕19号 (AY2018-19).

Each rule returns a boolean expression. Missing facts are nulls and the
operators are three-valued (Kleene): a fact that cannot change the result
(``False & null``) does not make it unknown, one that can does, and the
engine reports it as missing. No rule reads home ownership, investment, tax,
points, rural rights or the willingness to give them up, nor the province
of origin; :mod:`luohu.policy.guarantees` proves it from the dependency graph.
"""

from __future__ import annotations

import polars as pl

from luohu.policy.parameters import ParameterSet
from luohu.policy.rules.base import param, rule, same_place
from luohu.policy.sources import plan

TOWN_KINDS = ["county_seat_town", "established_town"]
URBAN_KINDS = ["city_district", *TOWN_KINDS]
NAMED_RELATIONS = ["spouse", "child", "parent"]


def _kind_in(kinds: list[str]) -> pl.Expr:
    # is_in would turn an unknown kind into False; keep it unknown.
    kind = pl.col("destination_kind")
    return pl.when(kind.is_null()).then(None).otherwise(kind.is_in(kinds))


def _request_is(request: str) -> pl.Expr:
    return pl.col("request") == request


# --- the plan in force ------------------------------------------------------


@rule(
    clause="AY2018-19:notice",
    label_en="The plan is in force on the date of the question",
    true=("方案已于 {in_force_from} 施行", "the plan is in force since {in_force_from}"),
    false=(
        "判定日期早于方案施行日 {in_force_from}",
        "the date is before the plan's {in_force_from}",
    ),
)
def plan_in_force(p: ParameterSet) -> pl.Expr:
    """方案施行 The plan is in force.

    AY2018-19:notice 通知：
        《推动非户籍人口在城市落户实施方案》已经市政府同意，现印发给你们，请认真贯彻执行。

    Reading: the notice names no commencement date, so the plan applies from
    its date of issue, 2018-03-12 (sources ``in_force_from``).
    """
    return pl.col("as_of") >= pl.lit(plan().in_force_from)


# --- consent and the applicant's situation -----------------------------------


@rule(
    clause="AY2018-19:1.2.d",
    label_en="The applicant wants to settle",
    true=("申请人本人表示落户意愿", "the applicant has stated the wish to settle"),
    false=(
        "申请人本人未表示落户意愿，不得“被落户”",
        "the applicant has not consented; no forced settlement",
    ),
)
def has_consented(p: ParameterSet) -> pl.Expr:
    """本人意愿 The applicant's own will to settle.

    AY2018-19:1.2.d 一（二）政策激励，尊重意愿：
        尊重群众自主定居落户意愿，保障进城落户非户籍人口的合法权益，
        坚决打破“玻璃门”，严格防止“被落户”。
    """
    return pl.col("consent")


@rule(
    clause="AY2018-19:1.2.a",
    label_en="The applicant's hukou is already at the destination",
    true=("户口已在迁入地登记，无需落户", "the hukou is already registered at the destination"),
    false=("户口尚未在迁入地登记", "the hukou is not yet registered at the destination"),
)
def is_already_registered(p: ParameterSet) -> pl.Expr:
    """已在迁入地落户 Already registered at the destination.

    AY2018-19:1.2.a 一（二）综合施策，协同推进：
        推动本地和外地非户籍人口在城市落户

    Reading: the plan is about 非户籍人口; someone already registered at the
    destination has nothing to settle. Whether the person is 本地 or 外地
    never matters, so the province of origin is not read.
    """
    return pl.col("hukou_registered_at_destination")


@rule(
    clause="AY2018-19:2.1",
    label_en="The hukou is rural (agricultural migrant)",
    true=("现为农村户口", "the hukou is rural"),
    false=("现为城镇户口", "the hukou is urban"),
)
def is_rural_hukou(p: ParameterSet) -> pl.Expr:
    """农村籍 Rural hukou (农业转移人口).

    AY2018-19:2.1 二（一）：
        高校录取的农村籍学生可根据本人意愿，将户口迁至高校所在地

    Reading: 农村籍 and 农业转移人口 are read from the nature of the current
    hukou.
    """
    return pl.col("hukou_nature") == "rural"


# --- the destination ---------------------------------------------------------


@rule(
    clause="AY2018-19:2.1",
    label_en="The destination is a town or city (城镇)",
    true=("迁入地为城区或建制镇", "the destination is a city district or an established town"),
    false=("迁入地为乡，不属城镇", "the destination is a township (乡), not a town"),
)
def destination_is_urban(p: ParameterSet) -> pl.Expr:
    """城镇 The destination is urban.

    AY2018-19:2.1 二（一）：
        促进有能力在城镇稳定就业和生活的农业转移人口举家进城落户。

    Reading: 城镇 are the city districts and the 建制镇 (county-seat towns
    and other established towns); a 乡 (township) is not a town.
    """
    return _kind_in(URBAN_KINDS)


@rule(
    clause="AY2018-19:2.2",
    label_en="The destination is a city district",
    true=("迁入地为市辖区", "the destination is a city district"),
    false=("迁入地不是市辖区", "the destination is not a city district"),
)
def destination_is_city_district(p: ParameterSet) -> pl.Expr:
    """城市 The destination is a city district.

    AY2018-19:2.2 二（二）调整完善城市落户政策：
        要以解决符合条件的普通劳动者落户问题为重点，调整完善户口迁移政策
    """
    return _kind_in(["city_district"])


@rule(
    clause="AY2018-19:2.3",
    label_en="The destination is an established town",
    true=(
        "迁入地为县政府驻地镇或其他建制镇",
        "the destination is a county-seat or other established town",
    ),
    false=(
        "迁入地不是建制镇（乡不是镇）",
        "the destination is not an established town (a 乡 is not one)",
    ),
)
def destination_is_town(p: ParameterSet) -> pl.Expr:
    """建制镇 The destination is an established town.

    AY2018-19:2.3 二（三）：
        县政府驻地镇和其他建制镇

    Reading: 乡 (township) is not 镇; city districts are handled by 2.2.
    """
    return _kind_in(TOWN_KINDS)


# --- qualifications, employment, residence, insurance --------------------------


@rule(
    clause="AY2018-19:2.1",
    label_en="Member of a group whose settlement is fully open",
    true=("属于全面放开落户限制的重点群体", "belongs to a group whose settlement is fully open"),
    false=("不属于全面放开落户限制的重点群体", "belongs to none of the fully open groups"),
)
def is_key_group_member(p: ParameterSet) -> pl.Expr:
    """重点群体 Key group whose settlement restrictions are lifted.

    AY2018-19:2.1 二（一）：
        全面放开对高校毕业生、技术工人、职业院校毕业生、农村升学学生和参军进入城镇、
        留学归国人员的落户限制。

    Reading: 技术工人 are holders of a vocational skill certificate.
    """
    return pl.any_horizontal(
        "college_graduate",
        "technical_worker_certificate",
        "vocational_graduate",
        "entered_town_by_study",
        "entered_town_by_military_service",
        "returned_overseas_student",
    )


@rule(
    clause="AY2018-19:2.2",
    label_en="Legal stable employment at the destination",
    true=("在迁入地有合法稳定就业", "has legal stable employment at the destination"),
    false=("在迁入地没有合法稳定就业", "has no legal stable employment at the destination"),
)
def has_legal_stable_employment_at_destination(p: ParameterSet) -> pl.Expr:
    """合法稳定就业 Legal stable employment at the destination.

    AY2018-19:2.2 二（二）：
        要以解决符合条件的普通劳动者落户问题为重点

    Reading: 符合条件的普通劳动者 are, as in 国办发〔2016〕72号 which this plan
    implements, workers with legal stable employment and residence in the
    city. What proves employment is a local setting
    (local/legal_stable_employment/proofs).
    """
    return (
        pl.col("employed")
        & pl.col("employment_legal_stable")
        & same_place("employment_division_code", "destination_division_code")
    )


@rule(
    clause="AY2018-19:2.3",
    label_en="Legal stable residence (rented included) at the destination",
    true=(
        "在迁入地有合法稳定住所（{residence_tenure}）",
        "has a legal stable residence ({residence_tenure}) at the destination",
    ),
    false=("在迁入地没有合法稳定住所", "has no legal stable residence at the destination"),
)
def has_legal_stable_residence_at_destination(p: ParameterSet) -> pl.Expr:
    """合法稳定住所 Legal stable residence, rented included.

    AY2018-19:2.3 二（三）：
        有合法稳定住所（含租赁）人员

    Reading: the accepted tenures are a local setting that must include
    rented homes (guardrails/residence_tenures_required).
    """
    tenure = pl.col("residence_tenure")
    accepted = (
        pl.when(tenure.is_null())
        .then(None)
        .otherwise(param("local/legal_stable_residence/accepted_tenures").list.contains(tenure))
    )
    return (
        pl.col("residence_legal_stable")
        & accepted
        & same_place("residence_division_code", "destination_division_code")
    )


@rule(
    clause="AY2018-19:2.2",
    label_en="Enough months of urban social insurance at the destination",
    true=(
        "在迁入地参加城镇社会保险 {urban_insurance_months_at_destination} 个月，达到 {urban_insurance_months_required} 个月的要求",
        "{urban_insurance_months_at_destination} months of urban social insurance at the destination, the requirement is {urban_insurance_months_required}",
    ),
    false=(
        "在迁入地参加城镇社会保险 {urban_insurance_months_at_destination} 个月，不足 {urban_insurance_months_required} 个月",
        "{urban_insurance_months_at_destination} months of urban social insurance at the destination, fewer than the {urban_insurance_months_required} required",
    ),
)
def meets_urban_insurance_requirement(p: ParameterSet) -> pl.Expr:
    """城镇社会保险年限 Urban social insurance requirement met.

    AY2018-19:2.2 二（二）：
        参加城镇社会保险的年限要求不得超过 1 年。

    Reading: the requirement is a parameter no higher than 12 months; a
    person with exactly the required months meets it.
    """
    return pl.col("urban_insurance_months_at_destination") >= param(
        "settlement/city_worker/urban_insurance_months_required"
    )


# --- channels -------------------------------------------------------------------


@rule(
    clause="AY2018-19:2.1",
    label_en="Channel key_group: settlement fully open for the key groups",
    true=("可按重点群体落户（全面放开）", "may settle as a member of a key group"),
    false=("不符合重点群体落户", "does not qualify through the key groups"),
)
def admitted_as_key_group(p: ParameterSet) -> pl.Expr:
    """重点群体落户 Settlement of the key groups.

    AY2018-19:2.1 二（一）：
        全面放开对高校毕业生、技术工人、职业院校毕业生、农村升学学生和参军进入城镇、
        留学归国人员的落户限制。

    Reading: 全面放开 sets no further condition; the registration address
    (own, rented or collective household) is a matter for the clerk.
    """
    return _request_is("settle") & pl.col("destination_is_urban") & pl.col("is_key_group_member")


@rule(
    clause="AY2018-19:2.2",
    label_en="Channel city_worker: ordinary workers settling in a city district",
    true=("可按城市就业落户", "may settle as a worker in the city"),
    false=("不符合城市就业落户条件", "does not qualify as a worker in the city"),
)
def admitted_as_city_worker(p: ParameterSet) -> pl.Expr:
    """城市落户 Settlement of ordinary workers in the city.

    AY2018-19:2.2 二（二）：
        要以解决符合条件的普通劳动者落户问题为重点，调整完善户口迁移政策，
        参加城镇社会保险的年限要求不得超过 1 年。
    """
    return (
        _request_is("settle")
        & pl.col("destination_is_city_district")
        & pl.col("has_legal_stable_employment_at_destination")
        & pl.col("has_legal_stable_residence_at_destination")
        & pl.col("meets_urban_insurance_requirement")
    )


@rule(
    clause="AY2018-19:2.3",
    label_en="Channel town_residence: settlement fully open in established towns",
    true=("可按建制镇合法稳定住所落户", "may settle in the town with a legal stable residence"),
    false=("不符合建制镇落户条件", "does not qualify for settlement in an established town"),
)
def admitted_by_town_residence(p: ParameterSet) -> pl.Expr:
    """建制镇落户 Settlement in established towns.

    AY2018-19:2.3 二（三）：
        县政府驻地镇和其他建制镇有合法稳定住所（含租赁）人员，及其共同居住生活的配偶、子女、
        父母等，均可根据本人意愿在当地申请登记常住户口。
    """
    return (
        _request_is("settle")
        & pl.col("destination_is_town")
        & pl.col("has_legal_stable_residence_at_destination")
    )


@rule(
    clause="AY2018-19:2.1",
    label_en="Channel student_move_in: a rural student's hukou to the college",
    true=("可将户口迁至高校所在地", "may move the hukou to the college"),
    false=("不符合高校录取农村籍学生迁入条件", "does not qualify to move the hukou to the college"),
)
def admitted_as_student_move_in(p: ParameterSet) -> pl.Expr:
    """升学迁入 A rural student admitted to college moves the hukou there.

    AY2018-19:2.1 二（一）：
        高校录取的农村籍学生可根据本人意愿，将户口迁至高校所在地；
    """
    return (
        _request_is("student_move_in")
        & pl.col("is_rural_hukou")
        & pl.col("student_admitted_to_college")
        & same_place("student_college_division_code", "destination_division_code")
    )


@rule(
    clause="AY2018-19:2.1",
    label_en="Channel graduate_move_out: back to the place of origin or of work",
    true=(
        "毕业后可迁回原籍地或迁入就（创）业地",
        "may move back to the place of origin or to the place of work",
    ),
    false=("不符合毕业迁出条件", "does not qualify to move out after graduation"),
)
def admitted_as_graduate_move_out(p: ParameterSet) -> pl.Expr:
    """毕业迁出 After graduation, back to the place of origin or of work.

    AY2018-19:2.1 二（一）：
        毕业后可根据本人意愿，将户口迁回原籍地或迁入就（创）业地。

    Reading: applies to a graduate whose hukou was moved to the college; the
    place of origin may be rural (a township), the place of work is where
    the graduate is employed or runs a business.
    """
    to_origin = same_place("student_origin_division_code", "destination_division_code")
    to_work = pl.col("employed") & same_place(
        "employment_division_code", "destination_division_code"
    )
    return (
        _request_is("graduate_move_out")
        & pl.col("student_hukou_at_college")
        & pl.col("student_graduated")
        & (to_origin | to_work)
    )


@rule(
    clause="AY2018-19:1.2.d",
    label_en="Eligible to settle",
    true=("符合落户条件，可以申请登记常住户口", "eligible: may apply to register the hukou"),
    false=("不符合落户条件", "not eligible"),
)
def is_eligible(p: ParameterSet) -> pl.Expr:
    """落户资格 Eligible to settle.

    AY2018-19:1.2.d 一（二）政策激励，尊重意愿：
        严格防止“被落户”。

    Reading: at least one channel admits, the plan is in force, the person is
    not yet registered there, and never without the person's own consent.
    """
    channels = pl.any_horizontal(
        "admitted_as_key_group",
        "admitted_as_city_worker",
        "admitted_by_town_residence",
        "admitted_as_student_move_in",
        "admitted_as_graduate_move_out",
    )
    return (
        pl.col("plan_in_force")
        & pl.col("has_consented")
        & ~pl.col("is_already_registered")
        & channels
    )


# --- priority flags -------------------------------------------------------------


@rule(
    clause="AY2018-19:2.1",
    label_en="Priority: employed and living in town 5 years or more",
    true=(
        "在城镇就业居住 {years_employed_and_living_in_town} 年，达到 {years_employed_and_living_in_town_min} 年以上",
        "{years_employed_and_living_in_town} years employed and living in town, at least {years_employed_and_living_in_town_min}",
    ),
    false=(
        "在城镇就业居住不足 {years_employed_and_living_in_town_min} 年",
        "fewer than {years_employed_and_living_in_town_min} years employed and living in town",
    ),
)
def priority_long_term_migrant(p: ParameterSet) -> pl.Expr:
    """在城镇就业居住5年以上 Agricultural migrant long in town.

    AY2018-19:2.1 二（一）：
        以农村学生升学和参军进入城镇的人口、在城镇就业居住 5 年以上和举家迁徙的农业转移人口
        以及新生代农民工为重点

    Reading: 以上 includes the number: exactly 5 years counts.
    """
    return (
        _request_is("settle")
        & pl.col("is_rural_hukou")
        & (
            pl.col("years_employed_and_living_in_town")
            >= param("settlement/priority/years_employed_and_living_in_town_min")
        )
    )


@rule(
    clause="AY2018-19:2.1",
    label_en="Priority: whole-family migration",
    true=("举家迁徙的农业转移人口", "an agricultural migrant moving with the whole family"),
    false=("不属举家迁徙的农业转移人口", "not a whole-family agricultural migrant"),
)
def priority_whole_family(p: ParameterSet) -> pl.Expr:
    """举家迁徙 Whole-family migration.

    AY2018-19:2.1 二（一）：
        在城镇就业居住 5 年以上和举家迁徙的农业转移人口
    """
    return _request_is("settle") & pl.col("is_rural_hukou") & pl.col("whole_family_migration")


@rule(
    clause="AY2018-19:2.1",
    label_en="Priority: new-generation migrant worker",
    true=("新生代农民工", "a new-generation migrant worker"),
    false=("不属新生代农民工", "not a new-generation migrant worker"),
)
def priority_new_generation_migrant_worker(p: ParameterSet) -> pl.Expr:
    """新生代农民工 New-generation migrant worker.

    AY2018-19:2.1 二（一）：
        以及新生代农民工为重点

    Reading: a rural-hukou worker born on or after
    settlement/priority/new_generation_born_from (a local setting).
    """
    return (
        _request_is("settle")
        & pl.col("is_rural_hukou")
        & pl.col("employed")
        & (pl.col("birth_date") >= param("settlement/priority/new_generation_born_from"))
    )


@rule(
    clause="AY2018-19:2.1",
    label_en="Priority: entered town through higher education or military service",
    true=("升学或参军进入城镇", "entered town through higher education or military service"),
    false=("非升学或参军进入城镇", "did not enter town through study or military service"),
)
def priority_entered_by_study_or_military(p: ParameterSet) -> pl.Expr:
    """升学和参军进入城镇 Entered town by study or military service.

    AY2018-19:2.1 二（一）：
        以农村学生升学和参军进入城镇的人口
    """
    return _request_is("settle") & (
        pl.col("entered_town_by_study") | pl.col("entered_town_by_military_service")
    )


@rule(
    clause="AY2018-19:1.2.b",
    label_en="Priority: long in town and in stable work",
    true=("进城时间长、就业能力强，优先解决", "long in town and in stable work: settle first"),
    false=("不属进城时间长且稳定就业的存量人口", "not among those long in town and in stable work"),
)
def priority_established_resident(p: ParameterSet) -> pl.Expr:
    """存量优先 Long in town and employable.

    AY2018-19:1.2.b 一（二）存量优先，引导增量：
        优先解决进城时间长、就业能力强、适应城镇和市场竞争环境的非户籍人口在城镇落户问题

    Reading: "long in town" uses the same years as 2.1; "employable" is legal
    stable employment.
    """
    return (
        _request_is("settle")
        & (
            pl.col("years_employed_and_living_in_town")
            >= param("settlement/priority/years_employed_and_living_in_town_min")
        )
        & pl.col("employed")
        & pl.col("employment_legal_stable")
    )


# --- family members, one by one -------------------------------------------------


@rule(
    clause="AY2018-19:2.3",
    level="member",
    label_en="The relation is one the plan names (spouse, child, parent)",
    true=("为配偶、子女或父母", "is a spouse, child or parent"),
    false=(
        "不是配偶、子女或父母，需经办人认定（“等”）",
        "not a spouse, child or parent; for the clerk to judge (等)",
    ),
)
def member_relation_named(p: ParameterSet) -> pl.Expr:
    """随迁亲属关系 Named relation.

    AY2018-19:2.3 二（三）：
        及其共同居住生活的配偶、子女、父母等

    Reading: 等 leaves the list open; a relation the plan does not name is
    not refused by the engine but referred to the clerk (needs_review).
    """
    return pl.col("member_relation").is_in(NAMED_RELATIONS)


@rule(
    clause="AY2018-19:2.3",
    level="member",
    label_en="Lives together with the applicant",
    true=("与申请人共同居住生活", "lives together with the applicant"),
    false=("未与申请人共同居住生活", "does not live with the applicant"),
)
def member_co_resides(p: ParameterSet) -> pl.Expr:
    """共同居住生活 Living together with the applicant.

    AY2018-19:2.3 二（三）：
        及其共同居住生活的配偶、子女、父母等
    """
    return pl.col("member_co_residing")


@rule(
    clause="AY2018-19:1.2.d",
    level="member",
    label_en="The family member is an adult",
    true=("已成年，须本人表示意愿", "an adult, who must consent in person"),
    false=(
        "未成年，由申请人作为监护人表示意愿",
        "a minor, represented by the applicant as guardian",
    ),
)
def member_is_adult(p: ParameterSet) -> pl.Expr:
    """成年 Adult family member.

    AY2018-19:1.2.d 一（二）政策激励，尊重意愿：
        尊重群众自主定居落户意愿

    Reading: the age of majority is a local setting (consent/adult_age,
    民法典 第十七条).
    """
    as_of, born = pl.col("as_of"), pl.col("member_birth_date")

    # Month and day are Int8 in Polars: widen before scaling, or 7 * 100
    # wraps around and July birthdays count as already passed.
    def month_day(date: pl.Expr) -> pl.Expr:
        return date.dt.month().cast(pl.Int32) * 100 + date.dt.day().cast(pl.Int32)

    not_yet_birthday = month_day(as_of) < month_day(born)
    age = (
        as_of.dt.year().cast(pl.Int32)
        - born.dt.year().cast(pl.Int32)
        - not_yet_birthday.cast(pl.Int32)
    )
    return age >= param("consent/adult_age")


@rule(
    clause="AY2018-19:1.2.d",
    level="member",
    label_en="The family member's own will",
    true=(
        "本人（或未成年人的监护人）表示落户意愿",
        "has consented (or is a minor represented by the applicant)",
    ),
    false=("成年家庭成员本人未表示落户意愿", "an adult member who has not consented"),
)
def member_has_consented(p: ParameterSet) -> pl.Expr:
    """本人意愿（家庭成员） A family member's own will.

    AY2018-19:1.2.d 一（二）政策激励，尊重意愿：
        严格防止“被落户”。
    """
    return ~pl.col("member_is_adult") | pl.col("member_consent")


@rule(
    clause="AY2018-19:2.1",
    level="member",
    label_en="The applicant's channel carries the family",
    true=("申请人通过可举家落户的通道", "the applicant's channel admits the family"),
    false=(
        "申请人的通道不带随迁家属（升学、毕业迁移只涉及本人）",
        "the applicant's channel is personal (student moves)",
    ),
)
def member_channel_admits_family(p: ParameterSet) -> pl.Expr:
    """举家进城落户 Whole-family settlement.

    AY2018-19:2.1 二（一）：
        促进有能力在城镇稳定就业和生活的农业转移人口举家进城落户。

    Reading: the family follows the key-group, city-worker and town channels;
    a student's moves to and from the college concern the student alone.
    """
    return pl.any_horizontal(
        "admitted_as_key_group", "admitted_as_city_worker", "admitted_by_town_residence"
    )


@rule(
    clause="AY2018-19:2.3",
    level="member",
    label_en="The family member may settle with the applicant",
    true=("可随申请人登记常住户口", "may register with the applicant"),
    false=("不能随申请人登记常住户口", "may not register with the applicant"),
)
def member_admitted(p: ParameterSet) -> pl.Expr:
    """随迁落户 Family member settling with the applicant.

    AY2018-19:2.3 二（三）：
        及其共同居住生活的配偶、子女、父母等，均可根据本人意愿在当地申请登记常住户口。
    """
    return (
        pl.col("is_eligible")
        & pl.col("member_channel_admits_family")
        & pl.col("member_relation_named")
        & pl.col("member_co_resides")
        & pl.col("member_has_consented")
    )
