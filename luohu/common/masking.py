"""脱敏 How personal data is shown when it is not needed in full.

One rule for every screen, export, API answer, certificate and audit
snapshot: a citizen id keeps its issuing division and last four characters
(410526********1234); a name keeps its first character, usually the family
name, and hides the rest with at least one star (张三丰 → 张**, 王 → 王*).
"""

from __future__ import annotations

from luohu.common.citizen_id import mask_citizen_id

__all__ = ["mask_citizen_id", "mask_name"]


def mask_name(name: str) -> str:
    """Keep the first character; at least one star, so no name is ever shown whole."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
