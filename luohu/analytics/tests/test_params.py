"""The parameters file: every value says whether it is a figure or an assumption."""

from __future__ import annotations

from pathlib import Path

import pytest

from luohu.analytics.population.params import BASES, load_params


def test_every_parameter_has_a_basis_and_a_note() -> None:
    params = load_params()
    assert len(params) > 20
    for parameter in params.values():
        assert parameter.basis in BASES
        assert parameter.note and parameter.term_zh


def test_the_hukou_baseline_is_labelled_an_assumption() -> None:
    baseline = load_params()["hukou_urban_share_before_settlement"]
    assert baseline.is_assumption
    assert "AY2018-19:1.3" in baseline.note
    assert "Not a published figure" in baseline.note


def test_probability_tables_sum_to_one() -> None:
    params = load_params()
    assert sum(params.value("household_size_distribution").values()) == pytest.approx(1)
    for table in params.value("head_age_bands").values():
        assert sum(table.values()) == pytest.approx(1)
    for area in params.value("education_by_age").values():
        for probs in area.values():
            assert sum(probs) == pytest.approx(1)
    for probs in params.value("tenure_by_group").values():
        assert sum(probs) == pytest.approx(1)


def test_a_parameter_without_basis_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text("x:\n  term_zh: x\n  value: 1\n  unit: share\n  note: n\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"parameter 'x' lacks \['basis'\]"):
        load_params(path)
    path.write_text(
        "x:\n  term_zh: x\n  value: 1\n  unit: share\n  basis: guess\n  note: n\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="unknown basis 'guess'"):
        load_params(path)
