"""Benchmark: the monitoring dashboards over the full-scale synthetic Anyang.

    .venv/bin/python bench/dashboard.py                        # scale 1.0, 2015 and 2020
    .venv/bin/python bench/dashboard.py --years 2015-2020 --requests 500
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luohu_bench .venv/bin/python bench/dashboard.py

The whole path: the synthetic population at scale 1.0 (5.48 million
residents in 2020; files kept under var/bench/population-<scale> and reused
when the scale and years match) -> the indicators by DuckDB, kept as the
provisional figures (``indicators_refresh``) -> county targets, one county's
figures approved and locked, open cases in the casework pipeline -> the
dashboard pages served through Django's full request cycle to the city
commission and a county official, many times. Prints p50, p95 and max of
the page times, and the goal (p95 <= 200 ms). Also times one what-if run
over a county at full scale (information, no goal).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

GOAL_P95_MS = 200.0
ROOT = Path(__file__).resolve().parent.parent
COUNTIES = (
    "410502", "410503", "410505", "410506", "410522",
    "410523", "410526", "410527", "410571", "410581",
)  # fmt: skip


def setup_django(var_dir: str) -> None:
    os.environ.setdefault("LUOHU_VAR_DIR", var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "luohu.config.django.test"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    import django

    django.setup()


def years_arg(text: str) -> tuple[int, ...]:
    if "-" in text:
        first, last = (int(x) for x in text.split("-"))
        return tuple(range(first, last + 1))
    return tuple(int(x) for x in text.split(","))


def population(scale: float, years: tuple[int, ...]) -> Path:
    """The synthetic population files, generated unless the same ones are there."""
    from luohu.analytics.population import generate_population, snapshot_path, tune_allocator

    out = ROOT / "var" / "bench" / f"population-{scale}"
    summary = out / "summary.json"
    if summary.is_file():
        data = json.loads(summary.read_text())
        have = {y["year"] for y in data["years"]}
        if data["scale"] == scale and set(years) <= have:
            if all(snapshot_path(out, y).is_file() for y in years):
                print(f"population: reusing {out}")
                return out
    tune_allocator()
    started = time.perf_counter()
    generate_population(scale, out, 2018, years=years, progress=False)
    print(f"population: scale {scale}, years {years}: {time.perf_counter() - started:.1f} s")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", type=years_arg, default=(2015, 2020))
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--open-cases", type=int, default=20_000)
    parser.add_argument("--no-whatif", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        return run(args)


def seed_cases(n: int) -> None:
    """Open applications spread over the counties (bulk insert; reading is measured)."""
    import random

    from django.utils import timezone

    from luohu.casework.models import SettlementApplication
    from luohu.casework.tests.factories import FAMILY_FACTS
    from luohu.casework.workflow import OPEN_STATUSES

    rng = random.Random(2018)
    now = timezone.now()
    statuses = sorted(OPEN_STATUSES)
    batch = []
    for i in range(n):
        county = rng.choice(COUNTIES)
        batch.append(
            SettlementApplication(
                number=f"{county}{i:014d}",
                request_type="settle",
                status=rng.choice(statuses),
                version=1,
                county_code=county,
                destination_division_code=f"{county}001",
                citizen_id=f"{county}19900101{i % 1000:03d}X",
                applicant_name="赵申请",
                birth_date=dt.date(1990, 1, 1),
                facts=FAMILY_FACTS,  # type: ignore[misc]
                consent_given_at=now,
                priority_flags=[],
                is_priority=False,
                preview_decision="eligible",
                submission_key=f"bench-{i:010d}",
                submitted_at=now,
            )
        )
        if len(batch) == 5000:
            SettlementApplication.objects.bulk_create(batch)
            batch.clear()
    SettlementApplication.objects.bulk_create(batch)


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from luohu.accounts.tests.factories import persona
    from luohu.monitoring.services import (
        county_targets_set,
        figures_approve,
        figures_submit,
        indicators_refresh,
    )
    from luohu.monitoring.whatif import whatif_run

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    source = population(args.scale, args.years)
    for year in args.years:
        started = time.perf_counter()
        rows = indicators_refresh(acting_user=None, year=year, source=str(source))
        print(f"indicators {year}: {rows} rows in {time.perf_counter() - started:.2f} s")
    ndrc = persona("ndrc_chen")
    official = persona("county_liu_huaxian")
    county_targets_set(
        acting_user=ndrc,
        target_year=2020,
        targets={
            c: {"hukou_urbanization_rate": "40", "yearly_hukou_transfers": 10_000} for c in COUNTIES
        },
    )
    last = max(args.years)
    figures_submit(acting_user=official, county_code="410526", year=last)
    figures_approve(acting_user=ndrc, county_code="410526", year=last)
    seed_cases(args.open_cases)
    print(f"{connection.vendor}: {args.open_cases:,} open cases in the pipeline")

    city, county = Client(), Client()
    city.force_login(ndrc)
    county.force_login(official)
    pages = [
        (city, "/monitoring/"),
        (city, "/monitoring/?county=410581"),
        (city, "/monitoring/counties/"),
        (city, "/monitoring/casework/"),
        (county, "/monitoring/"),
    ]
    for client, url in pages:  # warm up
        assert client.get(url).status_code == 200, url
    timings: dict[str, list[float]] = {url: [] for _, url in pages}
    for i in range(args.requests):
        client, url = pages[i % len(pages)]
        t0 = time.perf_counter()
        response = client.get(url)
        timings[url].append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    every = sorted(t for values in timings.values() for t in values)
    for url, values in timings.items():
        values.sort()
        print(
            f"  {url:32} p50 {statistics.median(values):6.1f} ms  p95 {values[int(0.95 * len(values)) - 1]:6.1f} ms"
        )
    p50 = statistics.median(every)
    p95 = every[int(0.95 * len(every)) - 1]
    print(
        f"dashboard pages, scale {args.scale}, years {args.years}, {args.requests} requests: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {every[-1]:.1f} ms"
    )
    print(f"goal p95 <= {GOAL_P95_MS:.0f} ms: {'met' if p95 <= GOAL_P95_MS else 'NOT met'}")
    if not args.no_whatif:
        with override_settings(MONITORING_POPULATION_DIR=str(source)):
            started = time.perf_counter()
            result = whatif_run(
                user=ndrc,
                county_code="410502",
                parameter="settlement/city_worker/urban_insurance_months_required",
                value=6,
            )
            print(
                f"what-if 文峰区 12 -> 6 months over {result['residents']:,} residents: "
                f"{time.perf_counter() - started:.2f} s, newly eligible {result['newly_eligible']:,}, "
                f"projected transfers {result['projected_transfers']:,} (information, no goal)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
