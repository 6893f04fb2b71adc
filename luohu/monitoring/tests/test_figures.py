"""Year figures: a county submits, the city approves and locks, reopening needs a reason (4.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from luohu.accounts.roles import CITY_CODE
from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.common.errors import FieldError
from luohu.monitoring.models import FiguresStatus, IndicatorFigures, YearFigures
from luohu.monitoring.selectors import figures_shown
from luohu.monitoring.services import (
    FIGURES_REASON_REQUIRED,
    NOT_ALLOWED,
    figures_approve,
    figures_reopen,
    figures_submit,
)

HUAXIAN = "410526"
LINZHOU = "410581"

pytestmark = pytest.mark.django_db


def events(obj_id: str) -> list[int]:
    return list(
        AuditEntry.objects.filter(object_id=obj_id)
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )


def test_submit_approve_lock_then_reopen_with_reason(computed: Path) -> None:
    """The whole path, each step audited; the locked copy is what dashboards show."""
    county = persona("county_liu_huaxian")
    ndrc = persona("ndrc_chen")
    submitted = figures_submit(acting_user=county, county_code=HUAXIAN, year=2020)
    assert submitted.status == FiguresStatus.SUBMITTED
    row = IndicatorFigures.objects.get(year=2020, division_code=HUAXIAN)
    assert submitted.figures["hukou_population"] == row.hukou_population
    locked = figures_approve(acting_user=ndrc, county_code=HUAXIAN, year=2020)
    assert locked.status == FiguresStatus.LOCKED and locked.decided_by == ndrc

    # The computed figures change afterwards (a refresh); the locked copy stands.
    IndicatorFigures.objects.filter(year=2020, division_code=HUAXIAN).update(
        urban_hukou_population=0
    )
    shown = figures_shown()[2020][HUAXIAN]
    assert shown.locked is True
    assert shown.urban_hukou_population == row.urban_hukou_population
    assert figures_shown()[2020][CITY_CODE].locked is False  # nine counties still provisional

    with pytest.raises(FieldError) as caught:
        figures_reopen(acting_user=ndrc, county_code=HUAXIAN, year=2020, reason="  ")
    assert caught.value.codes == [FIGURES_REASON_REQUIRED[0]]
    assert YearFigures.objects.get(county_code=HUAXIAN, year=2020).status == FiguresStatus.LOCKED

    reopened = figures_reopen(
        acting_user=ndrc, county_code=HUAXIAN, year=2020, reason="户籍数据补录 late registrations"
    )
    assert reopened.status == FiguresStatus.REOPENED
    assert figures_shown()[2020][HUAXIAN].locked is False
    again = figures_submit(acting_user=county, county_code=HUAXIAN, year=2020)
    assert again.version == 2 and again.figures["urban_hukou_population"] == 0

    assert events(f"{HUAXIAN}-2020") == [
        AuditEventType.FIGURES_SUBMITTED,
        AuditEventType.FIGURES_APPROVED,
        AuditEventType.FIGURES_REOPENED,
        AuditEventType.FIGURES_SUBMITTED,
    ]
    entry = AuditEntry.objects.get(object_id=f"{HUAXIAN}-2020", event_type=612)
    assert entry.reason == "户籍数据补录 late registrations"
    assert entry.before == {"status": "locked", "version": 1}


@pytest.mark.parametrize(
    ("username", "action", "county"),
    [
        ("county_liu_huaxian", "approve", HUAXIAN),  # a county cannot approve its own
        ("county_liu_huaxian", "submit", LINZHOU),  # nor submit another county's
        ("ndrc_chen", "submit", HUAXIAN),  # the city does not submit for a county
        ("clerk_li_huaxian", "submit", HUAXIAN),  # clerks take no part
        ("auditor_zhou", "reopen", HUAXIAN),  # auditors read, never change
    ],
)
def test_roles_outside_the_workflow_are_refused(
    computed: Path, username: str, action: str, county: str
) -> None:
    """Each refusal names no field and changes nothing."""
    figures_submit(acting_user=persona("county_liu_huaxian"), county_code=HUAXIAN, year=2020)
    service = {"submit": figures_submit, "approve": figures_approve}.get(action)
    with pytest.raises(FieldError) as caught:
        if service is None:
            figures_reopen(acting_user=persona(username), county_code=county, year=2020, reason="x")
        else:
            service(acting_user=persona(username), county_code=county, year=2020)
    assert caught.value.codes == [NOT_ALLOWED[0]]
    assert YearFigures.objects.get(county_code=HUAXIAN, year=2020).status == FiguresStatus.SUBMITTED
    assert events(f"{HUAXIAN}-2020") == [AuditEventType.FIGURES_SUBMITTED]


def test_steps_out_of_order_are_refused(computed: Path) -> None:
    """Approving what was not submitted, resubmitting what is submitted or locked: refused."""
    county = persona("county_liu_huaxian")
    ndrc = persona("ndrc_chen")
    with pytest.raises(FieldError) as caught:
        figures_approve(acting_user=ndrc, county_code=HUAXIAN, year=2020)
    assert caught.value.codes == ["figures_wrong_state"]
    assert caught.value.problems[0].field == "status"
    figures_submit(acting_user=county, county_code=HUAXIAN, year=2020)
    with pytest.raises(FieldError, match="figures_wrong_state|cannot be submit"):
        figures_submit(acting_user=county, county_code=HUAXIAN, year=2020)
    figures_approve(acting_user=ndrc, county_code=HUAXIAN, year=2020)
    for step in (figures_submit, figures_approve):
        with pytest.raises(FieldError) as caught:
            step(
                acting_user=county if step is figures_submit else ndrc,
                county_code=HUAXIAN,
                year=2020,
            )
        assert caught.value.codes == ["figures_wrong_state"]


def test_nothing_to_submit_without_computed_figures(divisions: None) -> None:
    with pytest.raises(FieldError) as caught:
        figures_submit(acting_user=persona("county_liu_huaxian"), county_code=HUAXIAN, year=2019)
    assert caught.value.codes == ["figures_nothing_computed"]
    assert not YearFigures.objects.exists()
