"""Roles, their scope and their navigation: the one place that declares them.

Scope says which records a role may reach: ``self`` (only the applicant's own),
``county`` (one county-level unit, 1.2.e 县（市、区）负责) or ``city``
(the whole of Anyang, 1.2.e 市级统筹).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CITY_CODE = "410500"


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    CLERK = "clerk", _("Household-registration clerk")
    COUNTY_OFFICIAL = "county_official", _("County official")
    CITY_NDRC = "city_ndrc", _("City development and reform commission")
    STATISTICS = "statistics", _("Statistics bureau")
    AUDITOR = "auditor", _("Auditor")
    # 三员分立 (等保 2.0 8.1.4.2 d): the administrator's power is split in three,
    # and no account ever holds two of them (accounts.models.User, SEPARATED_ROLES).
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")


class Scope(models.TextChoices):
    SELF = "self", _("Own records")
    COUNTY = "county", _("One county")
    CITY = "city", _("Whole city")


ROLE_SCOPE: dict[str, str] = {
    Role.APPLICANT: Scope.SELF,
    Role.CLERK: Scope.COUNTY,
    Role.COUNTY_OFFICIAL: Scope.COUNTY,
    Role.CITY_NDRC: Scope.CITY,
    Role.STATISTICS: Scope.CITY,
    Role.AUDITOR: Scope.CITY,
    Role.SYSTEM_ADMIN: Scope.CITY,
    Role.SECURITY_ADMIN: Scope.CITY,
}

# The three duties of 三员分立: system administration (accounts, reference data,
# no case data, no audit reading), security administration (roles, unlocks,
# second-factor resets, no case data) and audit (reads the trail, changes
# nothing). One account holds at most one of them in its whole life.
SEPARATED_ROLES: frozenset[str] = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})


@dataclass(frozen=True)
class NavItem:
    key: str
    url_name: str
    label: str | Promise


_HOME = NavItem("home", "web:home", _("Home"))
_DIVISIONS = NavItem("divisions", "web:divisions", _("Divisions"))
_API_DOCS = NavItem("api_docs", "api-1:openapi-view", _("API"))
_AUDIT = NavItem("audit", "audit:entries", _("Audit trail"))
_CASES = NavItem("cases", "casework:queue", _("Workbench"))
_MY_APPLICATIONS = NavItem("my_applications", "casework:mine", _("My applications"))
_RECORD_VIEWS = NavItem("record_views", "citizen:record_views", _("Who viewed my records"))
_SELF_CHECK = NavItem("self_check", "citizen:self_check", _("Self-check"))
_ENTITLEMENTS = NavItem("entitlements", "entitlements:check", _("What am I entitled to"))
_MY_PERMITS = NavItem("my_permits", "permits:mine", _("My residence permits"))
_PERMITS = NavItem("permits", "permits:queue", _("Residence permits"))
_APPLY = NavItem("apply", "citizen:apply", _("Apply"))
_ADMIN_SITE = NavItem("admin_site", "admin:index", _("Accounts and reference data"))
_SECURITY = NavItem("security", "security:users", _("Security administration"))
_DASHBOARD = NavItem("dashboard", "monitoring:overview", _("Dashboard"))
_COUNTY_COMPARISON = NavItem("county_comparison", "monitoring:counties", _("Counties"))
_CASEWORK_MIX = NavItem("casework_mix", "monitoring:mix", _("Channels and priority groups"))
_FIGURES = NavItem("figures", "monitoring:figures", _("Year figures"))
_TARGETS = NavItem("targets", "monitoring:targets", _("Targets"))
_WHATIF = NavItem("whatif", "monitoring:whatif", _("What-if"))

# Pages each role sees in its navigation. Later issues add their pages here,
# so what a role can reach is declared once and tested from this table.
ROLE_NAVIGATION: dict[str, tuple[NavItem, ...]] = {
    Role.APPLICANT: (
        _HOME,
        _SELF_CHECK,
        _APPLY,
        _MY_APPLICATIONS,
        _MY_PERMITS,
        _ENTITLEMENTS,
        _RECORD_VIEWS,
    ),
    Role.CLERK: (_HOME, _CASES, _PERMITS, _DIVISIONS),
    Role.COUNTY_OFFICIAL: (
        _HOME,
        _CASES,
        _PERMITS,
        _DIVISIONS,
        _DASHBOARD,
        _CASEWORK_MIX,
        _FIGURES,
        _TARGETS,
        _WHATIF,
    ),
    Role.CITY_NDRC: (
        _HOME,
        _DIVISIONS,
        _DASHBOARD,
        _COUNTY_COMPARISON,
        _CASEWORK_MIX,
        _FIGURES,
        _TARGETS,
        _WHATIF,
    ),
    Role.STATISTICS: (
        _HOME,
        _DIVISIONS,
        _DASHBOARD,
        _COUNTY_COMPARISON,
        _CASEWORK_MIX,
        _FIGURES,
        _TARGETS,
    ),
    Role.AUDITOR: (_HOME, _CASES, _DIVISIONS, _AUDIT),
    Role.SYSTEM_ADMIN: (_HOME, _DIVISIONS, _API_DOCS, _ADMIN_SITE),
    Role.SECURITY_ADMIN: (_HOME, _SECURITY),
}


def navigation_for(role: str) -> tuple[NavItem, ...]:
    return ROLE_NAVIGATION[role]


def page_allowed(role: str, key: str) -> bool:
    return any(item.key == key for item in ROLE_NAVIGATION[role])
