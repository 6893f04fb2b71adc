"""Property tests of the citizen-id parser: any input, only the documented error.

The documented error is ``FieldError``; each of its problems names the field
it was asked to check and carries a Chinese and an English message.
"""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from luohu.common.citizen_id import (
    CITIZEN_ID_INVALID_CHECKSUM,
    check_citizen_id_agrees,
    make_citizen_id,
    parse_citizen_id,
)
from luohu.common.errors import FieldError

TODAY = dt.date(2026, 11, 29)
_HAN = re.compile(r"[\u4e00-\u9fff]")

field_names = st.from_regex(r"\A[a-z_]{1,20}(\[[0-9]{1,2}\]\.[a-z_]{1,12})?\Z")
# Digits, X, spaces, full-width and other look-alikes, and anything else.
id_alphabet = st.sampled_from(list("0123456789Xx -\u3000０１２３４５６７８９Ｘ¹²³٣") + ["\x00"])
id_like = st.text(alphabet=id_alphabet, min_size=0, max_size=24)
valid_ids = st.builds(
    make_citizen_id,
    st.sampled_from(["410522", "410523", "410526", "410527", "410581", "110101"]),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


def assert_documented(exc: FieldError, field: str) -> None:
    """Every problem names ``field`` and explains itself in Chinese and English."""
    assert exc.problems
    for problem in exc.problems:
        assert problem.field == field
        assert problem.code
        assert _HAN.search(problem.message_zh), problem
        assert re.search(r"[A-Za-z]", problem.message_en), problem


@given(st.one_of(st.text(), id_like), field_names, st.dates())
def test_any_text_returns_parts_or_a_bilingual_error_on_the_named_field(
    value: str, field: str, today: dt.date
) -> None:
    """Whatever the text, the field name and today, nothing but FieldError escapes."""
    try:
        citizen = parse_citizen_id(value, field=field, today=today)
    except FieldError as exc:
        assert_documented(exc, field)
    else:
        assert re.fullmatch(r"[0-9]{17}[0-9X]", citizen.number)
        assert citizen.birth_date <= today


@given(valid_ids, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_changed_character_is_refused(number: str, position: int, char: str) -> None:
    """MOD 11-2 catches every single substitution; the error names the check digit."""
    changed = number[:position] + char + number[position + 1 :]
    if changed == number:
        return
    try:
        parse_citizen_id(changed, field="member.citizen_id", today=TODAY)
    except FieldError as exc:
        assert_documented(exc, "member.citizen_id")
        if position < 17 and char != "X":
            assert exc.codes == [CITIZEN_ID_INVALID_CHECKSUM[0]] or exc.codes[0] in {
                "citizen_id_birth_date",
                "citizen_id_division",
            }
    else:
        raise AssertionError(f"{changed} accepted after changing {number}")


@given(valid_ids, st.one_of(st.none(), st.dates()), st.sampled_from([None, "male", "female"]))
def test_agreement_check_names_the_prefixed_fields(
    number: str, birth: dt.date | None, sex: str | None
) -> None:
    """A contradiction is reported on <prefix>birth_date or <prefix>sex, bilingually."""
    citizen = parse_citizen_id(number, today=TODAY)
    try:
        check_citizen_id_agrees(citizen, birth_date=birth, sex=sex, field_prefix="m[1].")  # type: ignore[arg-type]
    except FieldError as exc:
        fields = {p.field for p in exc.problems}
        assert fields <= {"m[1].birth_date", "m[1].sex"}
        for problem in exc.problems:
            assert _HAN.search(problem.message_zh) and problem.message_en
        assert ("m[1].birth_date" in fields) == (birth is not None and birth != citizen.birth_date)
        assert ("m[1].sex" in fields) == (sex is not None and sex != citizen.sex)
    else:
        assert birth in (None, citizen.birth_date)
        assert sex in (None, citizen.sex)


@settings(max_examples=50)
@given(valid_ids)
def test_a_valid_id_round_trips_with_surrounding_space_and_a_small_x(number: str) -> None:
    spaced = f"  {number.lower()}\t"
    citizen = parse_citizen_id(spaced, today=TODAY)
    assert citizen.number == number
