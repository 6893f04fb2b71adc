"""`luohu policy` subcommands."""

from __future__ import annotations

import io
import json

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from luohu.policy import frame_from_facts
from luohu.policy_api.tests.conftest import persona


def run(*args, stdin: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("policy", *args, stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("divisions")
def test_check_from_a_file(tmp_path, zhao_worker):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(zhao_worker), encoding="utf-8")
    result = json.loads(run("check", "--json", str(path)))
    assert result["decision"] == "eligible"
    assert result["trace"]["format"] == "luohu.policy.trace/1"


@pytest.mark.usefixtures("divisions")
def test_check_from_stdin_without_trace(monkeypatch, sun_town_resident):
    result = json.loads(
        run(
            "check",
            "--json",
            "-",
            "--no-trace",
            stdin=json.dumps(sun_town_resident),
            monkeypatch=monkeypatch,
        )
    )
    assert result["channels"][0]["channel"] == "town_residence"
    assert "trace" not in result


@pytest.mark.django_db
def test_check_bad_input_exits_non_zero_with_the_fields(monkeypatch):
    with pytest.raises(CommandError) as caught:
        run("check", "--json", "-", stdin='{"as_of": "2019-01-01"}', monkeypatch=monkeypatch)
    assert caught.value.returncode == 2
    assert "citizen_id: 缺少必填项 / this field is required" in str(caught.value)


def test_check_not_json_or_no_file(monkeypatch, tmp_path):
    with pytest.raises(CommandError, match="not valid JSON") as caught:
        run("check", "--json", "-", stdin="{", monkeypatch=monkeypatch)
    assert caught.value.returncode == 2
    with pytest.raises(CommandError, match="Cannot read"):
        run("check", "--json", str(tmp_path / "none.json"))


def test_validate_accepts_and_refuses(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(
        "county: '410522'\neffective_from: 2019-01-01\noverrides:\n"
        "  settlement/city_worker/urban_insurance_months_required: 6\n",
        encoding="utf-8",
    )
    assert "accepted: 410522 from 2019-01-01" in run("validate", str(good))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "county: '410522'\neffective_from: 2019-01-01\noverrides:\n"
        "  settlement/city_worker/urban_insurance_months_required: 18\n"
        "conditions: [home_purchase]\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        run("validate", str(bad))
    assert caught.value.returncode == 3
    message = str(caught.value)
    assert "breaks AY2018-19:2.2" in message and "违反 AY2018-19:2.2" in message
    broken = tmp_path / "broken.yaml"
    broken.write_text("county: [", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid YAML"):
        run("validate", str(broken))


def test_schema_prints_the_facts_schema():
    schema = json.loads(run("schema"))
    assert schema["title"] == "SettlementFacts"


def test_batch_parquet_to_parquet(tmp_path):
    from luohu.policy.tests.conftest import persona as engine_persona

    frame = frame_from_facts(
        [engine_persona("zhao_worker"), engine_persona("li_graduate")]
    ).with_row_index("person_id")
    frame.write_parquet(tmp_path / "in.parquet")
    summary = json.loads(
        run("batch", str(tmp_path / "in.parquet"), str(tmp_path / "out.parquet"), "--no-progress")
    )
    assert summary["rows"] == 2 and summary["decisions"] == {"eligible": 2}
    assert pl.read_parquet(tmp_path / "out.parquet")["person_id"].to_list() == [0, 1]
    with pytest.raises(CommandError, match="no such file"):
        run("batch", str(tmp_path / "missing.parquet"), str(tmp_path / "o.parquet"))


def test_persona_helper_drops_the_kind():
    assert persona("zhao_worker")["destination"] == {"division_code": "410502001"}


def test_permit_entitlements_and_same_treatment_from_the_command_line(tmp_path, monkeypatch):
    facts = {
        "residence_months": 7,
        "has_legal_stable_residence": True,
        "residence_division_code": "410502001",
        "hukou_division_code": "410526100",
    }
    permit = json.loads(
        run(
            "permit",
            "--json",
            "-",
            "--on",
            "2019-06-01",
            stdin=json.dumps(facts),
            monkeypatch=monkeypatch,
        )  # fmt: skip
    )
    assert permit["eligible"] is True and permit["rules_date"] == "2019-06-01"
    path = tmp_path / "me.json"
    path.write_text(
        json.dumps({"residence_division_code": "410502", "residence_status": "neither"})
    )
    answer = json.loads(run("entitlements", "--json", str(path), "--on", "2019-06-01"))
    basic = next(s for s in answer["services"] if s["service"] == "basic_public_services")
    assert basic["entitled"] is False
    counties = json.loads(run("same-treatment", "--on", "2020-01-01"))
    assert len(counties) == 9
    with pytest.raises(CommandError) as exc:
        run("same-treatment", "--on", "2017-01-01")
    assert "rule_not_in_force" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        run("permit", "--json", "-", "--on", "soon", stdin="{}", monkeypatch=monkeypatch)
    assert "on:" in str(exc.value)
