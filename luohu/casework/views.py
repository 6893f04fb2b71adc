"""Pages for casework: the clerk's workbench and case page, the citizen's list.

Views parse the request, call one selector or service, and render. What a
role may do on a case comes from the workflow table, never from the template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from luohu.accounts.roles import Role, page_allowed
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.casework.decisions import case_facts, decision_rerun, facts_evaluate
from luohu.casework.documents import document_types
from luohu.casework.errors import CaseworkError
from luohu.casework.exports import applications_export
from luohu.casework.feedback import refusals_as_messages
from luohu.casework.forms import DocumentFormSet
from luohu.casework.models import (
    DuplicateVerdict,
    RequestType,
    SettlementApplication,
)
from luohu.casework.selectors import (
    application_get_for_user,
    application_open_duplicates,
    application_possible_duplicates,
    application_queue_for_user,
    application_status_counts,
)
from luohu.casework.services import (
    application_act,
    consent_give,
    consent_withdraw,
    duplicate_review,
)
from luohu.casework.workflow import OPEN_STATUSES, Action, Status, actions_available
from luohu.certificates.models import RevocationReason
from luohu.certificates.selectors import certificate_list_for_user
from luohu.common.errors import FieldError
from luohu.common.masking import mask_citizen_id, mask_name
from luohu.registry.household_selectors import household_for_case

PAGE_SIZE = 50


def _require_page(request: HttpRequest, key: str) -> None:
    if not page_allowed(request.user.role, key):  # type: ignore[union-attr]
        raise Http404


@login_required
@require_GET
def case_queue(request: HttpRequest) -> HttpResponse:
    """工作台 The clerk's queue: priority groups first (1.2.b), then the nearest deadline."""
    _require_page(request, "cases")
    status = request.GET.get("status") or Status.SUBMITTED
    if status not in Status.values:
        status = Status.SUBMITTED
    query = request.GET.get("q", "").strip()
    request_type = request.GET.get("request", "")
    priority_only = request.GET.get("priority") == "1"
    queue = application_queue_for_user(request.user, status=status, query=query)  # type: ignore[arg-type]
    if request_type in RequestType.values:
        queue = queue.filter(request_type=request_type)
    if priority_only:
        queue = queue.filter(is_priority=True)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = application_status_counts(request.user)  # type: ignore[arg-type]
    tabs = [(s, s.label, counts.get(s.value, 0)) for s in Status]
    rows = [
        {
            "application": a,
            "name": mask_name(a.applicant_name),
            "citizen_id": mask_citizen_id(a.citizen_id),
        }
        for a in page
    ]
    return render(
        request,
        "casework/queue.html",
        {
            "tabs": tabs,
            "status": status,
            "rows": rows,
            "page": page,
            "query": query,
            "request_types": RequestType.choices,
            "request_type": request_type,
            "priority_only": priority_only,
        },
    )


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """办件页 One case: facts, members, history, decisions with their trace."""
    _require_page(request, "cases")
    try:
        application = application_get_for_user(request.user, number)  # type: ignore[arg-type]
    except CaseworkError as exc:
        raise Http404 from exc
    reason = request.POST.get("unmask_reason", "").strip() if request.method == "POST" else ""
    unmask = bool(reason)
    with transaction.atomic():
        audit_record(
            acting_user=request.user,
            event_type=(
                AuditEventType.PERSONAL_DATA_UNMASKED
                if unmask
                else AuditEventType.PERSONAL_DATA_VIEWED
            ),
            obj_type="settlement_application",
            obj_id=application.number,
            jurisdiction_code=application.county_code,
            reason=reason,
        )
    decisions = list(application.decisions.select_related("decided_by"))
    # The engine's view today, member by member, with consent as it stands.
    current = facts_evaluate(case_facts(application, as_of=timezone.localdate()), trace=False)
    member_outcomes = {m["index"]: m for m in current["family_members"]}
    members = [
        {
            "member": m,
            "outcome": member_outcomes.get(m.position),
            "name": m.name if unmask else mask_name(m.name),
            "citizen_id": m.citizen_id if unmask else mask_citizen_id(m.citizen_id),
        }
        for m in application.members.all()
    ]
    comparison = None
    if request.GET.get("compare") and decisions:
        # Appeals: the latest decision under its own day's rules and today's.
        comparison = decision_rerun(decisions[-1], today=timezone.localdate())
    return render(
        request,
        "casework/detail.html",
        {
            "comparison": comparison,
            "current": current,
            "fact_rows": _fact_rows(application.facts, show_ids=unmask),
            "documents": _documents_with_labels(application),
            "revocation_reasons": RevocationReason.choices,
            "application": application,
            "name": application.applicant_name if unmask else mask_name(application.applicant_name),
            "citizen_id": application.citizen_id
            if unmask
            else mask_citizen_id(application.citizen_id),
            "unmasked": unmask,
            "members": members,
            "history": application.history.select_related("actor"),
            "decisions": decisions,
            "actions": actions_available(application.status, request.user.role),  # type: ignore[union-attr]
            "duplicates": list(application_open_duplicates(application)),
            "possible_duplicates": list(application_possible_duplicates(application)),
            "confirmed_duplicates": list(
                application.duplicate_reviews.filter(
                    verdict=DuplicateVerdict.DUPLICATE
                ).select_related("other")
            ),
            "household": household_for_case(application.number),
            "certificate": certificate_list_for_user(request.user)  # type: ignore[arg-type]
            .filter(subject_ref=application.number)
            .order_by("-issued_at")
            .first(),
        },
    )


def _documents_with_labels(application: SettlementApplication) -> list[dict[str, Any]]:
    labels = {t.code: f"{t.zh} {t.en}".strip() for t in document_types(timezone.localdate())}
    return [
        {"document": d, "label": labels.get(d.document_type, d.document_type)}
        for d in application.documents.all()
    ]


def _fact_rows(facts: dict[str, Any], *, show_ids: bool, prefix: str = "") -> list[tuple[str, Any]]:
    """Flatten the submitted facts into (path, value) rows; ids masked unless shown in full."""
    rows: list[tuple[str, Any]] = []
    for key, value in facts.items():
        path = f"{prefix}{key}"
        if key == "family_members":
            continue  # shown in the members table
        if isinstance(value, dict):
            rows.extend(_fact_rows(value, show_ids=show_ids, prefix=f"{path}."))
        elif key == "citizen_id" and value and not show_ids:
            rows.append((path, mask_citizen_id(str(value))))
        else:
            rows.append((path, value))
    return rows


@login_required
@require_GET
def case_document(request: HttpRequest, number: str, document_id: int) -> FileResponse:
    """One handed-in file, for the clerk; the view is recorded."""
    _require_page(request, "cases")
    try:
        application = application_get_for_user(request.user, number)  # type: ignore[arg-type]
    except CaseworkError as exc:
        raise Http404 from exc
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    with transaction.atomic():
        audit_record(
            acting_user=request.user,
            event_type=AuditEventType.PERSONAL_DATA_VIEWED,
            obj_type="casework.document",
            obj_id=document.pk,
            jurisdiction_code=application.county_code,
            after={"application": application.number, "document_type": document.document_type},
        )
    path = Path(settings.MEDIA_ROOT) / document.stored_path
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type=document.content_type)


@login_required
@require_POST
def case_act(request: HttpRequest, number: str) -> HttpResponse:
    is_applicant = request.user.role == Role.APPLICANT  # type: ignore[union-attr]
    if not is_applicant:
        _require_page(request, "cases")
    try:
        expected_version = int(request.POST.get("expected_version", ""))
    except ValueError as exc:
        raise Http404 from exc
    with refusals_as_messages(request):
        application_act(
            acting_user=request.user,  # type: ignore[arg-type]
            number=number,
            action=request.POST.get("action", ""),
            expected_version=expected_version,
            note=request.POST.get("note", ""),
        )
    if is_applicant:
        return redirect("casework:mine")
    return redirect("casework:detail", number=number)


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    """我的申请 The citizen's own applications and where each stands."""
    if request.user.role != Role.APPLICANT:  # type: ignore[union-attr]
        raise Http404
    applications = application_queue_for_user(request.user, status=None, query="")  # type: ignore[arg-type]
    certificates = certificate_list_for_user(request.user)  # type: ignore[arg-type]
    today = timezone.localdate()
    rows = [
        {
            "application": a,
            "actions": actions_available(a.status, Role.APPLICANT),
            "notice": a.history.exclude(note="").order_by("-version").first(),
            "certificate": certificates.filter(subject_ref=a.number).order_by("-issued_at").first(),
            "members": a.members.all(),
            "supply_form": DocumentFormSet(prefix="supply", form_kwargs={"on": today})
            if Action.SUPPLY_MATERIALS in actions_available(a.status, Role.APPLICANT)
            else None,
        }
        for a in applications
    ]
    return render(request, "casework/mine.html", {"rows": rows, "open_statuses": OPEN_STATUSES})


@login_required
@require_POST
def member_consent(request: HttpRequest, number: str, position: int) -> HttpResponse:
    """本人意愿 Record or withdraw a family member's own consent (1.2.d)."""
    change = consent_give if request.POST.get("consent") == "give" else consent_withdraw
    with refusals_as_messages(request):
        change(acting_user=request.user, number=number, position=position)  # type: ignore[arg-type]
    if request.user.role == Role.APPLICANT:  # type: ignore[union-attr]
        return redirect("casework:mine")
    return redirect("casework:detail", number=number)


@login_required
@require_POST
def case_duplicate_review(request: HttpRequest, number: str) -> HttpResponse:
    """The clerk says whether a name-and-birth-date match is the same person."""
    _require_page(request, "cases")
    with refusals_as_messages(request):
        duplicate_review(
            acting_user=request.user,  # type: ignore[arg-type]
            number=number,
            other_number=request.POST.get("other", ""),
            verdict=request.POST.get("verdict", ""),
        )
    return redirect("casework:detail", number=number)


@login_required
@require_POST
def case_export(request: HttpRequest) -> HttpResponse:
    """Download the queue and its statistics as .xlsx, with a recorded reason."""
    _require_page(request, "cases")
    status = request.POST.get("status", "")
    try:
        content = applications_export(
            acting_user=request.user,  # type: ignore[arg-type]
            status=status,
            reason=request.POST.get("reason", ""),
            unmask=request.POST.get("unmask") == "1",
        )
    except FieldError as exc:
        for problem in exc.problems:
            messages.error(request, f"{problem.message_zh} / {problem.message_en}")
        return redirect(f"{reverse('casework:queue')}?status={status}")
    except CaseworkError as exc:
        raise Http404 from exc
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="luohu-cases-{stamp}.xlsx"'
    return response
