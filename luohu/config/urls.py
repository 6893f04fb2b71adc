from django.contrib import admin
from django.urls import include, path

from luohu.config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("luohu.audit.urls")),
    path("security/", include("luohu.security.urls")),
    path("verify/", include("luohu.certificates.urls")),
    path("monitoring/", include("luohu.monitoring.urls")),
    path("public/", include("luohu.publicstats.urls")),
    path("", include("luohu.casework.urls")),
    path("", include("luohu.casework.citizen_urls")),
    path("", include("luohu.entitlements.urls")),
    path("", include("luohu.permits.urls")),
    path("", include("luohu.web.urls")),
]
