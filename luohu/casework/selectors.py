"""Reads for casework, always limited to what the user may reach."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from luohu.accounts.models import User
from luohu.accounts.roles import Role, page_allowed
from luohu.accounts.selectors import user_county_codes
from luohu.casework.errors import CaseNotFoundError
from luohu.casework.models import DuplicateVerdict, SettlementApplication
from luohu.casework.workflow import OPEN_STATUSES
from luohu.common.crypto import citizen_id_index, looks_like_citizen_id, name_birth_index


def application_list_for_user(user: User) -> QuerySet[SettlementApplication]:
    """Applications the user may see: their own, their county's, or the city's."""
    applications = SettlementApplication.objects.all()
    if user.role == Role.APPLICANT:
        return applications.filter(applicant=user)
    # Roles without the workbench (planning, statistics) see aggregates
    # elsewhere, never individual cases.
    if not page_allowed(user.role, "cases"):
        return applications.none()
    codes = user_county_codes(user)
    if codes is None:
        return applications
    return applications.filter(county_code__in=codes)


def application_get_for_user(user: User, number: str) -> SettlementApplication:
    """Return the application, or CaseNotFoundError when it is outside the user's reach.

    Out-of-reach and non-existent look the same, so a URL or id reveals nothing.
    """
    try:
        return application_list_for_user(user).get(number=number)
    except SettlementApplication.DoesNotExist as exc:
        raise CaseNotFoundError() from exc


def application_open_duplicates(
    application: SettlementApplication,
) -> QuerySet[SettlementApplication]:
    """Other open applications for the same citizen id (flagged to the clerk)."""
    return SettlementApplication.objects.filter(
        citizen_id_index=application.citizen_id_index, status__in=OPEN_STATUSES
    ).exclude(pk=application.pk)


def application_queue_for_user(
    user: User, *, status: str | None, query: str
) -> QuerySet[SettlementApplication]:
    """The workbench queue: priority groups first (1.2.b), then the nearest deadline.

    ``query`` matches an application number or a full citizen id exactly;
    partial matching on personal data is deliberately not offered, and the
    blind index of the id could not give it.
    """
    applications = application_list_for_user(user)
    if status:
        applications = applications.filter(status=status)
    if query:
        # One or the other, never both: a typed id must not reach the SQL
        # (and the database's statement logs) as a number to compare.
        if looks_like_citizen_id(query):
            applications = applications.filter(citizen_id_index=citizen_id_index(query))
        else:
            applications = applications.filter(number=query.strip())
    # The list never shows the facts: leave them sealed rather than open
    # one document per row.
    return applications.defer("facts").order_by(
        "-is_priority", F("due_date").asc(nulls_last=True), "submitted_at"
    )


def application_status_counts(user: User) -> dict[str, int]:
    rows = application_list_for_user(user).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def application_possible_duplicates(
    application: SettlementApplication,
) -> QuerySet[SettlementApplication]:
    """Open applications under another id with the same name and birth date.

    A typo in an id, or a second id, would hide a duplicate from the exact
    check; a clerk confirms or clears each match. Cleared pairs are not shown
    again.
    """
    cleared = application.duplicate_reviews.filter(verdict=DuplicateVerdict.NOT_DUPLICATE).values(
        "other"
    )
    return (
        SettlementApplication.objects.filter(
            name_birth_index=name_birth_index(application.applicant_name, application.birth_date),
            status__in=OPEN_STATUSES,
        )
        .exclude(citizen_id_index=application.citizen_id_index)
        .exclude(pk__in=cleared)
    )
