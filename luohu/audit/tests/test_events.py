from __future__ import annotations

from enum import unique

from django.test import SimpleTestCase

from luohu.audit.events import DOMAINS, EVENT_LABELS, AuditEventType, event_label


class AuditEventTypeTests(SimpleTestCase):
    def test_codes_are_unique(self) -> None:
        """No two event names share a code (a renumbering would show up here)."""
        self.assertIs(unique(AuditEventType), AuditEventType)
        values = [int(code) for code in AuditEventType]
        self.assertEqual(len(values), len(set(values)))

    def test_codes_sit_in_their_domain_block(self) -> None:
        """Each code falls in a declared block of a hundred: 0xx platform … 5xx policy."""
        for code in AuditEventType:
            with self.subTest(code=code.name):
                self.assertIn(code.value // 100, DOMAINS)
        self.assertEqual(AuditEventType.LOGIN_FAILED.domain, "platform")
        self.assertEqual(AuditEventType.CASE_SUBMITTED.domain, "casework")
        self.assertEqual(AuditEventType.PERMIT_REVOKED.domain, "permits")

    def test_published_codes_never_change(self) -> None:
        """Codes already written to trails keep their numbers forever."""
        published = {
            "LOGIN_SUCCEEDED": 1,
            "LOGIN_FAILED": 2,
            "LOGGED_OUT": 3,
            "USER_CREATED": 10,
            "ROLE_CHANGED": 11,
            "PERSONAL_DATA_VIEWED": 30,
            "PERSONAL_DATA_UNMASKED": 31,
            "EXPORT_CREATED": 32,
            "AUDIT_VERIFIED": 50,
            "AUDIT_SEARCHED": 51,
        }
        for name, value in published.items():
            with self.subTest(name=name):
                self.assertEqual(AuditEventType[name].value, value)

    def test_every_code_has_a_bilingual_label(self) -> None:
        """The auditor's page names every event in Chinese and English."""
        for code in AuditEventType:
            with self.subTest(code=code.name):
                self.assertIn(code, EVENT_LABELS)
        self.assertEqual(event_label(1), "登录成功 / login succeeded")
        self.assertEqual(event_label(999), "999")
