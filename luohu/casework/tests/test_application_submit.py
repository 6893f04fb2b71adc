from __future__ import annotations

import datetime as dt

import pytest

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.casework.errors import (
    CASE_CONSENT_REQUIRED,
    CASE_SUBMISSION_KEY_REUSED,
    CaseActionNotAllowedError,
)
from luohu.casework.models import FamilyMember, SettlementApplication, StatusChange
from luohu.casework.selectors import application_open_duplicates
from luohu.casework.services import application_submit
from luohu.casework.tests.factories import FAMILY_NAMES, submit_in, submitted
from luohu.casework.workflow import Status
from luohu.common.citizen_id import make_citizen_id
from luohu.common.errors import FieldError

pytestmark = pytest.mark.usefixtures("divisions")


class TestApplicationSubmit:
    def test_submission_creates_case_in_destination_county(self) -> None:
        """A family application to 白道口镇 lands in 滑县's queue with every member."""
        applicant = persona("applicant_zhao")
        application, created = application_submit(acting_user=applicant, data=submit_in())
        assert created is True
        assert application.county_code == "410526"
        assert application.status == Status.SUBMITTED
        assert application.version == 1
        assert list(application.members.values_list("name", flat=True)) == FAMILY_NAMES
        history = StatusChange.objects.get(application=application)
        assert (history.version, history.to_status) == (1, Status.SUBMITTED)
        entry = AuditEntry.objects.get(event_type=AuditEventType.CASE_SUBMITTED)
        assert entry.object_id == application.number
        assert entry.jurisdiction_code == "410526"
        assert entry.actor_id == applicant.pk

    def test_adults_consent_is_recorded_and_minor_follows_guardian(self) -> None:
        """Adults who said yes have a consent time; the child has none of their own (1.2.d)."""
        application = submitted(persona("applicant_zhao"))
        consents = {m.relation: m.consent_given_at is not None for m in application.members.all()}
        assert consents == {"spouse": True, "child": False, "parent": True}

    def test_repeated_submit_creates_one_record(self) -> None:
        """The same submission key twice gives back the first case, not a second one."""
        applicant = persona("applicant_zhao")
        data = submit_in(submission_key="double-click-1")
        first, created_first = application_submit(acting_user=applicant, data=data)
        second, created_second = application_submit(acting_user=applicant, data=data)
        assert (created_first, created_second) == (True, False)
        assert first.pk == second.pk
        assert SettlementApplication.objects.count() == 1
        assert AuditEntry.objects.filter(event_type=AuditEventType.CASE_SUBMITTED).count() == 1

    def test_submission_key_of_another_person_is_refused(self) -> None:
        applicant = persona("applicant_zhao")
        application_submit(acting_user=applicant, data=submit_in(submission_key="shared-key"))
        from luohu.accounts.services import user_create

        other = user_create(username="applicant_qian", password="Qian-pass-2018", role="applicant")
        with pytest.raises(FieldError) as caught:
            application_submit(acting_user=other, data=submit_in(submission_key="shared-key"))
        problem = caught.value.problems[0]
        assert (problem.field, problem.code) == ("submission_key", CASE_SUBMISSION_KEY_REUSED[0])

    def test_without_consent_nothing_is_written(self) -> None:
        """No application without the applicant's own will (1.2.d); nothing half-written."""
        with pytest.raises(FieldError) as caught:
            submitted(persona("applicant_zhao"), facts={"consent": False})
        problem = caught.value.problems[0]
        assert (problem.field, problem.code, problem.message_zh, problem.message_en) == (
            "facts.consent",
            *CASE_CONSENT_REQUIRED,
        )
        assert SettlementApplication.objects.count() == 0
        assert FamilyMember.objects.count() == 0

    def test_bad_citizen_id_names_the_field(self) -> None:
        with pytest.raises(FieldError) as caught:
            submitted(persona("applicant_zhao"), facts={"citizen_id": "410526198805060110"})
        assert caught.value.problems[0].field == "citizen_id"
        assert SettlementApplication.objects.count() == 0
        assert AuditEntry.objects.filter(event_type=AuditEventType.CASE_SUBMITTED).count() == 0

    def test_only_applicants_submit(self) -> None:
        with pytest.raises(CaseActionNotAllowedError):
            submitted(persona("clerk_li_huaxian"))

    def test_second_open_case_for_same_person_is_flagged(self) -> None:
        """An open case for the same citizen id shows up as a possible duplicate."""
        applicant = persona("applicant_zhao")
        first = submitted(applicant)
        second = submitted(applicant)
        assert list(application_open_duplicates(second)) == [first]
        SettlementApplication.objects.filter(pk=first.pk).update(status=Status.WITHDRAWN)
        assert list(application_open_duplicates(second)) == []

    def test_priority_groups_are_flagged_from_the_engine(self) -> None:
        """A whole family long in town is a priority case (1.2.b, 2.1), with the clause."""
        applicant = persona("applicant_zhao")
        application = submitted(applicant)
        flags = {flag["flag"]: flag["clause"] for flag in application.priority_flags}
        assert application.is_priority is True
        assert flags["priority_whole_family"] == "AY2018-19:2.1"
        assert application.preview_decision == "eligible"
        born_1975 = make_citizen_id("410526", dt.date(1975, 5, 6), 11)
        single = submitted(
            applicant,
            facts={
                "whole_family_migration": False,
                "years_employed_and_living_in_town": 1,
                "citizen_id": born_1975,
                "family_members": [],
            },
            member_names=[],
        )
        assert single.is_priority is False
        assert single.priority_flags == []


class TestPossibleDuplicates:
    def test_same_name_and_birth_date_under_another_id_goes_to_the_clerk(self) -> None:
        """A mistyped id hides nothing: the clerk sees the match and gives a verdict."""
        from luohu.casework.models import DuplicateVerdict
        from luohu.casework.selectors import application_possible_duplicates
        from luohu.casework.services import duplicate_review

        applicant = persona("applicant_zhao")
        first = submitted(applicant)
        other_id = make_citizen_id("410526", dt.date(1988, 5, 6), 33)
        second = submitted(applicant, facts={"citizen_id": other_id})
        assert list(application_possible_duplicates(second)) == [first]
        assert list(application_open_duplicates(second)) == []

        clerk = persona("clerk_li_huaxian")
        duplicate_review(
            acting_user=clerk,
            number=second.number,
            other_number=first.number,
            verdict=DuplicateVerdict.NOT_DUPLICATE,
        )
        assert list(application_possible_duplicates(second)) == []
        entry = AuditEntry.objects.get(event_type=AuditEventType.CASE_DUPLICATE_REVIEWED)
        assert entry.after == {"other": first.number, "verdict": "not_duplicate"}

    def test_only_a_clerk_gives_a_verdict_and_only_on_a_real_match(self) -> None:
        from luohu.casework.errors import CASE_NOT_A_POSSIBLE_DUPLICATE
        from luohu.casework.services import duplicate_review

        applicant = persona("applicant_zhao")
        first = submitted(applicant)
        second = submitted(
            applicant, facts={"citizen_id": make_citizen_id("410526", dt.date(1988, 5, 6), 33)}
        )
        with pytest.raises(CaseActionNotAllowedError):
            duplicate_review(
                acting_user=applicant,
                number=second.number,
                other_number=first.number,
                verdict="duplicate",
            )
        unrelated = submitted(
            applicant,
            facts={"citizen_id": make_citizen_id("410526", dt.date(1970, 1, 2), 15)},
            applicant_name="孙无关",
        )
        with pytest.raises(FieldError) as caught:
            duplicate_review(
                acting_user=persona("clerk_li_huaxian"),
                number=second.number,
                other_number=unrelated.number,
                verdict="duplicate",
            )
        assert caught.value.problems[0].code == CASE_NOT_A_POSSIBLE_DUPLICATE[0]


class TestApplicationNumbers:
    """Random tails repeat; a submission never fails because its draw was taken."""

    def test_a_taken_tail_is_drawn_again(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from luohu.common import numbers

        draws = iter([7, 7, 8])
        monkeypatch.setattr(numbers.secrets, "randbelow", lambda _limit: next(draws))
        applicant = persona("applicant_zhao")
        first, _ = application_submit(
            acting_user=applicant, data=submit_in(submission_key="number-draw-a")
        )
        second, _ = application_submit(
            acting_user=applicant, data=submit_in(submission_key="number-draw-b")
        )
        assert first.number.endswith("000007")
        assert second.number.endswith("000008")
        assert first.number[:-6] == second.number[:-6]

    def test_a_number_taken_between_draw_and_insert_is_drawn_again(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The race of two concurrent submissions, played in order: the insert retries."""
        from luohu.casework import services

        applicant = persona("applicant_zhao")
        taken, _ = application_submit(
            acting_user=applicant, data=submit_in(submission_key="number-draw-a")
        )
        fresh = iter([taken.number, taken.number[:-6] + "123456"])
        monkeypatch.setattr(services, "_new_number", lambda _county: next(fresh))
        second, created = application_submit(
            acting_user=applicant, data=submit_in(submission_key="number-draw-b")
        )
        assert created is True
        assert second.number.endswith("123456")
        assert SettlementApplication.objects.count() == 2


def test_unused_number_gives_up_with_a_clear_error_when_all_draws_are_taken() -> None:
    from luohu.common.numbers import MAX_DRAWS, NumbersExhaustedError, unused_number

    calls = []

    def taken(number: str) -> bool:
        calls.append(number)
        return True

    with pytest.raises(NumbersExhaustedError, match="no free number"):
        unused_number("410526", taken)
    assert len(calls) == MAX_DRAWS
