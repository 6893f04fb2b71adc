"""办件流程 The settlement case workflow, declared once.

Every status change a case can make is a row of TRANSITIONS: from which
status, by which action, to which status, and which roles may take it.
Services, pages and tests all read this table; no status check is written
anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from luohu.accounts.roles import Role


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    MATERIALS_REQUESTED = "materials_requested", _("Materials requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REGISTERED = "registered", _("Registered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Action(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REQUEST_MATERIALS = "request_materials", _("Ask for materials")
    SUPPLY_MATERIALS = "supply_materials", _("Supply materials")
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")
    REGISTER = "register", _("Register")
    WITHDRAW = "withdraw", _("Withdraw")


# Statuses in which the case is still open: consent may be withdrawn until
# registration (1.2.d) and a second open case for the same person is flagged.
OPEN_STATUSES = frozenset(
    {Status.SUBMITTED, Status.ACCEPTED, Status.MATERIALS_REQUESTED, Status.APPROVED}
)
# The statutory clock stops while the applicant is gathering materials.
CLOCK_PAUSED_STATUSES = frozenset({Status.MATERIALS_REQUESTED})


@dataclass(frozen=True)
class Transition:
    source: Status
    action: Action
    target: Status
    roles: frozenset[str]


_CLERK = frozenset({Role.CLERK})
_APPLICANT = frozenset({Role.APPLICANT})
_APPLICANT_OR_CLERK = frozenset({Role.APPLICANT, Role.CLERK})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.SUBMITTED, Action.ACCEPT, Status.ACCEPTED, _CLERK),
    Transition(Status.ACCEPTED, Action.REQUEST_MATERIALS, Status.MATERIALS_REQUESTED, _CLERK),
    Transition(Status.MATERIALS_REQUESTED, Action.SUPPLY_MATERIALS, Status.ACCEPTED, _APPLICANT),
    Transition(Status.ACCEPTED, Action.APPROVE, Status.APPROVED, _CLERK),
    Transition(Status.ACCEPTED, Action.REFUSE, Status.REFUSED, _CLERK),
    Transition(Status.APPROVED, Action.REGISTER, Status.REGISTERED, _CLERK),
    # An applicant may withdraw at any point before registration (1.2.d);
    # a clerk records a withdrawal the applicant made at the counter.
    Transition(Status.SUBMITTED, Action.WITHDRAW, Status.WITHDRAWN, _APPLICANT_OR_CLERK),
    Transition(Status.ACCEPTED, Action.WITHDRAW, Status.WITHDRAWN, _APPLICANT_OR_CLERK),
    Transition(Status.MATERIALS_REQUESTED, Action.WITHDRAW, Status.WITHDRAWN, _APPLICANT_OR_CLERK),
    Transition(Status.APPROVED, Action.WITHDRAW, Status.WITHDRAWN, _APPLICANT_OR_CLERK),
)

_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}


def transition_for(source: str, action: str) -> Transition | None:
    """Return the transition, or None when the table has no such step."""
    if source not in Status.values or action not in Action.values:
        return None
    return _BY_KEY.get((Status(source), Action(action)))


def actions_available(status: str, role: str) -> list[Action]:
    """Return the actions a role may take on a case in ``status``, in table order."""
    return [t.action for t in TRANSITIONS if t.source == status and role in t.roles]
