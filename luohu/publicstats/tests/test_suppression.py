"""Small-count suppression: primary, complementary, derived; nothing recoverable by subtraction."""

from __future__ import annotations

import random
from decimal import Decimal

from luohu.publicstats.suppression import (
    PublicRow,
    min_published_count,
    recoverable,
    suppress,
)

CITY = "410500"
K = 10


def table(year: int, counties: dict[str, dict[str, int | None]]) -> list[PublicRow]:
    rows = [PublicRow(year, code, dict(values)) for code, values in sorted(counties.items())]
    columns = {c for v in counties.values() for c in v}
    total: dict[str, int | Decimal | None] = {}
    for column in columns:
        values = [v[column] for v in counties.values()]
        total[column] = None if None in values else sum(int(x or 0) for x in values)
    for row in [*rows, PublicRow(year, CITY, total)]:
        r, u = row.values.get("residents"), row.values.get("urban_residents")
        if isinstance(r, int) and isinstance(u, int) and r:
            row.values["resident_urbanization_rate"] = Decimal(100 * u) / r
            row.values["gap_points"] = Decimal(0)
    rows.append(PublicRow(year, CITY, total))
    return rows


def counts(residents: int, urban: int, transfers: int | None) -> dict[str, int | None]:
    return {"residents": residents, "urban_residents": urban, "hukou_transfers": transfers}


def test_the_threshold_is_the_documented_parameter() -> None:
    assert min_published_count() == K


def test_one_small_transfer_count_takes_a_second_cell_with_it() -> None:
    rows = table(
        2020,
        {
            "410502": counts(5000, 4000, 120),
            "410503": counts(6000, 5000, 40),
            "410571": counts(3000, 3000, 3),  # small: primary
            "410526": counts(9000, 3000, 70),
        },
    )
    suppress(rows, city_code=CITY, threshold=K)
    hidden = {r.division_code for r in rows if "hukou_transfers" in r.suppressed}
    # The smallest other non-zero county goes too, so the city total minus
    # the published counties gives only the sum 3 + 40.
    assert hidden == {"410571", "410503"}
    assert recoverable(rows, CITY) == []
    city = rows[-1]
    assert city.shown("hukou_transfers") == 233
    published = sum(int(r.shown("hukou_transfers") or 0) for r in rows[:-1])
    assert int(city.shown("hukou_transfers") or 0) - published == 43  # the pair, not either


def test_zero_is_published_and_unknown_stays_unknown() -> None:
    rows = table(
        2020,
        {
            "410502": counts(5000, 4000, 0),
            "410503": counts(6000, 5000, None),
        },
    )
    suppress(rows, city_code=CITY, threshold=K)
    assert all(not r.suppressed for r in rows)
    assert rows[0].shown("hukou_transfers") == 0
    assert rows[1].shown("hukou_transfers") is None


def test_a_small_rural_remainder_hides_the_urban_count_and_the_rates() -> None:
    rows = table(
        2020,
        {
            "410502": counts(5000, 4996, 100),  # 4 rural residents: derivable from the two
            "410503": counts(6000, 5000, 100),
            "410526": counts(9000, 3000, 100),
        },
    )
    suppress(rows, city_code=CITY, threshold=K)
    first = rows[0]
    assert "urban_residents" in first.suppressed
    assert first.shown("resident_urbanization_rate") is None
    assert first.shown("gap_points") is None
    assert first.shown("residents") == 5000
    # and a complementary urban cell elsewhere, so the city's urban total cannot give it
    assert sum("urban_residents" in r.suppressed for r in rows) == 2
    assert recoverable(rows, CITY) == []


def test_random_tables_never_leave_a_recoverable_cell() -> None:
    rng = random.Random(20180312)
    for _ in range(300):
        counties = {}
        for code in ("410502", "410503", "410505", "410506", "410571", "410581"):
            residents = rng.choice([0, 3, 9, 10, 50, 2000])
            urban = rng.randint(0, residents)
            counties[code] = counts(residents, urban, rng.choice([0, 1, 5, 9, 10, 11, 300]))
        rows = table(2020, counties)
        suppress(rows, city_code=CITY, threshold=K)
        assert recoverable(rows, CITY) == [], counties
        for row in rows:
            for column in ("residents", "urban_residents", "hukou_transfers"):
                value = row.values[column]
                if isinstance(value, int) and 0 < value < K:
                    assert column in row.suppressed
