"""Keep personal data out of audit snapshots (GB/T 35273 minimisation).

The trail is kept for years and read by auditors who have no need to know a
person's id or name to see that a record changed; the object id says whose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from luohu.common.masking import mask_citizen_id, mask_name

__all__ = ["CITIZEN_ID_FIELDS", "NAME_FIELDS", "mask_for_audit", "mask_name"]

CITIZEN_ID_FIELDS = ("citizen_id", "holder_citizen_id")
NAME_FIELDS = ("name", "full_name", "applicant_name", "holder_name", "member_names")


def mask_for_audit(
    values: Mapping[str, Any],
    *,
    citizen_id_fields: Iterable[str] = CITIZEN_ID_FIELDS,
    name_fields: Iterable[str] = NAME_FIELDS,
) -> dict[str, Any]:
    """Return ``values`` with citizen ids and names masked, at any depth."""
    id_keys = frozenset(citizen_id_fields)
    name_keys = frozenset(name_fields)

    def walk(value: Any, key: str | None) -> Any:
        if isinstance(value, Mapping):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(item, key) for item in value]
        if isinstance(value, str) and key in id_keys:
            return mask_citizen_id(value)
        if isinstance(value, str) and key in name_keys:
            return mask_name(value)
        return value

    return walk(values, None)
