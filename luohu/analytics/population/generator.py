"""合成人口生成 Build one year-end snapshot of the synthetic Anyang population.

Everything is vectorised with NumPy (loops run over counties, townships or
categories, never over people). The steps, each documented in
docs/analytics/population-model.md:

1. residents by county x urban/rural x hukou scope, meeting the census
   margins exactly (calibration.py);
2. residence township within the county (township weights);
3. hukou place from the scope; Anyang-hukou people living outside the
   city are added to reach the hukou population;
4. collective quarters, then family households among people sharing a
   hukou place and a residence place;
5. roles, sex and ages within households;
6. urban hukou for exactly the assumed share of the hukou population;
7. the facts the settlement rules read; citizen ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from luohu.analytics.population import calibration as cal
from luohu.analytics.population import citizen_ids, schema
from luohu.analytics.population.params import Params, load_params

SAME_TOWNSHIP, OTHER_TOWNSHIP, OTHER_COUNTY, OTHER_PROVINCE, OUTSIDE_CITY = range(5)
HEAD, SPOUSE, CHILD, PARENT, OTHER = range(5)
MALE, FEMALE = 0, 1
COLLEGE = (5, 6, 7)
VOCATIONAL = (4, 5)
BACHELOR_OR_ABOVE = (6, 7)


@dataclass(frozen=True)
class Geography:
    """Anyang townships (2018 codes) and the prefectures outside the city."""

    county_codes: list[str]
    township_codes: list[str]
    township_county: np.ndarray  # index into county_codes
    urban_weight: np.ndarray
    rural_weight: np.ndarray
    henan_places: list[str]
    henan_weights: np.ndarray
    province_places: list[str]
    province_weights: np.ndarray

    @property
    def n_townships(self) -> int:
        return len(self.township_codes)

    @property
    def place_codes(self) -> list[str]:
        """Hukou place table: Anyang townships, then outside prefectures."""
        return self.township_codes + self.henan_places + self.province_places


def build_geography(divisions: pl.DataFrame, params: Params) -> Geography:
    counties = cal.county_rows(divisions)["code"].to_list()
    towns = divisions.filter(pl.col("parent_code").is_in(counties)).sort("code")
    urban_w = params.value("township_weights_urban")
    rural_w = params.value("township_weights_rural")

    def kind(level: str, seat: str) -> str:
        return "county_seat_town" if level == "town" and seat == "true" else level

    kinds = [kind(lv, st) for lv, st in zip(towns["level"], towns["is_county_seat"], strict=True)]
    outside = params.value("outside_hukou_places")
    return Geography(
        county_codes=counties,
        township_codes=towns["code"].to_list(),
        township_county=np.array([counties.index(p) for p in towns["parent_code"]], dtype=np.int16),
        urban_weight=np.array([urban_w[k] for k in kinds], dtype=np.float64),
        rural_weight=np.array([rural_w[k] for k in kinds], dtype=np.float64),
        henan_places=list(outside["henan"]),
        henan_weights=_normalised(outside["henan"].values()),
        province_places=list(outside["other_province"]),
        province_weights=_normalised(outside["other_province"].values()),
    )


def _normalised(values: object) -> np.ndarray:
    w = np.array(list(values), dtype=np.float64)  # type: ignore[call-overload]
    return w / w.sum()


def _draw(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    """Categorical draws by inverse CDF (faster than Generator.choice with p)."""
    cdf = np.cumsum(p / p.sum())
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(size), side="right").astype(np.int64)


def _bands(table: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lows, highs, probs = [], [], []
    for band, p in table.items():
        low, high = band.split("-")
        lows.append(int(low))
        highs.append(int(high))
        probs.append(p)
    return np.array(lows), np.array(highs), np.array(probs, dtype=np.float64)


def _ages_from_bands(rng: np.random.Generator, table: dict[str, float], size: int) -> np.ndarray:
    lows, highs, probs = _bands(table)
    band = _draw(rng, probs, size)
    return lows[band] + np.floor(rng.random(size) * (highs[band] - lows[band] + 1)).astype(np.int64)


class YearBuilder:
    """Build the snapshot of one year-end; call ``build()`` once."""

    def __init__(
        self,
        year: int,
        *,
        scale: float,
        seed: int,
        params: Params,
        figures: pl.DataFrame,
        divisions: pl.DataFrame,
        step: Callable[[str], None] | None = None,
    ) -> None:
        self.year = year
        self.params = params
        self.targets = cal.scale_targets(
            cal.year_targets(year, figures=figures, divisions=divisions, params=params), scale
        )
        self.geo = build_geography(divisions, params)
        self.rng = np.random.default_rng([seed, year])
        self.step = step or (lambda _name: None)

    # 1-2: residents, their county, urban/rural, scope and township ------
    def residents(self) -> None:
        geo, rng = self.geo, self.rng
        propensity = list(self.params.value("urban_propensity_by_hukou_scope").values())
        county, urban, scope, town = [], [], [], []
        self.town_urban = np.zeros(geo.n_townships, dtype=np.int64)
        self.town_rural = np.zeros(geo.n_townships, dtype=np.int64)
        for ci, target in enumerate(self.targets.counties):
            scopes = cal.scope_counts(target)
            urban_counts = cal.urban_by_scope(target, scopes, propensity)
            towns = np.flatnonzero(geo.township_county == ci)
            for is_urban, counts in ((True, urban_counts), (False, scopes - urban_counts)):
                n = int(counts.sum())
                if n == 0:
                    continue
                weights = (geo.urban_weight if is_urban else geo.rural_weight)[towns]
                per_town = cal.largest_remainder(weights, n)
                (self.town_urban if is_urban else self.town_rural)[towns] += per_town
                county.append(np.full(n, ci, dtype=np.int16))
                urban.append(np.full(n, is_urban))
                scope.append(np.repeat(np.arange(4, dtype=np.int8), counts))
                town.append(rng.permutation(np.repeat(towns, per_town)).astype(np.int16))
        self.res_county = np.concatenate(county)
        self.res_urban = np.concatenate(urban)
        self.scope = np.concatenate(scope)
        self.res_town = np.concatenate(town)
        self.n_residents = self.res_county.size

    def _origin_weights(self, towns: np.ndarray) -> np.ndarray:
        # People leave rural places more than urban ones.
        return self.town_rural[towns] + 0.1 * self.town_urban[towns] + 1.0

    def _township_in_county(self, ci: int, size: int) -> np.ndarray:
        towns = np.flatnonzero(self.geo.township_county == ci)
        return towns[_draw(self.rng, self._origin_weights(towns), size)]

    # 3: hukou places ------------------------------------------------------
    def hukou_places(self) -> None:
        geo, rng = self.geo, self.rng
        n_counties = len(geo.county_codes)
        hukou = self.res_town.astype(np.int32)
        county_rural = np.array(
            [c.residents - c.urban for c in self.targets.counties], dtype=np.float64
        )
        for ci in range(n_counties):
            mask = (self.scope == OTHER_TOWNSHIP) & (self.res_county == ci)
            idx = np.flatnonzero(mask)
            if idx.size == 0:
                continue
            towns = np.flatnonzero(geo.township_county == ci)
            draws = _draw(rng, self._origin_weights(towns), idx.size)
            same = towns[draws] == self.res_town[idx]
            draws[same] = (draws[same] + 1) % towns.size
            hukou[idx] = towns[draws]
        within_share = float(self.params.value("other_county_within_city_share"))
        other_county = np.flatnonzero(self.scope == OTHER_COUNTY)
        in_city = rng.random(other_county.size) < within_share
        for ci in range(n_counties):
            idx = other_county[in_city & (self.res_county[other_county] == ci)]
            if idx.size == 0:
                continue
            w = county_rural.copy()
            w[ci] = 0.0
            dest = _draw(rng, w, idx.size)
            for dj in np.unique(dest):
                sel = idx[dest == dj]
                hukou[sel] = self._township_in_county(int(dj), sel.size)
        henan = other_county[~in_city]
        hukou[henan] = geo.n_townships + _draw(rng, geo.henan_weights, henan.size)
        province = np.flatnonzero(self.scope == OTHER_PROVINCE)
        hukou[province] = (
            geo.n_townships
            + len(geo.henan_places)
            + _draw(rng, geo.province_weights, province.size)
        )
        # Anyang-hukou people living outside the city complete the hukou population.
        hukou_in_city = int((hukou < geo.n_townships).sum())
        leavers = self.targets.hukou_population - hukou_in_city
        if leavers < 0:
            raise ValueError(
                f"{self.year}: residents with an Anyang hukou ({hukou_in_city}) exceed "
                f"the hukou population ({self.targets.hukou_population})"
            )
        out_county = _draw(rng, county_rural, leavers)
        out_hukou = np.empty(leavers, dtype=np.int32)
        for ci in np.unique(out_county):
            sel = out_county == ci
            out_hukou[sel] = self._township_in_county(int(ci), int(sel.sum()))
        self.hukou = np.concatenate([hukou, out_hukou])
        self.res_county = np.concatenate([self.res_county, np.full(leavers, -1, dtype=np.int16)])
        self.res_town = np.concatenate([self.res_town, np.full(leavers, -1, dtype=np.int16)])
        self.res_urban = np.concatenate([self.res_urban, np.zeros(leavers, dtype=bool)])
        self.scope = np.concatenate([self.scope, np.full(leavers, OUTSIDE_CITY, dtype=np.int8)])
        self.resident = np.arange(self.hukou.size) < self.n_residents
        self.n = self.hukou.size

    # 4: households ----------------------------------------------------------
    def households(self) -> None:
        rng = self.rng
        eligible = np.flatnonzero(self.resident & self.res_urban & (self.scope != SAME_TOWNSHIP))
        n_collective = min(self.targets.collective_residents, eligible.size)
        collective = np.zeros(self.n, dtype=bool)
        collective[rng.choice(eligible, size=n_collective, replace=False)] = True
        family = np.flatnonzero(~collective)
        # Members share a hukou place, a residence township and its urban or
        # rural part.
        key = (
            self.hukou[family].astype(np.int64) * (self.geo.n_townships + 1)
            + (self.res_town[family].astype(np.int64) + 1)
        ) * 2 + self.res_urban[family]
        # Shuffle, then a stable sort by group key: random order within a
        # group, and a radix sort when the key fits in 16 bits.
        shuffled = rng.permutation(family.size)
        key_dtype = np.uint16 if key.max(initial=0) < 2**16 else np.int64
        sort_idx = shuffled[np.argsort(key[shuffled].astype(key_dtype), kind="stable")]
        order = family[sort_idx]
        key_sorted = key[sort_idx]
        n_family = order.size
        sizes_table = self.params.value("household_size_distribution")
        size_values = np.array([int(k) for k in sizes_table], dtype=np.int64)
        size_p = _normalised(sizes_table.values())
        mean = float((size_values * size_p).sum())
        ends: list[np.ndarray] = []
        covered = 0
        while covered < n_family:
            draws = size_values[_draw(rng, size_p, int(n_family / mean * 1.05) + 16)]
            cum = covered + np.cumsum(draws)
            ends.append(cum)
            covered = int(cum[-1])
        boundaries = np.concatenate(ends)
        boundaries = boundaries[boundaries < n_family]
        start = np.zeros(n_family, dtype=bool)
        start[boundaries] = True
        if n_family:
            start[0] = True
            start[1:] |= key_sorted[1:] != key_sorted[:-1]
        hh_family = np.cumsum(start) - 1
        n_family_hh = int(hh_family[-1]) + 1 if n_family else 0
        collective_idx = np.flatnonzero(collective)
        perm = np.concatenate([order, collective_idx])
        self.household = np.concatenate(
            [hh_family, n_family_hh + np.arange(collective_idx.size)]
        ).astype(np.int64)
        self.n_households = n_family_hh + collective_idx.size
        for name in ("hukou", "res_county", "res_town", "res_urban", "scope", "resident"):
            setattr(self, name, getattr(self, name)[perm])
        self.collective = np.zeros(self.n, dtype=bool)
        self.collective[n_family:] = True
        hh_start = np.flatnonzero(np.r_[True, self.household[1:] != self.household[:-1]])
        self.hh_start = hh_start
        self.position = np.arange(self.n) - hh_start[self.household]
        self.hh_size = np.bincount(self.household, minlength=self.n_households)

    # 5: roles, sex, ages ----------------------------------------------------
    def people(self) -> None:
        rng, p = self.rng, self.params
        n, h = self.n, self.n_households
        u = rng.random(n, dtype=np.float32)
        relation = np.full(n, CHILD, dtype=np.int8)
        relation[self.position == 0] = HEAD
        second = self.position == 1
        relation[second & (u < p.value("spouse_share"))] = SPOUSE
        later = self.position >= 2
        relation[later & (u >= 0.80) & (u < 0.95)] = PARENT
        relation[later & (u >= 0.95)] = OTHER
        self.relation = relation

        head = self.hh_start
        migrant_h = self.scope[head] != SAME_TOWNSHIP
        bands = p.value("head_age_bands")
        head_age = np.where(
            migrant_h,
            _ages_from_bands(rng, bands["migrant"], h),
            _ages_from_bands(rng, bands["local"], h),
        )
        head_male = rng.random(h, dtype=np.float32) < p.value("head_male_share")
        age_h = head_age[self.household]
        male_h = head_male[self.household]
        age = np.empty(n, dtype=np.int64)
        is_head = relation == HEAD
        age[is_head] = age_h[is_head]
        sp = relation == SPOUSE
        gap = np.rint(rng.normal(2.0, 3.0, n)).astype(np.int64)
        age[sp] = np.clip(np.where(male_h, age_h - gap, age_h + gap), 18, 100)[sp]
        ch = relation == CHILD
        upper = np.minimum(38, age_h)
        lower = np.minimum(20, upper)
        child_gap = lower + np.floor(rng.random(n, dtype=np.float32) * (upper - lower + 1)).astype(
            np.int64
        )
        age[ch] = (age_h - child_gap)[ch]
        pa = relation == PARENT
        age[pa] = np.minimum(age_h + 22 + rng.integers(0, 14, n), 100)[pa]
        ot = relation == OTHER
        age[ot] = rng.integers(18, 81, n)[ot]
        low, high = p.value("collective_age_range")
        col = self.collective
        age[col] = rng.integers(low, high + 1, n)[col]
        self.age = age.astype(np.int16)
        del self.position

        male = rng.random(n, dtype=np.float32) < 0.5
        male[is_head] = male_h[is_head]
        male[sp] = ~male_h[sp]
        self.male = male

    # 6: urban hukou -----------------------------------------------------------
    def hukou_urban(self) -> None:
        rng, p = self.rng, self.params
        head = self.hh_start
        in_city_h = self.hukou[head] < self.geo.n_townships
        w = p.value("hukou_urban_weights")
        weight = np.select(
            [
                self.collective[head],
                ~self.resident[head],
                ~self.res_urban[head],
                self.scope[head] == SAME_TOWNSHIP,
            ],
            [w["collective"], w["outside_city"], w["rural"], w["urban_same_township"]],
            default=w["urban_other_place"],
        )
        score = np.log(weight) + rng.gumbel(size=head.size)
        city_hh = np.flatnonzero(in_city_h)
        n_city = int(self.hh_size[city_hh].sum())
        share = p.value("hukou_urban_share_before_settlement") / 100
        target = int(round(share * n_city))
        ranked = city_hh[pl.Series(score[city_hh]).arg_sort(descending=True).to_numpy()]
        before = np.cumsum(self.hh_size[ranked]) - self.hh_size[ranked]
        urban_h = np.zeros(head.size, dtype=bool)
        urban_h[ranked[before < target]] = True
        outside_h = ~in_city_h
        urban_h[outside_h] = rng.random(int(outside_h.sum())) < p.value("outside_hukou_urban_share")
        self.hukou_urban_h = urban_h
        self.hukou_urban_p = urban_h[self.household]

    # 7: facts the rules read ----------------------------------------------------
    def facts(self) -> dict[str, np.ndarray]:
        rng, p, n, h = self.rng, self.params, self.n, self.n_households
        age, hh, head = self.age, self.household, self.hh_start
        resident, res_urban = self.resident, self.res_urban
        away = self.scope != SAME_TOWNSHIP
        rural_hukou = ~self.hukou_urban_p
        urban_like = np.where(resident, res_urban, self.hukou_urban_p)

        education = np.zeros(n, dtype=np.int8)
        table = p.value("education_by_age")
        for area, area_mask in (("urban", urban_like), ("rural", ~urban_like)):
            for band, probs in table[area].items():
                if band.endswith("+"):
                    in_band = age >= int(band[:-1])
                else:
                    lo, hi = (int(x) for x in band.split("-"))
                    in_band = (age >= lo) & (age <= hi)
                sel = np.flatnonzero(area_mask & in_band)
                education[sel] = _draw(rng, np.array(probs, dtype=np.float64), sel.size)
        education[(age >= 6) & (age <= 11)] = 1
        education[(age >= 12) & (age <= 14)] = 2
        teen = (age >= 15) & (age <= 17)
        education[teen] = np.where(rng.random(n, dtype=np.float32) < 0.7, 3, 4)[teen]
        education[age < 6] = 0
        college = np.isin(education, COLLEGE)

        adult = (age >= 18) & (age <= 60)
        tech = p.value("technical_worker_share")
        technical = adult & (
            rng.random(n, dtype=np.float32) < np.where(urban_like, tech["urban"], tech["rural"])
        )
        overseas = np.isin(education, BACHELOR_OR_ABOVE) & (
            rng.random(n, dtype=np.float32) < p.value("returned_overseas_student_share")
        )
        town_migrant = resident & res_urban & away & rural_hukou
        by_study = (
            town_migrant
            & college
            & (age >= 18)
            & (age <= 45)
            & (rng.random(n, dtype=np.float32) < p.value("entered_town_by_study_share"))
        )
        military = (
            town_migrant
            & self.male
            & (age >= 20)
            & (age <= 50)
            & (rng.random(n, dtype=np.float32) < p.value("entered_town_by_military_service_share"))
        )

        rates = p.value("employment_rate_by_age")
        employment_rate = np.select(
            [age < 16, age <= 24, age <= 54, age <= 64],
            [0.0, rates["16-24"], rates["25-54"], rates["55-64"]],
            default=rates["65+"],
        )
        employed = rng.random(n, dtype=np.float32) < employment_rate
        employed[self.collective & (age >= 18)] |= (
            rng.random(int((self.collective & (age >= 18)).sum())) < 0.8
        )
        stable_share = p.value("legal_stable_employment_share")
        stable_job = employed & (
            rng.random(n, dtype=np.float32)
            < np.where(urban_like, stable_share["urban"], stable_share["rural"])
        )
        works_in_city = employed & resident
        work_town = np.where(works_in_city, self.res_town, -1).astype(np.int16)
        elsewhere = works_in_city & (rng.random(n, dtype=np.float32) < 0.15)
        for ci in np.unique(self.res_county[elsewhere]):
            sel = np.flatnonzero(elsewhere & (self.res_county == ci))
            towns = np.flatnonzero(self.geo.township_county == ci)
            weights = self.town_urban[towns] + 1.0
            work_town[sel] = towns[_draw(rng, weights.astype(np.float64), sel.size)]

        # Household-level facts: the head's group decides, members share them.
        tenures = p.value("tenure_by_group")
        group_h = np.where(
            self.collective[head], 2, np.where(self.scope[head] != SAME_TOWNSHIP, 1, 0)
        )
        tenure_h = np.zeros(h, dtype=np.int8)
        for g, name in enumerate(("local", "migrant", "collective")):
            sel = np.flatnonzero(group_h == g)
            tenure_h[sel] = _draw(rng, np.array(tenures[name], dtype=np.float64), sel.size)
        lsr = p.value("legal_stable_residence_by_tenure")
        lsr_p = np.array([lsr["owned"], lsr["rented"], lsr["employer_provided"], lsr["other"]])
        stable_home_h = rng.random(h, dtype=np.float32) < lsr_p[tenure_h]
        tenure = tenure_h[hh]
        stable_home = stable_home_h[hh]
        owns_home = np.where(resident, tenure == 0, (rng.random(h, dtype=np.float32) < 0.25)[hh])
        whole_family_h = (
            (self.scope[head] != SAME_TOWNSHIP)
            & ~self.collective[head]
            & (rng.random(h, dtype=np.float32) < p.value("whole_family_migration_share"))
        )
        whole_family = whole_family_h[hh]

        in_town = resident & res_urban
        mean_years = float(p.value("years_in_town_mean"))
        migrant_years = rng.geometric(1.0 / (mean_years + 1.0), n) - 1
        # A household moved together: members share the head's years, capped by age.
        migrant_years = np.minimum(migrant_years[head][hh], age)
        years_in_town = np.where(in_town, np.where(away, migrant_years, age), 0)
        working_years = np.maximum(np.minimum(years_in_town, age - 16), 0)
        years_employed = np.where(
            employed & in_town,
            np.floor(working_years * (0.5 + 0.5 * rng.random(n, dtype=np.float32))),
            0,
        ).astype(np.int64)
        insured = (
            in_town & stable_job & (rng.random(n, dtype=np.float32) < p.value("insured_share"))
        )
        months = np.where(
            insured, np.minimum(12 * years_employed + rng.integers(0, 12, n), 480), 0
        ).astype(np.int16)

        investor = (age >= 18) & (rng.random(n, dtype=np.float32) < p.value("investment_share"))
        investment = np.where(
            investor, np.round(np.exp(rng.normal(np.log(200_000), 1.0, n)) * 100), 0
        ).astype(np.int64)
        tax_payer = employed & (rng.random(n, dtype=np.float32) < p.value("tax_payer_share"))
        tax = np.where(
            tax_payer, np.round(np.exp(rng.normal(np.log(3_000), 1.0, n)) * 100), 0
        ).astype(np.int64)
        points = rng.integers(0, 121, n, dtype=np.int16)

        rights = p.value("rural_rights_share")
        rural_h = ~self.hukou_urban_h
        land_h = rural_h & (rng.random(h, dtype=np.float32) < rights["land_contract"])
        homestead_h = rural_h & (rng.random(h, dtype=np.float32) < rights["homestead"])
        income_h = rural_h & (rng.random(h, dtype=np.float32) < rights["collective_income"])
        land, homestead, income = land_h[hh], homestead_h[hh], income_h[hh]
        holds = land | homestead | income
        surrender = holds & (
            rng.random(n, dtype=np.float32) < p.value("willing_to_surrender_rural_rights_share")
        )

        will = p.value("willingness_to_settle")
        non_hukou_urban = in_town & (away | rural_hukou)
        willing = rng.random(n, dtype=np.float32) < np.where(
            non_hukou_urban, will["non_hukou_urban_resident"], will["other"]
        )
        minor = age < 18
        willing[minor] = willing[head][hh][minor]

        return {
            "education": education,
            "college_graduate": college,
            "vocational_graduate": np.isin(education, VOCATIONAL),
            "technical_worker_certificate": technical,
            "returned_overseas_student": overseas,
            "entered_town_by_study": by_study,
            "entered_town_by_military_service": military,
            "employed": employed,
            "work_town": work_town,
            "legal_stable_employment": stable_job,
            "tenure": tenure,
            "legal_stable_residence": stable_home,
            "urban_social_insurance_months": months,
            "years_lived_in_town": years_in_town,
            "years_employed_in_town": years_employed,
            "whole_family_migration": whole_family,
            "owns_home": owns_home,
            "investment_fen": investment,
            "tax_paid_fen": tax,
            "points": points,
            "land_contract_right": land,
            "homestead_right": homestead,
            "collective_income_right": income,
            "willing_to_surrender_rural_rights": surrender,
            "willing_to_settle": willing,
        }

    # citizen ids and assembly ------------------------------------------------
    def birth_dates(self) -> tuple[np.ndarray, np.ndarray]:
        """Birth dates (datetime64[D]) and YYYYMMDD integers, age at 31 December.

        Uses small per-year and per-day-of-year tables instead of datetime
        arithmetic on every person.
        """
        birth_year = self.year - self.age.astype(np.int64)
        first_year = int(birth_year.min())
        years = np.arange(first_year, int(birth_year.max()) + 1)
        jan1 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
        leap_table = ((years % 4 == 0) & (years % 100 != 0)) | (years % 400 == 0)
        offset = birth_year - first_year
        leap = leap_table[offset]
        day = (self.rng.random(self.n) * np.where(leap, 366, 365)).astype(np.int64)
        births = (jan1[offset] + day).astype("datetime64[D]")
        # month and day of month of each day of the year, for common and leap years
        md = np.zeros((2, 366), dtype=np.int64)
        for is_leap, y in ((0, 2001), (1, 2000)):
            dates = np.arange(f"{y}-01-01", f"{y + 1}-01-01", dtype="datetime64[D]")
            months = dates.astype("datetime64[M]")
            month = months.astype(np.int64) % 12 + 1
            dom = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
            md[is_leap, : dates.size] = month * 100 + dom
        return births, birth_year * 10_000 + md[leap.astype(np.int64), day]

    def id_codes(self, birth_year: np.ndarray) -> np.ndarray:
        """Address code of each id: the GB/T 2260 code of the hukou county.

        Where that code is not a GB/T 2260 code in force from the birth year
        on (the NBS-only 410571 高新区), the prefecture code (410500) is
        used instead.
        """
        places = self.geo.place_codes
        n_t = self.geo.n_townships
        county_of_place = [c[:6] for c in places[:n_t]] + places[n_t:]
        last = np.array([self._last_year(c) for c in county_of_place], dtype=np.int64)
        code = np.array([int(c) for c in county_of_place], dtype=np.int64)
        fallback = np.array([int(c[:4] + "00") for c in county_of_place], dtype=np.int64)
        if any(self._last_year(str(c)) < 3000 for c in set(fallback.tolist())):
            raise ValueError("a fallback address code is not in force")
        valid = birth_year <= last[self.hukou]
        return np.where(valid, code[self.hukou], fallback[self.hukou])

    @staticmethod
    def _last_year(code: str) -> int:
        last = citizen_ids.code_last_year(code)
        return 10_000 if last is None else last

    def build(self) -> pl.DataFrame:
        self.residents()
        self.step("residents")
        self.hukou_places()
        self.step("hukou places")
        self.households()
        self.step("households")
        self.people()
        self.hukou_urban()
        self.step("people")
        f = self.facts()
        self.step("facts")
        births, ymd = self.birth_dates()
        codes = self.id_codes(self.year - self.age.astype(np.int64))
        sequences = citizen_ids.sequences_unique(codes, births, self.male, self.rng)
        ids = citizen_ids.citizen_id_column(codes, ymd, sequences)
        self.step("citizen ids")
        frame = self.assemble(f, births, ids)
        self.step("frame")
        return frame

    def assemble(
        self, f: dict[str, np.ndarray], births: np.ndarray, ids: pl.Series
    ) -> pl.DataFrame:
        geo = self.geo
        n_t = geo.n_townships
        places = pl.Series(geo.place_codes, dtype=pl.String)
        place_county = pl.Series(
            [c[:6] for c in geo.township_codes] + geo.place_codes[n_t:], dtype=pl.String
        )
        towns = pl.Series(geo.township_codes, dtype=pl.String)
        town_county = pl.Series([c[:6] for c in geo.township_codes], dtype=pl.String)
        resident = self.resident

        def nullable(values: np.ndarray, keep: np.ndarray) -> pl.Series:
            return pl.select(pl.when(pl.Series(keep)).then(pl.Series(values))).to_series()

        res_town_idx = nullable(self.res_town, resident)
        work_idx = nullable(f["work_town"], f["work_town"] >= 0)
        hukou_in_city = self.hukou < n_t
        hukou_town_idx = nullable(self.hukou, hukou_in_city)
        scope_values = pl.Series(schema.HUKOU_SCOPE.categories, dtype=schema.HUKOU_SCOPE)
        columns: dict[str, pl.Series | np.ndarray] = {
            "year": np.full(self.n, self.year, dtype=np.int16),
            "person_id": np.arange(self.n, dtype=np.int64),
            "citizen_id": ids,
            "sex": pl.Series(["male", "female"], dtype=schema.SEX).gather(
                pl.Series(np.where(self.male, MALE, FEMALE).astype(np.uint32))
            ),
            "birth_date": births,
            "age": self.age.astype(np.int16),
            "household_id": self.household,
            "household_type": pl.Series(
                ["family", "collective"], dtype=schema.HOUSEHOLD_TYPE
            ).gather(pl.Series(self.collective.astype(np.uint32))),
            "relation_to_head": pl.Series(schema.RELATION.categories, dtype=schema.RELATION).gather(
                pl.Series(self.relation.astype(np.uint32))
            ),
            "hukou_in_city": hukou_in_city,
            "hukou_county_code": place_county.gather(pl.Series(self.hukou.astype(np.uint32))),
            "hukou_township_code": places.gather(hukou_town_idx),
            "hukou_urban": self.hukou_urban_p,
            "hukou_scope": scope_values.gather(pl.Series(self.scope.astype(np.uint32))),
            "resident_in_city": resident,
            "residence_county_code": town_county.gather(res_town_idx),
            "residence_township_code": towns.gather(res_town_idx),
            "residence_urban": nullable(self.res_urban, resident),
            "education": pl.Series(schema.EDUCATION.categories, dtype=schema.EDUCATION).gather(
                pl.Series(f["education"].astype(np.uint32))
            ),
            "college_graduate": f["college_graduate"],
            "vocational_graduate": f["vocational_graduate"],
            "technical_worker_certificate": f["technical_worker_certificate"],
            "returned_overseas_student": f["returned_overseas_student"],
            "entered_town_by_study": f["entered_town_by_study"],
            "entered_town_by_military_service": f["entered_town_by_military_service"],
            "employed": f["employed"],
            "employment_county_code": town_county.gather(work_idx),
            "employment_township_code": towns.gather(work_idx),
            "legal_stable_employment": f["legal_stable_employment"],
            "residence_tenure": pl.Series(schema.TENURE.categories, dtype=schema.TENURE).gather(
                nullable(f["tenure"].astype(np.uint32), resident)
            ),
            "legal_stable_residence": nullable(f["legal_stable_residence"], resident),
            "urban_social_insurance_months": nullable(
                f["urban_social_insurance_months"].astype(np.int16), resident
            ),
            "years_lived_in_town": nullable(f["years_lived_in_town"].astype(np.int16), resident),
            "years_employed_in_town": nullable(
                f["years_employed_in_town"].astype(np.int16), resident
            ),
        }
        for name in (
            "whole_family_migration",
            "owns_home",
            "investment_fen",
            "tax_paid_fen",
            "points",
            "land_contract_right",
            "homestead_right",
            "collective_income_right",
            "willing_to_surrender_rural_rights",
            "willing_to_settle",
        ):
            columns[name] = f[name]
        for name in schema.NULL_WHEN_NOT_SETTLED:
            columns[name] = pl.repeat(None, self.n, dtype=schema.SCHEMA[name], eager=True)
        frame = pl.DataFrame({name: columns[name] for name in schema.SCHEMA})
        return frame.cast(schema.SCHEMA)  # type: ignore[arg-type]


def build_year(
    year: int,
    *,
    scale: float,
    seed: int,
    params: Params | None = None,
    figures: pl.DataFrame | None = None,
    divisions: pl.DataFrame | None = None,
    step: Callable[[str], None] | None = None,
    destination_kinds: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Return the snapshot of one year-end as a DataFrame (no validation of arguments).

    With ``destination_kinds`` (township code -> settlement kind, the
    registry's rule) the plan's settlements up to the year-end are applied
    by the policy engine (``settlement.apply_settlements``); without, the
    snapshot is the population before any settlement.
    """
    params = params or load_params()
    frame = YearBuilder(
        year,
        scale=scale,
        seed=seed,
        params=params,
        figures=cal.load_figures() if figures is None else figures,
        divisions=cal.load_divisions() if divisions is None else divisions,
        step=step,
    ).build()
    if destination_kinds is not None:
        from luohu.analytics.population.settlement import apply_settlements

        frame, _report = apply_settlements(
            frame, year=year, seed=seed, params=params, destination_kinds=destination_kinds
        )
    if step:
        step("settlements")
    return frame
