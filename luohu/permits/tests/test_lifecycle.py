"""The life of a residence permit through its services (SC663), with the clock controlled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from luohu.accounts.models import User
from luohu.accounts.tests.factories import all_personas
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.certificates.models import Certificate, CertificateKind, RevocationReason
from luohu.certificates.selectors import certificate_status
from luohu.common.errors import FieldError
from luohu.permits.errors import (
    PERMIT_ALREADY_LIVE,
    PERMIT_ENDORSEMENT_TOO_EARLY,
    PERMIT_NAME_MISMATCH,
    PERMIT_NOT_CHECKED,
    PERMIT_NOT_ELIGIBLE,
    PERMIT_NOTE_REQUIRED,
    PermitActionNotAllowedError,
    PermitConflictError,
    PermitNotFoundError,
)
from luohu.permits.models import PermitPeriod, PermitReplacement, ResidencePermit
from luohu.permits.selectors import (
    Validity,
    continuous_residence_years,
    permit_last_valid_day,
    permit_list_for_user,
    permit_validity_on,
)
from luohu.permits.services import permit_act
from luohu.permits.workflow import TRANSITIONS, PermitAction, PermitStatus
from luohu.policy.permits import permit_parameters

from .factories import D, act, applied, holder, issued

pytestmark = pytest.mark.usefixtures("divisions")

ISSUE_DAY = D(2024, 3, 11)


def travel(day: dt.date) -> time_machine.travel:
    # Noon in China: the day is the same in UTC and in Asia/Shanghai.
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 4, tzinfo=dt.UTC), tick=False
    )


def events(number: str) -> list[int]:
    return list(
        AuditEntry.objects.filter(object_type="residence_permit", object_id=number)
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


def certificate(permit: ResidencePermit) -> Certificate:
    return Certificate.objects.filter(
        kind=CertificateKind.RESIDENCE_PERMIT, subject_ref=permit.number
    ).latest("pk")


@pytest.fixture
def people(db: object) -> dict[str, User]:
    return all_personas()


@pytest.fixture
def clerk(people: dict[str, User]) -> User:
    return people["clerk_li_huaxian"]


class TestApplyCheckIssue:
    def test_issue_after_a_passed_check_creates_a_valid_e_permit(self, clerk) -> None:
        """Apply, check and issue: one year of validity, a valid e-permit, three audit rows."""
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            permit = applied(clerk)
            params = permit_parameters(ISSUE_DAY)
            assert permit.due_date == ISSUE_DAY + dt.timedelta(days=params.issue_working_days)
            assert permit.facts["residence_months"] == 9
            permit = act(clerk, permit, PermitAction.CHECK)
            assert permit.eligibility is not None
            assert permit.eligibility["eligible"] is True
            permit = act(clerk, permit, PermitAction.ISSUE)
            cert = certificate(permit)
            status = certificate_status(cert, today=ISSUE_DAY)
        assert permit.status == PermitStatus.VALID
        assert permit.issued_on == ISSUE_DAY
        assert permit.next_anniversary == D(2025, 3, 11)
        assert permit.card_sequence == 1
        assert cert.valid_until == D(2025, 3, 10)
        assert cert.holder_name_masked == "钱**"
        assert "1990" not in cert.holder_id_masked[6:14] or "*" in cert.holder_id_masked
        assert status == "valid"
        assert events(permit.number) == [
            AuditEventType.PERMIT_APPLIED,
            AuditEventType.PERMIT_CHECKED,
            AuditEventType.PERMIT_ISSUED,
        ]
        assert list(permit.history.values_list("to_status", flat=True)) == [
            "applied",
            "checked",
            "valid",
        ]

    def test_fewer_than_six_months_fails_the_check_and_cannot_be_issued(self, clerk) -> None:
        """Five months of residence: the check stores the SC663:2 reason; issue is refused."""
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 10, 12))
            permit = act(clerk, applied(clerk), PermitAction.CHECK)
            assert permit.eligibility is not None
            assert permit.eligibility["eligible"] is False
            assert [r["clause"] for r in permit.eligibility["reasons"]] == ["SC663:2"]
            with pytest.raises(FieldError) as caught:
                act(clerk, permit, PermitAction.ISSUE)
            assert caught.value.codes == [PERMIT_NOT_ELIGIBLE[0]]
            permit.refresh_from_db()
            assert permit.status == PermitStatus.CHECKED
            assert not Certificate.objects.exists()
            permit = act(clerk, permit, PermitAction.REFUSE, note="居住不满半年")
        assert permit.status == PermitStatus.REFUSED

    def test_issue_is_not_in_the_table_before_a_check(self, clerk) -> None:
        """An application not yet checked cannot be issued."""
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            permit = applied(clerk)
            with pytest.raises(PermitActionNotAllowedError):
                act(clerk, permit, PermitAction.ISSUE)
        assert PERMIT_NOT_CHECKED[0] == "not_checked"

    def test_wrong_name_and_second_application_are_refused_field_by_field(self, clerk) -> None:
        """The name must match the registry; a person has one live permit at most."""
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            with pytest.raises(FieldError) as caught:
                applied(clerk, name="钱别人")
            assert caught.value.problems[0].field == "name"
            assert caught.value.codes == [PERMIT_NAME_MISMATCH[0]]
            applied(clerk)
            with pytest.raises(FieldError) as again:
                applied(clerk)
        assert again.value.codes == [PERMIT_ALREADY_LIVE[0]]
        assert ResidencePermit.objects.count() == 1

    def test_refuse_needs_a_note(self, clerk) -> None:
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            permit = applied(clerk)
            with pytest.raises(FieldError) as caught:
                act(clerk, permit, PermitAction.REFUSE)
        assert caught.value.codes == [PERMIT_NOTE_REQUIRED[0]]

    def test_a_stale_version_is_a_conflict_and_writes_nothing(self, clerk) -> None:
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            permit = applied(clerk)
            act(clerk, permit, PermitAction.CHECK)
            with pytest.raises(PermitConflictError):
                act(clerk, permit, PermitAction.REFUSE, note="x")
        assert events(permit.number) == [
            AuditEventType.PERMIT_APPLIED,
            AuditEventType.PERMIT_CHECKED,
        ]

    def test_other_county_clerk_and_other_roles_cannot_reach_the_permit(self, people) -> None:
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            permit = applied(people["clerk_li_huaxian"])
            with pytest.raises(PermitNotFoundError):
                act(people["clerk_wang_linzhou"], permit, PermitAction.CHECK)
        assert not permit_list_for_user(people["clerk_wang_linzhou"]).exists()
        assert not permit_list_for_user(people["stats_sun"]).exists()
        assert not permit_list_for_user(people["applicant_zhao"]).exists()
        assert permit_list_for_user(people["auditor_zhou"]).count() == 1

    def test_every_status_action_combination_follows_the_table(self, clerk) -> None:
        """Each (status, action) a clerk tries is allowed exactly when TRANSITIONS says so."""
        allowed = {(t.source, t.action) for t in TRANSITIONS if "clerk" in t.roles}
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            permit = applied(clerk)
            for status in PermitStatus:
                for action in PermitAction:
                    ResidencePermit.objects.filter(pk=permit.pk).update(status=status)
                    permit.refresh_from_db()
                    if (status, action) in allowed:
                        continue
                    with pytest.raises(PermitActionNotAllowedError):
                        act(clerk, permit, action, note="x")


class TestEndorsement:
    def test_endorsement_in_the_window_continues_and_extends_the_e_permit(self, clerk) -> None:
        """签注 in the month before the anniversary: the next year follows on; years keep counting."""
        with travel(ISSUE_DAY):
            person = holder(living_since=D(2023, 6, 1))
            permit = issued(clerk)
        with travel(D(2025, 2, 1)):
            with pytest.raises(FieldError) as early:
                act(clerk, permit, PermitAction.ENDORSE)
        assert early.value.codes == [PERMIT_ENDORSEMENT_TOO_EARLY[0]]
        with travel(D(2025, 2, 20)):
            permit = act(clerk, permit, PermitAction.ENDORSE)
            cert = certificate(permit)
        assert permit.next_anniversary == D(2026, 3, 11)
        assert permit.counted_from == ISSUE_DAY
        assert cert.valid_until == D(2026, 3, 10)
        assert cert.revoked_at is None
        period = permit.periods.get(sequence=2)
        assert (period.valid_from, period.late, period.window_opens) == (
            D(2025, 3, 11),
            False,
            D(2025, 2, 11),
        )
        assert permit_validity_on(permit, D(2025, 12, 31)) == Validity.VALID
        assert continuous_residence_years(person, D(2026, 3, 1)) == 1
        assert AuditEventType.PERMIT_ENDORSED in events(permit.number)
        assert AuditEntry.objects.filter(
            event_type=AuditEventType.CERTIFICATE_VALIDITY_CHANGED, object_id=cert.number
        ).exists()

    def test_missed_endorsement_lapses_the_permit_and_restarts_the_years(self, clerk) -> None:
        """Missed: not valid after the anniversary; years stop there and restart at the late 签注."""
        with travel(ISSUE_DAY):
            person = holder(living_since=D(2023, 6, 1))
            permit = issued(clerk)
            cert = certificate(permit)
        # The anniversary 2025-03-11 passes without an endorsement.
        assert permit_validity_on(permit, D(2025, 3, 10)) == Validity.VALID
        assert permit_validity_on(permit, D(2025, 3, 11)) == Validity.LAPSED
        assert certificate_status(cert, today=D(2025, 3, 11)) == "expired"
        assert continuous_residence_years(person, D(2025, 3, 10)) == 0
        assert continuous_residence_years(person, D(2025, 9, 1)) == 1
        with travel(D(2025, 9, 1)):
            permit = act(clerk, permit, PermitAction.ENDORSE)
            cert = certificate(permit)
        assert permit.counted_from == D(2025, 9, 1)
        assert permit.next_anniversary == D(2026, 9, 1)
        assert permit.periods.get(sequence=2).late is True
        assert cert.valid_until == D(2026, 8, 31)
        assert permit_validity_on(permit, D(2025, 8, 31)) == Validity.LAPSED
        assert permit_validity_on(permit, D(2025, 9, 1)) == Validity.VALID
        # The restart: the year before the lapse no longer adds up.
        assert continuous_residence_years(person, D(2026, 8, 31)) == 0
        assert continuous_residence_years(person, D(2026, 9, 1)) == 1


class TestReplaceSuspendCancel:
    def test_replacement_charges_the_parameter_fee_and_reissues_the_e_permit(self, clerk) -> None:
        """补领: the first card was free; the new one costs the parameter's fee, cited."""
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            permit = issued(clerk)
            first = certificate(permit)
            permit = act(clerk, permit, PermitAction.REPLACE, replacement_reason="lost")
            params = permit_parameters(ISSUE_DAY)
        replacement = PermitReplacement.objects.get(permit=permit)
        assert replacement.card_sequence == 2 and permit.card_sequence == 2
        assert replacement.fee_yuan == Decimal(params.replacement_fee_yuan)
        assert replacement.fee_clause == params.clause_of("replacement_fee_yuan")
        assert params.first_card_fee_yuan == 0
        first.refresh_from_db()
        assert first.revoked_reason == RevocationReason.REPLACED
        second = certificate(permit)
        assert second.pk != first.pk and second.revoked_at is None
        assert second.valid_until == first.valid_until

    def test_replacement_without_a_reason_is_refused(self, clerk) -> None:
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            permit = issued(clerk)
            with pytest.raises(FieldError) as caught:
                act(clerk, permit, PermitAction.REPLACE)
        assert caught.value.problems[0].field == "replacement_reason"

    def test_suspend_revokes_reinstate_reissues_cancel_ends(self, clerk) -> None:
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            permit = issued(clerk)
            permit = act(clerk, permit, PermitAction.SUSPEND, note="核查中")
            assert not Certificate.objects.filter(revoked_at__isnull=True).exists()
            assert permit_validity_on(permit, ISSUE_DAY) == Validity.NOT_VALID
            permit = act(clerk, permit, PermitAction.REINSTATE)
            assert Certificate.objects.filter(revoked_at__isnull=True).count() == 1
            permit = act(clerk, permit, PermitAction.CANCEL, note="离开本市")
        assert permit.status == PermitStatus.CANCELLED
        assert permit.ended_on == ISSUE_DAY
        assert certificate(permit).revoked_reason == RevocationReason.PERMIT_CLOSED
        assert events(permit.number)[-3:] == [
            AuditEventType.PERMIT_SUSPENDED,
            AuditEventType.PERMIT_REINSTATED,
            AuditEventType.PERMIT_REVOKED,
        ]

    def test_expire_is_refused_without_a_fixed_term(self, clerk) -> None:
        """SC663 sets no fixed term (validity_years None): nothing to expire."""
        with travel(ISSUE_DAY):
            holder(living_since=D(2023, 6, 1))
            permit = issued(clerk)
        assert permit_parameters(ISSUE_DAY).validity_years is None
        assert permit.valid_until is None
        with travel(D(2030, 1, 1)):
            with pytest.raises(FieldError):
                act(clerk, permit, PermitAction.EXPIRE)


def test_a_failed_audit_leaves_nothing_half_written(clerk, monkeypatch) -> None:
    """If the audit entry cannot be written the permit does not move."""
    import luohu.permits.services as services

    with travel(ISSUE_DAY):
        holder(living_since=D(2023, 6, 1))
        permit = applied(clerk)

        def broken(**_kwargs: object) -> None:
            raise RuntimeError("audit down")

        monkeypatch.setattr(services, "audit_record", broken)
        with pytest.raises(RuntimeError):
            permit_act(
                acting_user=clerk,
                number=permit.number,
                action=PermitAction.CHECK,
                expected_version=permit.version,
            )
    permit.refresh_from_db()
    assert permit.status == PermitStatus.APPLIED
    assert permit.history.count() == 1
    assert not PermitPeriod.objects.exists()
    assert permit_last_valid_day(permit) is None
