"""The generated population against the published figures, and its invariants.

Run at scale 0.01 (about 63,000 people). The census bounds of the issue
(county totals exact at scale 1.0, urban rate within 0.1 point, hukou
elsewhere shares within 0.5 point) are checked here against the scaled
targets; bench/population_generate.py checks them at scale 1.0.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from stdnum.cn import ric

from luohu.analytics.population import (
    MAX_SCALE,
    MAX_WORKERS,
    check_arguments,
    generate_population,
    generate_year,
    schema,
)
from luohu.analytics.population import __main__ as cli
from luohu.analytics.population import calibration as cal
from luohu.analytics.population.generator import build_year
from luohu.analytics.population.params import load_params
from luohu.analytics.tests.conftest import TEST_SCALE, TEST_SEED
from luohu.common.citizen_id import make_citizen_id, parse_citizen_id
from luohu.common.errors import FieldError

SCOPES = ("other_township_same_county", "other_county_same_province", "other_province")


def residents_by_county(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.filter(pl.col("resident_in_city"))
        .group_by(division_code="residence_county_code")
        .agg(
            residents=pl.len(),
            urban_rate=100 * pl.col("residence_urban").mean(),
            **{scope: 100 * (pl.col("hukou_scope") == scope).mean() for scope in SCOPES},
        )
        .sort("division_code")
    )


def census_rows(figures: pl.DataFrame, indicator: str) -> pl.DataFrame:
    return (
        figures.filter(
            (pl.col("year") == 2020)
            & (pl.col("indicator") == indicator)
            & (pl.col("division_code") != cal.CITY_CODE)
            & pl.col("division_code").str.starts_with("4105")
        )
        .select("division_code", "value")
        .sort("division_code")
    )


def test_county_residents_match_the_census_scaled(
    snapshot_2020: pl.DataFrame, figures: pl.DataFrame
) -> None:
    """Largest-remainder split of the scaled city total: within one person of each quota."""
    got = residents_by_county(snapshot_2020).join(
        census_rows(figures, "resident_population_census"), on="division_code"
    )
    assert got.height == 10
    assert got["residents"].sum() == round(
        TEST_SCALE * cal.figure(figures, 2020, cal.CITY_CODE, "resident_population_census").value
    )
    assert (got["residents"] - got["value"] * TEST_SCALE).abs().max() < 1  # type: ignore[operator]


def test_county_urban_rates_within_a_tenth_of_a_point(
    snapshot_2020: pl.DataFrame, figures: pl.DataFrame
) -> None:
    got = residents_by_county(snapshot_2020).join(
        census_rows(figures, "resident_urbanization_rate_census"), on="division_code"
    )
    assert (got["urban_rate"] - got["value"]).abs().max() <= 0.1  # type: ignore[operator]
    city = cal.figure(figures, 2020, cal.CITY_CODE, "resident_urbanization_rate_census").value
    residents = snapshot_2020.filter(pl.col("resident_in_city"))
    assert 100 * residents["residence_urban"].mean() == pytest.approx(city, abs=0.1)  # type: ignore[operator]


@pytest.mark.parametrize("scope", SCOPES)
def test_hukou_elsewhere_shares_within_half_a_point(
    snapshot_2020: pl.DataFrame, figures: pl.DataFrame, scope: str
) -> None:
    got = residents_by_county(snapshot_2020).join(
        census_rows(figures, f"share_hukou_{scope}"), on="division_code"
    )
    assert got.height == 10
    assert (got[scope] - got["value"]).abs().max() <= 0.5  # type: ignore[operator]


def test_collective_and_hukou_population_meet_their_targets(
    snapshot_2020: pl.DataFrame, figures: pl.DataFrame
) -> None:
    collective = cal.figure(
        figures, 2020, cal.CITY_CODE, "collective_household_population_census"
    ).value
    assert (snapshot_2020["household_type"] == "collective").sum() == round(collective * TEST_SCALE)
    hukou_target = round(cal.year_targets(2020, figures=figures).hukou_population * TEST_SCALE)
    in_city = snapshot_2020.filter(pl.col("hukou_in_city"))
    assert in_city.height == hukou_target
    share = load_params()["hukou_urban_share_before_settlement"]
    assert share.is_assumption
    largest_household = snapshot_2020.group_by("household_id").len()["len"].max()
    assert (
        abs(in_city["hukou_urban"].sum() - share.value / 100 * in_city.height) <= largest_household
    )  # type: ignore[operator]


def test_interpolated_year_meets_its_assumed_targets(
    snapshot_2015: pl.DataFrame, figures: pl.DataFrame
) -> None:
    targets = cal.scale_targets(cal.year_targets(2015, figures=figures), TEST_SCALE)
    residents = snapshot_2015.filter(pl.col("resident_in_city"))
    assert residents.height == targets.residents
    assert residents["residence_urban"].sum() == targets.urban
    assert snapshot_2015["year"].unique().to_list() == [2015]


def test_same_seed_same_frame_other_seed_other_frame(snapshot_2020: pl.DataFrame) -> None:
    assert_frame_equal(build_year(2020, scale=TEST_SCALE, seed=TEST_SEED), snapshot_2020)
    other = build_year(2020, scale=TEST_SCALE, seed=TEST_SEED + 1)
    assert other.height != snapshot_2020.height or not other.equals(snapshot_2020)
    assert not other["citizen_id"].equals(snapshot_2020["citizen_id"])


def test_schema_and_dtypes(snapshot_2020: pl.DataFrame) -> None:
    assert snapshot_2020.schema == pl.Schema(schema.SCHEMA)


def test_citizen_ids_are_valid_unique_and_agree_with_birth_date_and_sex(
    snapshot_2020: pl.DataFrame,
) -> None:
    assert snapshot_2020["citizen_id"].n_unique() == snapshot_2020.height
    sample = snapshot_2020.sample(400, seed=1)
    for number, birth_date, sex in sample.select("citizen_id", "birth_date", "sex").iter_rows():
        parsed = parse_citizen_id(number, today=dt.date(2020, 12, 31))
        assert (parsed.birth_date, parsed.sex) == (birth_date, sex)
        assert number[-1] == ric.calc_check_digit(number)
        assert ric.get_birth_date(number) == birth_date
        assert make_citizen_id(number[:6], birth_date, int(number[14:17])) == number


def test_every_household_has_one_head_and_one_hukou_place(snapshot_2020: pl.DataFrame) -> None:
    households = snapshot_2020.group_by("household_id").agg(
        heads=(pl.col("relation_to_head") == "head").sum(),
        hukou_places=pl.struct("hukou_county_code", "hukou_township_code").n_unique(),
        hukou_urban=pl.col("hukou_urban").n_unique(),
        residences=pl.struct("residence_township_code", "residence_urban").n_unique(),
        types=pl.col("household_type").n_unique(),
        size=pl.len(),
        collective=(pl.col("household_type") == "collective").any(),
    )
    assert households.select(
        pl.col("heads", "hukou_places", "hukou_urban", "residences", "types").max()
    ).row(0) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert households["heads"].min() == 1
    assert households.filter(pl.col("collective"))["size"].max() == 1


def test_nulls_mean_not_applicable() -> None:
    """A tiny frame: one resident, one Anyang-hukou person living elsewhere."""
    frame = build_year(2020, scale=0.0005, seed=3)
    result = (
        frame.select(
            pl.col("resident_in_city"),
            pl.col("hukou_in_city"),
            employed_in_city=pl.col("employed") & pl.col("resident_in_city"),
            **{f"{c}_null": pl.col(c).is_null() for c in schema.NULLABLE},
        )
        .unique()
        .filter(
            (pl.col("residence_county_code_null") != ~pl.col("resident_in_city"))
            | (pl.col("hukou_township_code_null") != ~pl.col("hukou_in_city"))
            | (pl.col("employment_township_code_null") != ~pl.col("employed_in_city"))
        )
    )
    assert result.height == 0
    for column in schema.NULL_WHEN_NOT_RESIDENT:
        assert_frame_equal(
            frame.select(null=pl.col(column).is_null()),
            frame.select(null=~pl.col("resident_in_city")),
        )
    not_nullable = [c for c in schema.SCHEMA if c not in schema.NULLABLE]
    assert frame.select(pl.col(not_nullable).null_count()).sum_horizontal().item() == 0
    assert frame["resident_in_city"].all() is False
    assert frame["hukou_in_city"].all() is False


def test_facts_are_consistent(snapshot_2020: pl.DataFrame) -> None:
    bad = snapshot_2020.filter(
        (pl.col("years_employed_in_town") > pl.col("years_lived_in_town"))
        | (pl.col("years_lived_in_town") > pl.col("age"))
        | (pl.col("urban_social_insurance_months") > 12 * (pl.col("age") - 15).clip(0) + 11)
        | (
            pl.col("resident_in_city")
            & (pl.col("owns_home") != (pl.col("residence_tenure") == "owned"))
        )
        | (pl.col("hukou_urban") & (pl.col("land_contract_right") | pl.col("homestead_right")))
        | (
            pl.col("college_graduate")
            != pl.col("education").is_in(["higher_vocational", "bachelor", "postgraduate"])
        )
        | (pl.col("employment_township_code").is_not_null() & ~pl.col("employed"))
        | (
            pl.col("willing_to_surrender_rural_rights")
            & ~(
                pl.col("land_contract_right")
                | pl.col("homestead_right")
                | pl.col("collective_income_right")
            )
        )
        | (pl.col("birth_date").dt.year() != 2020 - pl.col("age"))
    )
    assert bad.height == 0
    assert snapshot_2020["age"].min() >= 0  # type: ignore[operator]


@pytest.mark.parametrize(
    ("arguments", "fields", "match"),
    [
        ({"scale": -1.0}, ["scale"], "规模须为大于0.*scale must be a number greater than 0"),
        ({"scale": 0}, ["scale"], "scale"),
        ({"scale": float("nan")}, ["scale"], "scale"),
        ({"scale": MAX_SCALE * 2}, ["scale"], f"at most {MAX_SCALE:g}"),
        ({"scale": True}, ["scale"], "scale"),
        ({"seed": -5}, ["seed"], "随机种子.*seed must be a non-negative integer"),
        ({"seed": 1.5}, ["seed"], "seed"),
        (
            {"years": [2014]},
            ["years"],
            "年份须在2015至2020.*years must be distinct years from 2015 to 2020",
        ),
        ({"years": [2020, 2020]}, ["years"], "years"),
        ({"years": []}, ["years"], "years"),
        ({"years": "2020"}, ["years"], "years"),
        ({"scale": -1.0, "years": [2021]}, ["scale", "years"], "scale.*years"),
    ],
)
def test_bad_arguments_raise_a_field_error_naming_them(
    arguments: dict[str, object], fields: list[str], match: str
) -> None:
    values: dict[str, object] = {"scale": 0.01, "seed": 1, "years": [2020], **arguments}
    with pytest.raises(FieldError, match=match) as caught:
        check_arguments(values["scale"], values["seed"], values["years"])
    assert [p.field for p in caught.value.problems] == fields


def test_generate_year_validates(snapshot_2020: pl.DataFrame) -> None:
    with pytest.raises(FieldError, match="years"):
        generate_year(2021)
    assert_frame_equal(generate_year(2020, scale=TEST_SCALE, seed=TEST_SEED), snapshot_2020)


def test_generate_population_writes_one_parquet_per_year(tmp_path: Path) -> None:
    summary = generate_population(0.002, tmp_path, seed=9, years=[2020, 2016], progress=False)
    assert [y.year for y in summary.years] == [2016, 2020]
    for year_summary in summary.years:
        assert year_summary.path is not None
        frame = pl.read_parquet(year_summary.path)
        assert frame.height == year_summary.persons
        assert frame.schema == pl.Schema(schema.SCHEMA)
        assert year_summary.residents == year_summary.residents_target
        assert year_summary.urban_residents == year_summary.urban_residents_target
    written = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert written["seed"] == 9
    assert "hukou_urban_share_before_settlement" in written["assumptions"]
    basis = {y["year"]: y["basis"] for y in written["years"]}
    assert basis[2020]["residents"].startswith("figure")
    assert basis[2016]["residents"].startswith("assumption")
    assert basis[2020]["hukou_population"].startswith("assumption")


def test_cli_reports_bad_arguments_in_both_languages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert cli.main(["--scale", "-1", "--out", str(tmp_path), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "scale: 规模须为大于0" in err and "scale must be a number greater than 0" in err
    assert cli.main(["--years", "twenty", "--out", str(tmp_path), "--no-progress"]) == 2
    assert "years must look like" in capsys.readouterr().err
    assert (
        cli.main(
            [
                "--scale",
                "0.001",
                "--years",
                "2019-2020",
                "--out",
                str(tmp_path),
                "--no-progress",
                "--no-settlements",
            ]
        )
        == 0
    )
    assert "2019" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.glob("*.parquet")) == [
        "population_2019.parquet",
        "population_2020.parquet",
    ]


def test_workers_give_the_same_files_as_one_process(tmp_path: Path) -> None:
    serial = generate_population(
        0.001, tmp_path / "one", seed=4, years=[2019, 2020], progress=False
    )
    parallel = generate_population(
        0.001, tmp_path / "two", seed=4, years=[2020, 2019], progress=False, workers=2
    )
    assert [y.year for y in parallel.years] == [2019, 2020]
    for one, two in zip(serial.years, parallel.years, strict=True):
        assert one.path is not None and two.path is not None
        assert_frame_equal(pl.read_parquet(one.path), pl.read_parquet(two.path))


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, MAX_WORKERS + 1])
def test_bad_worker_count_is_refused(tmp_path: Path, workers: object) -> None:
    with pytest.raises(FieldError, match="workers: 并行进程数.*workers must be a whole number"):
        generate_population(0.001, tmp_path, seed=1, years=[2020], workers=workers)  # type: ignore[arg-type]


def test_urban_and_rural_residents_live_where_the_registry_allows(
    snapshot_2020: pl.DataFrame,
) -> None:
    """Subdistricts are wholly urban, townships (乡) wholly rural (docs/divisions.md)."""
    levels = cal.load_divisions().select(residence_township_code="code", level="level")
    got = (
        snapshot_2020.filter(pl.col("resident_in_city"))
        .join(levels, on="residence_township_code", how="left")
        .group_by("level", "residence_urban")
        .len()
    )
    assert got.filter(pl.col("level").is_null()).height == 0
    wrong = got.filter(
        (
            pl.col("level").is_in(["subdistrict", "other_township_level"])
            & ~pl.col("residence_urban")
        )
        | ((pl.col("level") == "township") & pl.col("residence_urban"))
    )
    assert wrong.height == 0
