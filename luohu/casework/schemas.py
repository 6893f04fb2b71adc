"""API schemas for casework. Citizen ids leave the server masked."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from luohu.casework.models import SettlementApplication
from luohu.common.masking import mask_citizen_id, mask_name

__all__ = ["CaseActionIn", "CaseErrorOut", "CaseOut", "mask_name"]


class CaseOut(Schema):
    number: str
    request_type: str
    status: str
    version: int
    county_code: str
    destination_division_code: str
    citizen_id_masked: str
    applicant_name_masked: str
    submitted_at: dt.datetime

    @staticmethod
    def of(application: SettlementApplication) -> CaseOut:
        return CaseOut(
            number=application.number,
            request_type=application.request_type,
            status=application.status,
            version=application.version,
            county_code=application.county_code,
            destination_division_code=application.destination_division_code,
            citizen_id_masked=mask_citizen_id(application.citizen_id),
            applicant_name_masked=mask_name(application.applicant_name),
            submitted_at=application.submitted_at,
        )


class CaseActionIn(Schema):
    action: str
    expected_version: int
    note: str = ""


class CaseErrorOut(Schema):
    code: str
    message_zh: str
    message_en: str
