"""人口与户查询 Reads of persons, households, hukou and residence records.

Personal data is read only through these selectors and the services in
``luohu.registry.households``. Citizen ids and names are encrypted at rest;
a person is found by the blind index of the id (``luohu.common.crypto``). Callers that show a person's record to a user write the
PERSONAL_DATA_VIEWED audit entry; these functions do not know who reads.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from luohu.common.crypto import citizen_id_index
from luohu.common.errors import field_error
from luohu.registry.models import (
    Household,
    HukouRecord,
    Person,
    RelationToHead,
    ResidenceRecord,
)

PERSON_NOT_FOUND = (
    "person_not_found",
    "登记中没有该公民身份号码",
    "no person with this citizen id is in the registry",
)
HOUSEHOLD_NOT_FOUND = (
    "household_not_found",
    "登记中没有该户号",
    "no household with this number is in the registry",
)


def valid_on(on: dt.date) -> Q:
    """Records in force on ``on``: valid_from <= on < valid_to (half-open)."""
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gt=on))


def person_get(citizen_id: str, *, field: str = "citizen_id") -> Person:
    """Return the person with ``citizen_id``, or raise FieldError on ``field``."""
    # The blind index normalises (a lower-case check character x is common in
    # typed input); an empty id matches nothing.
    index = citizen_id_index(citizen_id)
    person = Person.objects.filter(citizen_id_index=index).first() if index else None
    if person is None:
        raise field_error(field, PERSON_NOT_FOUND)
    return person


def person_current_hukou(citizen_id: str, on: dt.date | None = None) -> HukouRecord | None:
    """Return the person's hukou record in force on ``on`` (today's if None).

    None means the person is known but has no hukou in Anyang then.
    """
    person = person_get(citizen_id)
    records = HukouRecord.objects.filter(person=person).select_related("household")
    if on is None:
        return records.filter(valid_to__isnull=True).first()
    return records.filter(valid_on(on)).first()


def person_hukou_history(citizen_id: str) -> list[HukouRecord]:
    """Return every hukou record of the person, oldest first."""
    person = person_get(citizen_id)
    return list(
        HukouRecord.objects.filter(person=person)
        .select_related("household")
        .order_by("valid_from", "pk")
    )


def person_residence_history(citizen_id: str) -> list[ResidenceRecord]:
    """Return every residence record of the person, oldest first."""
    person = person_get(citizen_id)
    return list(ResidenceRecord.objects.filter(person=person).order_by("valid_from", "pk"))


def household_get(number: str, *, field: str = "number") -> Household:
    """Return the household with ``number``, or raise FieldError on ``field``."""
    household = Household.objects.filter(number=(number or "").strip()).first()
    if household is None:
        raise field_error(field, HOUSEHOLD_NOT_FOUND)
    return household


def household_members(number: str, on: dt.date | None = None) -> list[HukouRecord]:
    """Return the hukou records of a household in force on ``on`` (current if None).

    The head comes first, then the others in the order they joined.
    """
    household = household_get(number)
    records: QuerySet[HukouRecord] = HukouRecord.objects.filter(household=household)
    if on is None:
        records = records.filter(valid_to__isnull=True)
    else:
        records = records.filter(valid_on(on))
    return sorted(
        records.select_related("person"),
        key=lambda r: (r.relation_to_head != RelationToHead.HEAD, r.valid_from, r.pk),
    )


def household_for_case(case_ref: str) -> Household | None:
    """The household a settlement case registered its people into, if any."""
    record = (
        HukouRecord.objects.select_related("household")
        .filter(case_ref=case_ref)
        .order_by("valid_from", "pk")
        .first()
    )
    return record.household if record else None
