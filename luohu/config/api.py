"""The single NinjaAPI: one Router per app, OpenAPI at /api/v1/openapi.json."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from luohu.casework.api import router as casework_router
from luohu.config.api_errors import INVALID_BODY, request_error_body
from luohu.policy_api.api import router as policy_router
from luohu.registry.api import router as registry_router

api = NinjaAPI(
    title="luohu 落户 API",
    version="1",
    description="Anyang 安政办〔2018〕19号 settlement platform.",
    urls_namespace="api-1",
)
api.add_router("/registry/", registry_router)
api.add_router("/policy/", policy_router)
api.add_router("/casework/", casework_router)


@api.exception_handler(ValidationError)
def request_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Input ninja refuses gets the same bilingual, field-level body as any other."""
    return api.create_response(request, request_error_body(list(exc.errors)), status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja answers a body it cannot parse with a bare 400; give it the 422 body."""
    if exc.status_code == 400:
        return api.create_response(request, INVALID_BODY, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
