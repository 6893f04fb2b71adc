"""导出 The clerk's queue and case statistics as an Excel workbook.

Exports leave the platform, so every one is audited with its reason, and
names and citizen ids are masked as on screen. As on the case page, full
ids and names need a reason and are recorded as PERSONAL_DATA_UNMASKED
beside the export.
"""

from __future__ import annotations

import io
from collections import Counter

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from luohu.accounts.models import User
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.casework.errors import CaseActionNotAllowedError
from luohu.casework.models import RequestType
from luohu.casework.selectors import application_queue_for_user
from luohu.casework.workflow import Status
from luohu.common.errors import field_error
from luohu.common.masking import mask_citizen_id, mask_name

EXPORT_REASON_REQUIRED = (
    "reason_required",
    "导出须说明理由",
    "an export needs a reason",
)
EXPORT_STATUS_INVALID = ("status_invalid", "状态无效", "not a valid status")
EXPORT_ROW_LIMIT = 100_000

_HEADERS = (
    "申请编号 Number",
    "申请类型 Request",
    "状态 Status",
    "优先 Priority",
    "申请人 Applicant",
    "公民身份号码 Citizen id",
    "县（市、区） County",
    "迁入地 Destination",
    "提交时间 Submitted",
    "办结时限 Due",
)


def applications_export(
    *, acting_user: User, status: str | None, reason: str, unmask: bool = False
) -> bytes:
    """Return an .xlsx of the applications the user may see, and audit the export.

    Names and ids are masked unless ``unmask``; either way ``reason`` is required.
    """
    if acting_user.role not in {"clerk", "county_official", "auditor"}:
        raise CaseActionNotAllowedError()
    if not reason.strip():
        raise field_error("reason", EXPORT_REASON_REQUIRED)
    if status and status not in Status.values:
        raise field_error("status", EXPORT_STATUS_INVALID)
    applications = list(
        application_queue_for_user(acting_user, status=status or None, query="")[:EXPORT_ROW_LIMIT]
    )
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "申请 Applications"
    sheet.append(_HEADERS)
    for application in applications:
        sheet.append(
            (
                application.number,
                str(RequestType(application.request_type).label),
                str(Status(application.status).label),
                "是" if application.is_priority else "",
                application.applicant_name if unmask else mask_name(application.applicant_name),
                application.citizen_id if unmask else mask_citizen_id(application.citizen_id),
                application.county_code,
                application.destination_division_code,
                timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M"),
                application.due_date.isoformat() if application.due_date else "",
            )
        )
    _statistics(workbook, applications)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with transaction.atomic():
        audit_record(
            acting_user=acting_user,
            event_type=AuditEventType.EXPORT_CREATED,
            obj_type="settlement_application_list",
            obj_id=status or "all",
            jurisdiction_code=acting_user.jurisdiction_code,
            after={
                "rows": len(applications),
                "status": status or "all",
                "format": "xlsx",
                "masked": not unmask,
            },
            reason=reason.strip(),
        )
        if unmask:
            audit_record(
                acting_user=acting_user,
                event_type=AuditEventType.PERSONAL_DATA_UNMASKED,
                obj_type="settlement_application_list",
                obj_id=status or "all",
                jurisdiction_code=acting_user.jurisdiction_code,
                after={"rows": len(applications), "channel": "export"},
                reason=reason.strip(),
            )
    return buffer.getvalue()


def _statistics(workbook: Workbook, applications: list) -> None:  # type: ignore[type-arg]
    sheet = workbook.create_sheet("统计 Statistics")
    by_status = Counter(a.status for a in applications)
    by_request = Counter(a.request_type for a in applications)
    sheet.append(("状态 Status", "件数 Applications"))
    for status in Status:
        sheet.append((str(status.label), by_status.get(status.value, 0)))
    sheet.append(())
    sheet.append(("申请类型 Request", "件数 Applications"))
    for request_type in RequestType:
        sheet.append((str(request_type.label), by_request.get(request_type.value, 0)))
    sheet.append(())
    sheet.append(("优先群体 Priority groups (1.2.b)", sum(a.is_priority for a in applications)))
    sheet.append(("合计 Total", len(applications)))
    for row in (1,):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
