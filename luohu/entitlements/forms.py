"""我能享受什么 The questions of the entitlements page, turned into the engine's facts."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luohu.analytics.same_treatment import anyang_counties
from luohu.casework.forms import BilingualErrorsMixin

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
STATUSES = [
    ("hukou_resident", _("My hukou is here (including people who have settled here)")),
    ("permit_holder", _("I hold a residence permit here")),
    ("neither", _("Neither")),
]
WORK = [
    ("", "—"),
    ("employee", _("Employee")),
    ("self_employed", _("Self-employed (individual business)")),
    ("freelancer", _("Freelancer")),
    ("not_working", _("Not working")),
]
_MONTHS = re.compile(r"[0-9]{4}-[0-9]{2}")


def _yes_no(label: Any, help_text: Any = "") -> Any:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def _months(text: str) -> list[str]:
    return sorted(set(_MONTHS.findall(text or "")))


class EntitlementsForm(BilingualErrorsMixin, forms.Form):
    """The situation of one person; every question but the first two may be left open."""

    county = forms.ChoiceField(label=_("Where do you live: county"))
    residence_status = forms.ChoiceField(
        label=_("Your hukou or residence permit"), choices=STATUSES, widget=forms.RadioSelect
    )
    work = forms.ChoiceField(label=_("Your work"), choices=WORK, required=False)
    employed_in_city = _yes_no(_("Do you work in Anyang?"))
    rents_home = _yes_no(_("Do you rent your home on the market?"))
    income = forms.IntegerField(
        label=_("Household income per person and month (yuan)"),
        min_value=0,
        max_value=10_000_000,
        required=False,
    )
    area = forms.IntegerField(
        label=_("Housing floor area per person (m², whole metres)"),
        min_value=0,
        max_value=100_000,
        required=False,
    )
    dibao_assets = _yes_no(_("Is your household's property within the 低保 rules?"))
    pf_account = _yes_no(_("Do you have a housing provident fund account?"))
    pf_full_months = forms.CharField(
        label=_("Months with full provident fund contributions"),
        help_text=_("Write each month as YYYY-MM, e.g. 2019-03 2019-04 2019-05."),
        required=False,
        max_length=2000,
    )
    pf_no_house = _yes_no(_("Do you have a no-house certificate?"))
    pf_elsewhere = _yes_no(_("Do you have a provident fund account in another place?"))
    medical_months = forms.CharField(
        label=_("Months with basic medical insurance (any scheme or place)"),
        help_text=_("YYYY-MM, separated by spaces; leave empty if you do not know."),
        required=False,
        max_length=4000,
    )
    pension_months = forms.CharField(
        label=_("Months with pension insurance (any scheme or place)"),
        help_text=_("YYYY-MM, separated by spaces; leave empty if you do not know."),
        required=False,
        max_length=4000,
    )
    child_school_age = _yes_no(_("Do you have a child of compulsory-school age?"))
    child_record = _yes_no(_("Does your child have a formal junior-high school record here?"))
    child_senior_high = _yes_no(_("Is your child a senior-high student?"))
    child_transfer = _yes_no(_("Does your child meet the school transfer conditions?"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        assert isinstance(county, forms.ChoiceField)
        county.choices = [("", "—"), *anyang_counties()]
        self.english_labels()

    def facts(self) -> dict[str, Any]:
        data = self.cleaned_data
        county = data["county"]

        def history(text: str) -> list[dict[str, str]] | None:
            months = _months(text)
            if not months:
                return None
            return [{"month": m, "scheme": "declared", "division_code": county} for m in months]

        pf_months = _months(data.get("pf_full_months") or "")
        facts: dict[str, Any] = {
            "residence_division_code": county,
            "residence_status": data["residence_status"],
            "work": data.get("work") or None,
            "employed_in_city": data.get("employed_in_city"),
            "rents_home": data.get("rents_home"),
            "household_income_per_capita_yuan_month": data.get("income"),
            "housing_area_per_capita_m2": data.get("area"),
            "meets_dibao_asset_test": data.get("dibao_assets"),
            "provident_fund": {
                "has_account": data.get("pf_account"),
                "has_no_house_certificate": data.get("pf_no_house"),
                "account_elsewhere": data.get("pf_elsewhere"),
                "contributions": [{"month": m, "full": True} for m in pf_months]
                if pf_months
                else None,
            },
            "medical_insurance": {"history": history(data.get("medical_months") or "")},
            "pension": {"history": history(data.get("pension_months") or "")},
            "child": {
                "compulsory_school_age": data.get("child_school_age"),
                "formal_junior_high_record_here": data.get("child_record"),
                "senior_high_student": data.get("child_senior_high"),
                "meets_transfer_conditions": data.get("child_transfer"),
            },
        }
        return facts
