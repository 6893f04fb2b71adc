"""Reads for residence permits, always limited to what the user may reach."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from luohu.accounts.models import User
from luohu.accounts.roles import Role, page_allowed
from luohu.accounts.selectors import user_county_codes
from luohu.certificates.masking import mask_holder_name
from luohu.common.citizen_id import mask_citizen_id
from luohu.common.errors import FieldError
from luohu.permits.errors import PermitNotFoundError
from luohu.permits.models import PermitPeriod, ResidencePermit
from luohu.permits.workflow import LIVE_STATUSES, PermitStatus
from luohu.registry.household_selectors import person_get
from luohu.registry.models import Person
from luohu.registry.selectors import division_get, division_place_on
from luohu.registry.snapshot import add_months


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February becomes 28 February."""
    return add_months(day, 12 * years)


def permit_list_for_user(user: User) -> QuerySet[ResidencePermit]:
    """Permits the user may see: their own applications, their county's, or the city's."""
    permits = ResidencePermit.objects.select_related("holder")
    if user.role == Role.APPLICANT:
        return permits.filter(applicant=user)
    # Permits are handled in the clerk's workbench; roles without it see
    # only the coverage figures, never a holder.
    if not page_allowed(user.role, "cases"):
        return permits.none()
    codes = user_county_codes(user)
    if codes is None:
        return permits
    return permits.filter(county_code__in=codes)


def permit_get_for_user(user: User, number: str) -> ResidencePermit:
    """Return the permit, or PermitNotFoundError when it is outside the user's reach."""
    try:
        return permit_list_for_user(user).get(number=number)
    except ResidencePermit.DoesNotExist as exc:
        raise PermitNotFoundError() from exc


def permit_queue_for_user(
    user: User, *, status: str | None, query: str
) -> QuerySet[ResidencePermit]:
    """The permits tab: open applications by their deadline, then the newest.

    ``query`` matches a permit number or a full citizen id exactly, as the
    settlement queue does; partial matching on personal data is not offered.
    """
    permits = permit_list_for_user(user)
    if status:
        permits = permits.filter(status=status)
    if query:
        holder: Person | None
        try:
            holder = person_get(query)
        except FieldError:
            holder = None
        permits = permits.filter(Q(number=query) | Q(holder=holder))
    return permits.order_by(F("due_date").asc(nulls_last=True), "-submitted_at")


def permit_status_counts(user: User) -> dict[str, int]:
    rows = permit_list_for_user(user).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def permit_live_for_person(person: Person) -> ResidencePermit | None:
    """The person's one live permit or open application, if any."""
    return ResidencePermit.objects.filter(holder=person, status__in=LIVE_STATUSES).first()


@dataclass(frozen=True)
class Holder:
    """The holder as pages show them: masked."""

    name: str
    citizen_id: str


def permit_place_name(permit: ResidencePermit, on: dt.date) -> str:
    """The place of residence as printed: county and township names."""
    try:
        county = division_get(permit.county_code, on)
        place = division_place_on(permit.residence_division_code, on)
    except FieldError:
        return permit.residence_division_code
    return f"{county.name}{place.name}"


def permit_holder_masked(permit: ResidencePermit) -> Holder:
    person = permit.holder
    return Holder(mask_holder_name(person.name), mask_citizen_id(person.citizen_id))


class Validity:
    VALID = "valid"
    # Issued, but its anniversary passed without an endorsement (SC663:10).
    LAPSED = "lapsed"
    NOT_VALID = "not_valid"


def _period_on(permit: ResidencePermit, on: dt.date) -> PermitPeriod | None:
    return permit.periods.filter(valid_from__lte=on, valid_to__gt=on).first()


def permit_validity_on(permit: ResidencePermit, on: dt.date) -> str:
    """Whether the permit may be used on ``on`` (as its status stands now).

    Valid needs the status ``valid``, a year of validity covering the day
    (issue or endorsement) and, where the city sets a term, a day within it.
    """
    if permit.status != PermitStatus.VALID or permit.issued_on is None or on < permit.issued_on:
        return Validity.NOT_VALID
    if permit.valid_until is not None and on > permit.valid_until:
        return Validity.NOT_VALID
    if _period_on(permit, on) is None:
        return Validity.LAPSED
    return Validity.VALID


def permit_last_valid_day(permit: ResidencePermit) -> dt.date | None:
    """The last day the permit is valid without a further endorsement, or None if never."""
    if permit.next_anniversary is None:
        return None
    last = permit.next_anniversary - dt.timedelta(days=1)
    if permit.valid_until is not None:
        last = min(last, permit.valid_until)
    return last


def _whole_years(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)


def continuous_residence_years(person: Person, on: dt.date) -> int:
    """连续居住年限 Whole years of continuous residence the person's permits count on ``on``.

    SC663:10: a year counts when the permit was endorsed for it; when an
    endorsement is missed the count stops at the anniversary it was due by,
    and after a late endorsement it restarts from the day of that
    endorsement (自补办签注手续之日起连续计算). A permit that ended
    (cancelled, closed, expired) stops the count on its last day. No permit
    counts 0; the latest permit is the one that counts.
    """
    permit = (
        ResidencePermit.objects.filter(holder=person, issued_on__lte=on)
        .order_by("-issued_on", "-pk")
        .first()
    )
    if permit is None:
        return 0
    periods = list(permit.periods.filter(valid_from__lte=on).order_by("valid_from"))
    if not periods:
        return 0
    # The unbroken run of years that ends last before or on ``on``.
    run_start, run_end = periods[0].valid_from, periods[0].valid_to
    for period in periods[1:]:
        if period.valid_from == run_end:
            run_end = period.valid_to
        else:
            run_start, run_end = period.valid_from, period.valid_to
    end = min(on, run_end)
    if permit.ended_on is not None:
        end = min(end, permit.ended_on)
    if permit.valid_until is not None:
        end = min(end, permit.valid_until + dt.timedelta(days=1))
    return _whole_years(run_start, end)
