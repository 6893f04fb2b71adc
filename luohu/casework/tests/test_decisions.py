from __future__ import annotations

import datetime as dt

import pytest

from luohu.accounts.tests.factories import persona
from luohu.casework.decisions import decision_rerun
from luohu.casework.errors import CASE_NOT_ELIGIBLE
from luohu.casework.models import Decision, DecisionOutcome, SettlementApplication
from luohu.casework.services import application_act, consent_withdraw
from luohu.casework.tests.factories import submitted
from luohu.casework.workflow import Action, Status
from luohu.certificates.models import Certificate
from luohu.common.errors import FieldError

pytestmark = pytest.mark.usefixtures("divisions")

TOWNSHIP = "410526200"  # 枣村乡: a 乡 is not a town (AY2018-19:2.3)


def accept_then(
    action: Action, application: SettlementApplication, note: str = ""
) -> SettlementApplication:
    clerk = persona("clerk_li_huaxian")
    application = application_act(
        acting_user=clerk, number=application.number, action=Action.ACCEPT, expected_version=1
    )
    return application_act(
        acting_user=clerk,
        number=application.number,
        action=action,
        expected_version=application.version,
        note=note,
    )


class TestDecision:
    def test_approval_keeps_the_engine_evaluation_it_rests_on(self) -> None:
        """An approval stores the facts, the as-of date, parameters with clauses and the trace."""
        application = submitted(persona("applicant_zhao"))
        accept_then(Action.APPROVE, application)
        decision = Decision.objects.get(application=application)
        assert decision.outcome == DecisionOutcome.APPROVED
        assert decision.rules_as_of == decision.decided_at.astimezone(dt.UTC).date()
        assert decision.evaluation["eligible"] is True
        assert [c["channel"] for c in decision.evaluation["channels"]] == ["town_residence"]
        assert all(p["clause"].startswith("AY2018-19:") for p in decision.evaluation["parameters"])
        rules = {entry["rule"] for entry in decision.evaluation["trace"]["entries"]}
        assert {"has_consented", "is_eligible"} <= rules
        assert decision.facts["as_of"] == decision.rules_as_of.isoformat()

    def test_clerk_cannot_approve_what_the_rules_refuse(self) -> None:
        """A 乡 is not an established town, so the town channel does not open (2.3)."""
        application = submitted(
            persona("applicant_zhao"),
            facts={
                "destination": {"division_code": TOWNSHIP, "kind": "township"},
                "residence": {"division_code": TOWNSHIP, "legal_stable": True, "tenure": "rented"},
                "employment": {"employed": True, "division_code": TOWNSHIP, "legal_stable": True},
            },
        )
        with pytest.raises(FieldError) as caught:
            accept_then(Action.APPROVE, application)
        assert caught.value.problems[0].code == CASE_NOT_ELIGIBLE[0]
        application.refresh_from_db()
        assert application.status == Status.ACCEPTED
        assert not Decision.objects.filter(application=application).exists()

    def test_member_who_withdrew_consent_is_not_admitted(self) -> None:
        """The spouse withdrew before the decision: the family settles without her (1.2.d)."""
        applicant = persona("applicant_zhao")
        application = submitted(applicant)
        consent_withdraw(acting_user=applicant, number=application.number, position=0)
        accept_then(Action.APPROVE, application)
        members = Decision.objects.get(application=application).evaluation["family_members"]
        assert [m["decision"] for m in members] == ["not_admitted", "admitted", "admitted"]

    def test_refusal_keeps_the_clerks_words_and_the_evaluation(self) -> None:
        application = submitted(persona("applicant_zhao"))
        accept_then(Action.REFUSE, application, note="住所证明系伪造")
        decision = Decision.objects.get(application=application)
        assert decision.outcome == DecisionOutcome.REFUSED
        assert decision.clerk_note == "住所证明系伪造"
        assert decision.evaluation["decision"] == "eligible"

    def test_rerun_reproduces_the_decision_and_compares_with_today(self) -> None:
        """Re-running under the acceptance-day rules gives the same outcome (appeals)."""
        application = submitted(persona("applicant_zhao"))
        accept_then(Action.APPROVE, application)
        decision = Decision.objects.get(application=application)
        rerun = decision_rerun(decision, today=dt.date(2030, 1, 1))
        assert rerun["reproduced"] is True
        assert rerun["then"]["decision"] == "eligible"
        assert rerun["differences"] == []
        assert rerun["parameters_changed"] == []


class TestRegistration:
    def test_registration_moves_exactly_the_admitted_into_one_household(self) -> None:
        """Applicant as head, spouse, child and parent join a new household in 白道口镇."""
        from luohu.registry.household_selectors import household_members, person_current_hukou

        applicant = persona("applicant_zhao")
        application = submitted(applicant)
        clerk = persona("clerk_li_huaxian")
        approved = accept_then(Action.APPROVE, application)
        registered = application_act(
            acting_user=clerk,
            number=application.number,
            action=Action.REGISTER,
            expected_version=approved.version,
        )
        assert registered.status == Status.REGISTERED
        record = person_current_hukou(application.citizen_id)
        assert record is not None
        assert record.division_code == "410526102"
        assert record.case_ref == application.number
        relations = sorted(
            r.relation_to_head for r in household_members(record.household.number, dt.date.today())
        )
        assert relations == ["child", "head", "parent", "spouse"]
        notice = Certificate.objects.get(subject_ref=application.number)
        assert notice.kind == "settlement_notice"
        assert notice.county_code == "410526"
        assert notice.holder_id_masked == "410526********011X"
        assert notice.payload["destination"] == "滑县白道口镇"
        assert [m["relation"] for m in notice.payload["members"]] == ["配偶", "子女", "父母"]
        assert notice.payload["clause"] == "AY2018-19:2.3"

    def test_member_who_withdrew_after_approval_stays_where_they_are(self) -> None:
        from luohu.registry.household_selectors import household_members, person_current_hukou

        applicant = persona("applicant_zhao")
        application = submitted(applicant)
        approved = accept_then(Action.APPROVE, application)
        spouse = application.members.get(position=0)
        consent_withdraw(acting_user=applicant, number=application.number, position=0)
        application_act(
            acting_user=persona("clerk_li_huaxian"),
            number=application.number,
            action=Action.REGISTER,
            expected_version=approved.version,
        )
        record = person_current_hukou(application.citizen_id)
        assert record is not None
        members = household_members(record.household.number, dt.date.today())
        assert spouse.citizen_id not in {m.person.citizen_id for m in members}
        assert len(members) == 3

    def test_refused_registration_leaves_case_and_registry_unchanged(self) -> None:
        """A member without an id stops registration; nothing is half-written."""
        from luohu.casework.registration import REGISTRATION_MEMBER_ID_REQUIRED
        from luohu.registry.models import HukouRecord, Person

        application = submitted(persona("applicant_zhao"))
        approved = accept_then(Action.APPROVE, application)
        application.members.filter(position=1).update(citizen_id="")
        with pytest.raises(FieldError) as caught:
            application_act(
                acting_user=persona("clerk_li_huaxian"),
                number=application.number,
                action=Action.REGISTER,
                expected_version=approved.version,
            )
        problem = caught.value.problems[0]
        assert (problem.field, problem.code) == (
            "members[1].citizen_id",
            REGISTRATION_MEMBER_ID_REQUIRED[0],
        )
        application.refresh_from_db()
        assert application.status == Status.APPROVED
        assert Person.objects.count() == 0
        assert HukouRecord.objects.count() == 0


class TestRerunUnderChangedRules:
    def test_a_later_county_setting_shows_as_a_difference_on_appeal(self) -> None:
        """Refused at 8 months under the city's 12; 文峰区 lowers it to 6 from 2030 (1.2.c)."""
        from luohu.policy.engine import Engine
        from luohu.policy.parameters import ParameterSet, default_parameters, validate_county_config

        worker = submitted(
            persona("applicant_zhao"),
            facts={
                "destination": {"division_code": "410502001", "kind": "city_district"},
                "employment": {"employed": True, "division_code": "410502", "legal_stable": True},
                "residence": {
                    "division_code": "410502001",
                    "legal_stable": True,
                    "tenure": "rented",
                },
                "urban_insurance_months_at_destination": 8,
                "whole_family_migration": False,
                "years_employed_and_living_in_town": 2,
                "family_members": [],
            },
            member_names=[],
        )
        from luohu.accounts.services import user_create

        clerk = user_create(
            username="clerk_zhang_wenfeng",
            password="Persona-pass-2018",
            role="clerk",
            jurisdiction_code="410502",
        )
        accepted = application_act(
            acting_user=clerk, number=worker.number, action=Action.ACCEPT, expected_version=1
        )
        application_act(
            acting_user=clerk,
            number=worker.number,
            action=Action.REFUSE,
            expected_version=accepted.version,
            note="社保不足12个月",
        )
        decision = Decision.objects.get(application=worker)
        assert decision.evaluation["decision"] == "not_eligible"

        city = default_parameters()
        setting = {
            "county": "410502",
            "effective_from": dt.date(2030, 1, 1),
            "decided_by": "文峰区人民政府",
            "overrides": {"settlement/city_worker/urban_insurance_months_required": 6},
        }
        engine = Engine(
            ParameterSet(city.parameters, [validate_county_config(setting, city.parameters)])
        )
        before = decision_rerun(decision, today=dt.date(2029, 12, 31), engine=engine)
        assert before["reproduced"] is True and before["differences"] == []
        after = decision_rerun(decision, today=dt.date(2030, 1, 1), engine=engine)
        assert after["reproduced"] is True
        assert {"field": "decision", "then": "not_eligible", "today": "eligible"} in after[
            "differences"
        ]
        changed = after["parameters_changed"]
        assert [(p["path"], p["then"], p["today"]) for p in changed] == [
            ("settlement/city_worker/urban_insurance_months_required", 12, 6)
        ]
