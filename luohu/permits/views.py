"""Pages for residence permits: the permits tab of the clerk's workbench, the permit
page, the counter application, and the citizen's own permits.

Views parse the request, call one selector or service, and render. What a
role may do on a permit comes from the workflow table.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luohu.accounts.models import User
from luohu.accounts.roles import Role, page_allowed
from luohu.accounts.selectors import user_county_codes
from luohu.audit.events import AuditEventType
from luohu.audit.services import audit_record
from luohu.casework.feedback import refusals_as_messages
from luohu.certificates.models import CertificateKind
from luohu.certificates.selectors import certificate_list_for_user, certificate_live_for_subject
from luohu.common.errors import FieldError
from luohu.permits.errors import PermitError
from luohu.permits.forms import PermitApplyForm
from luohu.permits.models import ReplacementReason, ResidencePermit
from luohu.permits.selectors import (
    continuous_residence_years,
    permit_get_for_user,
    permit_holder_masked,
    permit_last_valid_day,
    permit_list_for_user,
    permit_place_name,
    permit_queue_for_user,
    permit_status_counts,
    permit_validity_on,
)
from luohu.permits.services import permit_act, permit_apply
from luohu.permits.workflow import PermitStatus, actions_available

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _require_workbench(request: HttpRequest) -> User:
    user = _user(request)
    if not page_allowed(user.role, "cases"):
        raise Http404
    return user


@login_required
@require_GET
def permit_queue(request: HttpRequest) -> HttpResponse:
    """居住证 The permits tab of the workbench: the county's permits by status."""
    user = _require_workbench(request)
    status = request.GET.get("status", "")
    if status and status not in PermitStatus.values:
        status = ""
    query = request.GET.get("q", "").strip()
    permits = permit_queue_for_user(user, status=status or None, query=query)
    page = Paginator(permits, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = permit_status_counts(user)
    today = timezone.localdate()
    rows = [
        {
            "permit": p,
            "holder": permit_holder_masked(p),
            "validity": permit_validity_on(p, today),
            "last_valid_day": permit_last_valid_day(p),
        }
        for p in page
    ]
    return render(
        request,
        "permits/queue.html",
        {
            "tabs": [(s.value, s.label, counts.get(s.value, 0)) for s in PermitStatus],
            "total": sum(counts.values()),
            "status": status,
            "query": query,
            "rows": rows,
            "page": page,
            "may_apply": user.role == Role.CLERK,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def permit_new(request: HttpRequest) -> HttpResponse:
    """受理 A clerk takes an application at the counter of their county."""
    user = _require_workbench(request)
    if user.role != Role.CLERK:
        raise Http404
    return _apply_page(request, user, county_codes=user_county_codes(user))


@login_required
@require_http_methods(["GET", "POST"])
def permit_apply_view(request: HttpRequest) -> HttpResponse:
    """申领居住证 A citizen applies at their place of residence."""
    user = _user(request)
    if user.role != Role.APPLICANT:
        raise Http404
    return _apply_page(request, user, county_codes=None)


def _apply_page(
    request: HttpRequest, user: User, *, county_codes: frozenset[str] | None
) -> HttpResponse:
    today = timezone.localdate()
    form = PermitApplyForm(request.POST or None, on=today, county_codes=county_codes)
    if request.method == "POST" and form.is_valid():
        try:
            permit = permit_apply(acting_user=user, **form.cleaned_data)
        except FieldError as exc:
            form.add_field_error(exc)
        except PermitError as exc:
            form.add_error(None, f"{exc.message_zh} / {exc.message_en}")
        else:
            messages.success(request, permit.number)
            if user.role == Role.APPLICANT:
                return redirect("permits:mine")
            return redirect("permits:detail", number=permit.number)
    return render(request, "permits/apply.html", {"form": form, "counter": user.role == Role.CLERK})


@login_required
@require_GET
def permit_detail(request: HttpRequest, number: str) -> HttpResponse:
    """居住证页 One permit: holder (masked), validity, years, endorsements, history, actions."""
    user = _require_workbench(request)
    try:
        permit = permit_get_for_user(user, number)
    except PermitError as exc:
        raise Http404 from exc
    with transaction.atomic():
        audit_record(
            acting_user=user,
            event_type=AuditEventType.PERSONAL_DATA_VIEWED,
            obj_type="residence_permit",
            obj_id=permit.number,
            jurisdiction_code=permit.county_code,
        )
    today = timezone.localdate()
    return render(
        request,
        "permits/detail.html",
        {
            "permit": permit,
            "holder": permit_holder_masked(permit),
            "place": permit_place_name(permit, today),
            "validity": permit_validity_on(permit, today),
            "last_valid_day": permit_last_valid_day(permit),
            "years": continuous_residence_years(permit.holder, today),
            "periods": permit.periods.all(),
            "replacements": permit.replacements.all(),
            "history": permit.history.select_related("actor"),
            "actions": actions_available(permit.status, user.role),
            "replacement_reasons": ReplacementReason.choices,
            "certificate": _certificate(user, permit),
        },
    )


def _certificate(user: User, permit: ResidencePermit) -> object:
    live = certificate_live_for_subject(CertificateKind.RESIDENCE_PERMIT, permit.number)
    if live is not None:
        return live
    return (
        certificate_list_for_user(user)
        .filter(kind=CertificateKind.RESIDENCE_PERMIT, subject_ref=permit.number)
        .order_by("-issued_at")
        .first()
    )


@login_required
@require_POST
def permit_act_view(request: HttpRequest, number: str) -> HttpResponse:
    user = _require_workbench(request)
    try:
        expected_version = int(request.POST.get("expected_version", ""))
    except ValueError as exc:
        raise Http404 from exc
    with refusals_as_messages(request):
        permit_act(
            acting_user=user,
            number=number,
            action=request.POST.get("action", ""),
            expected_version=expected_version,
            note=request.POST.get("note", ""),
            replacement_reason=request.POST.get("replacement_reason", ""),
        )
    return redirect("permits:detail", number=number)


@login_required
@require_GET
def my_permits(request: HttpRequest) -> HttpResponse:
    """我的居住证 The citizen's own applications and permits, and where each stands."""
    user = _user(request)
    if user.role != Role.APPLICANT:
        raise Http404
    today = timezone.localdate()
    rows = [
        {
            "permit": p,
            "holder": permit_holder_masked(p),
            "validity": permit_validity_on(p, today),
            "last_valid_day": permit_last_valid_day(p),
            "notice": p.history.exclude(note="").order_by("-version").first(),
            "certificate": certificate_live_for_subject(CertificateKind.RESIDENCE_PERMIT, p.number),
        }
        for p in permit_list_for_user(user).order_by("-submitted_at")
    ]
    return render(request, "permits/mine.html", {"rows": rows})
