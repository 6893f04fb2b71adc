"""The application form, for the citizen online and the clerk at the counter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luohu.common.errors import FieldError
from luohu.permits.models import Basis
from luohu.registry.selectors import division_children, division_counties


def township_choices(on: dt.date, county_codes: frozenset[str] | None) -> list[Any]:
    """Township-level places grouped by county, limited to ``county_codes`` (None = all)."""
    groups: list[Any] = [("", "—")]
    for county in division_counties(on):
        if county.code is None or (county_codes is not None and county.code not in county_codes):
            continue
        places = [(d.code, d.name) for d in division_children(county.code, on) if d.code]
        groups.append((county.name, places))
    return groups


class PermitApplyForm(forms.Form):
    """居住证申领 Who applies, where they live, and on which condition of SC663:2."""

    citizen_id = forms.CharField(label=_("Citizen id"), max_length=18)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=64)
    residence_division_code = forms.ChoiceField(label=_("Where you live (township level)"))
    basis = forms.ChoiceField(
        label=_("Basis of the application"),
        choices=Basis.choices,
        widget=forms.RadioSelect,
        help_text=_("One of: legal stable employment, legal stable residence, continuous study"),
    )

    def __init__(
        self, *args: Any, on: dt.date, county_codes: frozenset[str] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["residence_division_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = township_choices(on, county_codes)

    def add_field_error(self, exc: FieldError) -> None:
        """Show the service's bilingual problems beside their fields."""
        for problem in exc.problems:
            field = problem.field if problem.field in self.fields else None
            self.add_error(field, f"{problem.message_zh} / {problem.message_en}")
