"""同城同待遇 Same-treatment index by county (AY2018-19:1.2.a, 3.10).

For each county, which supporting services a residence-permit holder can
reach compared with a hukou resident in the same situation. The answer comes
from the rules themselves (:mod:`luohu.policy.rules.services`) evaluated with
the county's parameters (city values and the county's own settings, 1.2.c):
one reference person who meets every condition other than residence status
is asked about each service twice, once as a hukou resident and once as a
permit holder. No rule is re-implemented here.

    same_treatment_by_county(date(2020, 1, 1)) -> [CountySameTreatment, ...]

Pure Python (no Django), for the dashboards and the page of luohu.entitlements.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from luohu.policy.parameters import ParameterSet
from luohu.policy.rulesets import RuleSetEngine
from luohu.policy.service_facts import month_of, parse_service_facts
from luohu.policy.services import SERVICES, make_services_engine, services_engine

DIVISIONS_CSV = Path(__file__).parent / "data" / "divisions_2018.csv"
COUNTY_LEVELS = ("district", "county", "county_level_city")
CITY_CODE = "410500"
CLAUSE = "AY2018-19:1.2.a"


@dataclass(frozen=True)
class ServiceAccess:
    service: str
    label_zh: str
    label_en: str
    clause: str
    hukou_resident: bool
    permit_holder: bool

    @property
    def same(self) -> bool:
        return self.hukou_resident == self.permit_holder


@dataclass(frozen=True)
class CountySameTreatment:
    """One county: the services hukou residents reach and how many of them permit holders reach."""

    county: str
    name: str
    services: tuple[ServiceAccess, ...]

    @property
    def reachable_by_hukou_residents(self) -> list[str]:
        return [s.service for s in self.services if s.hukou_resident]

    @property
    def reachable_by_permit_holders(self) -> list[str]:
        return [s.service for s in self.services if s.permit_holder and s.hukou_resident]

    @property
    def not_reachable_by_permit_holders(self) -> list[str]:
        return [s.service for s in self.services if s.hukou_resident and not s.permit_holder]

    @property
    def share(self) -> float:
        """Share of the hukou residents' services that permit holders reach too (0–1)."""
        base = self.reachable_by_hukou_residents
        return len(self.reachable_by_permit_holders) / len(base) if base else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "county": self.county,
            "name": self.name,
            "clause": CLAUSE,
            "share": self.share,
            "reachable_by_hukou_residents": self.reachable_by_hukou_residents,
            "reachable_by_permit_holders": self.reachable_by_permit_holders,
            "not_reachable_by_permit_holders": self.not_reachable_by_permit_holders,
            "services": [
                {
                    "service": s.service,
                    "label_zh": s.label_zh,
                    "label_en": s.label_en,
                    "clause": s.clause,
                    "hukou_resident": s.hukou_resident,
                    "permit_holder": s.permit_holder,
                }
                for s in self.services
            ],
        }


def anyang_counties(path: Path = DIVISIONS_CSV) -> list[tuple[str, str]]:
    """(code, name) of Anyang's districts, counties and county-level city (GB/T 2260)."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    seen: dict[str, str] = {}
    for row in rows:
        if row["parent_code"] == CITY_CODE and row["level"] in COUNTY_LEVELS:
            seen.setdefault(row["code"], row["name"])
    return sorted(seen.items())


def reference_facts(county: str, status: str, on: dt.date) -> dict[str, Any]:
    """A person meeting every service condition other than residence status.

    Incomes and areas are zero so that they fall within any positive local
    limit; histories are continuous and up to date.
    """
    year, month = on.year, on.month
    months = []
    for _ in range(12):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months.reverse()
    assert months[-1] == month_of(on)
    history = [{"month": m, "scheme": "urban_employee", "division_code": county} for m in months]
    return {
        "residence_division_code": county,
        "residence_status": status,
        "work": "employee",
        "employed_in_city": True,
        "rents_home": True,
        "household_income_per_capita_yuan_month": 0,
        "housing_area_per_capita_m2": 0,
        "meets_dibao_asset_test": True,
        "provident_fund": {
            "has_account": True,
            "has_no_house_certificate": True,
            "account_elsewhere": True,
            "contributions": [{"month": m, "full": True} for m in months],
        },
        "medical_insurance": {"history": history},
        "pension": {"history": history},
        "child": {
            "compulsory_school_age": True,
            "formal_junior_high_record_here": True,
            "senior_high_student": True,
            "meets_transfer_conditions": True,
        },
    }


def _reach(engine: RuleSetEngine, county: str, status: str, on: dt.date) -> dict[str, bool]:
    _, row = parse_service_facts(reference_facts(county, status, on), on)
    values = engine.evaluate_row(row)
    return {s.name: values[s.rule] is True for s in SERVICES}


def same_treatment_by_county(
    on: dt.date,
    *,
    params: ParameterSet | None = None,
    counties: Sequence[tuple[str, str]] | None = None,
) -> list[CountySameTreatment]:
    """Per county: each service, reachable by hukou residents and by permit holders, and the share."""
    engine = services_engine() if params is None else make_services_engine(params)
    engine.check_in_force(on, [s.rule for s in SERVICES])
    result = []
    for code, name in counties if counties is not None else anyang_counties():
        hukou = _reach(engine, code, "hukou_resident", on)
        permit = _reach(engine, code, "permit_holder", on)
        services = tuple(
            ServiceAccess(
                service=s.name,
                label_zh=s.label_zh,
                label_en=s.label_en,
                clause=engine.by_name[s.rule].citation,
                hukou_resident=hukou[s.name],
                permit_holder=permit[s.name],
            )
            for s in SERVICES
        )
        result.append(CountySameTreatment(code, name, services))
    return result


__all__ = [
    "CountySameTreatment",
    "ServiceAccess",
    "anyang_counties",
    "reference_facts",
    "same_treatment_by_county",
]
