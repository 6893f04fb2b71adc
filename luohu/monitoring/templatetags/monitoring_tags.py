"""Small template helpers for the dashboards: flag badges and the mix tables."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("monitoring/_flag.html")
def flag_badge(flag: str | None, labels: dict[str, str]) -> dict[str, Any]:
    flag = flag or "unknown"
    return {"flag": flag, "label": labels.get(flag, flag)}


@register.inclusion_tag("monitoring/_mix_table.html")
def mix_table(rows: list[dict[str, Any]], counties: dict[str, str], name: str) -> dict[str, Any]:
    """One row per channel or group, one column per county, then the total."""
    return {
        "name": name,
        "counties": counties,
        "rows": [
            {
                "key": row["key"],
                "label": row["label"],
                "cells": [row["by_county"].get(code, 0) for code in counties],
                "total": row["total"],
            }
            for row in rows
        ],
    }
