"""统计公报 The statistical bulletin of a year (AY2018-19:4.1): tables as xlsx, report as PDF.

Both are built from the public tables (``selectors.public_years``), so they
carry exactly what the public page shows, suppressed the same way:

* ``bulletin_xlsx``: sheet 表1 (both rates, the gap and transfers by county
  for the year), sheet 表2 (the city by year up to the year), sheet 说明
  (each figure's definition, the sources, the suppression rule, and the
  assumptions behind synthetic figures, each marked 假设 assumption).
* ``bulletin_pdf``: the same tables and notes as an A4 report (WeasyPrint,
  Noto CJK fonts subset and embedded, as the certificates do).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from luohu.analytics.indicators import COLUMNS
from luohu.publicstats.selectors import CITY_CODE, PublicYear
from luohu.publicstats.suppression import min_published_count

SUPPRESSED = "—"
UNKNOWN = "…"  # not available from the source (e.g. transfers of files without settlements)
SHEET_COUNTIES = "表1 分县指标 Table 1 by county"
SHEET_CITY = "表2 全市历年 Table 2 city by year"
SHEET_NOTES = "说明 Notes"

TABLE_COLUMNS = (
    "residents",
    "urban_residents",
    "resident_urbanization_rate",
    "hukou_population",
    "urban_hukou_population",
    "hukou_urbanization_rate",
    "gap_points",
    "hukou_transfers",
)
CITY_COLUMNS = (
    "resident_urbanization_rate",
    "hukou_urbanization_rate",
    "gap_points",
    "hukou_transfers",
)
RATES = ("resident_urbanization_rate", "hukou_urbanization_rate", "gap_points")
_BY_NAME = {c.name: c for c in COLUMNS}

SOURCE_TEXT = {
    "registry": (
        "户籍与居住登记（年末快照，居住半年以上），落户类迁入记录",
        "The registry: hukou and residence records on 31 December (residence of six months "
        "or more), and the settlement-type hukou records of the year.",
    ),
    "population": (
        "合成安阳人口（按2020年人口普查校准），落户由政策引擎逐年判定",
        "The synthetic Anyang population (calibrated to the 2020 census by county); the "
        "year's settlements decided by the policy engine. Only the calibration targets are "
        "published figures; the rest rests on the assumptions listed below.",
    ),
}
SUPPRESSION_TEXT = (
    "小于{k}人的数（1至{k_1}人）及可由相减推得它们的数、由其计算的比率以“—”表示；0照常公布。",
    "Counts of 1 to {k_1} people, the counts that would give them by subtraction "
    "(complementary suppression) and rates computed from them are shown as “—”; 0 is published.",
)
PROVISIONAL_TEXT = (
    "标“*”的县区数据尚未审核锁定，为初步数。",
    "Figures marked “*” are provisional: not yet approved and locked by the county.",
)


@dataclass(frozen=True)
class Note:
    kind: str  # "definition", "source", "suppression", "assumption", "basis"
    key: str
    zh: str
    en: str


def header(column: str) -> tuple[str, str]:
    c = _BY_NAME[column]
    return c.zh, c.en


def cell(row: Any, column: str) -> Any:
    """A published value for xlsx: int, float (2 decimals), or the suppression/unknown mark."""
    if column in row.suppressed:
        return SUPPRESSED
    value = row.values.get(column)
    if value is None:
        return UNKNOWN
    if isinstance(value, Decimal):
        return float(value)
    return value


def text(row: Any, column: str) -> str:
    """A published value as text: thousands separators, rates with 2 decimals, or a mark."""
    value = cell(row, column)
    if isinstance(value, str):
        return value
    if column in RATES:
        return f"{Decimal(str(value)):.2f}"
    return f"{int(value):,}"


def notes(year: PublicYear) -> list[Note]:
    k = min_published_count()
    result = [
        Note("definition", c, _BY_NAME[c].zh, f"{_BY_NAME[c].en}: {_BY_NAME[c].definition}")
        for c in TABLE_COLUMNS
    ]
    if year.source in SOURCE_TEXT:
        result.append(Note("source", year.source, *SOURCE_TEXT[year.source]))
    elif year.source == "mixed":
        result.extend(Note("source", key, *text) for key, text in SOURCE_TEXT.items())
    result.append(
        Note(
            "basis",
            "basis",
            "依据：安政办〔2018〕19号 1.3（目标）、4.1（统计体系与统计公报）；国家统计局统计用城乡划分",
            "Basis: AY2018-19:1.3 (targets), 4.1 (statistics and the bulletin); NBS urban-rural "
            "classification; residents are people living in a place six months or more.",
        )
    )
    result.append(
        Note(
            "suppression",
            "min_published_count",
            SUPPRESSION_TEXT[0].format(k=k, k_1=k - 1),
            SUPPRESSION_TEXT[1].format(k=k, k_1=k - 1),
        )
    )
    if not year.all_locked:
        result.append(Note("provisional", "provisional", *PROVISIONAL_TEXT))
    if "population" in year.source or year.source == "mixed":
        from luohu.analytics.population.params import load_params

        for parameter in load_params().assumptions():
            result.append(
                Note("assumption", parameter.name, f"假设：{parameter.term_zh}", parameter.note)
            )
    return result


def _label(names: dict[str, str], code: str, locked: bool) -> str:
    return f"{names.get(code, code)}{'' if locked else ' *'}"


def bulletin_xlsx(year: PublicYear, history: list[PublicYear], names: dict[str, str]) -> bytes:
    """The bulletin tables as an xlsx workbook (bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    counties = book.active
    assert counties is not None
    counties.title = SHEET_COUNTIES
    counties.append(
        [
            f"{year.year}年 安阳市分县（市、区）城镇化指标 Urbanisation indicators by county, {year.year}"
        ]
    )
    counties["A1"].font = Font(bold=True)
    counties.append(
        ["区划代码 Code", "县（市、区） County", *(" ".join(header(c)) for c in TABLE_COLUMNS)]
    )
    for row in year.rows:
        counties.append(
            [
                row.division_code,
                _label(names, row.division_code, row.locked),
                *(cell(row, c) for c in TABLE_COLUMNS),
            ]
        )
    for index, column in enumerate(TABLE_COLUMNS, start=3):
        if column in RATES:
            for (item,) in counties.iter_rows(min_row=3, min_col=index, max_col=index):
                item.number_format = "0.00"
                item.alignment = Alignment(horizontal="right")
    city = book.create_sheet(SHEET_CITY)
    city.append([f"安阳市历年指标 The city by year, {history[0].year}–{year.year}"])
    city.append(["年份 Year", *(" ".join(header(c)) for c in CITY_COLUMNS)])
    for item in history:
        city.append([item.year, *(cell(item.city, c) for c in CITY_COLUMNS)])
    notes_sheet = book.create_sheet(SHEET_NOTES)
    notes_sheet.append(["类别 Kind", "项目 Item", "中文", "English"])
    for note in notes(year):
        kind = "假设 assumption" if note.kind == "assumption" else note.kind
        notes_sheet.append([kind, note.key, note.zh, note.en])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bulletin_pdf(year: PublicYear, history: list[PublicYear], names: dict[str, str]) -> bytes:
    """The bulletin report as PDF bytes (A4, embedded CJK fonts)."""
    import weasyprint
    from django.template.loader import render_to_string

    def shown(row: Any, columns: tuple[str, ...]) -> list[str]:
        return [text(row, c) for c in columns]

    html = render_to_string(
        "publicstats/bulletin_pdf.html",
        {
            "year": year.year,
            "headers": [header(c) for c in TABLE_COLUMNS],
            "city_headers": [header(c) for c in CITY_COLUMNS],
            "rows": [
                {
                    "code": r.division_code,
                    "name": _label(names, r.division_code, r.locked),
                    "is_city": r.division_code == CITY_CODE,
                    "cells": shown(r, TABLE_COLUMNS),
                }
                for r in year.rows
            ],
            "history": [{"year": h.year, "cells": shown(h.city, CITY_COLUMNS)} for h in history],
            "notes": notes(year),
        },
    )
    return bytes(weasyprint.HTML(string=html).write_pdf())
