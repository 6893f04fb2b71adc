from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from luohu.audit.chain import AUDIT_TIME_NAIVE, AUDIT_VALUE_UNSUPPORTED, audit_value
from luohu.audit.masking import mask_for_audit, mask_name
from luohu.common.citizen_id import make_citizen_id

CITIZEN_ID = make_citizen_id("410526", dt.date(1990, 5, 17), 123)


class MaskForAuditTests(SimpleTestCase):
    def test_citizen_ids_and_names_are_masked_at_any_depth(self) -> None:
        """Fields named citizen_id and name are masked in nested objects and lists."""
        masked = mask_for_audit(
            {
                "citizen_id": CITIZEN_ID,
                "name": "张三丰",
                "family": [{"full_name": "李四", "citizen_id": CITIZEN_ID, "relation": "spouse"}],
                "status": "submitted",
            }
        )
        hidden = f"410526********{CITIZEN_ID[-4:]}"
        self.assertEqual(
            masked,
            {
                "citizen_id": hidden,
                "name": "张**",
                "family": [{"full_name": "李*", "citizen_id": hidden, "relation": "spouse"}],
                "status": "submitted",
            },
        )

    def test_field_names_can_be_chosen(self) -> None:
        """Callers name their own personal fields."""
        self.assertEqual(
            mask_for_audit(
                {"holder": "王五", "id_no": CITIZEN_ID},
                citizen_id_fields=["id_no"],
                name_fields=["holder"],
            ),
            {"holder": "王*", "id_no": f"410526********{CITIZEN_ID[-4:]}"},
        )

    def test_empty_name_stays_empty(self) -> None:
        self.assertEqual(mask_name(""), "")


class AuditValueTests(SimpleTestCase):
    def test_decimals_and_dates_become_text(self) -> None:
        """Money and dates are kept exactly, as text."""
        moment = dt.datetime(2018, 6, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        self.assertEqual(
            audit_value({"amount": Decimal("600.00"), "on": dt.date(2018, 6, 1), "at": moment}),
            {"amount": "600.00", "on": "2018-06-01", "at": "2018-06-01T00:00:00.000000+00:00"},
        )

    def test_unsupported_values_are_refused_with_their_path(self) -> None:
        """Floats, bytes and non-text keys are refused, naming where they are."""
        cases = [
            ({"a": [1, 2.5]}, "$.a[1]", "float"),
            ({"a": b"x"}, "$.a", "bytes"),
            ({1: "x"}, "$.1", "non-text key"),
        ]
        for value, path, kind in cases:
            with (
                self.subTest(path=path),
                self.assertRaisesMessage(
                    TypeError, AUDIT_VALUE_UNSUPPORTED.format(path=path, kind=kind)
                ),
            ):
                audit_value(value)

    def test_naive_datetime_is_refused(self) -> None:
        with self.assertRaisesMessage(TypeError, AUDIT_TIME_NAIVE):
            audit_value({"at": dt.datetime(2018, 6, 1)})


@given(st.dates(dt.date(1920, 1, 1), dt.date(2018, 12, 31)), st.integers(0, 999))
def test_no_citizen_id_survives_audit_value(birth: dt.date, sequence: int) -> None:
    """Any valid citizen id, anywhere in a snapshot, comes out masked."""
    number = make_citizen_id("410526", birth, sequence)
    result = audit_value({"x": number, "y": [number.lower()], "z": {"w": number}})
    assert number not in str(result)
    assert result == {
        "x": number[:6] + "*" * 8 + number[-4:],
        "y": [number[:6] + "*" * 8 + number[-4:]],
        "z": {"w": number[:6] + "*" * 8 + number[-4:]},
    }
