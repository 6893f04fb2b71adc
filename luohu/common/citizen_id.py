"""公民身份号码 Citizen identity number (GB 11643-1999).

Pure Python, built on python-stdnum's ``cn.ric`` for the ISO 7064 MOD 11-2
check digit and the birth date, and on its GB/T 2260 table (``cn/loc``) for
the issuing division: the first six digits must be a code in force at some
time from the birth year on.

Reading: the address code is the county of the registered residence
(常住户口所在地) when the number was assigned, and older numbers keep the
code that applied then; that is any time after birth, not the birth year. stdnum's own ``get_birth_place`` demands a code in force in
the birth year and so refuses, for example, everyone born in 林州 before
1994 whose number carries 林州市 410581; it is not used.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from luohu.common.errors import FieldError, FieldProblem, field_error

Sex = Literal["male", "female"]

# ASCII only: str.isdigit() also accepts full-width and superscript digits,
# which int() then rejects or silently converts.
_CITIZEN_ID_FORMAT = re.compile(r"[0-9]{17}[0-9X]")

CITIZEN_ID_INVALID_LENGTH = ("citizen_id_length", "身份号码应为18位", "must be 18 characters long")
CITIZEN_ID_INVALID_FORMAT = (
    "citizen_id_format",
    "前17位须为数字，末位为数字或X",
    "the first 17 characters must be digits and the last a digit or X",
)
CITIZEN_ID_INVALID_CHECKSUM = (
    "citizen_id_checksum",
    "校验码错误",
    "the check digit does not match (GB 11643 MOD 11-2)",
)
CITIZEN_ID_INVALID_BIRTH_DATE = (
    "citizen_id_birth_date",
    "出生日期不存在或在未来",
    "the birth date it encodes does not exist or lies in the future",
)
CITIZEN_ID_UNKNOWN_DIVISION = (
    "citizen_id_division",
    "前6位不是出生以来使用过的行政区划代码",
    "the first six digits are not a division code in force at any time since the birth year",
)
CITIZEN_ID_BIRTH_DATE_MISMATCH = (
    "citizen_id_birth_date_mismatch",
    "出生日期与身份号码不一致",
    "the birth date given does not match the one in the citizen id",
)
CITIZEN_ID_SEX_MISMATCH = (
    "citizen_id_sex_mismatch",
    "性别与身份号码不一致",
    "the sex given does not match the one in the citizen id",
)


@dataclass(frozen=True)
class CitizenId:
    number: str
    birth_date: dt.date
    sex: Sex
    issuing_division_code: str

    @property
    def masked(self) -> str:
        return mask_citizen_id(self.number)


def _china_today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _division_in_force_since(code: str, year: int) -> bool:
    """Whether GB/T 2260 had ``code`` in force in ``year`` or any later year."""
    parts = numdb.get("cn/loc").info(code)
    # The table answers per prefix: province "41", then county "0526". A
    # known province with an unknown county has no "county" entry.
    county = {k: v for _prefix, props in parts for k, v in props.items()}.get("county")
    if not county:
        return False
    for entry in county.split(","):
        if not entry.startswith("["):
            return True
        period = entry[1:].split("]", 1)[0]
        _start, end = period.split("-")
        if not end or int(end) >= year:
            return True
    return False


def parse_citizen_id(
    value: str,
    *,
    field: str = "citizen_id",
    today: dt.date | None = None,
) -> CitizenId:
    """Validate ``value`` and return its parts, or raise FieldError naming ``field``."""
    number = ric.compact(value or "").upper()
    try:
        if len(number) != 18:
            raise InvalidLength()
        if not _CITIZEN_ID_FORMAT.fullmatch(number):
            raise InvalidFormat()
        if number[-1] != ric.calc_check_digit(number):
            raise InvalidChecksum()
        try:
            birth_date = ric.get_birth_date(number)
        except ValidationError as exc:
            raise field_error(field, CITIZEN_ID_INVALID_BIRTH_DATE) from exc
        if birth_date > (today or _china_today()):
            raise field_error(field, CITIZEN_ID_INVALID_BIRTH_DATE)
        if not _division_in_force_since(number[:6], birth_date.year):
            raise InvalidComponent()
    except InvalidLength as exc:
        raise field_error(field, CITIZEN_ID_INVALID_LENGTH) from exc
    except InvalidFormat as exc:
        raise field_error(field, CITIZEN_ID_INVALID_FORMAT) from exc
    except InvalidChecksum as exc:
        raise field_error(field, CITIZEN_ID_INVALID_CHECKSUM) from exc
    except InvalidComponent as exc:
        raise field_error(field, CITIZEN_ID_UNKNOWN_DIVISION) from exc
    sex: Sex = "male" if int(number[16]) % 2 == 1 else "female"
    return CitizenId(
        number=number, birth_date=birth_date, sex=sex, issuing_division_code=number[:6]
    )


def check_citizen_id_agrees(
    citizen_id: CitizenId,
    *,
    birth_date: dt.date | None,
    sex: Sex | None,
    field_prefix: str = "",
) -> None:
    """Raise FieldError when a stated birth date or sex contradicts the id."""
    problems: list[FieldProblem] = []
    if birth_date is not None and birth_date != citizen_id.birth_date:
        code, zh, en = CITIZEN_ID_BIRTH_DATE_MISMATCH
        problems.append(FieldProblem(f"{field_prefix}birth_date", code, zh, en))
    if sex is not None and sex != citizen_id.sex:
        code, zh, en = CITIZEN_ID_SEX_MISMATCH
        problems.append(FieldProblem(f"{field_prefix}sex", code, zh, en))
    if problems:
        raise FieldError(problems)


def mask_citizen_id(number: str) -> str:
    """Show the issuing division and the last four characters: 410526********1234."""
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:6]}{'*' * 8}{number[-4:]}"


def make_citizen_id(division_code: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid id, for synthetic data and tests; ``sequence`` odd = male."""
    body = f"{division_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")
