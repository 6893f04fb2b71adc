"""公民身份号码（批量） Citizen ids for millions of synthetic people at once.

``luohu.common.citizen_id.make_citizen_id`` builds one id in Python; this
module builds the same ids as columns (GB 11643-1999: 6-digit address code,
8-digit birth date, 3-digit sequence, ISO 7064 MOD 11-2 check character).
Tests assert equality with ``make_citizen_id`` and python-stdnum on samples.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import polars as pl

# W_i = 2^(17 - i) mod 11 for positions i = 0..16 from the left.
WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
CHECK_CHARACTERS = "10X98765432"


@cache
def code_last_year(code: str) -> int | None:
    """Last year in which GB/T 2260 (python-stdnum's table) had ``code`` in force.

    ``None`` means still in force; ``-1`` means never listed (the NBS-only
    410571, for example). The project reads an address code as valid for
    anyone born in or before that year (luohu.common.citizen_id: the code of
    the registration place when the number was issued, any time after
    birth).
    """
    from stdnum import numdb

    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    county = info.get("county")
    if not county:
        return -1
    last = -1
    for entry in county.split(","):
        if not entry.startswith("["):
            return None
        end = entry[1:].split("]", 1)[0].split("-")[1]
        if not end:
            return None
        last = max(last, int(end))
    return last


def _digits(codes: np.ndarray, births: np.ndarray, sequences: np.ndarray) -> list[np.ndarray]:
    """The 17 body digits of each id, one uint8 array per position."""
    columns: list[np.ndarray] = []
    for value, width in ((codes, 6), (births, 8), (sequences, 3)):
        # uint32 and a multiply-subtract: several times faster than int64 %.
        rest = value.astype(np.uint32)
        part = []
        for _ in range(width):
            quotient = rest // 10
            part.append((rest - quotient * 10).astype(np.uint8))
            rest = quotient
        columns.extend(reversed(part))
    return columns


def _check_from_digits(digits: list[np.ndarray]) -> np.ndarray:
    total = np.zeros(digits[0].shape, dtype=np.uint16)
    for digit, weight in zip(digits, WEIGHTS, strict=True):
        total += digit * np.uint16(weight)
    return (total % 11).astype(np.int8)


def check_characters(codes: np.ndarray, births: np.ndarray, sequences: np.ndarray) -> np.ndarray:
    """Check character index (0-10, into CHECK_CHARACTERS) for each id body.

    ``codes`` are 6-digit integers, ``births`` YYYYMMDD integers and
    ``sequences`` 0-999.
    """
    return _check_from_digits(_digits(codes, births, sequences))


def citizen_id_column(codes: np.ndarray, births: np.ndarray, sequences: np.ndarray) -> pl.Series:
    """18-character ids as a String series named ``citizen_id``."""
    digits = _digits(codes, births, sequences)
    check = np.frombuffer(CHECK_CHARACTERS.encode(), dtype=np.uint8)[_check_from_digits(digits)]
    text = np.stack([d + ord("0") for d in digits] + [check], axis=1)
    return pl.Series("citizen_id", text.view("S18").ravel()).cast(pl.String)


def sequences_unique(
    codes: np.ndarray, births: np.ndarray, male: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Sequence codes unique within each (address code, birth date).

    Within a key, people of each sex are numbered in random order; men get
    odd numbers (001-999), women even ones (002-998), as GB 11643 requires.
    ``births`` are datetime64[D].
    """
    n = codes.size
    if n == 0:
        return np.zeros(0, dtype=np.int16)
    table = np.unique(codes[:: max(1, n // 100_000)])
    code_index = np.searchsorted(table, codes)
    missing = (code_index >= table.size) | (table[np.minimum(code_index, table.size - 1)] != codes)
    if missing.any():
        table = np.unique(codes)
        code_index = np.searchsorted(table, codes)
    days = births.astype("datetime64[D]").astype(np.int64)
    days -= days.min()
    if days.max() >= 2**20 or code_index.max() >= 2**16:
        raise OverflowError("birth dates or address codes out of range")
    # One int64 sort key: address code, birth day, sex, then 24 random bits.
    group = (code_index.astype(np.int64) << 21) | (days << 1) | male.astype(np.int64)
    key = (group << 24) | rng.integers(0, 2**24, n, dtype=np.int64)
    order = pl.Series(key).arg_sort().to_numpy()
    g = group[order]
    start = np.ones(n, dtype=bool)
    start[1:] = g[1:] != g[:-1]
    group_start = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    rank = np.arange(n) - group_start
    if rank.max() >= 499:
        raise OverflowError("more than 499 people of one sex share an address code and birth date")
    sequence = np.empty(n, dtype=np.int16)
    sequence[order] = (2 * rank + np.where(male[order], 1, 2)).astype(np.int16)
    return sequence
