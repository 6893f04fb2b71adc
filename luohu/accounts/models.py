from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from luohu.accounts.roles import CITY_CODE, SEPARATED_ROLES, Role

_SEPARATED = sorted(SEPARATED_ROLES)


class User(AbstractUser):
    """A person who signs in: a citizen or a member of staff with one role."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # County-level GB/T 2260 code for county roles, the city code for city
    # roles, empty for applicants (who reach only their own records).
    jurisdiction_code = models.CharField(_("jurisdiction"), max_length=6, blank=True)
    # 三员分立: the first of the three separated duties this account was given.
    # Set once and never cleared, so the account can never hold another of them.
    separated_duty = models.CharField(
        _("separated duty"), max_length=32, blank=True, default="", editable=False
    )

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
                        Q(
                            role__in=[
                                Role.CITY_NDRC,
                                Role.STATISTICS,
                                Role.AUDITOR,
                                Role.SYSTEM_ADMIN,
                                Role.SECURITY_ADMIN,
                            ]
                        )
                        & Q(jurisdiction_code=CITY_CODE)
                    )
                ),
            ),
            # A separated role is only ever the account's own separated duty.
            models.CheckConstraint(
                name="accounts_user_one_separated_duty",
                condition=(
                    (Q(role__in=_SEPARATED) & Q(separated_duty=F("role")))
                    | (~Q(role__in=_SEPARATED) & Q(separated_duty__in=["", *_SEPARATED]))
                ),
            ),
            # A superuser holds every duty at once: no account is one.
            models.CheckConstraint(
                name="accounts_user_no_superuser", condition=Q(is_superuser=False)
            ),
            # Only the system administrator signs in to the admin site.
            models.CheckConstraint(
                name="accounts_user_admin_site_system_admin_only",
                condition=Q(is_staff=False) | Q(role=Role.SYSTEM_ADMIN),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.role})"

    @property
    def is_staff_role(self) -> bool:
        """Every role but the applicant's is staff and signs in with a second factor."""
        return bool(self.role) and self.role != Role.APPLICANT
