from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from luohu.accounts.roles import CITY_CODE, Role


class User(AbstractUser):
    """A person who signs in: a citizen or a member of staff with one role."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # County-level GB/T 2260 code for county roles, the city code for city
    # roles, empty for applicants (who reach only their own records).
    jurisdiction_code = models.CharField(_("jurisdiction"), max_length=6, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="accounts_user_jurisdiction_matches_role",
                condition=(
                    (Q(role=Role.APPLICANT) & Q(jurisdiction_code=""))
                    | (
                        Q(role__in=[Role.CLERK, Role.COUNTY_OFFICIAL])
                        & Q(jurisdiction_code__regex=r"^4105[0-9]{2}$")
                        & ~Q(jurisdiction_code=CITY_CODE)
                    )
                    | (
                        Q(role__in=[Role.CITY_NDRC, Role.STATISTICS, Role.AUDITOR, Role.ADMIN])
                        & Q(jurisdiction_code=CITY_CODE)
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.role})"
