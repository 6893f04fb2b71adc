"""The project's URLs plus the audit page, until luohu/config/urls.py includes it."""

from django.urls import include, path

from luohu.config.urls import urlpatterns as project_urlpatterns

_already_included = any(getattr(p, "namespace", None) == "audit" for p in project_urlpatterns)

urlpatterns = [
    *([] if _already_included else [path("audit/", include("luohu.audit.urls"))]),
    *project_urlpatterns,
]
