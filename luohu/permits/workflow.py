"""居住证流程 The residence permit workflow, declared once.

Every status change a permit can make is a row of TRANSITIONS, in the shape
of ``luohu.casework.workflow``: from which status, by which action, to which
status, and which roles may take it. Services, pages and tests read this
table; no status check is written anywhere else.

The application and the permit are one record: it is applied for, checked,
then issued (or refused), and from then on it is the permit. Endorsement
(签注) and replacement (补领) keep the permit valid and so are rows from
``valid`` to ``valid``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luohu.accounts.roles import Role


class PermitStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    CHECKED = "checked", _("Checked")
    REFUSED = "refused", pgettext_lazy("residence permit", "Refused")
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    CLOSED_BY_SETTLEMENT = "closed_by_settlement", _("Closed: holder settled")


class PermitAction(models.TextChoices):
    APPLY = "apply", _("Apply for a permit")
    CHECK = "check", _("Check eligibility")
    ISSUE = "issue", _("Issue")
    REFUSE = "refuse", pgettext_lazy("residence permit", "Refuse")
    ENDORSE = "endorse", _("Endorse (yearly)")
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")
    CANCEL = "cancel", _("Cancel")
    REPLACE = "replace", _("Replace a lost card")
    EXPIRE = "expire", _("Record expiry")
    CLOSE_BY_SETTLEMENT = "close_by_settlement", _("Close on settlement")


# A person holds at most one permit in these statuses (one live permit per
# person); an open application counts, so nobody applies twice.
LIVE_STATUSES = frozenset(
    {PermitStatus.APPLIED, PermitStatus.CHECKED, PermitStatus.VALID, PermitStatus.SUSPENDED}
)
# Statuses in which the permit has been issued and not ended.
ISSUED_STATUSES = frozenset({PermitStatus.VALID, PermitStatus.SUSPENDED})


@dataclass(frozen=True)
class PermitTransition:
    source: PermitStatus
    action: PermitAction
    target: PermitStatus
    roles: frozenset[str]


_CLERK = frozenset({Role.CLERK})
# Settlement closes the permit as a consequence of the registration a clerk
# makes; no one takes this action by hand (roles empty), the registration
# service does.
_SYSTEM: frozenset[str] = frozenset()

TRANSITIONS: tuple[PermitTransition, ...] = (
    PermitTransition(PermitStatus.APPLIED, PermitAction.CHECK, PermitStatus.CHECKED, _CLERK),
    PermitTransition(PermitStatus.APPLIED, PermitAction.REFUSE, PermitStatus.REFUSED, _CLERK),
    PermitTransition(PermitStatus.CHECKED, PermitAction.ISSUE, PermitStatus.VALID, _CLERK),
    PermitTransition(PermitStatus.CHECKED, PermitAction.REFUSE, PermitStatus.REFUSED, _CLERK),
    PermitTransition(PermitStatus.VALID, PermitAction.ENDORSE, PermitStatus.VALID, _CLERK),
    PermitTransition(PermitStatus.VALID, PermitAction.REPLACE, PermitStatus.VALID, _CLERK),
    PermitTransition(PermitStatus.VALID, PermitAction.SUSPEND, PermitStatus.SUSPENDED, _CLERK),
    PermitTransition(PermitStatus.SUSPENDED, PermitAction.REINSTATE, PermitStatus.VALID, _CLERK),
    PermitTransition(PermitStatus.VALID, PermitAction.CANCEL, PermitStatus.CANCELLED, _CLERK),
    PermitTransition(PermitStatus.SUSPENDED, PermitAction.CANCEL, PermitStatus.CANCELLED, _CLERK),
    PermitTransition(PermitStatus.VALID, PermitAction.EXPIRE, PermitStatus.EXPIRED, _CLERK),
    PermitTransition(
        PermitStatus.APPLIED,
        PermitAction.CLOSE_BY_SETTLEMENT,
        PermitStatus.CLOSED_BY_SETTLEMENT,
        _SYSTEM,
    ),
    PermitTransition(
        PermitStatus.CHECKED,
        PermitAction.CLOSE_BY_SETTLEMENT,
        PermitStatus.CLOSED_BY_SETTLEMENT,
        _SYSTEM,
    ),
    PermitTransition(
        PermitStatus.VALID,
        PermitAction.CLOSE_BY_SETTLEMENT,
        PermitStatus.CLOSED_BY_SETTLEMENT,
        _SYSTEM,
    ),
    PermitTransition(
        PermitStatus.SUSPENDED,
        PermitAction.CLOSE_BY_SETTLEMENT,
        PermitStatus.CLOSED_BY_SETTLEMENT,
        _SYSTEM,
    ),
)

_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}


def transition_for(source: str, action: str) -> PermitTransition | None:
    """Return the transition, or None when the table has no such step."""
    if source not in PermitStatus.values or action not in PermitAction.values:
        return None
    return _BY_KEY.get((PermitStatus(source), PermitAction(action)))


def actions_available(status: str, role: str) -> list[PermitAction]:
    """Return the actions a role may take on a permit in ``status``, in table order."""
    return [t.action for t in TRANSITIONS if t.source == status and role in t.roles]
