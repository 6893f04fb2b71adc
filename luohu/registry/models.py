"""行政区划 Administrative divisions of Anyang, versioned by validity period."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q


class DivisionLevel(models.TextChoices):
    PREFECTURE_CITY = "prefecture_city", "地级市 prefecture-level city"
    DISTRICT = "district", "市辖区 district"
    COUNTY = "county", "县 county"
    COUNTY_LEVEL_CITY = "county_level_city", "县级市 county-level city"
    DEVELOPMENT_ZONE = "development_zone", "开发区 development zone"
    SUBDISTRICT = "subdistrict", "街道 subdistrict"
    TOWN = "town", "建制镇 established town"
    TOWNSHIP = "township", "乡 township"
    OTHER_TOWNSHIP_LEVEL = "other_township_level", "其他乡级单位 other township-level unit"


COUNTY_LEVELS = frozenset(
    {
        DivisionLevel.DISTRICT,
        DivisionLevel.COUNTY,
        DivisionLevel.COUNTY_LEVEL_CITY,
        DivisionLevel.DEVELOPMENT_ZONE,
    }
)
TOWNSHIP_LEVELS = frozenset(
    {
        DivisionLevel.SUBDISTRICT,
        DivisionLevel.TOWN,
        DivisionLevel.TOWNSHIP,
        DivisionLevel.OTHER_TOWNSHIP_LEVEL,
    }
)


class Division(models.Model):
    """行政区划 One version of a division: its code, name and parent over a period.

    The period is half-open: a version is in force on ``valid_from`` and
    every later day before ``valid_to``. ``valid_from`` null means "since
    before the earliest record"; ``valid_to`` null means "still in force".
    Versions of the same place share a ``lineage`` across code and parent
    changes.
    """

    # Null, not "", for a version whose code the reference does not record
    # (the pre-move codes of the 2016-17 moves out of 安阳县): unknown is not
    # an empty code, and NULLs never collide in the unique constraint.
    code = models.CharField(max_length=9, null=True, blank=True, db_index=True)  # noqa: DJ001
    name = models.CharField(max_length=64)
    level = models.CharField(max_length=32, choices=DivisionLevel.choices)
    parent_code = models.CharField(max_length=9, db_index=True)
    lineage = models.CharField(max_length=9, db_index=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    is_town = models.BooleanField()
    # Null is "not applicable" under a district or development zone and
    # "unknown" under a county or county-level city.
    is_county_seat = models.BooleanField(null=True, blank=True)
    vintage = models.CharField(max_length=32)
    source = models.TextField()

    class Meta:
        ordering = ["lineage", F("valid_from").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lt=F("valid_to")),
                name="registry_division_valid_from_before_valid_to",
            ),
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="registry_division_unique_code_valid_from"
            ),
            models.UniqueConstraint(
                fields=["lineage", "valid_from"],
                name="registry_division_unique_lineage_valid_from",
            ),
            models.CheckConstraint(
                condition=Q(level__in=[choice.value for choice in DivisionLevel]),
                name="registry_division_level_valid",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.valid_from or '…'}–{self.valid_to or '…'}"
        return f"{self.code or '(code not recorded)'} {self.name} [{period}]"

    def is_valid_on(self, on: dt.date) -> bool:
        """Whether this version is in force on ``on`` (half-open period)."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on < self.valid_to
        )
