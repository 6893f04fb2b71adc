"""Masks applied before anything reaches a certificate record."""

from __future__ import annotations

from luohu.common.masking import mask_name


def mask_holder_name(name: str) -> str:
    """Keep the first character (the family name, usually): 赵申请 → 赵**, 赵 → 赵*.

    At least one star, so a one-character name is never shown whole; the
    rule is ``luohu.common.masking``'s, shared with every other screen.
    """
    return mask_name(name)
