"""提取 Extract: registry rows to Arrow for the indicators (STYLE.md §9).

ORM reads in, Arrow out, no aggregation and no writes. The transforms in
``luohu.analytics.indicators`` never query the database.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from luohu.registry.households import SETTLEMENT_REASONS
from luohu.registry.models import HukouRecord
from luohu.registry.selectors import division_county_on

TRANSFERS_SCHEMA = pa.schema(
    [
        pa.field("county_code", pa.string(), nullable=False),
        pa.field("valid_from", pa.date32(), nullable=False),
        pa.field("reason_in", pa.string(), nullable=False),
    ]
)


def registry_transfers_table(year: int) -> pa.Table:
    """Settlement-type hukou records starting in ``year``, one Arrow row each.

    ``county_code`` is the county that held the destination place on the
    record's start date (a township moved later counts where it was then).
    """
    rows = (
        HukouRecord.objects.filter(
            reason_in__in=sorted(SETTLEMENT_REASONS),
            valid_from__gte=dt.date(year, 1, 1),
            valid_from__lte=dt.date(year, 12, 31),
        )
        .order_by("pk")
        .values_list("division_code", "valid_from", "reason_in")
    )
    counties: dict[tuple[str, dt.date], str] = {}
    county_codes, starts, reasons = [], [], []
    for code, valid_from, reason_in in rows:
        key = (code, valid_from)
        if key not in counties:
            counties[key] = str(division_county_on(code, valid_from).code)
        county_codes.append(counties[key])
        starts.append(valid_from)
        reasons.append(str(reason_in))
    return pa.table(
        {"county_code": county_codes, "valid_from": starts, "reason_in": reasons},
        schema=TRANSFERS_SCHEMA,
    )
