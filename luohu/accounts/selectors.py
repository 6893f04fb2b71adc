"""Reads for accounts: what a user may reach."""

from __future__ import annotations

from luohu.accounts.models import User
from luohu.accounts.roles import ROLE_SCOPE, Scope


def user_county_codes(user: User) -> frozenset[str] | None:
    """Return the county codes the user may reach; None means the whole city."""
    scope = ROLE_SCOPE[user.role]
    if scope == Scope.CITY:
        return None
    if scope == Scope.COUNTY:
        return frozenset({user.jurisdiction_code})
    return frozenset()


def user_can_reach_county(user: User, county_code: str) -> bool:
    codes = user_county_codes(user)
    return codes is None or county_code in codes
