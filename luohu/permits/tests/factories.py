"""Holders and permits for tests, built through the real registry and permit services."""

from __future__ import annotations

import datetime as dt

from luohu.accounts.models import User
from luohu.common.citizen_id import make_citizen_id
from luohu.permits.models import ResidencePermit
from luohu.permits.services import permit_act, permit_apply
from luohu.permits.workflow import PermitAction
from luohu.registry.household_selectors import person_get
from luohu.registry.households import person_register, residence_record
from luohu.registry.models import HukouReasonIn, Person, RelationToHead

D = dt.date
# 开元街道, 林州市 (urban): where the holder's hukou is.
KAIYUAN_SUBDISTRICT = "410581001"
# 道口镇街道, 滑县 (urban): where the holder lives and applies.
DAOKOU_SUBDISTRICT = "410526001"
HUAXIAN = "410526"

HOLDER_ID = make_citizen_id("410581", D(1990, 3, 4), 13)
HOLDER_NAME = "钱持证"
HOLDER_BIRTH = D(1990, 3, 4)


def holder(
    *,
    citizen_id: str = HOLDER_ID,
    name: str = HOLDER_NAME,
    birth_date: dt.date = HOLDER_BIRTH,
    hukou_code: str = KAIYUAN_SUBDISTRICT,
    residence_code: str = DAOKOU_SUBDISTRICT,
    living_since: dt.date,
) -> Person:
    """A person with hukou in 林州 who lives in 滑县 since ``living_since``."""
    person_register(
        acting_user=None,
        citizen_id=citizen_id,
        name=name,
        sex="male",
        birth_date=birth_date,
        division_code=hukou_code,
        relation_to_head=RelationToHead.HEAD,
        on=D(2016, 1, 1),
        reason_in=HukouReasonIn.INITIAL_LOAD,
    )
    residence_record(
        acting_user=None,
        citizen_id=citizen_id,
        division_code=residence_code,
        valid_from=living_since,
    )
    return person_get(citizen_id)


def applied(
    clerk: User, *, citizen_id: str = HOLDER_ID, name: str = HOLDER_NAME
) -> ResidencePermit:
    return permit_apply(
        acting_user=clerk,
        citizen_id=citizen_id,
        name=name,
        residence_division_code=DAOKOU_SUBDISTRICT,
        basis="employment",
    )


def act(
    user: User, permit: ResidencePermit, action: str, note: str = "", **kwargs: str
) -> ResidencePermit:
    return permit_act(
        acting_user=user,
        number=permit.number,
        action=action,
        expected_version=permit.version,
        note=note,
        **kwargs,
    )


def issued(clerk: User, **kwargs: str) -> ResidencePermit:
    permit = applied(clerk, **kwargs)
    permit = act(clerk, permit, PermitAction.CHECK)
    return act(clerk, permit, PermitAction.ISSUE)
