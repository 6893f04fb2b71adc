"""办件 API: submit, list, read and act on settlement applications.

Every handler goes through the jurisdiction-limited selectors, so a case
outside the caller's reach answers 404 exactly like a case that does not exist.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import django_auth

from luohu.accounts.roles import Role, page_allowed
from luohu.casework.errors import CaseActionNotAllowedError, CaseworkError
from luohu.casework.schemas import CaseActionIn, CaseErrorOut, CaseOut
from luohu.casework.selectors import application_get_for_user, application_list_for_user
from luohu.casework.services import CaseSubmitIn, application_act, application_submit
from luohu.common.errors import FieldError
from luohu.config.api_errors import ErrorOut, error_body

router = Router(tags=["casework"], auth=django_auth)

LIST_LIMIT = 200


@router.post(
    "/applications",
    response={200: CaseOut, 201: CaseOut, 403: CaseErrorOut, 422: ErrorOut},
    summary="Submit a settlement application (idempotent per submission_key)",
)
def application_create(request: HttpRequest, payload: CaseSubmitIn) -> Status[object]:
    try:
        application, created = application_submit(acting_user=request.user, data=payload)  # type: ignore[arg-type]
    except FieldError as exc:
        return Status(422, error_body(exc))
    except CaseworkError as exc:
        return Status(exc.status, exc.as_dict())
    return Status(201 if created else 200, CaseOut.of(application))


@router.get(
    "/applications",
    response={200: list[CaseOut], 403: CaseErrorOut},
    summary="Applications within your reach; 403 for roles that reach no individual case",
)
def application_list(request: HttpRequest, status: str | None = None) -> Status[object]:
    user = request.user
    # Planning, statistics and the administrators see no individual case
    # (permissions.yaml): refused, not an empty list that looks like "none yet".
    if user.role != Role.APPLICANT and not page_allowed(user.role, "cases"):  # type: ignore[union-attr]
        return Status(403, CaseActionNotAllowedError().as_dict())
    # The list never shows the facts: leave them encrypted in the database.
    applications = application_list_for_user(user).defer("facts")  # type: ignore[arg-type]
    if status:
        applications = applications.filter(status=status)
    return Status(200, [CaseOut.of(a) for a in applications[:LIST_LIMIT]])


@router.get(
    "/applications/{number}",
    response={200: CaseOut, 404: CaseErrorOut},
    summary="One application, if it is within your reach",
)
def application_detail(request: HttpRequest, number: str) -> Status[object]:
    try:
        application = application_get_for_user(request.user, number)  # type: ignore[arg-type]
    except CaseworkError as exc:
        return Status(exc.status, exc.as_dict())
    return Status(200, CaseOut.of(application))


@router.post(
    "/applications/{number}/actions",
    response={200: CaseOut, 403: CaseErrorOut, 404: CaseErrorOut, 409: CaseErrorOut, 422: ErrorOut},
    summary="Take one workflow action; 409 when someone acted first",
)
def application_action(request: HttpRequest, number: str, payload: CaseActionIn) -> Status[object]:
    try:
        application = application_act(
            acting_user=request.user,  # type: ignore[arg-type]
            number=number,
            action=payload.action,
            expected_version=payload.expected_version,
            note=payload.note,
        )
    except FieldError as exc:
        return Status(422, error_body(exc))
    except CaseworkError as exc:
        return Status(exc.status, exc.as_dict())
    return Status(200, CaseOut.of(application))
