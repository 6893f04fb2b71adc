from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from luohu.common.citizen_id import (
    CITIZEN_ID_BIRTH_DATE_MISMATCH,
    CITIZEN_ID_INVALID_BIRTH_DATE,
    CITIZEN_ID_INVALID_CHECKSUM,
    CITIZEN_ID_INVALID_FORMAT,
    CITIZEN_ID_INVALID_LENGTH,
    CITIZEN_ID_SEX_MISMATCH,
    CITIZEN_ID_UNKNOWN_DIVISION,
    CitizenId,
    check_citizen_id_agrees,
    make_citizen_id,
    mask_citizen_id,
    parse_citizen_id,
)
from luohu.common.errors import FieldError, FieldProblem

TODAY = dt.date(2026, 11, 29)
WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def with_check_digit(body: str) -> str:
    """Append the GB 11643 MOD 11-2 check digit, computed here independently of stdnum."""
    assert len(body) == 17 and body.isdigit()
    remainder = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11
    return body + "10X98765432"[remainder]


def problems(excinfo: pytest.ExceptionInfo[FieldError]) -> list[FieldProblem]:
    return excinfo.value.problems


def problem(field: str, spec: tuple[str, str, str]) -> FieldProblem:
    code, zh, en = spec
    return FieldProblem(field, code, zh, en)


class TestCheckDigitOracle:
    def test_oracle_agrees_with_published_example(self) -> None:
        """The test's own MOD 11-2 gives the check digit of stdnum's documented example."""
        assert with_check_digit("36042619910101007") == "360426199101010071"

    def test_published_vectors(self) -> None:
        """The test vectors restated in policy_context.md §9 parse, or fail on the check digit."""
        for number in [
            "11010519491231002X",
            "440524188001010014",
            "120223198902021249",
            "130132199210293822",
        ]:
            assert with_check_digit(number[:17]) == number
            assert parse_citizen_id(number, today=TODAY).number == number
        with pytest.raises(FieldError) as excinfo:
            parse_citizen_id("130402198207290622", today=TODAY)
        assert problems(excinfo) == [problem("citizen_id", CITIZEN_ID_INVALID_CHECKSUM)]

    def test_make_citizen_id_agrees_with_oracle(self) -> None:
        for seq in [1, 2, 99, 998]:
            number = make_citizen_id("410526", dt.date(1990, 2, 28), seq)
            assert number == with_check_digit(number[:17])


class TestParseCitizenId:
    def test_valid_male(self) -> None:
        """An odd sequence digit is male; the parts come back."""
        number = with_check_digit("41052619900228001")
        assert parse_citizen_id(number, today=TODAY) == CitizenId(
            number=number,
            birth_date=dt.date(1990, 2, 28),
            sex="male",
            issuing_division_code="410526",
        )

    def test_valid_female(self) -> None:
        number = with_check_digit("41052219851231002")
        citizen = parse_citizen_id(number, today=TODAY)
        assert (citizen.sex, citizen.birth_date) == ("female", dt.date(1985, 12, 31))

    def test_lower_case_x_and_spaces(self) -> None:
        """A trailing x is read as X and surrounding spaces are dropped."""
        body = next(
            f"410526199001{day:02d}001"
            for day in range(1, 29)
            if with_check_digit(f"410526199001{day:02d}001").endswith("X")
        )
        number = with_check_digit(body)
        assert parse_citizen_id(f" {number.lower()} ", today=TODAY).number == number

    def test_wrong_checksum(self) -> None:
        number = with_check_digit("41052619900228001")
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        with pytest.raises(FieldError) as excinfo:
            parse_citizen_id(wrong, today=TODAY)
        assert problems(excinfo) == [problem("citizen_id", CITIZEN_ID_INVALID_CHECKSUM)]
        assert str(excinfo.value) == (
            "citizen_id: 校验码错误 / the check digit does not match (GB 11643 MOD 11-2)"
        )

    def test_impossible_birth_date(self) -> None:
        """19900230 with a correct check digit is refused for its date."""
        with pytest.raises(FieldError) as excinfo:
            parse_citizen_id(with_check_digit("41052619900230001"), today=TODAY)
        assert problems(excinfo) == [problem("citizen_id", CITIZEN_ID_INVALID_BIRTH_DATE)]

    def test_impossible_month_and_leap_day(self) -> None:
        for body in ["41052619901301001", "41052619900001001", "41052619000229001"]:
            with pytest.raises(FieldError) as excinfo:
                parse_citizen_id(with_check_digit(body), today=TODAY)
            assert problems(excinfo) == [problem("citizen_id", CITIZEN_ID_INVALID_BIRTH_DATE)]
        assert parse_citizen_id(
            with_check_digit("41052620000229001"), today=TODAY
        ).birth_date == dt.date(2000, 2, 29)

    def test_birth_date_today_accepted_tomorrow_refused(self) -> None:
        """A birth date equal to today is valid; one day later lies in the future."""
        today = make_citizen_id("410526", TODAY, 1)
        assert parse_citizen_id(today, today=TODAY).birth_date == TODAY
        tomorrow = make_citizen_id("410526", TODAY + dt.timedelta(days=1), 1)
        with pytest.raises(FieldError) as excinfo:
            parse_citizen_id(tomorrow, today=TODAY)
        assert problems(excinfo) == [problem("citizen_id", CITIZEN_ID_INVALID_BIRTH_DATE)]

    def test_unknown_issuing_division(self) -> None:
        """999999 is no division; 410571 (高新区) is an NBS-only code, not GB/T 2260."""
        for body in ["99999919900228001", "41057119900228001", "41999919900228001"]:
            with pytest.raises(FieldError) as excinfo:
                parse_citizen_id(with_check_digit(body), today=TODAY)
            assert problems(excinfo) == [problem("citizen_id", CITIZEN_ID_UNKNOWN_DIVISION)], body

    def test_division_issued_after_birth_is_accepted(self) -> None:
        """林州市 410581 dates from 1994: someone born there in 1990 may carry it.

        The address code is the one in force when the number was issued, not at
        birth; stdnum alone would refuse this number.
        """
        citizen = parse_citizen_id(with_check_digit("41058119900228001"), today=TODAY)
        assert citizen.issuing_division_code == "410581"
        assert parse_citizen_id(with_check_digit("41050519700228001"), today=TODAY)

    def test_division_abolished_before_birth_is_refused(self) -> None:
        """410525 was in force 1983-1986: accepted for a 1986 birth, refused for a 1987 one."""
        assert parse_citizen_id(with_check_digit("41052519860228001"), today=TODAY)
        with pytest.raises(FieldError) as excinfo:
            parse_citizen_id(with_check_digit("41052519870228001"), today=TODAY)
        assert problems(excinfo) == [problem("citizen_id", CITIZEN_ID_UNKNOWN_DIVISION)]
        assert str(excinfo.value) == (
            "citizen_id: 前6位不是出生以来使用过的行政区划代码 / the first six digits are "
            "not a division code in force at any time since the birth year"
        )

    def test_length_and_format(self) -> None:
        cases = [
            ("", CITIZEN_ID_INVALID_LENGTH),
            ("41052619900228001", CITIZEN_ID_INVALID_LENGTH),
            ("4105261990022800123", CITIZEN_ID_INVALID_LENGTH),
            ("41052619900228A01X", CITIZEN_ID_INVALID_FORMAT),
            ("X10526199002280011", CITIZEN_ID_INVALID_FORMAT),
            ("4105221990010100²X", CITIZEN_ID_INVALID_FORMAT),
        ]
        for value, spec in cases:
            with pytest.raises(FieldError) as excinfo:
                parse_citizen_id(value, today=TODAY)
            assert problems(excinfo) == [problem("citizen_id", spec)], value

    def test_field_name_is_the_callers(self) -> None:
        with pytest.raises(FieldError) as excinfo:
            parse_citizen_id("123", field="spouse.citizen_id", today=TODAY)
        assert problems(excinfo) == [problem("spouse.citizen_id", CITIZEN_ID_INVALID_LENGTH)]


class TestCheckCitizenIdAgrees:
    CITIZEN = CitizenId(
        number=with_check_digit("41052619900228001"),
        birth_date=dt.date(1990, 2, 28),
        sex="male",
        issuing_division_code="410526",
    )

    def test_agreeing_facts_pass(self) -> None:
        check_citizen_id_agrees(self.CITIZEN, birth_date=dt.date(1990, 2, 28), sex="male")
        check_citizen_id_agrees(self.CITIZEN, birth_date=None, sex=None)

    def test_birth_date_mismatch(self) -> None:
        with pytest.raises(FieldError) as excinfo:
            check_citizen_id_agrees(self.CITIZEN, birth_date=dt.date(1990, 3, 1), sex="male")
        assert problems(excinfo) == [problem("birth_date", CITIZEN_ID_BIRTH_DATE_MISMATCH)]

    def test_sex_mismatch(self) -> None:
        with pytest.raises(FieldError) as excinfo:
            check_citizen_id_agrees(self.CITIZEN, birth_date=None, sex="female")
        assert problems(excinfo) == [problem("sex", CITIZEN_ID_SEX_MISMATCH)]

    def test_both_mismatches_with_prefix(self) -> None:
        """Both problems are reported at once, under the caller's prefix."""
        with pytest.raises(FieldError) as excinfo:
            check_citizen_id_agrees(
                self.CITIZEN,
                birth_date=dt.date(1991, 2, 28),
                sex="female",
                field_prefix="spouse.",
            )
        assert problems(excinfo) == [
            problem("spouse.birth_date", CITIZEN_ID_BIRTH_DATE_MISMATCH),
            problem("spouse.sex", CITIZEN_ID_SEX_MISMATCH),
        ]


class TestMaskCitizenId:
    def test_masks_the_middle(self) -> None:
        number = with_check_digit("41052619900228001")
        assert mask_citizen_id(number) == f"410526********{number[-4:]}"
        assert parse_citizen_id(number, today=TODAY).masked == mask_citizen_id(number)

    def test_wrong_length_is_fully_masked(self) -> None:
        """Anything not 18 long shows no digit at all."""
        assert mask_citizen_id("4105261990") == "**********"
        assert mask_citizen_id("") == ""


class TestMakeCitizenId:
    def test_round_trip(self) -> None:
        for seq, sex in [(1, "male"), (2, "female"), (999, "male")]:
            number = make_citizen_id("410526", dt.date(1990, 2, 28), seq)
            citizen = parse_citizen_id(number, today=TODAY)
            assert (citizen.sex, citizen.birth_date, citizen.issuing_division_code) == (
                sex,
                dt.date(1990, 2, 28),
                "410526",
            )


id_like = st.text(alphabet="0123456789Xx²٣１ -", min_size=16, max_size=20)


class TestParseCitizenIdProperties:
    @given(st.text())
    def test_arbitrary_text_raises_only_field_error(self, value: str) -> None:
        """Whatever the text, parsing returns or raises FieldError, nothing else."""
        try:
            parse_citizen_id(value, today=TODAY)
        except FieldError as exc:
            assert [p.field for p in exc.problems] == ["citizen_id"]

    @given(id_like)
    def test_id_like_text_raises_only_field_error(self, value: str) -> None:
        try:
            parse_citizen_id(value, today=TODAY)
        except FieldError as exc:
            assert [p.field for p in exc.problems] == ["citizen_id"]

    @given(
        st.sampled_from(["410522", "410523", "410526", "410527", "410581", "999999", "410571"]),
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)),
        st.integers(min_value=0, max_value=999),
    )
    def test_generated_ids(self, division: str, born: dt.date, seq: int) -> None:
        """A generated id parses back to its parts unless its division or date is refused."""
        number = make_citizen_id(division, born, seq)
        try:
            citizen = parse_citizen_id(number, today=TODAY)
        except FieldError as exc:
            assert exc.codes in (["citizen_id_division"], ["citizen_id_birth_date"])
            assert division in {"999999", "410571"} or born > TODAY
            return
        assert citizen.birth_date == born
        assert citizen.sex == ("male" if seq % 2 else "female")
        assert citizen.issuing_division_code == division
