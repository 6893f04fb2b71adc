"""Destination kinds for the settlement step, read from the registry's reference divisions.

The kind of a township-level place (city district, county-seat town,
established town, township) is the registry's rule
(``luohu.registry.selectors.division_kinds``); the generator gets its
answers as a mapping and never repeats the rule. This is the only module of
``luohu.analytics.population`` that touches Django, and only when called:
the generator itself stays pure.

The synthetic population uses the 2018 township codes in every year; the
kinds are read on ``KINDS_ON`` (31 December 2020), the last year-end
modelled, on which every 2018 code of the population is still in force
(水冶镇 and 曲沟镇 moved in 2021).
"""

from __future__ import annotations

import datetime as dt
import os

from luohu.common.errors import FieldError, FieldProblem

KINDS_ON = dt.date(2020, 12, 31)

DIVISIONS_NOT_LOADED = FieldProblem(
    "divisions",
    "population_divisions_not_loaded",
    "登记库中没有参考区划，无法判定落户地类别：请先运行 luohu migrate 和 luohu load_divisions",
    "the registry has no reference divisions to tell each destination's kind: "
    "run luohu migrate and luohu load_divisions first",
)


def registry_destination_kinds(on: dt.date = KINDS_ON) -> dict[str, str]:
    """Township code -> settlement kind, for every county of Anyang, from the registry.

    Sets Django up (development settings) when it is not yet; raises
    ``FieldError`` naming ``divisions`` when the reference divisions are
    not loaded.
    """
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luohu.config.django.development")
        django.setup()
    from django.db.utils import OperationalError, ProgrammingError

    from luohu.registry.selectors import division_counties, division_kinds

    try:
        counties = [str(c.code) for c in division_counties(on)]
    except (OperationalError, ProgrammingError) as exc:
        raise FieldError(DIVISIONS_NOT_LOADED) from exc
    if not counties:
        raise FieldError(DIVISIONS_NOT_LOADED)
    kinds: dict[str, str] = {}
    for county in counties:
        kinds.update(division_kinds(county, on))
    return kinds
