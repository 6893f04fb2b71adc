"""The permits extract for the coverage indicator (luohu.analytics.coverage).

ORM to Arrow only: the definition of coverage lives in the analytics SQL.
"""

from __future__ import annotations

import pyarrow as pa

from luohu.analytics.coverage import PERIODS_SCHEMA, SPANS_SCHEMA, PermitsExtract
from luohu.permits.models import PermitPeriod, PermitStatusChange


def permits_extract() -> PermitsExtract:
    """Every permit's years of validity and the spans of its statuses (effective days)."""
    periods = list(
        PermitPeriod.objects.order_by("permit_id", "sequence").values_list(
            "permit_id", "permit__holder_id", "valid_from", "valid_to"
        )
    )
    changes = list(
        PermitStatusChange.objects.order_by("permit_id", "version").values_list(
            "permit_id", "to_status", "effective_on"
        )
    )
    spans: list[tuple[int, str, object, object]] = []
    for index, (permit_id, status, start) in enumerate(changes):
        following = changes[index + 1] if index + 1 < len(changes) else None
        end = following[2] if following is not None and following[0] == permit_id else None
        spans.append((permit_id, status, start, end))
    return PermitsExtract(
        periods=pa.table(
            {
                "permit_id": [p[0] for p in periods],
                "person_id": [p[1] for p in periods],
                "valid_from": [p[2] for p in periods],
                "valid_to": [p[3] for p in periods],
            },
            schema=PERIODS_SCHEMA,
        ),
        spans=pa.table(
            {
                "permit_id": [s[0] for s in spans],
                "status": [s[1] for s in spans],
                "span_from": [s[2] for s in spans],
                "span_to": [s[3] for s in spans],
            },
            schema=SPANS_SCHEMA,
        ),
    )
