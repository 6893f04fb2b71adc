"""The single NinjaAPI: one Router per app, OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

from luohu.casework.api import router as casework_router
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
