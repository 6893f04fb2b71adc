from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from luohu.accounts.models import User
from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.common.citizen_id import CITIZEN_ID_BIRTH_DATE_MISMATCH, CITIZEN_ID_INVALID_CHECKSUM
from luohu.common.errors import FieldError
from luohu.registry import households
from luohu.registry.household_selectors import (
    HOUSEHOLD_NOT_FOUND,
    PERSON_NOT_FOUND,
    household_get,
    household_members,
    person_current_hukou,
    person_hukou_history,
    person_residence_history,
)
from luohu.registry.households import (
    CASE_REF_INVALID,
    CASE_REF_REUSED,
    DATE_BEFORE_BIRTH,
    HOUSEHOLD_CLOSED,
    HOUSEHOLD_HAS_HEAD,
    HOUSEHOLD_NOT_AT_PLACE,
    HUKOU_ALREADY_IN_HOUSEHOLD,
    HUKOU_MOVE_NOT_AFTER_START,
    MOVES_DUPLICATE_PERSON,
    MOVES_EMPTY,
    MOVES_HEAD_COUNT,
    MOVES_HEAD_RELATION,
    MOVES_HEAD_WHEN_JOINING,
    PERSON_ALREADY_REGISTERED,
    PERSON_NAME_MISMATCH,
    REASON_IN_INVALID,
    REGISTRY_WRITE_FORBIDDEN,
    RELATION_HEAD_REQUIRED,
    RESIDENCE_OVERLAP,
    RESIDENCE_PERIOD_INVALID,
    RESIDENCE_UNCHANGED,
    SEX_INVALID,
    URBAN_FLAG_CONTRADICTS_DIVISION,
    URBAN_FLAG_REQUIRED,
    SettlementMove,
    person_create,
    person_register,
    residence_record,
    settlement_register,
)
from luohu.registry.models import (
    Household,
    HouseholdType,
    HukouReasonIn,
    HukouReasonOut,
    HukouRecord,
    Person,
    RelationToHead,
)
from luohu.registry.selectors import DIVISION_NOT_TOWNSHIP_LEVEL
from luohu.registry.tests.helpers import assert_field_error
from luohu.registry.tests.household_factories import (
    CHILD,
    DAOKOU_SUBDISTRICT,
    FAMILY,
    GRANDMOTHER,
    HEAD,
    HEJIAN_TOWN,
    KAIYUAN_SUBDISTRICT,
    PARENT,
    SPOUSE,
    WANGZHUANG_TOWN,
    ZAOCUN_TOWNSHIP,
    as_head,
    citizen_id,
    move,
    register,
    register_family_in_linzhou,
    registry_state,
)

D = dt.date
SETTLED_ON = D(2019, 3, 1)
CASE = "AY2019-0001"


def staff(username: str) -> User:
    """The persona, created on first use in a test."""
    return User.objects.filter(username=username).first() or persona(username)


def entries_since(sequence: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(sequence__gt=sequence).order_by("sequence"))


def last_sequence() -> int:
    entry = AuditEntry.objects.order_by("-sequence").first()
    return entry.sequence if entry else 0


class TestPersonRegister:
    def test_opens_a_household_with_the_person_as_head(self, divisions: None) -> None:
        """A first registration opens a numbered household with the person as head, audited."""
        clerk = staff("clerk_li_huaxian")
        start = last_sequence()
        m = move(D(1990, 2, 3), 13, "赵大山", RelationToHead.HEAD, county="410526", is_head=True)
        record = register(m, division_code=ZAOCUN_TOWNSHIP, acting_user=clerk)

        assert record.household.number == "41052600000001"
        assert record.household.household_type == HouseholdType.FAMILY
        assert record.household.division_code == ZAOCUN_TOWNSHIP
        assert record.person.citizen_id == m.citizen_id
        assert record.relation_to_head == RelationToHead.HEAD
        assert record.is_urban is False  # 乡: rural by the NBS class
        assert (record.valid_from, record.valid_to, record.reason_out) == (D(2016, 1, 1), None, "")
        entries = entries_since(start)
        assert [(e.event_type, e.jurisdiction_code, e.actor_id) for e in entries] == [
            (AuditEventType.PERSON_REGISTERED, "410526", clerk.pk),
            (AuditEventType.HOUSEHOLD_CREATED, "410526", clerk.pk),
            (AuditEventType.HUKOU_MOVED_IN, "410526", clerk.pk),
        ]
        # Audit snapshots carry no personal data.
        assert entries[0].after == {
            "citizen_id": "410526********" + m.citizen_id[-4:],
            "name": "赵**",
            "sex": "male",
        }
        assert entries[2].after is not None
        assert entries[2].after["household_number"] == "41052600000001"

    def test_household_numbers_count_up_per_county(self, divisions: None) -> None:
        """Each county numbers its households from 1, independently of the others."""
        first = register(HEAD, division_code=ZAOCUN_TOWNSHIP)
        other = register(as_head(SPOUSE), division_code=KAIYUAN_SUBDISTRICT, is_urban=None)
        second = register(as_head(PARENT), division_code=DAOKOU_SUBDISTRICT)
        assert [first.household.number, other.household.number, second.household.number] == [
            "41052600000001",
            "41058100000001",
            "41052600000002",
        ]
        assert other.is_urban is True  # 街道: urban by the NBS class

    def test_joins_an_open_household(self, divisions: None) -> None:
        """With ``household`` the person joins it with their relation to the head."""
        head = register(HEAD, division_code=ZAOCUN_TOWNSHIP)
        child = register(CHILD, division_code=ZAOCUN_TOWNSHIP, household=head.household)
        assert child.household == head.household
        members = household_members(head.household.number)
        assert [(r.person.citizen_id, r.relation_to_head) for r in members] == [
            (HEAD.citizen_id, RelationToHead.HEAD),
            (CHILD.citizen_id, RelationToHead.CHILD),
        ]

    def test_a_town_needs_the_urban_flag(self, divisions: None) -> None:
        """In a 镇 the clerk says whether the address is urban (镇区) or rural (村)."""
        with pytest.raises(FieldError) as excinfo:
            register(HEAD, division_code=WANGZHUANG_TOWN)
        assert_field_error(excinfo, "is_urban", URBAN_FLAG_REQUIRED)
        assert register(HEAD, division_code=WANGZHUANG_TOWN, is_urban=True).is_urban is True

    def test_flag_contradicting_the_division_is_refused(self, divisions: None) -> None:
        """A subdistrict is urban: a rural flag there is an error, not an override."""
        with pytest.raises(FieldError) as excinfo:
            register(HEAD, division_code=DAOKOU_SUBDISTRICT, is_urban=False)
        assert_field_error(excinfo, "is_urban", URBAN_FLAG_CONTRADICTS_DIVISION)

    def test_bad_input_names_the_field(self, divisions: None) -> None:
        """Each invalid argument is refused with a bilingual error on its own field."""
        valid: dict[str, Any] = {
            "acting_user": None,
            "citizen_id": HEAD.citizen_id,
            "name": HEAD.name,
            "sex": HEAD.sex,
            "birth_date": HEAD.birth_date,
            "division_code": ZAOCUN_TOWNSHIP,
            "relation_to_head": RelationToHead.HEAD,
            "on": D(2016, 1, 1),
            "reason_in": HukouReasonIn.INITIAL_LOAD,
        }
        cases: list[tuple[dict[str, Any], str, tuple[str, str, str]]] = [
            ({"citizen_id": HEAD.citizen_id[:-1] + "0"}, "citizen_id", CITIZEN_ID_INVALID_CHECKSUM),
            ({"birth_date": D(1985, 3, 5)}, "birth_date", CITIZEN_ID_BIRTH_DATE_MISMATCH),
            ({"sex": "m"}, "sex", SEX_INVALID),
            ({"division_code": "410526"}, "division_code", DIVISION_NOT_TOWNSHIP_LEVEL),
            ({"reason_in": HukouReasonIn.SETTLEMENT}, "reason_in", REASON_IN_INVALID),
            (
                {"relation_to_head": RelationToHead.CHILD},
                "relation_to_head",
                RELATION_HEAD_REQUIRED,
            ),
            ({"on": D(1985, 3, 3)}, "on", DATE_BEFORE_BIRTH),
        ]
        for change, field, spec in cases:
            with pytest.raises(FieldError) as excinfo:
                person_register(**{**valid, **change})
            assert_field_error(excinfo, field, spec)
        assert Person.objects.count() == 0

    def test_a_person_is_registered_once(self, divisions: None) -> None:
        """A second first-registration of the same citizen id is refused."""
        register(HEAD, division_code=ZAOCUN_TOWNSHIP)
        with pytest.raises(FieldError) as excinfo:
            register(HEAD, division_code=DAOKOU_SUBDISTRICT)
        assert_field_error(excinfo, "citizen_id", PERSON_ALREADY_REGISTERED)

    def test_a_household_has_one_head(self, divisions: None) -> None:
        """Joining as head a household that has one is refused."""
        head = register(HEAD, division_code=ZAOCUN_TOWNSHIP)
        second_head = as_head(SPOUSE)
        with pytest.raises(FieldError) as excinfo:
            register(second_head, division_code=ZAOCUN_TOWNSHIP, household=head.household)
        assert_field_error(excinfo, "relation_to_head", HOUSEHOLD_HAS_HEAD)

    def test_a_household_elsewhere_cannot_be_joined(self, divisions: None) -> None:
        """A household is joined only at the place where it is registered."""
        head = register(HEAD, division_code=ZAOCUN_TOWNSHIP)
        with pytest.raises(FieldError) as excinfo:
            register(CHILD, division_code=DAOKOU_SUBDISTRICT, household=head.household)
        assert_field_error(excinfo, "household", HOUSEHOLD_NOT_AT_PLACE)

    def test_clerk_of_another_county_is_refused(self, divisions: None) -> None:
        """林州's clerk cannot register in 滑县, and nothing is written."""
        clerk = staff("clerk_wang_linzhou")
        before = registry_state()
        with pytest.raises(PermissionDenied) as excinfo:
            register(HEAD, division_code=ZAOCUN_TOWNSHIP, acting_user=clerk)
        assert str(excinfo.value) == REGISTRY_WRITE_FORBIDDEN.format(county="410526")
        assert registry_state() == before

    def test_roles_other_than_clerk_are_refused(self, divisions: None) -> None:
        """Statistics and the system administrator reach the whole city but do not write it."""
        for username in ("stats_sun", "admin_wu"):
            with pytest.raises(PermissionDenied):
                register(HEAD, division_code=ZAOCUN_TOWNSHIP, acting_user=staff(username))


class TestSettlementRegister:
    def settle(self, **overrides: Any) -> Household:
        if "acting_user" not in overrides:
            overrides["acting_user"] = staff("clerk_li_huaxian")
        arguments: dict[str, Any] = {
            "case_ref": CASE,
            "destination_division_code": DAOKOU_SUBDISTRICT,
            "on": SETTLED_ON,
            "moves": list(FAMILY),
        }
        return settlement_register(**{**arguments, **overrides})

    def test_family_moves_into_a_new_household(self, divisions: None) -> None:
        """Four admitted members leave 林州 for a new 滑县 household; the refused one stays.

        The old records are closed on the settlement date as moved out and kept
        as history; the new ones carry the relations and the case number.
        """
        old = register_family_in_linzhou()
        clerk = staff("clerk_li_huaxian")
        start = last_sequence()

        household = self.settle(acting_user=clerk)

        assert household.division_code == DAOKOU_SUBDISTRICT
        assert household.number.startswith("410526")
        members = household_members(household.number, SETTLED_ON)
        assert [(r.person.citizen_id, r.relation_to_head) for r in members] == [
            (m.citizen_id, m.relation_to_head) for m in FAMILY
        ]
        for record in members:
            assert (record.is_urban, record.reason_in, record.case_ref) == (
                True,
                HukouReasonIn.SETTLEMENT,
                CASE,
            )
        history = person_hukou_history(SPOUSE.citizen_id)
        assert [
            (r.household_id, r.valid_from, r.valid_to, r.reason_out, r.is_urban) for r in history
        ] == [
            (old.pk, D(2016, 1, 1), SETTLED_ON, HukouReasonOut.MOVED_OUT, False),
            (household.pk, SETTLED_ON, None, "", True),
        ]
        # The refused grandmother stays; the old household stays open for her.
        assert [r.person.citizen_id for r in household_members(old.number)] == [
            GRANDMOTHER.citizen_id
        ]
        old.refresh_from_db()
        assert old.is_open is True
        # Before the date the family is still in 林州.
        assert [r.person.citizen_id for r in household_members(old.number, D(2019, 2, 28))] == [
            m.citizen_id for m in FAMILY
        ] + [GRANDMOTHER.citizen_id]

        entries = entries_since(start)
        assert [(e.event_type, e.jurisdiction_code) for e in entries] == [
            (AuditEventType.HOUSEHOLD_CREATED, "410526"),
            *[
                pair
                for _ in FAMILY
                for pair in (
                    (AuditEventType.HUKOU_MOVED_OUT, "410581"),
                    (AuditEventType.HUKOU_MOVED_IN, "410526"),
                )
            ],
        ]
        assert all(e.actor_id == clerk.pk for e in entries)
        moved_out = entries[1]
        assert moved_out.before is not None and moved_out.after is not None
        assert (moved_out.before["valid_to"], moved_out.after["valid_to"]) == (None, "2019-03-01")
        assert (moved_out.after["case_ref"], moved_out.after["out_case_ref"]) == ("", CASE)

    def test_whole_household_leaving_closes_it(self, divisions: None) -> None:
        """When everyone leaves, the old household is closed and can no longer be joined."""
        old = register_family_in_linzhou()
        self.settle(moves=[*FAMILY, GRANDMOTHER])
        old.refresh_from_db()
        assert old.is_open is False
        assert household_members(old.number) == []
        closed = AuditEntry.objects.get(event_type=AuditEventType.HOUSEHOLD_CLOSED)
        assert (closed.object_id, closed.jurisdiction_code) == (old.number, "410581")

        newcomer = move(D(1999, 1, 1), 61, "孙新", RelationToHead.OTHER, county="410581")
        with pytest.raises(FieldError) as excinfo:
            register(newcomer, division_code=HEJIAN_TOWN, is_urban=False, household=old)
        assert_field_error(excinfo, "household", HOUSEHOLD_CLOSED)

    def test_a_person_from_another_province_is_created(self, divisions: None) -> None:
        """Someone unknown to the registry is created and registered at the destination."""
        from_shandong = move(
            D(1992, 8, 8), 71, "刘外省", RelationToHead.HEAD, county="370102", is_head=True
        )
        household = self.settle(moves=[from_shandong])
        record = person_current_hukou(from_shandong.citizen_id)
        assert record is not None
        assert record.household == household
        assert len(person_hukou_history(from_shandong.citizen_id)) == 1
        registered = AuditEntry.objects.get(event_type=AuditEventType.PERSON_REGISTERED)
        assert registered.jurisdiction_code == "410526"

    def test_joining_an_existing_household(self, divisions: None) -> None:
        """A spouse joins the open household of the head at the destination."""
        head = register(HEAD, division_code=DAOKOU_SUBDISTRICT)
        spouse = register(as_head(SPOUSE), division_code=HEJIAN_TOWN, is_urban=False)
        household = self.settle(moves=[SPOUSE], join_household_number=head.household.number)
        assert household == head.household
        assert [r.relation_to_head for r in household_members(household.number)] == [
            RelationToHead.HEAD,
            RelationToHead.SPOUSE,
        ]
        spouse.household.refresh_from_db()
        assert spouse.household.is_open is False

    def test_joining_refusals(self, divisions: None) -> None:
        """A join names an open household at the destination and brings no head."""
        elsewhere = register(HEAD, division_code=ZAOCUN_TOWNSHIP)
        cases: list[tuple[dict[str, Any], str, tuple[str, str, str]]] = [
            (
                {"moves": [SPOUSE], "join_household_number": elsewhere.household.number},
                "join_household_number",
                HOUSEHOLD_NOT_AT_PLACE,
            ),
            (
                {"moves": [SPOUSE], "join_household_number": "41052699999999"},
                "join_household_number",
                HOUSEHOLD_NOT_FOUND,
            ),
            (
                {
                    "moves": [SPOUSE, CHILD, as_head(PARENT)],
                    "join_household_number": elsewhere.household.number,
                },
                "moves[2].is_head",
                MOVES_HEAD_WHEN_JOINING,
            ),
        ]
        for overrides, field, spec in cases:
            with pytest.raises(FieldError) as excinfo:
                self.settle(**overrides)
            assert_field_error(excinfo, field, spec)

    def test_a_new_household_needs_exactly_one_head(self, divisions: None) -> None:
        """No head, or two, is refused; so is a head whose relation is not head."""
        cases: list[tuple[list[SettlementMove], str, tuple[str, str, str]]] = [
            ([SPOUSE, CHILD], "moves", MOVES_HEAD_COUNT),
            (
                [HEAD, as_head(SPOUSE)],
                "moves",
                MOVES_HEAD_COUNT,
            ),
            ([replace(HEAD, is_head=False)], "moves[0].relation_to_head", MOVES_HEAD_RELATION),
            ([HEAD, HEAD], "moves[1].citizen_id", MOVES_DUPLICATE_PERSON),
            ([], "moves", MOVES_EMPTY),
        ]
        for moves, field, spec in cases:
            with pytest.raises(FieldError) as excinfo:
                self.settle(moves=moves)
            assert_field_error(excinfo, field, spec)
        assert Household.objects.count() == 0

    def test_bad_arguments_name_the_field(self, divisions: None) -> None:
        """The case number, reason, destination and date are checked first."""
        cases: list[tuple[dict[str, Any], str, tuple[str, str, str]]] = [
            ({"case_ref": "  "}, "case_ref", CASE_REF_INVALID),
            ({"case_ref": "A" * 33}, "case_ref", CASE_REF_INVALID),
            ({"reason_in": HukouReasonIn.BIRTH}, "reason_in", REASON_IN_INVALID),
            (
                {"destination_division_code": "410526"},
                "destination_division_code",
                DIVISION_NOT_TOWNSHIP_LEVEL,
            ),
            (
                {"destination_division_code": WANGZHUANG_TOWN},
                "destination_is_urban",
                URBAN_FLAG_REQUIRED,
            ),
            ({"on": D(2010, 1, 1)}, "on", DATE_BEFORE_BIRTH),
        ]
        for overrides, field, spec in cases:
            with pytest.raises(FieldError) as excinfo:
                self.settle(**overrides)
            assert_field_error(excinfo, field, spec)

    def test_failure_in_the_third_move_leaves_everything_unchanged(self, divisions: None) -> None:
        """The child's name contradicts the registry: the two moves before it are undone."""
        register_family_in_linzhou()
        staff("clerk_li_huaxian")  # created before the state is taken
        before = registry_state()
        moves = [HEAD, SPOUSE, replace(CHILD, name="张小亮"), PARENT]
        with pytest.raises(FieldError) as excinfo:
            self.settle(moves=moves)
        assert_field_error(excinfo, "moves[2].name", PERSON_NAME_MISMATCH)
        assert registry_state() == before

    def test_failed_audit_write_leaves_everything_unchanged(
        self, divisions: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An audit entry that cannot be written undoes the whole registration."""
        register_family_in_linzhou()
        staff("clerk_li_huaxian")  # created before the state is taken
        before = registry_state()
        real_audit_record = households.audit_record
        moved_in: list[int] = []

        def failing_audit_record(**kwargs: Any) -> Any:
            if kwargs["event_type"] == AuditEventType.HUKOU_MOVED_IN:
                moved_in.append(1)
                if len(moved_in) == 3:
                    raise RuntimeError("audit store unavailable")
            return real_audit_record(**kwargs)

        monkeypatch.setattr(households, "audit_record", failing_audit_record)
        with pytest.raises(RuntimeError):
            self.settle()
        assert len(moved_in) == 3
        assert registry_state() == before

    def test_a_retry_with_the_same_case_changes_nothing(self, divisions: None) -> None:
        """The same case registered twice returns the same household and writes nothing."""
        register_family_in_linzhou()
        first = self.settle()
        staff("clerk_li_huaxian")  # created before the state is taken
        before = registry_state()
        again = self.settle(moves=list(reversed(FAMILY)), on=D(2019, 3, 2))
        assert again == first
        assert registry_state() == before

    def test_a_case_number_is_not_reused_for_other_persons(self, divisions: None) -> None:
        """The same case number with other members is a conflict, not a retry."""
        register_family_in_linzhou()
        self.settle()
        with pytest.raises(FieldError) as excinfo:
            self.settle(moves=[HEAD, SPOUSE, CHILD])
        assert_field_error(excinfo, "case_ref", CASE_REF_REUSED)

    def test_clerk_of_another_county_is_refused(self, divisions: None) -> None:
        """Only the destination county's clerk registers a settlement there."""
        register_family_in_linzhou()
        clerk = staff("clerk_wang_linzhou")
        before = registry_state()
        with pytest.raises(PermissionDenied) as excinfo:
            self.settle(acting_user=clerk)
        assert str(excinfo.value) == REGISTRY_WRITE_FORBIDDEN.format(county="410526")
        assert registry_state() == before

    def test_move_must_follow_the_current_record(self, divisions: None) -> None:
        """A move dated on or before the start of the current record is refused."""
        register(HEAD, division_code=HEJIAN_TOWN, is_urban=False, on=SETTLED_ON)
        with pytest.raises(FieldError) as excinfo:
            self.settle(moves=[HEAD])
        assert_field_error(excinfo, "moves[0].citizen_id", HUKOU_MOVE_NOT_AFTER_START)

    def test_no_move_into_the_household_one_is_in(self, divisions: None) -> None:
        """Joining one's own household is refused."""
        head = register(HEAD, division_code=DAOKOU_SUBDISTRICT)
        child = register(CHILD, division_code=DAOKOU_SUBDISTRICT, household=head.household)
        with pytest.raises(FieldError) as excinfo:
            self.settle(moves=[CHILD], join_household_number=child.household.number)
        assert_field_error(excinfo, "moves[0].citizen_id", HUKOU_ALREADY_IN_HOUSEHOLD)


class TestResidenceRecord:
    def test_a_new_residence_ends_the_current_one(self, divisions: None) -> None:
        """Recording a move ends the open residence on the day the new one starts."""
        clerk = staff("clerk_li_huaxian")
        register(HEAD, division_code=ZAOCUN_TOWNSHIP)
        residence_record(
            acting_user=clerk,
            citizen_id=HEAD.citizen_id,
            division_code=ZAOCUN_TOWNSHIP,
            valid_from=D(2016, 1, 1),
        )
        start = last_sequence()
        residence_record(
            acting_user=None,
            citizen_id=HEAD.citizen_id,
            division_code=KAIYUAN_SUBDISTRICT,
            valid_from=D(2018, 6, 1),
        )
        assert [
            (r.division_code, r.is_urban, r.valid_from, r.valid_to)
            for r in person_residence_history(HEAD.citizen_id)
        ] == [
            (ZAOCUN_TOWNSHIP, False, D(2016, 1, 1), D(2018, 6, 1)),
            (KAIYUAN_SUBDISTRICT, True, D(2018, 6, 1), None),
        ]
        assert [(e.event_type, e.jurisdiction_code) for e in entries_since(start)] == [
            (AuditEventType.RESIDENCE_ENDED, "410526"),
            (AuditEventType.RESIDENCE_RECORDED, "410581"),
        ]

    def test_a_person_without_hukou_here_can_be_recorded(self, divisions: None) -> None:
        """A worker from another province is created without hukou and then recorded."""
        clerk = staff("clerk_li_huaxian")
        worker = move(D(1995, 5, 5), 81, "陈外来", RelationToHead.HEAD, county="370102")
        person = person_create(
            acting_user=clerk,
            citizen_id=worker.citizen_id,
            name=worker.name,
            sex=worker.sex,
            birth_date=worker.birth_date,
        )
        record = residence_record(
            acting_user=clerk,
            citizen_id=worker.citizen_id.lower(),
            division_code=WANGZHUANG_TOWN,
            is_urban=True,
            valid_from=D(2019, 1, 1),
        )
        assert record.person == person
        assert person_current_hukou(worker.citizen_id) is None
        registered = AuditEntry.objects.get(event_type=AuditEventType.PERSON_REGISTERED)
        assert registered.jurisdiction_code == "410526"

    def test_refusals(self, divisions: None) -> None:
        """Overlaps, empty periods, unchanged places and unknown persons are refused."""
        register(HEAD, division_code=ZAOCUN_TOWNSHIP)
        residence_record(
            acting_user=None,
            citizen_id=HEAD.citizen_id,
            division_code=ZAOCUN_TOWNSHIP,
            valid_from=D(2017, 1, 1),
        )
        unknown = citizen_id(D(1970, 1, 1), 91)
        cases: list[tuple[dict[str, Any], str, tuple[str, str, str]]] = [
            ({"valid_from": D(2016, 1, 1)}, "valid_from", RESIDENCE_OVERLAP),
            (
                {"valid_from": D(2016, 1, 1), "valid_to": D(2017, 1, 2)},
                "valid_from",
                RESIDENCE_OVERLAP,
            ),
            (
                {"valid_from": D(2018, 1, 1), "valid_to": D(2018, 1, 1)},
                "valid_to",
                RESIDENCE_PERIOD_INVALID,
            ),
            ({"division_code": ZAOCUN_TOWNSHIP}, "division_code", RESIDENCE_UNCHANGED),
            ({"citizen_id": unknown}, "citizen_id", PERSON_NOT_FOUND),
        ]
        for overrides, field, spec in cases:
            arguments: dict[str, Any] = {
                "acting_user": None,
                "citizen_id": HEAD.citizen_id,
                "division_code": DAOKOU_SUBDISTRICT,
                "valid_from": D(2018, 1, 1),
                **overrides,
            }
            with pytest.raises(FieldError) as excinfo:
                residence_record(**arguments)
            assert_field_error(excinfo, field, spec)
        # A past period before the first one is fine.
        residence_record(
            acting_user=None,
            citizen_id=HEAD.citizen_id,
            division_code=DAOKOU_SUBDISTRICT,
            valid_from=D(2016, 1, 1),
            valid_to=D(2017, 1, 1),
        )
        assert len(person_residence_history(HEAD.citizen_id)) == 2


class TestSelectors:
    def test_current_hukou_on_a_date(self, divisions: None) -> None:
        """The record in force on a date answers; before any record there is none."""
        register_family_in_linzhou()
        settlement_register(
            acting_user=None,
            case_ref=CASE,
            destination_division_code=DAOKOU_SUBDISTRICT,
            on=SETTLED_ON,
            moves=[HEAD],
        )
        cases = [
            (D(2015, 12, 31), None),
            (D(2016, 1, 1), HEJIAN_TOWN),
            (D(2019, 2, 28), HEJIAN_TOWN),
            (SETTLED_ON, DAOKOU_SUBDISTRICT),
        ]
        for on, expected in cases:
            record = person_current_hukou(HEAD.citizen_id, on)
            assert (record.division_code if record else None) == expected, on
        current = person_current_hukou(HEAD.citizen_id.lower())
        assert current is not None and current.division_code == DAOKOU_SUBDISTRICT

    def test_unknown_person_and_household(self, divisions: None) -> None:
        with pytest.raises(FieldError) as person_error:
            person_current_hukou(PARENT.citizen_id)
        assert_field_error(person_error, "citizen_id", PERSON_NOT_FOUND)
        with pytest.raises(FieldError) as household_error:
            household_get("41052600000009")
        assert_field_error(household_error, "number", HOUSEHOLD_NOT_FOUND)

    def test_person_str_is_masked(self, divisions: None) -> None:
        """A person's str() shows no full id and no name: it ends up in logs."""
        record = register(HEAD, division_code=ZAOCUN_TOWNSHIP)
        text = str(record.person)
        assert HEAD.citizen_id not in text and HEAD.name not in text
        assert str(HukouRecord.objects.get()) == (
            f"hukou {record.pk} {ZAOCUN_TOWNSHIP} [2016-01-01–…]"
        )
