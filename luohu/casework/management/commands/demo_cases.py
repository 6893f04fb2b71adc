"""Fill the workbench with sample applications (demo mode only)."""

from __future__ import annotations

import copy
import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from luohu.accounts.demo import DEMO_ACCOUNTS
from luohu.accounts.models import User
from luohu.accounts.roles import Role
from luohu.accounts.services import user_create
from luohu.casework.models import SettlementApplication
from luohu.casework.services import CaseSubmitIn, application_submit
from luohu.common.citizen_id import make_citizen_id

MSG_NOT_DEMO = (
    "演示办件只能在演示模式下创建（LUOHU_DEMO=1）。 "
    "Demo cases exist only in demo mode (set LUOHU_DEMO=1)."
)

_NO_KEY_GROUP = {
    "college_graduate": False,
    "vocational_graduate": False,
    "technical_worker_certificate": False,
    "returned_overseas_student": False,
    "entered_town_by_study": False,
    "entered_town_by_military_service": False,
}


def _facts(citizen_id: str, destination: str, kind: str, **extra: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "as_of": timezone.localdate().isoformat(),
        "request": "settle",
        "citizen_id": citizen_id,
        "consent": True,
        "hukou": {"division_code": "410581", "nature": "rural", "registered_at_destination": False},
        "destination": {"division_code": destination, "kind": kind},
        "qualifications": dict(_NO_KEY_GROUP),
        "employment": {"employed": True, "division_code": destination[:6], "legal_stable": True},
        "residence": {"division_code": destination, "legal_stable": True, "tenure": "rented"},
        "urban_insurance_months_at_destination": 12,
        "years_employed_and_living_in_town": 3,
        "whole_family_migration": False,
        "family_members": [],
    }
    facts.update(copy.deepcopy(extra))
    return facts


# (applicant name, member names, facts): a family to a 滑县 town, workers
# to 文峰区, a township case the rules refuse, a long-settled priority case.
def _samples() -> list[tuple[str, list[str], dict[str, Any]]]:
    ids = [make_citizen_id("410526", dt.date(1980 + i, 3, 1 + i), 11 + 2 * i) for i in range(6)]
    return [
        (
            "钱家明",
            ["李秀英", "钱小雨"],
            _facts(
                ids[0],
                "410526102",
                "established_town",
                whole_family_migration=True,
                family_members=[
                    {
                        "relation": "spouse",
                        "birth_date": "1983-04-02",
                        "co_residing": True,
                        "consent": True,
                    },
                    {"relation": "child", "birth_date": "2014-09-01", "co_residing": True},
                ],
            ),
        ),
        ("孙建国", [], _facts(ids[1], "410502001", "city_district")),
        (
            "周丽",
            [],
            _facts(ids[2], "410502001", "city_district", urban_insurance_months_at_destination=7),
        ),
        ("吴强", [], _facts(ids[3], "410526200", "township")),
        (
            "郑海",
            [],
            _facts(ids[4], "410526103", "established_town", years_employed_and_living_in_town=8),
        ),
        ("王芳", [], _facts(ids[5], "410581101", "established_town")),
    ]


class Command(BaseCommand):
    help = "Submit sample settlement applications so the workbench is not empty (demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LUOHU_DEMO:
            raise CommandError(MSG_NOT_DEMO)
        demo_usernames = {a.username for a in DEMO_ACCOUNTS}
        created = 0
        for index, (name, member_names, facts) in enumerate(_samples()):
            username = f"demo_citizen_{index + 1}"
            user = User.objects.filter(username=username).first()
            if user is None:
                assert username not in demo_usernames
                user = user_create(
                    username=username,
                    password=secrets.token_urlsafe(16),
                    role=Role.APPLICANT,
                    full_name=name,
                )
            key = f"demo-case-{index + 1:04d}"
            if SettlementApplication.objects.filter(submission_key=key).exists():
                continue
            application_submit(
                acting_user=user,
                data=CaseSubmitIn(
                    applicant_name=name,
                    member_names=member_names,
                    facts=facts,
                    submission_key=key,
                ),
            )
            created += 1
        self.stdout.write(f"演示办件 demo cases: {created} submitted\n")
