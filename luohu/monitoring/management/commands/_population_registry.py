"""A deterministic sample of the synthetic population, loaded into the registry for the demo.

``luohu population load-registry --sample N``: whole households are drawn
from ``population_<year>.parquet`` in a seeded order until N people are
reached, then written through the registry services
(``luohu.registry.households``: ``person_register``, ``person_create``,
``residence_record``, ``settlement_register``), so every write is
validated and audited like a clerk's, with the system as the actor.

* Each person first gets the hukou they held **before** the plan's
  settlements (``previous_hukou_*`` for the settled), from the initial load
  (``initial_load``, on their birth date or 1 January 2010, whichever is
  later); people whose hukou is outside Anyang are recorded without one.
* Residents get a residence record at their residence township, from the
  time they have lived in town (``years_lived_in_town`` years before the
  year-end; the initial-load date for those living in their hukou
  township), so they count as residents (six months or more).
* The settled are then registered by ``settlement_register`` on their
  ``settled_on`` day, one case per household and day (case number
  ``SYN-<year>-<household>-<yyyymmdd>``): these are the registry's hukou
  transfers of 2018-2020.

Urban or rural flags: the registry derives them from the division for
subdistricts (urban) and townships (rural) and asks for them only in towns;
the synthetic flag is passed only there, so a registry figure can differ
slightly from the synthetic one for the same people.

All or nothing: the whole load is one transaction. A second load of the
same sample is rolled back whole (``SampleAlreadyLoadedError``, a message
naming the option); the command reports it and writes nothing.
Names are made up from the person's number (the synthetic population has
none); no real person is described.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

SYNTHETIC_CASE_PREFIX = "SYN"
INITIAL_LOAD_FROM = dt.date(2010, 1, 1)
SAMPLE_MAX = 200_000

SAMPLE_ALREADY_LOADED = (
    "--sample 该样本已载入登记库（{year} 年，种子 {seed}），未再写入任何数据 "
    "--sample: this sample ({year}, seed {seed}) is already in the registry; nothing was written"
)
SAMPLE_INVALID = (
    f"--sample 须为 1 至 {SAMPLE_MAX} 的整数 --sample must be a whole number from 1 to {SAMPLE_MAX}"
)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"


def synthetic_name(person_id: int) -> str:
    """A made-up two- or three-character name derived from the person's number."""
    surname = _SURNAMES[person_id % len(_SURNAMES)]
    first = _GIVEN[(person_id // len(_SURNAMES)) % len(_GIVEN)]
    second = _GIVEN[(person_id // (len(_SURNAMES) * len(_GIVEN))) % len(_GIVEN)]
    return surname + first + (second if person_id % 3 else "")


def sample_households(frame: pl.DataFrame, size: int, seed: int) -> pl.DataFrame:
    """Whole households in a seeded random order until ``size`` people are reached."""
    households = frame["household_id"].unique().sort().to_numpy()
    order = np.random.default_rng([seed, 42]).permutation(households)
    counts = frame.group_by("household_id").len()
    sizes = dict(zip(counts["household_id"].to_list(), counts["len"].to_list(), strict=True))
    chosen: list[int] = []
    total = 0
    for household in order.tolist():
        if total >= size:
            break
        chosen.append(household)
        total += sizes[household]
    rank = pl.DataFrame({"household_id": chosen, "_rank": np.arange(len(chosen))})
    relation_order = pl.col("relation_to_head").to_physical()
    return (
        frame.join(rank, on="household_id").sort("_rank", relation_order, "person_id").drop("_rank")
    )


@dataclass(frozen=True)
class LoadResult:
    households: int
    persons: int
    hukou_registered: int
    without_hukou: int
    residences: int
    settlements: int
    seconds: float


def _residence_from(row: dict[str, object], year: int) -> dt.date:
    birth = row["birth_date"]
    assert isinstance(birth, dt.date)
    start = max(birth, INITIAL_LOAD_FROM)
    if row["hukou_scope"] == "same_township":
        return start
    years = int(row["years_lived_in_town"] or 0)  # type: ignore[call-overload]
    # At least six months before the year-end, so they are residents (6+ months).
    moved = dt.date(year - max(years, 1), 6, 30)
    return max(birth, moved)


def load_registry_sample(
    source: Path,
    *,
    year: int,
    size: int,
    seed: int,
    progress: Callable[[Iterable[object], int], Iterable[object]] | None = None,
) -> LoadResult:
    """Load the sample; raise ``SampleAlreadyLoadedError`` when it is already there."""
    import time

    from django.db import transaction

    from luohu.analytics.population import snapshot_path
    from luohu.common.errors import FieldError
    from luohu.registry.models import Division
    from luohu.registry.selectors import UrbanClass, division_urban_class

    started = time.perf_counter()

    frame = pl.read_parquet(snapshot_path(source, year))
    sample = sample_households(frame, size, seed)
    mixed: dict[str, bool] = {}
    first_day: dict[str, dt.date] = {}

    def in_force_from(code: str) -> dt.date:
        """The first day the code is in force (2018 codes of moved townships start later)."""
        if code not in first_day:
            starts = [d.valid_from or dt.date.min for d in Division.objects.filter(code=code)]
            first_day[code] = max(INITIAL_LOAD_FROM, min(starts, default=INITIAL_LOAD_FROM))
        return first_day[code]

    def flag(code: str, is_urban: bool | None, on: dt.date) -> bool | None:
        """The urban flag where the registry asks for it (towns), else None."""
        if code not in mixed:
            mixed[code] = division_urban_class(code, on) == UrbanClass.MIXED
        return is_urban if mixed[code] else None

    groups = sample.partition_by("household_id", maintain_order=True)
    iterate: Iterable[object] = progress(groups, len(groups)) if progress else groups
    counts = {"hukou": 0, "none": 0, "residence": 0, "settled": 0}
    try:
        with transaction.atomic():
            for group in iterate:
                assert isinstance(group, pl.DataFrame)
                _load_household(group.to_dicts(), year, flag, in_force_from, counts)
    except FieldError as exc:
        if "person_already_registered" in exc.codes:
            raise SampleAlreadyLoadedError(
                SAMPLE_ALREADY_LOADED.format(year=year, seed=seed)
            ) from exc
        raise
    return LoadResult(
        households=len(groups),
        persons=sample.height,
        hukou_registered=counts["hukou"],
        without_hukou=counts["none"],
        residences=counts["residence"],
        settlements=counts["settled"],
        seconds=round(time.perf_counter() - started, 2),
    )


class SampleAlreadyLoadedError(Exception):
    """The sample's people are already in the registry; the message is bilingual."""


def _load_household(
    rows: list[dict[str, object]],
    year: int,
    flag: Callable[[str, bool | None, dt.date], bool | None],
    in_force_from: Callable[[str], dt.date],
    counts: dict[str, int],
) -> None:
    from luohu.registry.households import (
        SettlementMove,
        person_create,
        person_register,
        residence_record,
        settlement_register,
    )
    from luohu.registry.models import HouseholdType, HukouReasonIn, RelationToHead

    household = None
    for row in rows:
        settled = row["settled_on"] is not None
        in_city = row["previous_hukou_in_city"] if settled else row["hukou_in_city"]
        township = row["previous_hukou_township_code"] if settled else row["hukou_township_code"]
        urban = row["previous_hukou_urban"] if settled else row["hukou_urban"]
        birth = row["birth_date"]
        assert isinstance(birth, dt.date)
        citizen_id = str(row["citizen_id"])
        name = synthetic_name(int(row["person_id"]))  # type: ignore[call-overload]
        if in_city and township:
            on = max(birth, in_force_from(str(township)))
            relation = str(row["relation_to_head"])
            if household is None:
                relation = RelationToHead.HEAD
            elif relation == RelationToHead.HEAD:
                relation = RelationToHead.OTHER
            record = person_register(
                acting_user=None,
                citizen_id=citizen_id,
                name=name,
                sex=str(row["sex"]),
                birth_date=birth,
                division_code=str(township),
                is_urban=flag(str(township), bool(urban), on),
                household=household,
                household_type=(
                    HouseholdType.COLLECTIVE
                    if row["household_type"] == "collective"
                    else HouseholdType.FAMILY
                ),
                relation_to_head=relation,
                on=on,
                reason_in=HukouReasonIn.INITIAL_LOAD,
            )
            household = record.household
            counts["hukou"] += 1
        else:
            person_create(
                acting_user=None,
                citizen_id=citizen_id,
                name=name,
                sex=str(row["sex"]),
                birth_date=birth,
            )
            counts["none"] += 1
        if row["resident_in_city"]:
            code = str(row["residence_township_code"])
            since = max(_residence_from(row, year), in_force_from(code))
            residence_record(
                acting_user=None,
                citizen_id=citizen_id,
                division_code=code,
                is_urban=flag(code, bool(row["residence_urban"]), since),
                valid_from=since,
            )
            counts["residence"] += 1
    # Settlements: one case per household and day, the first mover heads the new household.
    settled_rows = [r for r in rows if r["settled_on"] is not None]
    by_day: dict[dt.date, list[dict[str, object]]] = {}
    for row in settled_rows:
        day = row["settled_on"]
        assert isinstance(day, dt.date)
        by_day.setdefault(day, []).append(row)
    for day, movers in sorted(by_day.items()):
        moves = []
        for position, row in enumerate(movers):
            relation = str(row["relation_to_head"])
            if position == 0:
                relation = RelationToHead.HEAD
            elif relation == RelationToHead.HEAD:
                relation = RelationToHead.OTHER
            birth = row["birth_date"]
            assert isinstance(birth, dt.date)
            moves.append(
                SettlementMove(
                    citizen_id=str(row["citizen_id"]),
                    name=synthetic_name(int(row["person_id"])),  # type: ignore[call-overload]
                    sex=str(row["sex"]),
                    birth_date=birth,
                    relation_to_head=relation,
                    is_head=position == 0,
                )
            )
        code = str(movers[0]["residence_township_code"])
        settlement_register(
            acting_user=None,
            case_ref=f"{SYNTHETIC_CASE_PREFIX}-{year}-{movers[0]['household_id']}-{day:%Y%m%d}",
            destination_division_code=code,
            destination_is_urban=flag(code, bool(movers[0]["residence_urban"]), day),
            on=day,
            moves=moves,
        )
        counts["settled"] += len(moves)
