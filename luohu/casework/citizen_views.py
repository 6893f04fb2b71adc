"""Citizen pages: self-check, application and progress lookup.

Views parse the forms, call the engine adapter or one service, and render.
Citizen ids travel only in POST bodies, never in URLs (request logs carry
URLs), and every response is marked not to be cached.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError as PydanticValidationError

from luohu.accounts.roles import CITY_CODE, Role
from luohu.audit.events import AuditEventType
from luohu.audit.selectors import PERSON_OBJECT_TYPE, audit_views_of_records
from luohu.casework.documents import (
    DocumentUpload,
    application_submit_with_documents,
    materials_supply,
)
from luohu.casework.errors import CaseworkError
from luohu.casework.feedback import refusals_as_messages
from luohu.casework.forms import (
    ApplyForm,
    ApplyMemberFormSet,
    BilingualErrorsMixin,
    DocumentFormSet,
    MemberFormSet,
    ProgressForm,
    SettlementFactsForm,
    filled,
)
from luohu.casework.models import Document, Relation, SettlementApplication
from luohu.casework.selectors import application_list_for_user
from luohu.casework.services import CaseSubmitIn
from luohu.casework.workflow import Action, Status
from luohu.common.errors import FieldError, FieldProblem
from luohu.policy import default_engine
from luohu.policy_api.services import settlement_check, settlement_facts_resolve
from luohu.registry.selectors import division_counties

NOT_FOUND = _(
    "No application matches this number and these id characters. Check both and try again."
)
SUBMITTED = _("Application %(number)s submitted. Keep the number to follow its progress.")
FORM_DAMAGED = _("The form was damaged; reload the page and try again.")
FILES_AGAIN = _("For your safety the browser does not keep chosen files: choose them again.")

# Engine fact paths -> form fields. Facts the questions do not ask for
# directly are reported on the question that sets them.
FACT_FIELDS: dict[str, str] = {
    "citizen_id": "citizen_id",
    "birth_date": "citizen_id",
    "sex": "citizen_id",
    "consent": "consent",
    "hukou.division_code": "hukou_place",
    "hukou.province": "hukou_place",
    "hukou.nature": "hukou_nature",
    "hukou.registered_at_destination": "hukou_at_destination",
    "destination.division_code": "destination",
    "destination.kind": "destination",
    "employment.employed": "employed",
    "employment.division_code": "work_place",
    "employment.legal_stable": "work_legal_stable",
    "residence.division_code": "home_place",
    "residence.legal_stable": "home_legal_stable",
    "residence.tenure": "home_tenure",
    "urban_insurance_months_at_destination": "insurance_months",
    "years_employed_and_living_in_town": "years_in_town",
    "whole_family_migration": "whole_family",
    "applicant_name": "applicant_name",
    **{f"qualifications.{name}": name for name in SettlementFactsForm.GROUP_FIELDS},
}
_MEMBER = re.compile(r"^family_members\[(\d+)\]\.(\w+)$")
# A fact missing for some member, without saying which (MissingFacts).
_ANY_MEMBER = re.compile(r"^family_members\[\]\.(\w+)$")
_DOCUMENT = re.compile(r"^documents\[(\d+)\]$")


def _problems_to_forms(
    problems: list[FieldProblem],
    form: BilingualErrorsMixin,
    members: list[Any],
    documents: list[Any] | None = None,
) -> None:
    """Put each engine or service problem next to the field it is about."""
    for problem in problems:
        path = problem.field.removeprefix("facts.")
        if path == "consent" and "consent" not in form.fields:  # type: ignore[attr-defined]
            path = "declaration"
        member = _MEMBER.match(path)
        any_member = _ANY_MEMBER.match(path)
        document = _DOCUMENT.match(path)
        if any_member and members:
            name = any_member.group(1)
            for member_form in members:
                if member_form.cleaned_data.get(name) in (None, "") and (
                    name != "consent" or _is_adult(member_form.cleaned_data["birth_date"])
                ):
                    member_form.add_problem(name, problem)
        elif member and int(member.group(1)) < len(members):
            members[int(member.group(1))].add_problem(member.group(2), problem)
        elif document and documents is not None and int(document.group(1)) < len(documents):
            documents[int(document.group(1))].add_problem("file", problem)
        else:
            form.add_problem(FACT_FIELDS.get(path, path), problem)


def _is_adult(birth_date: dt.date) -> bool:
    """Whether a member is of the age that must consent, by the engine's own parameter."""
    today = timezone.localdate()
    age = default_engine().params.value("consent/adult_age", today).value
    years = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    return bool(years >= age)


def _formset_valid(*forms: Any) -> bool:
    # Validate every form so that each shows its own errors at once.
    return all([f.is_valid() for f in forms])


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest) -> HttpResponse:
    """落户自查 Can I settle there, and who can come with me? Stores nothing."""
    on = timezone.localdate()
    data = request.POST if request.method == "POST" else None
    form = SettlementFactsForm(data, on=on)
    members: BaseFormSet = MemberFormSet(data, prefix="members")
    result = None
    if data is not None and _formset_valid(form, members):
        member_forms = filled(members)
        facts = form.facts([m.fact() for m in member_forms])
        try:
            result = settlement_check(facts, trace=False)
        except FieldError as exc:
            _problems_to_forms(exc.problems, form, member_forms)
    family = []
    if result is not None:
        labels = dict(Relation.choices)
        family = [{**m, "label": labels.get(m["relation"], "")} for m in result["family_members"]]
    return render(
        request,
        "casework/citizen/self_check.html",
        {"form": form, "members": members, "result": result, "family": family},
    )


def _uploads(documents: BaseFormSet) -> tuple[list[DocumentUpload], list[Any]]:
    uploads: list[DocumentUpload] = []
    forms: list[Any] = []
    for document_form in documents.forms:
        file = document_form.cleaned_data.get("file")
        if not file:
            continue
        uploads.append(
            DocumentUpload(
                field=f"documents[{len(uploads)}]",
                document_type=document_form.cleaned_data["document_type"],
                member_position=document_form.cleaned_data.get("member"),
                file=file,
            )
        )
        forms.append(document_form)
    return uploads, forms


@never_cache
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """落户申请 Apply with family, documents and consent."""
    if request.user.role != Role.APPLICANT:  # type: ignore[union-attr]
        raise Http404
    on = timezone.localdate()
    fresh_key = secrets.token_urlsafe(24)
    if request.method == "POST" and "prefill" not in request.POST:
        form = ApplyForm(request.POST, on=on)
        members: BaseFormSet = ApplyMemberFormSet(request.POST, prefix="members")
        documents: BaseFormSet = DocumentFormSet(
            request.POST, request.FILES, prefix="documents", form_kwargs={"on": on}
        )
        if _formset_valid(form, members, documents):
            response = _submit(request, form, members, documents)
            if response is not None:
                return response
        if request.FILES:
            messages.warning(request, FILES_AGAIN)
    else:
        # From the self-check's "apply with these answers": the answers are
        # offered as a start, not validated yet.
        form = ApplyForm(initial=_answers(request, on), on=on)
        members = ApplyMemberFormSet(initial=_member_answers(request), prefix="members")
        documents = DocumentFormSet(prefix="documents", form_kwargs={"on": on})
        form.initial["submission_key"] = fresh_key
    return render(
        request,
        "casework/citizen/apply.html",
        {"form": form, "members": members, "documents": documents},
    )


def _answers(request: HttpRequest, on: Any) -> dict[str, Any]:
    if request.method != "POST":
        return {}
    checked = SettlementFactsForm(request.POST, on=on)
    return _valid_values(checked, skip={"consent"})


def _member_answers(request: HttpRequest) -> list[dict[str, Any]]:
    if request.method != "POST":
        return []
    checked = MemberFormSet(request.POST, prefix="members")
    if not checked.is_valid():
        return []
    return [_valid_values(f) for f in filled(checked)]


def _valid_values(form: Any, skip: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """The raw answers of the fields that validated, to start a new form with."""
    form.is_valid()
    return {
        name: form[name].value()
        for name in form.fields
        if name in form.cleaned_data and name not in skip
    }


def _submit(
    request: HttpRequest, form: ApplyForm, members: BaseFormSet, documents: BaseFormSet
) -> HttpResponse | None:
    member_forms = filled(members)
    uploads, document_forms = _uploads(documents)
    facts = form.facts([m.fact() for m in member_forms])
    try:
        # The destination's kind comes from the registry, as in the self-check.
        resolved = settlement_facts_resolve(facts).model_dump(mode="json", exclude_none=True)
        data = CaseSubmitIn(
            applicant_name=form.cleaned_data["applicant_name"],
            member_names=[m.cleaned_data["name"] for m in member_forms],
            facts=resolved,
            submission_key=form.cleaned_data["submission_key"],
        )
        application, _created = application_submit_with_documents(
            acting_user=request.user,  # type: ignore[arg-type]
            data=data,
            uploads=uploads,
        )
    except FieldError as exc:
        _problems_to_forms(exc.problems, form, member_forms, document_forms)
        return None
    except PydanticValidationError:
        form.add_message(None, FORM_DAMAGED)
        return None
    except CaseworkError as exc:
        form.add_error(None, f"{exc.message_zh} / {exc.message_en}")
        return None
    messages.success(request, SUBMITTED % {"number": application.number})
    return redirect("casework:mine")


def application_get_by_number_and_id_tail(number: str, id_tail: str) -> SettlementApplication:
    """The application with ``number`` whose citizen id ends in ``id_tail``.

    A wrong pair and an unknown number raise the same DoesNotExist, so the
    page tells nobody which numbers exist.
    """
    application = SettlementApplication.objects.filter(number=number).first()
    # Compare even when the number is unknown, so both paths do the same work.
    actual = application.citizen_id[-6:] if application else "\0" * 6
    if not hmac.compare_digest(actual.upper(), id_tail.upper()) or application is None:
        raise SettlementApplication.DoesNotExist
    return application


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """进度查询 Status, deadline and any materials asked for; no login."""
    form = ProgressForm(request.POST if request.method == "POST" else None)
    found = None
    notice = None
    if request.method == "POST" and form.is_valid():
        try:
            found = application_get_by_number_and_id_tail(
                form.cleaned_data["number"], form.cleaned_data["id_tail"]
            )
        except SettlementApplication.DoesNotExist:
            form.add_message(None, NOT_FOUND)
        else:
            if found.status == Status.MATERIALS_REQUESTED:
                notice = (
                    found.history.filter(action=Action.REQUEST_MATERIALS)
                    .order_by("-version")
                    .first()
                )
    return render(
        request,
        "casework/citizen/progress.html",
        {"form": form, "application": found, "notice": notice},
    )


# Texts the templates pass to casework/citizen/_bi.html, which translates
# them and shows the English beside; listed here so makemessages finds them.
PAGE_TEXTS = (
    gettext_noop("Your hukou now"),
    gettext_noop("Where you want to settle"),
    gettext_noop("Which of these apply to you? Tick all that do."),
    gettext_noop("Work and home"),
    gettext_noop("Family members who would come with you"),
    gettext_noop("Add a family member"),
    gettext_noop("Leave a member's box empty if nobody else comes."),
    gettext_noop("Family member"),
    gettext_noop("Yes: you can settle there."),
    gettext_noop("Your hukou is already registered there: there is nothing to apply for."),
    gettext_noop("Not yet: on these answers you cannot settle there."),
    gettext_noop("Each way to settle, what stands in the way, and what would change the answer:"),
    gettext_noop("What would change it:"),
    gettext_noop("Who of your family can come"),
    gettext_noop("can come"),
    gettext_noop("cannot come on these answers"),
    gettext_noop("Priority groups you belong to"),
    gettext_noop("Documents to bring"),
    gettext_noop("Processing time once the application is accepted, in working days:"),
    gettext_noop(
        "This is an estimate from your own answers; the police station decides on the documents."
    ),
    gettext_noop("Apply to settle"),
    gettext_noop(
        "The same questions as the self-check, with names, documents and your consent. Each adult family member must want to settle too: tick their wish only if they have told you so; they can also give it later."
    ),
    gettext_noop(
        "You will not be asked about buying a home, investment, tax paid or points: they never count (AY2018-19:2.2). Nor about giving up land, homestead or collective-income rights: settling never requires it (AY2018-19:3.5)."
    ),
    gettext_noop("You"),
    gettext_noop("Documents (PDF, JPG or PNG)"),
    gettext_noop("Add another file"),
    gettext_noop("Your consent"),
    gettext_noop("Submit the application"),
    gettext_noop("Application progress"),
    gettext_noop("Look up"),
    gettext_noop("Submitted"),
    gettext_noop("Decision due by"),
    gettext_noop("The deadline is set when the police station accepts the application."),
    gettext_noop("Materials asked for (all in this one notice):"),
    gettext_noop(
        "The deadline is paused until you supply them. Log in and open My applications to say you have."
    ),
    gettext_noop(
        "The number is on your acknowledgement; the id characters are the last six of the applicant's citizen id."
    ),
    gettext_noop("Can I settle there, and who can come with me?"),
    gettext_noop(
        "Answer a few questions and the rules of 安政办〔2018〕19号 answer at once. Nothing you type here is stored."
    ),
    gettext_noop("Apply with these answers"),
    gettext_noop("Log in to apply"),
    gettext_noop("Your own wish"),
    gettext_noop("Check"),
    gettext_noop("Already applied? Check your progress"),
    # Who viewed my records (4.4)
    gettext_noop("Who viewed my records"),
    gettext_noop(
        "Every time staff opened your application, your documents, your certificates, your "
        "residence permit or your registry record, the audit trail kept when, which office and "
        "role, and the reason they gave. Staff are shown by office and role, not by name."
    ),
    gettext_noop("When"),
    gettext_noop("Record"),
    gettext_noop("How"),
    gettext_noop("Office"),
    gettext_noop("Role"),
    gettext_noop("Reason given"),
    gettext_noop("Nobody has viewed your records yet."),
)


@never_cache
@login_required
@require_http_methods(["POST"])
def supply(request: HttpRequest, number: str) -> HttpResponse:
    """补正材料 Hand in the materials asked for, with the files, in one step."""
    if request.user.role != Role.APPLICANT:  # type: ignore[union-attr]
        raise Http404
    documents = DocumentFormSet(
        request.POST,
        request.FILES,
        prefix="supply",
        form_kwargs={"on": timezone.localdate()},
    )
    try:
        expected_version = int(request.POST.get("expected_version", ""))
    except ValueError as exc:
        raise Http404 from exc
    if not documents.is_valid():
        messages.error(request, FORM_DAMAGED)
        return redirect("casework:mine")
    uploads, _forms = _uploads(documents)
    with refusals_as_messages(request):
        materials_supply(
            acting_user=request.user,  # type: ignore[arg-type]
            number=number,
            expected_version=expected_version,
            uploads=uploads,
        )
    return redirect("casework:mine")


# What each kind of record is called on the citizen's page.
RECORD_KINDS: dict[str, Any] = {
    "settlement_application": _("Your application"),
    "casework.document": _("A document you handed in"),
    "certificate": _("A certificate issued to you"),
    "residence_permit": _("Your residence permit"),
    PERSON_OBJECT_TYPE: _("Your registry record"),
}
VIEW_KINDS: dict[int, Any] = {
    AuditEventType.PERSONAL_DATA_VIEWED: _("viewed (id and name masked)"),
    AuditEventType.PERSONAL_DATA_UNMASKED: _("viewed in full (id and name shown)"),
}
CITY_UNIT = _("Anyang city")


def own_record_refs(user: Any) -> list[tuple[str, str]]:
    """The audit references of every record that is the signed-in citizen's own.

    Reached only through the self-limited selectors, so nobody else's records
    can enter the list.
    """
    from luohu.certificates.selectors import certificate_list_for_user
    from luohu.permits.selectors import permit_list_for_user
    from luohu.registry.household_selectors import person_get

    applications = list(application_list_for_user(user))
    refs = [("settlement_application", a.number) for a in applications]
    refs += [
        ("casework.document", str(pk))
        for pk in Document.objects.filter(application__in=applications).values_list("pk", flat=True)
    ]
    refs += [
        ("certificate", n) for n in certificate_list_for_user(user).values_list("number", flat=True)
    ]
    refs += [
        ("residence_permit", n) for n in permit_list_for_user(user).values_list("number", flat=True)
    ]
    for citizen_id in {a.citizen_id for a in applications}:
        try:
            refs.append((PERSON_OBJECT_TYPE, str(person_get(citizen_id).pk)))
        except FieldError:
            continue
    return refs


@never_cache
@login_required
@require_http_methods(["GET"])
def record_views(request: HttpRequest) -> HttpResponse:
    """谁查看了我的信息 Who looked at my records, when and why: office and role, not names."""
    if request.user.role != Role.APPLICANT:  # type: ignore[union-attr]
        raise Http404
    views = audit_views_of_records(own_record_refs(request.user), exclude_actor_id=request.user.pk)
    counties = {c.code: c.name for c in division_counties(timezone.localdate()) if c.code}
    roles = dict(Role.choices)
    rows = [
        {
            "view": view,
            "record": RECORD_KINDS.get(view.object_type, view.object_type),
            "reference": view.object_id if view.object_type != PERSON_OBJECT_TYPE else "",
            "how": VIEW_KINDS.get(int(view.event_type), ""),
            "role": roles.get(view.viewer_role, view.viewer_role),
            "unit": CITY_UNIT
            if view.viewer_unit_code == CITY_CODE
            else counties.get(view.viewer_unit_code, view.viewer_unit_code),
        }
        for view in views
    ]
    return render(request, "casework/citizen/record_views.html", {"rows": rows})


RECORD_VIEW_TEXTS = (
    gettext_noop("Who viewed my records"),
    gettext_noop(
        "Every time staff opened your application, your documents, your certificates, your residence permit or your registry record, the audit trail kept when, which office and role, and the reason they gave. Staff are shown by office and role, not by name."
    ),
    gettext_noop("When"),
    gettext_noop("Record"),
    gettext_noop("How"),
    gettext_noop("Office"),
    gettext_noop("Role"),
    gettext_noop("Reason given"),
    gettext_noop("Nobody has viewed your records yet."),
)
