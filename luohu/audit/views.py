"""The auditor's page. Parse the request, call the selector, render."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from luohu.accounts.roles import Role
from luohu.accounts.selectors import user_county_codes
from luohu.audit.events import AuditEventType, event_label
from luohu.audit.forms import AuditSearchForm
from luohu.audit.models import AuditEntry
from luohu.audit.selectors import AuditFilter, audit_entry_search
from luohu.audit.services import audit_record

# 三员分立: only the auditor reads the trail; the system and security
# administrators, whose actions it records, do not. Everyone else is told the
# page does not exist.
AUDIT_PAGE_ROLES = frozenset({Role.AUDITOR})
PAGE_SIZE = 50
SEARCH_OBJECT_TYPE = "audit.trail"


def _change(entry: AuditEntry) -> str:
    def text(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    if entry.before is None and entry.after is None:
        return ""
    if entry.before is None:
        return text(entry.after)
    return f"{text(entry.before)} → {text(entry.after)}"


@login_required
@require_GET
def audit_entry_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "role", None) not in AUDIT_PAGE_ROLES:
        raise Http404
    form = AuditSearchForm(request.GET or None)
    page = None
    rows: list[tuple[AuditEntry, str, str]] = []
    if not form.is_bound or form.is_valid():
        filters = form.to_filter() if form.is_bound else AuditFilter()
        entries = audit_entry_search(filters)
        codes = user_county_codes(user)  # type: ignore[arg-type]
        if codes is not None:
            entries = entries.filter(jurisdiction_code__in=codes)
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [(entry, event_label(entry.event_type), _change(entry)) for entry in page]
        # Searching the trail is itself recorded, so the security
        # administrator can see what auditors looked for (filters only).
        with transaction.atomic():
            audit_record(
                acting_user=user,
                event_type=AuditEventType.AUDIT_SEARCHED,
                obj_type=SEARCH_OBJECT_TYPE,
                obj_id="",
                after={
                    "filters": {k: v for k, v in request.GET.items() if k != "page" and v},
                    "page": page.number,
                    "matches": page.paginator.count,
                },
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/entry_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )
