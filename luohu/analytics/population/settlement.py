"""落户（模拟） The plan's yearly settlements, decided by the policy engine.

Each year from the plan's date of issue (2018-03-12) to the snapshot's
year-end, the residents who consent (``willing_to_settle``, the engine's
``consent`` fact) are asked, household by household on one day of the year,
whether they may settle where they live. The policy engine
(``luohu.policy.engine``, the same rules as for one case) decides; of the
admitted, the households that take it up that year
(``settlement_take_up_per_year``, an assumption in params.yaml) are
registered: their hukou moves to the residence township and takes its urban
or rural flag, ``settled_on`` records the day and ``previous_hukou_*`` the
hukou they held before.

So the hukou transfers in the statistics are exactly the engine's admitted
and willing people: nobody settles whom the rules in force that day refuse
(``luohu/analytics/tests/test_settlement.py`` re-runs the engine on every
settled person). Deterministic for a seed: one random stream per year and
seed, separate from the snapshot's own, so the snapshot before settlement is
the same with or without this step.

Pure Python (Polars, NumPy, the engine): no Django import. The kind of each
destination is the registry's rule, passed in by the caller
(``destination_kinds``, see ``luohu.analytics.population.kinds``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from luohu.analytics.population.params import Params
from luohu.analytics.population.settlement_facts import settlement_facts
from luohu.policy.engine import Engine
from luohu.policy.sources import plan

# Third element of the random stream's key: apart from the snapshot's
# default_rng([seed, year]).
SETTLEMENT_STREAM = 1912


@dataclass(frozen=True)
class SettlementYear:
    year: int
    candidates: int  # consenting residents asked (after the household's take-up draw)
    admitted: int  # of those, eligible under the rules in force on their day = settled


def plan_start() -> dt.date:
    return plan().in_force_from


def _facts_of_year(candidates: pl.DataFrame, back: int) -> pl.DataFrame:
    """The snapshot's facts taken back ``back`` years (years in town, insured months)."""
    if back == 0:
        return candidates
    return candidates.filter(pl.col("years_lived_in_town") >= back).with_columns(
        years_lived_in_town=pl.col("years_lived_in_town") - back,
        years_employed_in_town=(pl.col("years_employed_in_town") - back).clip(lower_bound=0),
        urban_social_insurance_months=(pl.col("urban_social_insurance_months") - 12 * back).clip(
            lower_bound=0
        ),
    )


def apply_settlements(
    frame: pl.DataFrame,
    *,
    year: int,
    seed: int,
    params: Params,
    destination_kinds: Mapping[str, str],
    engine: Engine | None = None,
) -> tuple[pl.DataFrame, list[SettlementYear]]:
    """Return the snapshot with the plan's settlements up to its year-end applied.

    ``frame`` is a snapshot as built by the generator (``settled_on`` null
    throughout, ``person_id`` = row number). Returns the new frame and, per
    year, how many were asked and admitted.
    """
    start = plan_start()
    if year < start.year or frame.height == 0:
        return frame, []
    engine = engine or Engine()
    rate = float(params.value("settlement_take_up_per_year"))
    rng = np.random.default_rng([seed, year, SETTLEMENT_STREAM])
    n_households = int(frame["household_id"].max()) + 1  # type: ignore[arg-type]
    settled_day = np.full(frame.height, -1, dtype=np.int64)  # days since 1970, -1 = not settled
    pool = frame.filter(pl.col("resident_in_city") & pl.col("willing_to_settle"))
    report: list[SettlementYear] = []
    epoch = dt.date(1970, 1, 1)
    for y in range(start.year, year + 1):
        first = max(dt.date(y, 1, 1), start)
        days = (dt.date(y, 12, 31) - first).days + 1
        day_h = (first - epoch).days + rng.integers(0, days, n_households)
        take_h = rng.random(n_households) < rate
        asked = _facts_of_year(
            pool.filter(pl.Series(take_h).gather(pool["household_id"])), year - y
        )
        asked = asked.filter(pl.Series(settled_day).gather(asked["person_id"]) < 0)
        if asked.height == 0:
            report.append(SettlementYear(y, 0, 0))
            continue
        facts = (
            settlement_facts(asked.lazy(), destination_kinds=destination_kinds)
            .with_columns(
                as_of=pl.lit(pl.Series(day_h).cast(pl.Date)).gather(pl.col("household_id"))
            )
            # Someone born later in the year is not asked on an earlier day.
            .filter(pl.col("birth_date") < pl.col("as_of"))
        )
        decided = engine.evaluate_frame(facts, keep=["person_id", "as_of"]).collect()
        admitted = decided.filter(pl.col("decision") == "eligible")
        ids = admitted["person_id"].to_numpy()
        settled_day[ids] = admitted["as_of"].cast(pl.Int64).to_numpy()
        report.append(SettlementYear(y, asked.height, int(ids.size)))
    return _settle(frame, settled_day), report


def _settle(frame: pl.DataFrame, settled_day: np.ndarray) -> pl.DataFrame:
    """Move the settled people's hukou to their residence; keep the earlier one."""
    mask = pl.Series("_settled", settled_day >= 0)
    settled = pl.col("_settled")
    return (
        frame.with_columns(mask)
        .with_columns(
            settled_on=pl.when(settled).then(pl.Series(settled_day).cast(pl.Date)),
            previous_hukou_in_city=pl.when(settled).then(pl.col("hukou_in_city")),
            previous_hukou_county_code=pl.when(settled).then(pl.col("hukou_county_code")),
            previous_hukou_township_code=pl.when(settled).then(pl.col("hukou_township_code")),
            previous_hukou_urban=pl.when(settled).then(pl.col("hukou_urban")),
        )
        .with_columns(
            hukou_in_city=pl.col("hukou_in_city") | settled,
            hukou_county_code=pl.when(settled)
            .then(pl.col("residence_county_code"))
            .otherwise(pl.col("hukou_county_code")),
            hukou_township_code=pl.when(settled)
            .then(pl.col("residence_township_code"))
            .otherwise(pl.col("hukou_township_code")),
            hukou_urban=pl.when(settled)
            .then(pl.col("residence_urban"))
            .otherwise(pl.col("hukou_urban")),
        )
        .drop("_settled")
    )
