"""Channel mix, priority groups and the pipeline, read from real casework (1.2.b, 2.1-2.3)."""

from __future__ import annotations

import pytest

from luohu.accounts.tests.factories import persona
from luohu.casework.services import application_act
from luohu.casework.tests.factories import submitted
from luohu.casework.workflow import Action
from luohu.monitoring.selectors import casework_mix, pipeline_open_by_county

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("divisions")]


def test_approved_cases_count_by_channel_and_open_ones_in_the_pipeline() -> None:
    """One approved 滑县 case (town residence) counts once; one just submitted is in the pipeline."""
    applicant = persona("applicant_zhao")
    clerk = persona("clerk_li_huaxian")
    approved = submitted(applicant)
    for action in (Action.ACCEPT, Action.APPROVE):
        approved = application_act(
            acting_user=clerk,
            number=approved.number,
            action=action,
            expected_version=approved.version,
        )
    waiting = submitted(applicant)
    assert pipeline_open_by_county() == {"410526": 2}  # approved, not yet registered, is open

    mix = casework_mix(persona("ndrc_chen"))
    assert mix["cases"] == 1
    assert mix["channels"] == {"410526": {"town_residence": 1}}
    expected = {f["flag"]: 1 for f in approved.priority_flags}
    assert "priority_whole_family" in expected  # the factory's family long in town
    assert mix["priority_flags"] == {"410526": expected}
    # The 滑县 official sees 滑县's cases; the open one is not counted as approved.
    assert casework_mix(persona("county_liu_huaxian"))["cases"] == 1
    assert waiting.county_code == "410526"
