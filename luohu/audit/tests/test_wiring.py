"""The audit page wired into the project's URLs and navigation."""

from __future__ import annotations

from django.urls import reverse

from luohu.accounts.roles import ROLE_NAVIGATION
from luohu.audit.views import AUDIT_PAGE_ROLES


def test_the_project_serves_the_audit_page_at_audit() -> None:
    """The auditor's page lives at /audit/ in the project's own URLs."""
    assert reverse("audit:entries") == "/audit/"


def test_navigation_offers_the_audit_page_to_exactly_the_roles_allowed_in() -> None:
    """The roles that see the page in their navigation are the roles the page lets in."""
    offered = {
        role
        for role, items in ROLE_NAVIGATION.items()
        if any(item.url_name == "audit:entries" for item in items)
    }
    assert offered == set(AUDIT_PAGE_ROLES)
