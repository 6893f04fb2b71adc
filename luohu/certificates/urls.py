from django.urls import path

from luohu.certificates import views

app_name = "certificates"

# Mounted at /verify/: the public page by token, and the signed-in download
# by number. A token is 32 URL-safe characters, so "pdf" never is one.
urlpatterns = [
    path("pdf/<str:number>/", views.certificate_pdf, name="pdf"),
    path("revoke/<str:number>/", views.certificate_revoke_view, name="revoke"),
    path("<str:token>/", views.certificate_verify, name="verify"),
]
