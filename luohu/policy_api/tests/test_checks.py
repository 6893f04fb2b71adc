"""The rule-base checks surface as Django system checks policy.E00n."""

from __future__ import annotations

import dataclasses

from django.core import checks

from luohu.policy import parameters
from luohu.policy.sources import plan
from luohu.policy_api.checks import E007_COUNTY_SETTINGS_REFUSED, policy_rule_base_check


def test_the_repository_has_no_policy_problems():
    assert [m for m in checks.run_checks(tags=["policy"])] == []


def test_an_uncovered_clause_is_reported_as_policy_e003(monkeypatch):
    c = plan().clauses["4.4"]
    monkeypatch.setitem(plan().clauses, "4.4", dataclasses.replace(c, not_encoded=None))
    messages = policy_rule_base_check()
    assert [(m.id, m.obj) for m in messages] == [("policy.E003", "AY2018-19:4.4")]
    assert messages[0].level == checks.ERROR


def test_a_warning_stays_a_warning(monkeypatch):
    c = plan().clauses["2.2"]
    monkeypatch.setitem(plan().clauses, "2.2", dataclasses.replace(c, not_encoded="x"))
    messages = policy_rule_base_check()
    assert [(m.id, m.level) for m in messages] == [("policy.W001", checks.WARNING)]


def test_a_refused_county_file_is_policy_e007(monkeypatch, tmp_path):
    (tmp_path / "410522-2019-01-01.yaml").write_text(
        "county: '410522'\neffective_from: 2019-01-01\noverrides: {}\nconditions: [home_purchase]\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(parameters, "COUNTIES_DIR", tmp_path)
    original = parameters.load_parameters

    def load(root=parameters.PARAMETERS_DIR, counties_dir=None):
        return original(root, tmp_path)

    monkeypatch.setattr(parameters, "load_parameters", load)
    messages = policy_rule_base_check()
    assert [m.id for m in messages] == [E007_COUNTY_SETTINGS_REFUSED]
    assert "AY2018-19:2.2" in (messages[0].hint or "")
