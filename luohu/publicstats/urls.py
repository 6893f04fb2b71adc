from django.urls import path

from luohu.publicstats import views

app_name = "publicstats"

# Mounted at /public/ (no sign-in; aggregates only). /progress/ is the
# citizen's own case progress, a different page.
urlpatterns = [
    path("progress/", views.progress, name="progress"),
    path("progress/<int:year>/bulletin.xlsx", views.bulletin_xlsx_download, name="bulletin_xlsx"),
    path("progress/<int:year>/bulletin.pdf", views.bulletin_pdf_download, name="bulletin_pdf"),
]
