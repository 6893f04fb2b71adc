"""Applications for tests, submitted through the real service."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from typing import Any

from luohu.accounts.models import User
from luohu.casework.models import SettlementApplication
from luohu.casework.services import CaseSubmitIn, application_submit
from luohu.common.citizen_id import make_citizen_id

_keys = itertools.count(1)

# 赵, rural hukou in 林州, rents a home in 滑县's 白道口镇 and asks to settle
# there with spouse, child and mother (AY2018-19:2.3).
FAMILY_FACTS: dict[str, Any] = {
    "as_of": "2024-05-06",
    "request": "settle",
    "citizen_id": "41052619880506011X",
    "consent": True,
    "hukou": {"division_code": "410581", "nature": "rural", "registered_at_destination": False},
    "destination": {"division_code": "410526102", "kind": "established_town"},
    "qualifications": {
        "college_graduate": False,
        "vocational_graduate": False,
        "technical_worker_certificate": False,
        "returned_overseas_student": False,
        "entered_town_by_study": False,
        "entered_town_by_military_service": False,
    },
    "employment": {"employed": True, "division_code": "410526", "legal_stable": True},
    "residence": {"division_code": "410526102", "legal_stable": True, "tenure": "rented"},
    "urban_insurance_months_at_destination": 6,
    "years_employed_and_living_in_town": 6,
    "whole_family_migration": True,
    "family_members": [
        {
            "relation": "spouse",
            "birth_date": "1989-02-03",
            "citizen_id": make_citizen_id("410581", dt.date(1989, 2, 3), 22),
            "co_residing": True,
            "consent": True,
        },
        {
            "relation": "child",
            "birth_date": "2015-08-09",
            "citizen_id": make_citizen_id("410581", dt.date(2015, 8, 9), 31),
            "co_residing": True,
        },
        {
            "relation": "parent",
            "birth_date": "1960-11-12",
            "citizen_id": make_citizen_id("410581", dt.date(1960, 11, 12), 44),
            "co_residing": True,
            "consent": True,
        },
    ],
}
FAMILY_NAMES = ["钱配偶", "赵小宝", "孙母亲"]


def submit_in(**overrides: Any) -> CaseSubmitIn:
    facts = copy.deepcopy(FAMILY_FACTS)
    facts.update(overrides.pop("facts", {}))
    return CaseSubmitIn(
        applicant_name=overrides.pop("applicant_name", "赵申请"),
        member_names=overrides.pop("member_names", list(FAMILY_NAMES)),
        facts=facts,
        submission_key=overrides.pop("submission_key", f"key-{next(_keys):08d}"),
    )


def submitted(applicant: User, **overrides: Any) -> SettlementApplication:
    application, _ = application_submit(acting_user=applicant, data=submit_in(**overrides))
    return application
