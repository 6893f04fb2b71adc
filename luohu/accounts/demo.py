"""Demo accounts, one per role, for `make demo` and the browser tests."""

from __future__ import annotations

from dataclasses import dataclass

from luohu.accounts.roles import Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    jurisdiction_code: str
    full_name: str


# Two clerks in different counties make the jurisdiction limits visible.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("applicant_zhao", Role.APPLICANT, "", "赵申请"),
    DemoAccount("clerk_li_huaxian", Role.CLERK, "410526", "李民警"),
    DemoAccount("clerk_wang_linzhou", Role.CLERK, "410581", "王民警"),
    DemoAccount("county_liu_huaxian", Role.COUNTY_OFFICIAL, "410526", "刘县长助理"),
    DemoAccount("ndrc_chen", Role.CITY_NDRC, "", "陈发改"),
    DemoAccount("stats_sun", Role.STATISTICS, "", "孙统计"),
    DemoAccount("auditor_zhou", Role.AUDITOR, "", "周审计"),
    # 三员分立: system administrator, security administrator, auditor (above).
    DemoAccount("admin_wu", Role.SYSTEM_ADMIN, "", "吴系统管理"),
    DemoAccount("security_xu", Role.SECURITY_ADMIN, "", "许安全管理"),
)
