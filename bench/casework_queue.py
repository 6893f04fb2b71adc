"""Benchmark: the clerk's queue page with 100,000 applications in the database.

    .venv/bin/python bench/casework_queue.py                     # SQLite under a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luohu_bench .venv/bin/python bench/casework_queue.py

Builds a fresh database, loads the reference divisions, inserts N
applications spread over the ten counties and the seven statuses (bulk
insert: the benchmark measures reading, not submitting), then requests the
queue page as a 滑县 clerk through Django's full request cycle: every status
tab, a search by number, and deep pages. Prints p50, p95 and max, and the
goal (p95 <= 200 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time

GOAL_P95_MS = 200.0
COUNTIES = [
    "410502",
    "410503",
    "410505",
    "410506",
    "410522",
    "410523",
    "410526",
    "410527",
    "410571",
    "410581",
]


def setup_django(var_dir: str) -> None:
    os.environ.setdefault("LUOHU_VAR_DIR", var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "luohu.config.django.test"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        return run(args.applications, args.requests)


def run(n_applications: int, n_requests: int) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from luohu.accounts.tests.factories import persona
    from luohu.casework.models import SettlementApplication
    from luohu.casework.tests.factories import FAMILY_FACTS
    from luohu.casework.workflow import Status

    if connection.vendor == "postgresql":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    clerk = persona("clerk_li_huaxian")
    rng = random.Random(2018)
    now = timezone.now()
    started = time.perf_counter()
    statuses = list(Status)
    batch = []
    for i in range(n_applications):
        county = rng.choice(COUNTIES)
        submitted = now - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        status = rng.choice(statuses)
        batch.append(
            SettlementApplication(
                number=f"{county}{i:014d}",
                request_type="settle",
                status=status,
                version=1,
                county_code=county,
                destination_division_code=f"{county}001",
                citizen_id=f"{county}19900101{i % 1000:03d}X",
                applicant_name="赵申请",
                birth_date=dt.date(1990, 1, 1),
                facts=FAMILY_FACTS,
                consent_given_at=submitted,
                priority_flags=[],
                is_priority=rng.random() < 0.3,
                preview_decision="eligible",
                due_date=(submitted + dt.timedelta(days=28)).date()
                if status != Status.SUBMITTED
                else None,
                submission_key=f"bench-{i:010d}",
                submitted_at=submitted,
            )
        )
        if len(batch) == 5000:
            SettlementApplication.objects.bulk_create(batch)
            batch.clear()
    SettlementApplication.objects.bulk_create(batch)
    print(
        f"{connection.vendor}: inserted {n_applications:,} applications "
        f"in {time.perf_counter() - started:.1f} s"
    )

    client = Client()
    client.force_login(clerk)
    own = SettlementApplication.objects.filter(county_code="410526")
    some_number = own.values_list("number", flat=True).first()
    urls = [f"/cases/?status={s.value}" for s in Status]
    urls += [f"/cases/?status=submitted&q={some_number}", "/cases/?status=accepted&page=20"]
    for url in urls:  # warm up caches and the query planner
        assert client.get(url).status_code == 200, url
    timings = []
    for i in range(n_requests):
        url = urls[i % len(urls)]
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(0.95 * len(timings)) - 1]
    print(
        f"queue page, {own.count():,} of {n_applications:,} applications in the clerk's county, "
        f"{n_requests} requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
    )
    met = p95 <= GOAL_P95_MS
    print(f"goal p95 <= {GOAL_P95_MS:.0f} ms: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
