"""Citizen pages: self-check, application with documents, progress lookup."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import include, path

from luohu.accounts.tests.factories import persona
from luohu.audit.events import AuditEventType
from luohu.audit.models import AuditEntry
from luohu.casework import citizen_views
from luohu.casework.documents import DocumentUpload, application_submit_with_documents
from luohu.casework.models import Document, SettlementApplication
from luohu.casework.services import application_act
from luohu.casework.tests.factories import submit_in, submitted
from luohu.common.citizen_id import make_citizen_id
from luohu.config import urls as root_urls

pytestmark = pytest.mark.usefixtures("divisions")

# The site includes the citizen pages at its root; until it does, so do the tests.
urlpatterns = list(root_urls.urlpatterns)
if not any(getattr(p, "app_name", None) == "citizen" for p in urlpatterns):
    urlpatterns.insert(0, path("", include("luohu.casework.citizen_urls")))


@pytest.fixture(autouse=True)
def _citizen_urls(settings: Any, tmp_path: Path) -> None:
    settings.ROOT_URLCONF = __name__
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CASEWORK_UPLOAD_MAX_BYTES = 64 * 1024


def test_self_check_asks_nothing_about_purchase_investment_tax_points_or_rural_rights(
    client: Client,
) -> None:
    """The page says those never count and has no question about them (2.2, 3.5)."""
    response = client.get("/self-check/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "白道口镇" in html and "data-never-asked" in html
    form = response.context["form"]
    for forbidden in ("owns_home", "made_investment", "tax_paid", "settlement_points", "rural"):
        assert not any(forbidden in name for name in form.fields), forbidden


CITIZEN_ID = "41052619880506011X"
MEMBERS = [
    {"relation": "spouse", "birth_date": "1989-02-03", "co_residing": "yes", "consent": "yes"},
    {"relation": "child", "birth_date": "2015-08-09", "co_residing": "yes"},
    {"relation": "parent", "birth_date": "1960-11-12", "co_residing": "yes", "consent": "yes"},
]


def family_answers(**overrides: Any) -> dict[str, Any]:
    """赵's answers: rural hukou in 林州, renting in 滑县's 白道口镇 (AY2018-19:2.3)."""
    answers: dict[str, Any] = {
        "citizen_id": CITIZEN_ID,
        "hukou_place": "410581",
        "hukou_nature": "rural",
        "destination_county": "410526",
        "destination": "410526102",
        "employed": "yes",
        "work_place": "410526",
        "work_legal_stable": "yes",
        "home_place": "destination",
        "home_legal_stable": "yes",
        "home_tenure": "rented",
        "insurance_months": "6",
        "years_in_town": "6",
        "whole_family": "yes",
        "consent": "yes",
    }
    members = overrides.pop("members", MEMBERS)
    answers.update(overrides)
    answers.update(
        {
            "members-TOTAL_FORMS": str(len(members)),
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "20",
        }
    )
    for i, member in enumerate(members):
        answers.update({f"members-{i}-{k}": v for k, v in member.items()})
    return {k: v for k, v in answers.items() if v is not None}


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
SPOUSE_ID = make_citizen_id("410581", dt.date(1989, 2, 3), 2)
CHILD_ID = make_citizen_id("410581", dt.date(2015, 8, 9), 31)
PARENT_ID = make_citizen_id("410581", dt.date(1960, 11, 12), 42)
NAMES = ["钱配偶", "赵小宝", "孙母亲"]


def apply_answers(
    files: Sequence[tuple[str, str | None, Any]] | None = None, **overrides: Any
) -> dict[str, Any]:
    """The family's application: answers, names, consent and ``files`` (type, member, file)."""
    answers = family_answers(consent=None, **overrides)
    answers.update(
        {
            "applicant_name": "赵申请",
            "declaration": "on",
            "submission_key": overrides.pop("submission_key", "key-citizen-0001"),
            "members-0-name": NAMES[0],
            "members-0-citizen_id": SPOUSE_ID,
            "members-1-name": NAMES[1],
            "members-1-citizen_id": CHILD_ID,
            "members-2-name": NAMES[2],
            "members-2-citizen_id": PARENT_ID,
        }
    )
    files = (
        files
        if files is not None
        else [
            ("resident_id_card", None, SimpleUploadedFile("身份证-赵.pdf", PDF)),
            ("relationship_proof", "0", SimpleUploadedFile("结婚证.png", PNG)),
        ]
    )
    answers.update(
        {
            "documents-TOTAL_FORMS": str(len(files)),
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "30",
        }
    )
    for i, (code, member, upload) in enumerate(files):
        answers[f"documents-{i}-document_type"] = code
        answers[f"documents-{i}-member"] = member or ""
        answers[f"documents-{i}-file"] = upload
    return answers


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- self-check ---------------------------------------------------------------


def test_self_check_eligible_family_all_come(client: Client) -> None:
    """The family renting in 白道口镇 can settle by 2.3 with spouse, child and mother."""
    response = client.post("/self-check/", family_answers())
    html = response.content.decode()
    assert 'data-result="eligible"' in html
    assert 'data-channel="town_residence"' in html and "AY2018-19:2.3" in html
    assert html.count('data-member-decision="admitted"') == 3
    assert 'data-document="residence_proof"' in html
    assert response.context["result"]["processing_time_working_days"] == int(
        re.search(r"data-processing-days>(\d+)<", html).group(1)  # type: ignore[union-attr]
    )


def test_self_check_stores_nothing(client: Client) -> None:
    """A self-check writes no application, no audit entry and nothing in the session."""
    entries = AuditEntry.objects.count()
    client.post("/self-check/", family_answers())
    assert SettlementApplication.objects.count() == 0
    assert AuditEntry.objects.count() == entries
    assert dict(client.session) == {}


def test_self_check_names_the_months_of_insurance_missing(client: Client) -> None:
    """9 months of insurance in 文峰区 where 12 are asked: 3 more months would do (2.2)."""
    response = client.post(
        "/self-check/",
        family_answers(
            destination_county="410502",
            destination="410502001",
            work_place="destination",
            insurance_months="9",
        ),
    )
    html = response.content.decode()
    assert 'data-result="not_eligible"' in html
    assert "3 more months of urban social insurance" in html
    assert html.count('data-member-decision="not_admitted"') == 3


def test_self_check_refuses_a_township(client: Client) -> None:
    """枣村乡 is a 乡, not a town: no channel opens, and the page says why."""
    response = client.post(
        "/self-check/", family_answers(destination="410526200", home_place="410526")
    )
    html = response.content.decode()
    assert 'data-result="not_eligible"' in html
    assert 'data-rule="destination_is_town"' in html


def test_self_check_errors_next_to_fields_in_both_languages(client: Client) -> None:
    """A bad id check digit and a township of another county are shown at their fields."""
    response = client.post(
        "/self-check/",
        family_answers(citizen_id="410526198805060110", destination="410502001"),
    )
    html = response.content.decode()
    assert "data-result" not in html
    form = response.context["form"]
    assert "Choose a township in the county you chose." in form.errors["destination"][0]
    response = client.post("/self-check/", family_answers(citizen_id="410526198805060110"))
    error = response.context["form"].errors["citizen_id"][0]
    assert "校验码错误" in error and "check digit" in error
    assert 'data-error="citizen_id"' in response.content.decode()


def test_self_check_member_problem_shown_on_the_member(client: Client) -> None:
    members = [{**MEMBERS[0], "birth_date": "2100-01-01"}]
    response = client.post("/self-check/", family_answers(members=members))
    assert 'data-error="members-0-birth_date"' in response.content.decode()


# --- apply --------------------------------------------------------------------


def test_apply_needs_an_applicant(client: Client) -> None:
    assert client.get("/apply/").status_code == 302
    client.force_login(persona("clerk_li_huaxian"))
    assert client.get("/apply/").status_code == 404


def test_apply_creates_case_with_members_documents_and_consent(
    client: Client, settings: Any
) -> None:
    """One case, three named members, adults' consent recorded, two documents audited."""
    applicant = persona("applicant_zhao")
    client.force_login(applicant)
    response = client.post("/apply/", apply_answers(), follow=True)
    application = SettlementApplication.objects.get()
    assert response.redirect_chain[-1][0] == "/my/applications/"
    assert application.number in response.content.decode()
    assert application.applicant == applicant and application.citizen_id == CITIZEN_ID
    assert application.facts["destination"]["kind"] == "established_town"
    members = list(application.members.all())
    assert [m.name for m in members] == NAMES
    assert members[0].citizen_id == SPOUSE_ID
    assert [m.consent_given_at is not None for m in members] == [True, False, True]
    documents = list(application.documents.order_by("document_type"))
    assert [(d.document_type, d.member_position, d.content_type) for d in documents] == [
        ("relationship_proof", 0, "image/png"),
        ("resident_id_card", None, "application/pdf"),
    ]
    pdf = documents[1]
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest() and pdf.size == len(PDF)
    assert (Path(settings.MEDIA_ROOT) / pdf.stored_path).read_bytes() == PDF
    assert "赵" not in pdf.stored_path
    entries = AuditEntry.objects.filter(event_type=AuditEventType.DOCUMENT_UPLOADED)
    after = [e.after or {} for e in entries]
    assert sorted(a["document_type"] for a in after) == [
        "relationship_proof",
        "resident_id_card",
    ]
    assert {a["sha256"] for a in after} == {d.sha256[:12] for d in documents}
    assert all("身份证" not in str(e.after) and e.object_id == application.number for e in entries)


def test_apply_double_submit_makes_one_case(client: Client, settings: Any) -> None:
    """The same submission key twice: one case, its documents stored once."""
    client.force_login(persona("applicant_zhao"))
    client.post("/apply/", apply_answers())
    response = client.post("/apply/", apply_answers())
    assert response.status_code == 302
    assert SettlementApplication.objects.count() == 1
    assert Document.objects.count() == 2
    assert len(stored_files(Path(settings.MEDIA_ROOT))) == 2


def test_apply_refuses_a_file_that_is_not_pdf_jpg_or_png(client: Client, settings: Any) -> None:
    """A text file named .pdf is refused by its content, with its name in the message."""
    client.force_login(persona("applicant_zhao"))
    files = [("resident_id_card", None, SimpleUploadedFile("scan.pdf", b"hello, not a pdf"))]
    response = client.post("/apply/", apply_answers(files=files))
    assert response.status_code == 200
    error = response.context["documents"].forms[0].errors["file"][0]
    assert "scan.pdf" in error and "is not a PDF, JPG or PNG" in error and "不是" in error
    assert 'data-error="documents-0-file"' in response.content.decode()
    assert SettlementApplication.objects.count() == 0
    assert stored_files(Path(settings.MEDIA_ROOT)) == []


def test_apply_refuses_a_file_over_the_size_limit(client: Client, settings: Any) -> None:
    settings.CASEWORK_UPLOAD_MAX_BYTES = 16
    client.force_login(persona("applicant_zhao"))
    files = [("resident_id_card", None, SimpleUploadedFile("big.pdf", PDF))]
    response = client.post("/apply/", apply_answers(files=files))
    error = response.context["documents"].forms[0].errors["file"][0]
    assert "big.pdf" in error and "larger than the limit of 16 bytes" in error
    assert SettlementApplication.objects.count() == 0


def test_apply_without_consent_is_refused_at_the_box(client: Client) -> None:
    client.force_login(persona("applicant_zhao"))
    answers = apply_answers()
    del answers["declaration"]
    response = client.post("/apply/", answers)
    assert response.context["form"].errors["declaration"]
    assert SettlementApplication.objects.count() == 0


def test_storage_failure_leaves_nothing(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second file fails to store: no case, no rows, no audit entry, no file."""
    from luohu.casework import documents as documents_module

    real_replace = os.replace
    calls = []

    def failing_replace(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(documents_module.os, "replace", failing_replace)
    applicant = persona("applicant_zhao")
    uploads = [
        DocumentUpload("documents[0]", "resident_id_card", None, SimpleUploadedFile("a.pdf", PDF)),
        DocumentUpload("documents[1]", "hukou_booklet", None, SimpleUploadedFile("b.png", PNG)),
    ]
    with pytest.raises(OSError, match="disk full"):
        application_submit_with_documents(acting_user=applicant, data=submit_in(), uploads=uploads)
    assert SettlementApplication.objects.count() == 0
    assert Document.objects.count() == 0
    assert not AuditEntry.objects.filter(event_type=AuditEventType.CASE_SUBMITTED).exists()
    assert stored_files(Path(settings.MEDIA_ROOT)) == []


def test_self_check_answers_carry_over_to_the_application(client: Client) -> None:
    """ "Apply with these answers" opens the form filled in, nothing stored on the way."""
    client.force_login(persona("applicant_zhao"))
    html = client.post("/self-check/", family_answers()).content.decode()
    assert "data-apply" in html
    response = client.post("/apply/", {**family_answers(), "prefill": "1"})
    form = response.context["form"]
    assert form.initial["citizen_id"] == CITIZEN_ID and form.initial["destination"] == "410526102"
    assert len(response.context["members"].forms) == 4
    assert not form.errors
    assert SettlementApplication.objects.count() == 0


# --- progress -----------------------------------------------------------------


def test_progress_shows_status_deadline_and_the_materials_notice(client: Client) -> None:
    application = submitted(persona("applicant_zhao"))
    clerk = persona("clerk_li_huaxian")
    application_act(
        acting_user=clerk, number=application.number, action="accept", expected_version=1
    )
    application_act(
        acting_user=clerk,
        number=application.number,
        action="request_materials",
        expected_version=2,
        note="请补充：租赁合同；社保缴费记录",
    )
    response = client.post(
        "/progress/", {"number": application.number, "id_tail": CITIZEN_ID[-6:].lower()}
    )
    html = response.content.decode()
    assert 'data-progress="materials_requested"' in html
    assert "请补充：租赁合同；社保缴费记录" in html
    application.refresh_from_db()
    assert application.due_date is not None and f"{application.due_date:%Y-%m-%d}" in html


def test_progress_wrong_pair_looks_like_unknown_number(client: Client) -> None:
    """A wrong id tail and an unknown number give the very same answer."""
    application = submitted(persona("applicant_zhao"))
    wrong = client.post("/progress/", {"number": application.number, "id_tail": "123456"})
    unknown = client.post(
        "/progress/", {"number": "410526000000000000", "id_tail": CITIZEN_ID[-6:]}
    )
    assert "data-progress" not in wrong.content.decode()
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert "No application matches" in wrong.context["form"].non_field_errors()[0]


def test_citizen_id_never_reaches_the_logs(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.post("/self-check/", family_answers())
    client.post("/self-check/", family_answers(destination="410502001"))
    client.force_login(persona("applicant_zhao"))
    client.post("/apply/", apply_answers())
    client.post("/progress/", {"number": "nope", "id_tail": CITIZEN_ID[-6:]})
    assert SettlementApplication.objects.count() == 1
    assert CITIZEN_ID not in caplog.text and CITIZEN_ID[:17] not in caplog.text
    assert SPOUSE_ID not in caplog.text


def test_every_page_text_is_listed_for_translation() -> None:
    """Texts the templates hand to _bi.html are listed in PAGE_TEXTS for makemessages."""
    templates = Path(citizen_views.__file__).parent / "templates" / "casework" / "citizen"
    used = {
        text
        for template in templates.glob("*.html")
        for text in re.findall(r'with text="([^"]+)"', template.read_text())
    }
    assert used == set(citizen_views.PAGE_TEXTS)


def test_self_check_asks_for_an_adult_members_own_wish(client: Client) -> None:
    """An adult spouse whose wish is not given: the engine asks, at that member's question."""
    members = [{k: v for k, v in MEMBERS[0].items() if k != "consent"}, MEMBERS[1]]
    response = client.post("/self-check/", family_answers(members=members))
    html = response.content.decode()
    assert "data-result" not in html
    assert 'data-error="members-0-consent"' in html
    assert 'data-error="members-1-consent"' not in html
