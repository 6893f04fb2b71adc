"""校准目标 Calibration targets read from the reference data files.

Every target is computed from a row of ``data/population.csv`` (whose
``source`` column names the publication) or, where no figure exists, by a
rule in ``params.yaml`` marked as an assumption. ``basis`` on each target
says which.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import polars as pl

from luohu.analytics.population.params import Params, load_params

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
POPULATION_CSV = DATA_DIR / "population.csv"
DIVISIONS_CSV = DATA_DIR / "divisions_2018.csv"

CITY_CODE = "410500"
CENSUS_YEAR = 2020
PREVIOUS_CENSUS_YEAR = 2010
YEARS = range(2015, 2021)
COUNTY_LEVELS = ("district", "county", "county_level_city", "development_zone")

# Order of the hukou scopes relative to the place of residence; the census
# calls the first "hukou in the township of residence" and the next three
# POPU_REG_C, POPU_REG_P and POPU_REG_O.
SCOPE_INDICATORS = (
    "share_hukou_other_township_same_county",
    "share_hukou_other_county_same_province",
    "share_hukou_other_province",
)


def load_figures(path: Path | None = None) -> pl.DataFrame:
    """Read population.csv, one figure per row with its source."""
    return pl.read_csv(
        path or POPULATION_CSV,
        schema_overrides={
            "year": pl.Int32,
            "division_code": pl.String,
            "value": pl.Float64,
        },
    )


def load_divisions(path: Path | None = None) -> pl.DataFrame:
    """Read divisions_2018.csv (NBS 2018 vintage, the codes for 2015-2020)."""
    return pl.read_csv(
        path or DIVISIONS_CSV, schema_overrides={"code": pl.String, "parent_code": pl.String}
    )


@dataclass(frozen=True)
class FigureRef:
    """A figure read from population.csv, with the row it came from."""

    year: int
    division_code: str
    indicator: str
    value: float
    source: str


def figure(
    figures: pl.DataFrame,
    year: int,
    division_code: str,
    indicator: str,
    *,
    prefer_read: bool = False,
) -> FigureRef:
    """Return the one figure for (year, division, indicator).

    With ``prefer_read``, a row not tagged ``[derived]`` wins over derived
    ones (内黄县 has both a derived and a read urban count).
    """
    rows = figures.filter(
        (pl.col("year") == year)
        & (pl.col("division_code") == division_code)
        & (pl.col("indicator") == indicator)
    )
    if rows.height == 0:
        raise LookupError(f"no figure {indicator} for {division_code} in {year}")
    if rows.height > 1:
        if not prefer_read:
            raise LookupError(f"several figures {indicator} for {division_code} in {year}")
        read = rows.filter(~pl.col("source").str.contains("[derived]", literal=True))
        if read.height != 1:
            raise LookupError(f"no single read figure {indicator} for {division_code} in {year}")
        rows = read
    row = rows.row(0, named=True)
    return FigureRef(year, division_code, indicator, float(row["value"]), str(row["source"]))


def largest_remainder(weights: Sequence[float] | np.ndarray, total: int) -> np.ndarray:
    """Split the integer ``total`` in proportion to ``weights`` (Hamilton's method).

    Ties in the remainders go to the earlier position, so the result is
    deterministic.
    """
    w = np.asarray(weights, dtype=np.float64)
    if total < 0:
        raise ValueError("total must not be negative")
    if w.size == 0 or (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be finite and not negative")
    if w.sum() == 0:
        if total == 0:
            return np.zeros(w.size, dtype=np.int64)
        raise ValueError("cannot split a positive total over zero weights")
    quota = w / w.sum() * total
    base = np.floor(quota).astype(np.int64)
    short = total - int(base.sum())
    if short:
        order = np.argsort(-(quota - base), kind="stable")
        base[order[:short]] += 1
    return base


@dataclass(frozen=True)
class CountyTarget:
    code: str
    name: str
    residents: int
    urban: int
    # Percent of residents by hukou scope: other township of the county,
    # other county of Henan, other province.
    scope_shares: tuple[float, float, float]

    @property
    def urban_rate(self) -> float:
        return 100.0 * self.urban / self.residents if self.residents else 0.0


@dataclass(frozen=True)
class YearTargets:
    year: int
    counties: tuple[CountyTarget, ...]
    collective_residents: int
    hukou_population: int
    basis: dict[str, str] = field(default_factory=dict)

    @property
    def residents(self) -> int:
        return sum(c.residents for c in self.counties)

    @property
    def urban(self) -> int:
        return sum(c.urban for c in self.counties)


def county_rows(divisions: pl.DataFrame) -> pl.DataFrame:
    return divisions.filter(
        (pl.col("parent_code") == CITY_CODE) & pl.col("level").is_in(COUNTY_LEVELS)
    ).sort("code")


def census_targets(figures: pl.DataFrame, divisions: pl.DataFrame) -> YearTargets:
    """The 2020 census by county, exactly as published."""
    counties = []
    for row in county_rows(divisions).iter_rows(named=True):
        code = row["code"]
        residents = figure(figures, CENSUS_YEAR, code, "resident_population_census").value
        urban = figure(
            figures, CENSUS_YEAR, code, "resident_urban_population_census", prefer_read=True
        ).value
        shares = tuple(figure(figures, CENSUS_YEAR, code, ind).value for ind in SCOPE_INDICATORS)
        counties.append(
            CountyTarget(
                code=code,
                name=row["name"],
                residents=int(residents),
                urban=int(round(urban)),
                scope_shares=(shares[0], shares[1], shares[2]),
            )
        )
    city_residents = int(
        figure(figures, CENSUS_YEAR, CITY_CODE, "resident_population_census").value
    )
    total = sum(c.residents for c in counties)
    if total != city_residents:
        raise ValueError(
            f"county residents sum to {total}, the city bulletin says {city_residents}"
        )
    collective = int(
        figure(figures, CENSUS_YEAR, CITY_CODE, "collective_household_population_census").value
    )
    return YearTargets(
        year=CENSUS_YEAR,
        counties=tuple(counties),
        collective_residents=collective,
        hukou_population=0,
        basis={
            "residents": "figure: 2020 census by county",
            "urban": "figure: 2020 census urban share by county",
            "hukou_elsewhere_shares": "figure: 2020 census by county",
            "collective_residents": "figure: 2020 census bulletin",
        },
    )


def _logit_shift(rates: np.ndarray, residents: np.ndarray, urban_total: float) -> np.ndarray:
    """Urban counts after one common logit shift that makes them sum to ``urban_total``."""
    inner = (rates > 0) & (rates < 1)
    fixed = np.where(rates >= 1, residents, 0.0)
    logits = np.zeros_like(rates)
    logits[inner] = np.log(rates[inner] / (1 - rates[inner]))

    def urban_at(delta: float) -> np.ndarray:
        moved = np.where(inner, residents / (1 + np.exp(-(logits + delta))), 0.0)
        return moved + fixed

    low, high = -20.0, 20.0
    for _ in range(200):
        mid = (low + high) / 2
        if urban_at(mid).sum() < urban_total:
            low = mid
        else:
            high = mid
    return urban_at((low + high) / 2)


def hukou_population(figures: pl.DataFrame, params: Params, year: int) -> float:
    """Hukou population at a year-end by linear interpolation (an assumption)."""
    anchors = params["hukou_population_interpolation"].extra["anchors"]
    points = []
    for anchor in anchors:
        ref = figure(figures, anchor["year"], anchor["division_code"], anchor["indicator"])
        points.append((anchor["year"], ref.value * 10_000))
    (y0, v0), (y1, v1) = points
    return v0 + (year - y0) * (v1 - v0) / (y1 - y0)


def year_targets(
    year: int,
    *,
    figures: pl.DataFrame | None = None,
    divisions: pl.DataFrame | None = None,
    params: Params | None = None,
) -> YearTargets:
    """Full-scale targets for a year-end (2015-2020)."""
    figures = load_figures() if figures is None else figures
    divisions = load_divisions() if divisions is None else divisions
    params = load_params() if params is None else params
    census = census_targets(figures, divisions)
    hukou = int(round(hukou_population(figures, params, year)))
    hukou_basis = "assumption: hukou_population_interpolation (2017 and 2023 figures)"
    urban_hukou_basis = (
        "assumption: hukou_urban_share_before_settlement (derived from AY2018-19:1.3)"
    )
    if year == CENSUS_YEAR:
        return replace(
            census,
            hukou_population=hukou,
            basis={
                **census.basis,
                "hukou_population": hukou_basis,
                "hukou_urban_share": urban_hukou_basis,
            },
        )
    if year not in YEARS:
        raise ValueError(f"no targets for {year}")
    pop_10 = figure(figures, PREVIOUS_CENSUS_YEAR, CITY_CODE, "resident_population_census").value
    rate_10 = figure(
        figures, PREVIOUS_CENSUS_YEAR, CITY_CODE, "resident_urbanization_rate_census"
    ).value
    pop_20 = figure(figures, CENSUS_YEAR, CITY_CODE, "resident_population_census").value
    rate_20 = figure(figures, CENSUS_YEAR, CITY_CODE, "resident_urbanization_rate_census").value
    t = (year - PREVIOUS_CENSUS_YEAR) / (CENSUS_YEAR - PREVIOUS_CENSUS_YEAR)
    city_residents = int(round(pop_10 + t * (pop_20 - pop_10)))
    city_rate = rate_10 + t * (rate_20 - rate_10)
    residents = largest_remainder([c.residents for c in census.counties], city_residents)
    rates = np.array([c.urban / c.residents for c in census.counties])
    urban_float = _logit_shift(
        rates, residents.astype(np.float64), city_residents * city_rate / 100
    )
    urban_total = int(round(city_residents * city_rate / 100))
    urban = largest_remainder(urban_float, urban_total)
    urban = np.minimum(urban, residents)
    counties = tuple(
        replace(c, residents=int(r), urban=int(u))
        for c, r, u in zip(census.counties, residents, urban, strict=True)
    )
    collective = int(round(census.collective_residents / census.residents * city_residents))
    return YearTargets(
        year=year,
        counties=counties,
        collective_residents=collective,
        hukou_population=hukou,
        basis={
            "residents": "assumption: resident_interpolation (2010 and 2020 censuses)",
            "urban": "assumption: resident_interpolation (2010 and 2020 censuses, logit shift)",
            "hukou_elsewhere_shares": "assumption: hukou_elsewhere_shares_other_years",
            "collective_residents": "assumption: collective_share_other_years",
            "hukou_population": hukou_basis,
            "hukou_urban_share": urban_hukou_basis,
        },
    )


def scale_targets(targets: YearTargets, scale: float) -> YearTargets:
    """Targets for a fraction (or multiple) of the population.

    At scale 1.0 the targets are returned unchanged; otherwise the city
    total is scaled and split over counties by largest remainder, and each
    county keeps its urban rate.
    """
    if scale == 1.0:
        return targets
    total = int(round(targets.residents * scale))
    residents = largest_remainder([c.residents for c in targets.counties], total)
    counties = tuple(
        replace(
            c, residents=int(r), urban=int(round(r * c.urban / c.residents)) if c.residents else 0
        )
        for c, r in zip(targets.counties, residents, strict=True)
    )
    return replace(
        targets,
        counties=counties,
        collective_residents=int(round(targets.collective_residents * scale)),
        hukou_population=int(round(targets.hukou_population * scale)),
    )


def scope_counts(county: CountyTarget) -> np.ndarray:
    """Residents of a county by hukou scope, by largest remainder.

    Order: same township, other township of the county, other county of
    Henan, other province.
    """
    s1, s2, s3 = county.scope_shares
    return largest_remainder([max(100.0 - s1 - s2 - s3, 0.0), s1, s2, s3], county.residents)


def urban_by_scope(
    county: CountyTarget, scopes: np.ndarray, propensity: Sequence[float]
) -> np.ndarray:
    """Urban residents of each scope, meeting both margins exactly.

    Iterative proportional fitting of an urban x scope table seeded with
    ``propensity`` odds, then integer rounding of the urban row by largest
    remainder within each scope's count.
    """
    urban_total = county.urban
    n = scopes.astype(np.float64)
    if urban_total == 0:
        return np.zeros_like(scopes)
    if urban_total == county.residents:
        return scopes.copy()
    odds = np.asarray(propensity, dtype=np.float64)
    # p_j = odds_j * x / (1 + odds_j * x): solve for x so sum n_j p_j = U.
    low, high = 1e-12, 1e12
    for _ in range(200):
        mid = math.sqrt(low * high)
        total = float((n * odds * mid / (1 + odds * mid)).sum())
        if total < urban_total:
            low = mid
        else:
            high = mid
    x = math.sqrt(low * high)
    urban_float = n * odds * x / (1 + odds * x)
    urban = np.floor(urban_float).astype(np.int64)
    short = urban_total - int(urban.sum())
    room = scopes - urban
    order = np.argsort(-(urban_float - urban), kind="stable")
    for j in order:
        if short <= 0:
            break
        if room[j] > 0:
            urban[j] += 1
            short -= 1
    return urban
