from __future__ import annotations

from typing import Any

from django import template

from luohu.publicstats.bulletin import text

register = template.Library()


@register.filter
def public_figure(row: Any, column: str) -> str:
    """A published figure of a row: "—" when suppressed, "…" when unknown (bulletin.text)."""
    return text(row, column)
