"""The hash chain: canonical content of an entry and its SHA-256.

Pure Python so the verifier can be reimplemented outside the platform from
this description alone: the hash of an entry is SHA-256 over the UTF-8 of the
JSON object below, keys sorted, no whitespace, non-ASCII kept as is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from luohu.common.citizen_id import mask_citizen_id

GENESIS_HASH = "0" * 64

# Anything shaped like a citizen id is masked before it reaches the trail,
# whether or not the caller remembered to (GB/T 35273 minimisation).
_CITIZEN_ID_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")

AUDIT_VALUE_UNSUPPORTED = (
    "审计记录中的值类型不受支持：{path} 为 {kind}。 "
    "Audit values must be JSON text, integers, booleans, null, lists or objects "
    "with text keys: {path} is a {kind}."
)
AUDIT_TIME_NAIVE = "审计时间必须带时区。 An audit time must be timezone-aware."

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def audit_value(value: Any, path: str = "$") -> JsonValue:
    """Return ``value`` as plain JSON with citizen ids masked, or raise TypeError.

    Decimals and dates become strings. Floats are refused: money is Decimal
    and a float may not survive a round trip through PostgreSQL's jsonb
    bit for bit, which would break the hash.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        if _CITIZEN_ID_SHAPE.fullmatch(value):
            return mask_citizen_id(value.upper())
        if "\x00" in value:
            raise TypeError(AUDIT_VALUE_UNSUPPORTED.format(path=path, kind="text with NUL"))
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise TypeError(AUDIT_TIME_NAIVE)
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [audit_value(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        result: dict[str, JsonValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(
                    AUDIT_VALUE_UNSUPPORTED.format(path=f"{path}.{key!r}", kind="non-text key")
                )
            result[key] = audit_value(item, f"{path}.{key}")
        return result
    raise TypeError(AUDIT_VALUE_UNSUPPORTED.format(path=path, kind=type(value).__name__))


def canonical_time(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise TypeError(AUDIT_TIME_NAIVE)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_bytes(content: Mapping[str, Any]) -> bytes:
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def entry_digest(content: Mapping[str, Any]) -> str:
    """Return the hex SHA-256 of an entry's canonical content (prev_hash included)."""
    return hashlib.sha256(canonical_bytes(content)).hexdigest()
