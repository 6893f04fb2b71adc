"""Certificates built through the real service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from luohu.accounts.models import User
from luohu.certificates.models import Certificate, CertificateKind
from luohu.certificates.services import certificate_issue
from luohu.common.citizen_id import make_citizen_id

HOLDER_NAME = "赵申请"
HOLDER_CITIZEN_ID = make_citizen_id("410526", dt.date(1990, 5, 1), 11)
SUBJECT_REF = "41052620261129000001"


def notice_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "destination": "河南省安阳市滑县白道口镇",
        "members": [
            {"name": "钱配偶", "relation": "配偶"},
            {"name": "赵小孩", "relation": "子女"},
        ],
        "decided_on": "2026-11-20",
        "issuing_office": "滑县公安局",
        "clause": "AY2018-19:2.3",
    }
    payload.update(overrides)
    return payload


def issued_notice(clerk: User, **overrides: Any) -> Certificate:
    """A settlement notice for 赵申请 in 滑县, issued by ``clerk``."""
    arguments: dict[str, Any] = {
        "acting_user": clerk,
        "kind": CertificateKind.SETTLEMENT_NOTICE,
        "subject_ref": SUBJECT_REF,
        "holder_name": HOLDER_NAME,
        "holder_citizen_id": HOLDER_CITIZEN_ID,
        "county_code": "410526",
        "payload": notice_payload(),
    }
    arguments.update(overrides)
    return certificate_issue(**arguments)
