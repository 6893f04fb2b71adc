"""落户通道 The settlement channels, their conditions and what would change a "no"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    name: str
    rule: str
    citation: str
    request: str
    conditions: tuple[str, ...]
    carries_family: bool
    label_zh: str
    label_en: str


CHANNELS: tuple[Channel, ...] = (
    Channel(
        "key_group",
        "admitted_as_key_group",
        "AY2018-19:2.1",
        "settle",
        ("destination_is_urban", "is_key_group_member"),
        True,
        "重点群体落户",
        "key group (fully open)",
    ),
    Channel(
        "city_worker",
        "admitted_as_city_worker",
        "AY2018-19:2.2",
        "settle",
        (
            "destination_is_city_district",
            "has_legal_stable_employment_at_destination",
            "has_legal_stable_residence_at_destination",
            "meets_urban_insurance_requirement",
        ),
        True,
        "城市就业落户",
        "worker in the city",
    ),
    Channel(
        "town_residence",
        "admitted_by_town_residence",
        "AY2018-19:2.3",
        "settle",
        ("destination_is_town", "has_legal_stable_residence_at_destination"),
        True,
        "建制镇落户",
        "residence in an established town",
    ),
    Channel(
        "student_move_in",
        "admitted_as_student_move_in",
        "AY2018-19:2.1",
        "student_move_in",
        ("is_rural_hukou",),
        False,
        "高校录取农村籍学生迁入",
        "rural student's hukou to the college",
    ),
    Channel(
        "graduate_move_out",
        "admitted_as_graduate_move_out",
        "AY2018-19:2.1",
        "graduate_move_out",
        (),
        False,
        "毕业迁回原籍地或迁入就（创）业地",
        "graduate back to origin or to the place of work",
    ),
)
CHANNEL_BY_RULE = {c.rule: c for c in CHANNELS}

# Conditions of every request: (rule, value that stands in the way).
GENERAL_CONDITIONS: tuple[tuple[str, bool], ...] = (
    ("has_consented", False),
    ("is_already_registered", True),
)

PRIORITY_FLAGS: tuple[str, ...] = (
    "priority_long_term_migrant",
    "priority_whole_family",
    "priority_new_generation_migrant_worker",
    "priority_entered_by_study_or_military",
    "priority_established_resident",
)

# What would turn an unmet condition around: (zh, en); {placeholders} come
# from the evaluated row, plus {months_short}.
WHAT_WOULD_CHANGE: dict[str, tuple[str, str]] = {
    "has_consented": ("本人表示落户意愿", "the applicant's own consent"),
    "destination_is_urban": (
        "选择城区或建制镇作为迁入地",
        "a destination in a city district or an established town",
    ),
    "destination_is_city_district": ("迁入地为市辖区", "a destination in a city district"),
    "destination_is_town": (
        "迁入地为县政府驻地镇或其他建制镇（乡不是镇）",
        "a destination in a county-seat or other established town (a 乡 is not one)",
    ),
    "is_key_group_member": (
        "属于高校毕业生、技术工人、职业院校毕业生、升学或参军进入城镇人员、留学归国人员之一",
        "being a college or vocational graduate, technical worker, returned overseas student, "
        "or having entered town by study or military service",
    ),
    "has_legal_stable_employment_at_destination": (
        "在迁入地取得合法稳定就业",
        "legal stable employment at the destination",
    ),
    "has_legal_stable_residence_at_destination": (
        "在迁入地取得合法稳定住所（含租赁）",
        "a legal stable residence at the destination (renting counts)",
    ),
    "meets_urban_insurance_requirement": (
        "在迁入地再参加 {months_short} 个月城镇社会保险",
        "{months_short} more months of urban social insurance at the destination",
    ),
    "is_rural_hukou": ("农村籍学生方可适用", "the channel is for students with a rural hukou"),
    "admitted_as_student_move_in": (
        "以高校录取通知书申请迁至高校所在地",
        "moving to the college's own place with an admission notice",
    ),
    "admitted_as_graduate_move_out": (
        "毕业后迁回原籍地，或迁入就（创）业地",
        "after graduation, moving back to the place of origin or to the place of work",
    ),
}
