"""Builders for registry tests: valid citizen ids, families, the state of the tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from luohu.audit.models import AuditEntry
from luohu.common.citizen_id import make_citizen_id
from luohu.registry.households import SettlementMove, person_register
from luohu.registry.models import (
    Household,
    HouseholdNumberSequence,
    HukouReasonIn,
    HukouRecord,
    Person,
    RelationToHead,
    ResidenceRecord,
)

D = dt.date
LOADED_ON = D(2016, 1, 1)

# Places used by the tests (NBS 2018 codes).
DAOKOU_SUBDISTRICT = "410526001"  # 道口镇街道, 滑县: urban
ZAOCUN_TOWNSHIP = "410526200"  # 枣村乡, 滑县: rural
WANGZHUANG_TOWN = "410526108"  # 王庄镇, 滑县: mixed
KAIYUAN_SUBDISTRICT = "410581001"  # 开元街道, 林州市: urban
HEJIAN_TOWN = "410581101"  # 合涧镇, 林州市: mixed
SHUIYE_TOWN_OLD = "410522101"  # 水冶镇 under 安阳县 until 2021-09-17
SHUIYE_TOWN_NEW = "410505101"  # 水冶镇 under 殷都区 from 2021-09-18


def citizen_id(birth_date: dt.date, sequence: int, county: str = "410526") -> str:
    """A valid id issued in ``county``; an odd ``sequence`` is male."""
    return make_citizen_id(county, birth_date, sequence)


def move(
    birth_date: dt.date,
    sequence: int,
    name: str,
    relation: str,
    *,
    county: str = "410581",
    is_head: bool = False,
) -> SettlementMove:
    return SettlementMove(
        citizen_id=citizen_id(birth_date, sequence, county),
        name=name,
        sex="male" if sequence % 2 else "female",
        birth_date=birth_date,
        relation_to_head=relation,
        is_head=is_head,
    )


def as_head(m: SettlementMove) -> SettlementMove:
    """The same person, as head of a household of their own."""
    return replace(m, relation_to_head=RelationToHead.HEAD, is_head=True)


def register(
    m: SettlementMove,
    *,
    division_code: str,
    on: dt.date = LOADED_ON,
    household: Household | None = None,
    is_urban: bool | None = None,
    acting_user: Any = None,
) -> HukouRecord:
    """Register a move's person at a place through the service (the initial load)."""
    return person_register(
        acting_user=acting_user,
        citizen_id=m.citizen_id,
        name=m.name,
        sex=m.sex,
        birth_date=m.birth_date,
        division_code=division_code,
        is_urban=is_urban,
        household=household,
        relation_to_head=m.relation_to_head,
        on=on,
        reason_in=HukouReasonIn.INITIAL_LOAD,
    )


# A rural family in 林州 合涧镇 (village part) with a grandmother the
# settlement decision refuses.
HEAD = move(D(1985, 3, 4), 11, "张建国", RelationToHead.HEAD, is_head=True)
SPOUSE = move(D(1987, 6, 20), 22, "李秀英", RelationToHead.SPOUSE)
CHILD = move(D(2012, 9, 1), 31, "张小明", RelationToHead.CHILD)
PARENT = move(D(1958, 1, 15), 41, "张老汉", RelationToHead.PARENT)
GRANDMOTHER = move(D(1935, 5, 5), 52, "王老太", RelationToHead.OTHER)
FAMILY = (HEAD, SPOUSE, CHILD, PARENT)


def register_family_in_linzhou() -> Household:
    """The family and the grandmother in one household of 合涧镇, since 2016."""
    head = register(HEAD, division_code=HEJIAN_TOWN, is_urban=False)
    for member in (SPOUSE, CHILD, PARENT, GRANDMOTHER):
        register(member, division_code=HEJIAN_TOWN, is_urban=False, household=head.household)
    return head.household


def registry_state() -> dict[str, Any]:
    """Every row of the registry's person tables and the audit trail's length."""
    return {
        "persons": list(Person.objects.order_by("pk").values_list()),
        "households": list(Household.objects.order_by("pk").values_list()),
        "hukou": list(HukouRecord.objects.order_by("pk").values_list()),
        "residence": list(ResidenceRecord.objects.order_by("pk").values_list()),
        "sequences": list(HouseholdNumberSequence.objects.order_by("pk").values_list()),
        "audit_entries": AuditEntry.objects.count(),
    }
