"""Citizen forms: the self-check questions, the application and progress lookup.

The forms only parse what the citizen typed into the engine's facts
(luohu.policy.facts.SettlementFacts); every decision is the engine's. A
question left unanswered stays unanswered: nothing is filled in, and the
engine names what it still needs. The questions never touch home purchase,
investment, tax, points (AY2018-19:2.2) or giving up rural rights (3.5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum import numdb

from luohu.casework.documents import document_types
from luohu.casework.models import Relation
from luohu.common.errors import FieldProblem
from luohu.registry.selectors import division_children, division_counties, division_kinds

# GB/T 2260 province-level codes of the mainland, whose people hold a hukou.
PROVINCE_PREFIXES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65"
).split()
HENAN = "410000"
DESTINATION = "destination"
MAX_MEMBERS = 20

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
KIND_WORDS: dict[str, Promise] = {
    "city_district": _("city district: urban area of the city"),
    "county_seat_town": _("county seat: the town where the county government sits"),
    "established_town": _("established town"),
    "township": _("township (乡), not a town"),
}
KIND_UNKNOWN = _("kind not recorded")
HUKOU_NATURES = [("rural", _("Rural (agricultural) hukou")), ("urban", _("Urban hukou"))]
TENURES = [
    ("rented", _("Rented")),
    ("owned", _("My own")),
    ("employer_provided", _("Provided by my employer")),
    ("other", _("Other")),
]
TOWNSHIP_NOT_IN_COUNTY = _("Choose a township in the county you chose.")
ANSWER_NEEDED = _("Please answer this question.")
HUKOU_AT_DESTINATION_NEEDED = _(
    "Your hukou is in the same county: say whether it is already in this township."
)
ID_TAIL_FORMAT = _("Enter the last 6 characters of the citizen id (digits, or X at the end).")


def _yes_no(label: Any, *, required: bool = True, help_text: Any = "") -> Any:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def _province_name(code: str) -> str:
    info = numdb.get("cn/loc").info(code)
    return next((props["province"] for _p, props in info if "province" in props), code)


def place_choices(on: dt.date, *, with_destination: bool) -> list[Any]:
    """Anyang's counties, then the provinces (Henan meaning outside Anyang)."""
    counties = [(c.code, c.name) for c in division_counties(on) if c.code]
    provinces = []
    for prefix in PROVINCE_PREFIXES:
        code = f"{prefix}0000"
        name = _province_name(code)
        if code == HENAN:
            provinces.append((code, f"{name} · {_('outside Anyang')}"))
        else:
            provinces.append((code, name))
    choices: list[Any] = [("", "—")]
    if with_destination:
        choices.append((DESTINATION, _("In the township I want to settle in")))
    choices.append((_("Anyang"), counties))
    choices.append((_("Outside Anyang"), provinces))
    return choices


def destination_choices(on: dt.date) -> tuple[list[Any], list[Any], dict[str, str]]:
    """County choices, township choices grouped by county, and each township's county."""
    counties: list[Any] = [("", "—")]
    townships: list[Any] = [("", "—")]
    county_of: dict[str, str] = {}
    for county in division_counties(on):
        if not county.code:
            continue
        counties.append((county.code, county.name))
        group = []
        # One look-up of every kind per county: a kind the reference cannot
        # settle is shown as not recorded, not guessed.
        kinds = division_kinds(county.code, on)
        for township in division_children(county.code, on):
            if not township.code:
                continue
            words = KIND_WORDS[kinds[township.code]] if township.code in kinds else KIND_UNKNOWN
            group.append((township.code, f"{township.name} · {words}"))
            county_of[township.code] = county.code
        townships.append((county.name, group))
    return counties, townships, county_of


def bilingual(error: ValidationError) -> list[str]:
    """Each message of ``error`` as "中文 / English" (once when they are the same)."""
    with translation.override("zh-hans"):
        zh = [str(m) for m in error]
    with translation.override("en"):
        en = [str(m) for m in error]
    return [z if z == e else f"{z} / {e}" for z, e in zip(zh, en, strict=True)]


class BilingualErrorsMixin:
    """Show labels and validation messages in Chinese and English, side by side."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.english_labels()

    def english_labels(self) -> None:
        """Keep each field's English label and help beside the translated ones."""
        with translation.override("en"):
            for field in self.fields.values():  # type: ignore[attr-defined]
                field.label_en = str(field.label or "")
                field.help_text_en = str(field.help_text or "")

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors = self._errors  # type: ignore[attr-defined]
        if not errors:
            return
        for name, data in list(errors.as_data().items()):
            texts = [text for error in data for text in bilingual(error)]
            kwargs = {"error_class": "nonfield"} if name == NON_FIELD_ERRORS else {}
            errors[name] = self.error_class(texts, **kwargs)  # type: ignore[attr-defined]

    def add_message(self, field: str | None, message: Promise | str) -> None:
        """Add one of this module's messages in both languages."""
        error = ValidationError(message)  # type: ignore[arg-type]
        self.add_error(field, bilingual(error)[0])  # type: ignore[attr-defined]

    def add_problem(self, field: str | None, problem: FieldProblem) -> None:
        """Add an engine or service problem next to a field (or above the form)."""
        message = f"{problem.message_zh} / {problem.message_en}"
        if field is not None and field not in self.fields:  # type: ignore[attr-defined]
            field = None
        self.add_error(field, message)  # type: ignore[attr-defined]


class SettlementFactsForm(BilingualErrorsMixin, forms.Form):
    """落户自查 The self-check questions, turned into the engine's facts."""

    citizen_id = forms.CharField(
        label=_("Citizen id number (18 characters)"),
        max_length=24,
        help_text=_(
            "The rules need your age, which the id gives. "
            "A self-check stores nothing: the number is used for this answer only."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    hukou_place = forms.ChoiceField(label=_("Where is your hukou now?"))
    hukou_nature = forms.ChoiceField(
        label=_("Is it a rural or an urban hukou?"),
        choices=HUKOU_NATURES,
        widget=forms.RadioSelect,
    )
    destination_county = forms.ChoiceField(label=_("Where do you want to settle: county"))
    destination = forms.ChoiceField(label=_("Township, town or subdistrict"))
    hukou_at_destination = _yes_no(
        _("Is your hukou already registered in that township?"),
        required=False,
        help_text=_("Only asked when your hukou is in the same county."),
    )
    college_graduate = forms.BooleanField(label=_("College graduate"), required=False)
    technical_worker_certificate = forms.BooleanField(
        label=_("Technical worker with a vocational qualification certificate"), required=False
    )
    vocational_graduate = forms.BooleanField(
        label=_("Graduate of a vocational school"), required=False
    )
    returned_overseas_student = forms.BooleanField(
        label=_("Returned from study abroad"), required=False
    )
    entered_town_by_study = forms.BooleanField(
        label=_("Came to town from the countryside to study"), required=False
    )
    entered_town_by_military_service = forms.BooleanField(
        label=_("Came to town through military service"), required=False
    )
    employed = _yes_no(_("Do you have a job or run a business?"))
    work_place = forms.ChoiceField(label=_("Where do you work?"), required=False)
    work_legal_stable = _yes_no(
        _("Is it legal, stable work (a contract or business licence)?"), required=False
    )
    home_place = forms.ChoiceField(label=_("Where do you live?"))
    home_legal_stable = _yes_no(
        _("Is it a legal, stable home (renting counts)?"),
    )
    home_tenure = forms.ChoiceField(
        label=_("Whose home is it?"),
        choices=[("", "—"), *TENURES],
        required=False,
    )
    insurance_months = forms.IntegerField(
        label=_("Months of urban social insurance paid where you want to settle"),
        min_value=0,
        max_value=1200,
    )
    years_in_town = forms.IntegerField(
        label=_("Years you have worked and lived in towns or cities"),
        min_value=0,
        max_value=100,
    )
    whole_family = _yes_no(_("Is your whole family moving with you?"))
    consent = _yes_no(_("Do you yourself want to settle there?"))

    GROUP_FIELDS = (
        "college_graduate",
        "technical_worker_certificate",
        "vocational_graduate",
        "returned_overseas_student",
        "entered_town_by_study",
        "entered_town_by_military_service",
    )

    def __init__(self, *args: Any, on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on = on
        counties, townships, self.county_of = destination_choices(on)
        self.fields["destination_county"].choices = counties  # type: ignore[attr-defined]
        self.fields["destination"].choices = townships  # type: ignore[attr-defined]
        self.fields["hukou_place"].choices = place_choices(  # type: ignore[attr-defined]
            on, with_destination=False
        )
        for name in ("work_place", "home_place"):
            self.fields[name].choices = place_choices(  # type: ignore[attr-defined]
                on, with_destination=True
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        county, township = data.get("destination_county"), data.get("destination")
        if county and township and self.county_of.get(township) != county:
            self.add_error("destination", TOWNSHIP_NOT_IN_COUNTY)
        if (
            county
            and data.get("hukou_place") == county
            and data.get("hukou_at_destination") is None
        ):
            self.add_error("hukou_at_destination", HUKOU_AT_DESTINATION_NEEDED)
        if data.get("employed"):
            for name in ("work_place", "work_legal_stable"):
                if data.get(name) in (None, ""):
                    self.add_error(name, ANSWER_NEEDED)
        if data.get("home_legal_stable") and not data.get("home_tenure"):
            self.add_error("home_tenure", ANSWER_NEEDED)
        return data

    def _place(self, value: str | None) -> str | None:
        if not value:
            return None
        return self.cleaned_data["destination"] if value == DESTINATION else value

    def facts(self, members: list[dict[str, Any]]) -> dict[str, Any]:
        """The engine's facts for a settlement request, from the cleaned answers."""
        data = self.cleaned_data
        hukou: dict[str, Any] = {
            "division_code": data["hukou_place"],
            "nature": data["hukou_nature"],
        }
        if data["hukou_place"] not in {c for c, _n in self._anyang_counties()}:
            hukou["province"] = _province_name(data["hukou_place"][:2] + "0000")
        if data["hukou_place"] == data["destination_county"]:
            hukou["registered_at_destination"] = data["hukou_at_destination"]
        else:
            # A hukou in another county is, by that fact, not at the destination.
            hukou["registered_at_destination"] = False
        employed = data["employed"]
        employment: dict[str, Any] = {"employed": employed}
        if employed:
            employment["division_code"] = self._place(data["work_place"])
            employment["legal_stable"] = data["work_legal_stable"]
        residence: dict[str, Any] = {
            "division_code": self._place(data["home_place"]),
            "legal_stable": data["home_legal_stable"],
        }
        if data.get("home_tenure"):
            residence["tenure"] = data["home_tenure"]
        return {
            "as_of": self.on.isoformat(),
            "request": "settle",
            "citizen_id": data["citizen_id"],
            "consent": data["consent"],
            "hukou": hukou,
            "destination": {"division_code": data["destination"]},
            "qualifications": {name: bool(data.get(name)) for name in self.GROUP_FIELDS},
            "employment": employment,
            "residence": residence,
            "urban_insurance_months_at_destination": data["insurance_months"],
            "years_employed_and_living_in_town": data["years_in_town"],
            "whole_family_migration": data["whole_family"],
            "family_members": members,
        }

    def _anyang_counties(self) -> Iterable[tuple[str, str]]:
        return [c for c in self.fields["destination_county"].choices if c[0]]  # type: ignore[attr-defined]

    def groups(self) -> list[Any]:
        return [self[name] for name in self.GROUP_FIELDS]


class MemberForm(BilingualErrorsMixin, forms.Form):
    """随迁家庭成员 One family member who would come along."""

    relation = forms.ChoiceField(label=_("Relation to you"), choices=[("", "—"), *Relation.choices])
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    co_residing = _yes_no(_("Lives with you?"))
    consent = _yes_no(
        _("Adults only: does this person want to settle (their own wish)?"), required=False
    )

    def fact(self) -> dict[str, Any]:
        data = self.cleaned_data
        member = {
            "relation": data["relation"],
            "birth_date": data["birth_date"].isoformat(),
            "co_residing": data["co_residing"],
        }
        if data.get("consent") is not None:
            member["consent"] = data["consent"]
        return member


class ApplyMemberForm(MemberForm):
    name = forms.CharField(label=_("Full name"), max_length=64)
    # Every person in a 户口簿 has a citizen id, children included, and
    # registration cannot move anyone without one.
    citizen_id = forms.CharField(
        label=_("Citizen id number (as in the household booklet)"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["name", "relation", "birth_date", "citizen_id", "co_residing", "consent"]

    def fact(self) -> dict[str, Any]:
        member = super().fact()
        if self.cleaned_data.get("citizen_id"):
            member["citizen_id"] = self.cleaned_data["citizen_id"]
        return member


MemberFormSet = forms.formset_factory(
    MemberForm, extra=1, max_num=MAX_MEMBERS, validate_max=True, absolute_max=MAX_MEMBERS
)
ApplyMemberFormSet = forms.formset_factory(
    ApplyMemberForm, extra=1, max_num=MAX_MEMBERS, validate_max=True, absolute_max=MAX_MEMBERS
)


def filled(formset: forms.BaseFormSet) -> list[Any]:
    """The forms the citizen filled in, in order; blank extra ones are skipped.

    Forms that came filled in (from the self-check) always count, so a member
    is never dropped for being left unchanged.
    """
    initial = formset.initial_form_count()
    return [f for i, f in enumerate(formset.forms) if i < initial or f.has_changed()]


class ApplyForm(SettlementFactsForm):
    """落户申请 The self-check questions plus names, consent and documents."""

    applicant_name = forms.CharField(label=_("Your full name"), max_length=64)
    declaration = forms.BooleanField(
        label=_(
            "I apply of my own will to settle at the place above, and the answers are true "
            "(AY2018-19:1.2.d)."
        ),
        required=True,
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Consent is the declaration box; the yes/no question is the self-check's.
        del self.fields["consent"]
        self.fields["citizen_id"].help_text = _(
            "Kept with your application and shown to the clerk of the destination county only."
        )
        self.english_labels()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["consent"] = data.get("declaration") is True
        return data


class DocumentForm(BilingualErrorsMixin, forms.Form):
    """One file: which document it is, whose, and the file (PDF, JPG or PNG)."""

    document_type = forms.ChoiceField(label=_("Document"), required=False)
    member = forms.TypedChoiceField(
        label=_("Whose"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    file = forms.FileField(
        label=_("File (PDF, JPG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    def __init__(self, *args: Any, on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = document_types(on)
        self.fields["document_type"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((t.code, f"{t.zh} {t.en}".strip()) for t in types),
        ]
        self.fields["member"].choices = [  # type: ignore[attr-defined]
            ("", _("Me (the applicant)")),
            *((str(i), _("Family member %(n)s") % {"n": i + 1}) for i in range(MAX_MEMBERS)),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("file") and not data.get("document_type"):
            self.add_error("document_type", ANSWER_NEEDED)
        return data


DocumentFormSet = forms.formset_factory(
    DocumentForm, extra=2, max_num=30, validate_max=True, absolute_max=30
)


class ProgressForm(BilingualErrorsMixin, forms.Form):
    """进度查询 Application number plus a second factor the applicant holds."""

    number = forms.CharField(label=_("Application number"), max_length=20)
    id_tail = forms.RegexField(
        label=_("Last 6 characters of the applicant's citizen id"),
        regex=r"^[0-9]{5}[0-9Xx]$",
        max_length=6,
        error_messages={"invalid": ID_TAIL_FORMAT},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_id_tail(self) -> str:
        return str(self.cleaned_data["id_tail"]).upper()

    def clean_number(self) -> str:
        return str(self.cleaned_data["number"]).strip()
