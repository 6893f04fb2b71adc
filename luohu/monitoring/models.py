"""监测 Indicators as computed, figures as approved, county targets, saved what-ifs.

Monitoring never writes the registry or casework; these tables hold only
aggregates (counts and rates by county and year), never a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IndicatorSource(models.TextChoices):
    REGISTRY = "registry", _("Registry")
    POPULATION = "population", _("Synthetic population")


class IndicatorFigures(models.Model):
    """指标（计算值） One county's (or the city's) indicators for one year, as last computed.

    Provisional: a refresh replaces them. A county's approved figures for a
    year live in ``YearFigures`` and take precedence on every dashboard.
    """

    year = models.PositiveSmallIntegerField()
    division_code = models.CharField(max_length=6)
    source = models.CharField(max_length=16, choices=IndicatorSource.choices)
    residents = models.BigIntegerField()
    urban_residents = models.BigIntegerField()
    hukou_population = models.BigIntegerField()
    urban_hukou_population = models.BigIntegerField()
    # Percent to 2 decimals, null when the denominator is 0 (indicators.py).
    resident_urbanization_rate = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    hukou_urbanization_rate = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    gap_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # Null when the source has no transfer records (the synthetic population).
    hukou_transfers = models.BigIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["year", "division_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "division_code"], name="monitoring_indicators_one_per_year"
            ),
            models.CheckConstraint(
                name="monitoring_indicators_counts_consistent",
                condition=Q(urban_residents__lte=models.F("residents"))
                & Q(urban_hukou_population__lte=models.F("hukou_population"))
                & Q(urban_residents__gte=0)
                & Q(urban_hukou_population__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division_code} {self.year}"


class FiguresStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    LOCKED = "locked", _("Approved and locked")
    REOPENED = "reopened", _("Reopened")


class YearFigures(models.Model):
    """年度数据报送 A county's figures for one year: submitted, approved and locked (4.1).

    ``figures`` is a frozen copy of the county's indicators at submission;
    once locked it is what every dashboard shows for that county and year.
    """

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=FiguresStatus.choices)
    figures = models.JSONField()
    source = models.CharField(max_length=16, choices=IndicatorSource.choices)
    version = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["year", "county_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "year"], name="monitoring_year_figures_one_per_county_year"
            ),
            models.CheckConstraint(
                name="monitoring_year_figures_status_valid",
                condition=Q(status__in=[s.value for s in FiguresStatus]),
            ),
            models.CheckConstraint(
                name="monitoring_year_figures_locked_has_approver",
                condition=~Q(status=FiguresStatus.LOCKED) | Q(decided_by__isnull=False),
            ),
            models.CheckConstraint(
                name="monitoring_year_figures_reopened_has_reason",
                condition=~Q(status=FiguresStatus.REOPENED) | ~Q(reopen_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_code} {self.year} {self.status}"


class CountyTarget(models.Model):
    """县级目标 A county's own targets for the plan period, entered by the city (1.2.e)."""

    county_code = models.CharField(max_length=6)
    target_year = models.PositiveSmallIntegerField()
    hukou_urbanization_rate = models.DecimalField(max_digits=5, decimal_places=2)
    yearly_hukou_transfers = models.PositiveIntegerField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["target_year", "county_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "target_year"], name="monitoring_county_target_one_per_year"
            ),
            models.CheckConstraint(
                name="monitoring_county_target_rate_is_percent",
                condition=Q(hukou_urbanization_rate__gte=0) & Q(hukou_urbanization_rate__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_code} → {self.target_year}"


class WhatIfScenario(models.Model):
    """What-if 情景 A what-if run the user chose to keep; runs are not saved otherwise."""

    county_code = models.CharField(max_length=6)
    parameter = models.CharField(max_length=200)
    value = models.JSONField()
    population_year = models.PositiveSmallIntegerField()
    result = models.JSONField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.county_code} {self.parameter}={self.value}"
