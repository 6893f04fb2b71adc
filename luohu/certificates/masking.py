"""Masks applied before anything reaches a certificate record."""

from __future__ import annotations


def mask_holder_name(name: str) -> str:
    """Keep the first character (the family name, usually): 赵申请 → 赵**, 赵 → 赵*.

    At least one star, so a one-character name is never shown whole.
    """
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
