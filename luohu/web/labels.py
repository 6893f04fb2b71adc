"""Bilingual labels for the registry's codes, as clerks read them."""

from __future__ import annotations

from luohu.registry.selectors import DivisionKind, UrbanClass

KIND_LABELS: dict[str, tuple[str, str]] = {
    DivisionKind.CITY_DISTRICT: (DivisionKind.CITY_DISTRICT, "城区 city district"),
    DivisionKind.COUNTY_SEAT_TOWN: (DivisionKind.COUNTY_SEAT_TOWN, "县政府驻地镇 county-seat town"),
    DivisionKind.ESTABLISHED_TOWN: (
        DivisionKind.ESTABLISHED_TOWN,
        "其他建制镇 other established town",
    ),
    DivisionKind.TOWNSHIP: (DivisionKind.TOWNSHIP, "乡 township"),
}

URBAN_CLASS_LABELS: dict[str, tuple[str, str]] = {
    UrbanClass.URBAN: (UrbanClass.URBAN, "城镇 urban"),
    UrbanClass.MIXED: (UrbanClass.MIXED, "镇区城镇、村庄乡村 centre urban, villages rural"),
    UrbanClass.RURAL: (UrbanClass.RURAL, "乡村 rural"),
}

# A town whose seat status the reference does not record, in a county
# without subdistricts: shown as such rather than guessed.
KIND_NOT_RECORDED: tuple[str, str] = ("not_recorded", "未记载 not recorded")
