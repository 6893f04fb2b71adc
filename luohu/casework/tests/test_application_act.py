from __future__ import annotations

import itertools

import pytest

from luohu.accounts.models import User
from luohu.accounts.roles import Role, page_allowed
from luohu.accounts.tests.factories import all_personas, persona
from luohu.audit.models import AuditEntry
from luohu.casework.errors import (
    CASE_CONSENT_NOT_OPEN,
    CASE_NOTE_REQUIRED,
    CaseActionNotAllowedError,
    CaseConflictError,
    CaseNotFoundError,
)
from luohu.casework.models import SettlementApplication, StatusChange
from luohu.casework.selectors import application_list_for_user
from luohu.casework.services import ACTION_EVENTS, application_act, consent_withdraw
from luohu.casework.tests.factories import submitted
from luohu.casework.workflow import TRANSITIONS, Action, Status, actions_available
from luohu.common.errors import FieldError

pytestmark = pytest.mark.usefixtures("divisions")


def put_in_status(application: SettlementApplication, status: Status) -> SettlementApplication:
    # Tests reach a status directly; the service is what they exercise.
    SettlementApplication.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


def act(user: User, application: SettlementApplication, action: Action, note: str = "x"):
    return application_act(
        acting_user=user,
        number=application.number,
        action=action,
        expected_version=application.version,
        note=note,
    )


class TestTransitions:
    def test_every_status_action_role_combination_follows_the_table(self) -> None:
        """Each (status, action, role) is allowed exactly when TRANSITIONS says so."""
        personas = all_personas()
        applicant = personas["applicant_zhao"]
        by_role = {
            Role.APPLICANT: applicant,
            Role.CLERK: personas["clerk_li_huaxian"],
            Role.COUNTY_OFFICIAL: personas["county_liu_huaxian"],
            Role.CITY_NDRC: personas["ndrc_chen"],
            Role.AUDITOR: personas["auditor_zhou"],
        }
        allowed = {(t.source, t.action, role) for t in TRANSITIONS for role in t.roles}
        clerk = by_role[Role.CLERK]
        for status, action, (role, user) in itertools.product(Status, Action, by_role.items()):
            if status == Status.APPROVED:
                # Registration needs a real approval, so reach it through the service.
                application = act(
                    clerk, act(clerk, submitted(applicant), Action.ACCEPT), Action.APPROVE
                )
            else:
                application = put_in_status(submitted(applicant), status)
            before = application.version
            with_key = (status, action, role)
            if with_key in allowed:
                result = act(user, application, action)
                target = next(
                    t.target for t in TRANSITIONS if t.source == status and t.action == action
                )
                assert result.status == target, with_key
                assert result.version == before + 1, with_key
                assert (
                    AuditEntry.objects.filter(
                        object_id=application.number, event_type=ACTION_EVENTS[action]
                    ).count()
                    == 1
                ), with_key
            else:
                # Roles without the workbench cannot even see the case.
                reaches = role == Role.APPLICANT or page_allowed(role, "cases")
                refusal = CaseActionNotAllowedError if reaches else CaseNotFoundError
                with pytest.raises(refusal):
                    act(user, application, action)
                application.refresh_from_db()
                assert (application.status, application.version) == (status, before), with_key

    def test_actions_available_lists_what_the_clerk_may_do(self) -> None:
        assert actions_available(Status.ACCEPTED, Role.CLERK) == [
            Action.REQUEST_MATERIALS,
            Action.APPROVE,
            Action.REFUSE,
            Action.WITHDRAW,
        ]
        assert actions_available(Status.REGISTERED, Role.CLERK) == []

    def test_request_for_materials_needs_a_note(self) -> None:
        application = put_in_status(submitted(persona("applicant_zhao")), Status.ACCEPTED)
        with pytest.raises(FieldError) as caught:
            act(persona("clerk_li_huaxian"), application, Action.REQUEST_MATERIALS, note=" ")
        assert caught.value.problems[0].code == CASE_NOTE_REQUIRED[0]


class TestConcurrency:
    def test_second_action_on_the_same_version_gets_a_conflict(self) -> None:
        """Two clerks acting on what they both saw: the first wins, the second is told."""
        application = submitted(persona("applicant_zhao"))
        clerk = persona("clerk_li_huaxian")
        stale_version = application.version
        act(clerk, application, Action.ACCEPT)
        with pytest.raises(CaseConflictError):
            application_act(
                acting_user=clerk,
                number=application.number,
                action=Action.WITHDRAW,
                expected_version=stale_version,
            )
        assert StatusChange.objects.filter(application=application).count() == 2

    def test_repeated_accept_is_a_conflict_not_a_second_record(self) -> None:
        application = submitted(persona("applicant_zhao"))
        clerk = persona("clerk_li_huaxian")
        act(clerk, application, Action.ACCEPT)
        with pytest.raises(CaseConflictError):
            act(clerk, application, Action.ACCEPT)
        assert StatusChange.objects.filter(application=application).count() == 2


class TestJurisdiction:
    def test_clerk_of_another_county_cannot_see_or_act(self) -> None:
        """A 林州 clerk finds no 滑县 case by list or by number."""
        application = submitted(persona("applicant_zhao"))
        other = persona("clerk_wang_linzhou")
        assert list(application_list_for_user(other)) == []
        with pytest.raises(CaseNotFoundError):
            act(other, application, Action.ACCEPT)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED


class TestConsent:
    def test_member_consent_can_be_withdrawn_until_registration(self) -> None:
        applicant = persona("applicant_zhao")
        application = put_in_status(submitted(applicant), Status.APPROVED)
        member = consent_withdraw(acting_user=applicant, number=application.number, position=0)
        assert member.consent_withdrawn_at is not None
        put_in_status(application, Status.REGISTERED)
        with pytest.raises(FieldError) as caught:
            consent_withdraw(acting_user=applicant, number=application.number, position=2)
        assert caught.value.problems[0].code == CASE_CONSENT_NOT_OPEN[0]


class TestStatutoryClock:
    def test_acceptance_starts_the_clock_and_waiting_for_materials_pauses_it(self) -> None:
        """Due date = acceptance + the local limit; days awaiting materials are added back."""
        import datetime as dt

        from django.utils import timezone

        from luohu.casework.clock import add_working_days, working_days_between
        from luohu.policy import evaluate

        applicant, clerk = persona("applicant_zhao"), persona("clerk_li_huaxian")
        application = act(clerk, submitted(applicant), Action.ACCEPT)
        today = timezone.localdate()
        limit = evaluate(application.facts, trace=False)["processing_time_working_days"]
        assert application.due_date == add_working_days(today, limit)

        application = act(clerk, application, Action.REQUEST_MATERIALS, note="缺少租赁合同")
        waited_since = timezone.now() - dt.timedelta(days=14)
        StatusChange.objects.filter(application=application, version=application.version).update(
            at=waited_since
        )
        application = act(applicant, application, Action.SUPPLY_MATERIALS)
        paused = working_days_between(timezone.localdate(waited_since), today)
        assert paused >= 10
        assert application.due_date == add_working_days(add_working_days(today, limit), paused)
