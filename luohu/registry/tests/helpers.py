from __future__ import annotations

import csv
from collections import Counter

import pytest

from luohu.common.errors import FieldError, FieldProblem
from luohu.registry.services import DATA_DIR


def assert_field_error(
    excinfo: pytest.ExceptionInfo[FieldError], field: str, spec: tuple[str, str, str]
) -> None:
    """The error holds exactly one problem: ``spec`` on ``field``."""
    code, zh, en = spec
    assert excinfo.value.problems == [FieldProblem(field, code, zh, en)]


def csv_counts(filename: str) -> dict[str, Counter[str]]:
    """Township-level divisions per county and level, counted in a reference file."""
    counts: dict[str, Counter[str]] = {}
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if len(row["code"]) == 9:
                counts.setdefault(row["parent_code"], Counter())[row["level"]] += 1
    return counts
