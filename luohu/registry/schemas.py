"""API schemas for reference divisions."""

from __future__ import annotations

from ninja import ModelSchema

from luohu.registry.models import Division


class DivisionOut(ModelSchema):
    class Meta:
        model = Division
        fields = [
            "code",
            "name",
            "level",
            "parent_code",
            "lineage",
            "valid_from",
            "valid_to",
            "is_town",
            "is_county_seat",
            "vintage",
            "source",
        ]
